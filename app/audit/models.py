import sqlalchemy as sa

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    actor_id = db.Column(db.Integer, db.ForeignKey("member.id"), index=True)
    action = db.Column(db.String(64), nullable=False, index=True)
    target_type = db.Column(db.String(32))
    target_id = db.Column(db.Integer)
    details = db.Column(sa.JSON, nullable=False, default=dict)
    ip = db.Column(db.String(64))

    actor = db.relationship("Member", foreign_keys=[actor_id])

    __table_args__ = (sa.Index("ix_audit_log_target", "target_type", "target_id"),)
