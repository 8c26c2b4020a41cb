"""A member's request to correct the attendance of one session."""
from app.extensions import db
from app.timeutil import UTCDateTime, utcnow

STATUSES = {"pending": "待处理", "accepted": "已通过", "declined": "未通过", "withdrawn": "已撤回"}


class Correction(db.Model):
    """Asked by the member of ``registration`` for ``session``; an accepted one points at
    the back-fill check-in it became (``checkin_id``). Never deleted: it changes status."""

    __tablename__ = "correction"

    id = db.Column(db.Integer, primary_key=True)
    registration_id = db.Column(db.Integer, db.ForeignKey("registration.id"), nullable=False)
    session_id = db.Column(db.Integer, db.ForeignKey("event_session.id"), nullable=False)
    member_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False, index=True)
    note = db.Column(db.String(500), nullable=False)
    status = db.Column(db.String(20), nullable=False, default="pending")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    decided_by_id = db.Column(db.Integer, db.ForeignKey("member.id"))
    decided_at = db.Column(UTCDateTime)
    decision_note = db.Column(db.String(500), nullable=False, default="")
    checkin_id = db.Column(db.Integer, db.ForeignKey("checkin.id"))

    registration = db.relationship("Registration")
    session = db.relationship("EventSession")
    member = db.relationship("Member", foreign_keys=[member_id])
    decided_by = db.relationship("Member", foreign_keys=[decided_by_id])

    __table_args__ = (
        db.CheckConstraint("status in ('pending', 'accepted', 'declined', 'withdrawn')",
                           name="status_valid"),
        db.Index("ix_correction_session", "session_id", "status"),
        db.Index("ix_correction_registration", "registration_id", "session_id"),
    )

    @property
    def status_label(self):
        return STATUSES.get(self.status, self.status)
