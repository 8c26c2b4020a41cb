import sqlalchemy as sa

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow


class LoginSession(db.Model):
    """One login on one device: the session and remember cookies made at that login name
    it, and the user loader accepts them only while it has not ended. Logging out ends
    it on the server, so a cookie saved before stops working (issue 8, finding 5). Only a
    hash of its key is stored."""

    __tablename__ = "login_session"

    id = db.Column(db.Integer, primary_key=True)
    member_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False)
    key_hash = db.Column(db.String(64), nullable=False, unique=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    ended_at = db.Column(UTCDateTime)
    ip = db.Column(db.String(64))
    user_agent = db.Column(db.String(200), nullable=False, default="")

    __table_args__ = (sa.Index("ix_login_session_member", "member_id", "ended_at"),)
