import sqlalchemy as sa

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow

from .constants import CHECKIN_KINDS, CHECKIN_METHODS, CHECKIN_RESULTS


def _in(column, values):
    return f"{column} in ({', '.join(repr(v) for v in values)})"


class Ticket(db.Model):
    """The ticket of a registration: a short random code shown as a QR of PUBLIC_BASE_URL/t/<code>."""

    __tablename__ = "ticket"

    id = db.Column(db.Integer, primary_key=True)
    registration_id = db.Column(db.Integer, db.ForeignKey("registration.id"), nullable=False,
                                unique=True)
    code = db.Column(db.String(16), nullable=False, unique=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    registration = db.relationship("Registration")


class Checkin(db.Model):
    """One scan or entry, successful or refused: never a boolean, never deleted."""

    __tablename__ = "checkin"

    id = db.Column(db.Integer, primary_key=True)
    session_id = db.Column(db.Integer, db.ForeignKey("event_session.id"), nullable=False)
    registration_id = db.Column(db.Integer, db.ForeignKey("registration.id"))
    kind = db.Column(db.String(10), nullable=False, default="entry")
    method = db.Column(db.String(20), nullable=False)
    at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    result = db.Column(db.String(10), nullable=False)  # ok / duplicate / refused
    code = db.Column(db.String(32))  # why refused or duplicate; null when ok
    late = db.Column(db.Boolean, nullable=False, default=False)
    operator_id = db.Column(db.Integer, db.ForeignKey("member.id"))
    scanner_link_id = db.Column(db.Integer, db.ForeignKey("scanner_link.id"))
    device = db.Column(db.String(120), nullable=False, default="")
    nonce = db.Column(db.String(64))
    reason = db.Column(db.String(200), nullable=False, default="")  # back-fill reason
    scanned = db.Column(db.String(200), nullable=False, default="")  # what was read, cut short

    session = db.relationship("EventSession")
    registration = db.relationship("Registration")
    operator = db.relationship("Member")

    __table_args__ = (
        sa.CheckConstraint(_in("kind", CHECKIN_KINDS), name="kind_valid"),
        sa.CheckConstraint(_in("method", CHECKIN_METHODS), name="method_valid"),
        sa.CheckConstraint(_in("result", CHECKIN_RESULTS), name="result_valid"),
        # A scanner that resends after a network drop gets the first answer back.
        sa.Index("uq_checkin_nonce", "nonce", unique=True,
                 sqlite_where=sa.text("nonce is not null"),
                 postgresql_where=sa.text("nonce is not null")),
        sa.Index("ix_checkin_session_result", "session_id", "kind", "result"),
        sa.Index("ix_checkin_registration", "registration_id", "session_id"),
        # Statistics: who came to which session in one pass, no sort (attendance.presence_rows).
        sa.Index("ix_checkin_session_registration", "session_id", "registration_id", "result",
                 "kind"),
    )

    @property
    def success(self):
        return self.result == "ok"


class ScannerLink(db.Model):
    """Lets a volunteer's phone scan for one event, without a staff account, until it
    expires or is revoked. Only a hash of the token is stored."""

    __tablename__ = "scanner_link"

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("event.id"), nullable=False, index=True)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    label = db.Column(db.String(100), nullable=False, default="")
    created_by_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = db.Column(UTCDateTime, nullable=False)
    revoked_at = db.Column(UTCDateTime)

    event = db.relationship("Event")
    created_by = db.relationship("Member")

    def is_valid(self, now):
        return self.revoked_at is None and now < self.expires_at


class WalkInGuest(db.Model):
    """列席来宾: someone not on the roster whom staff checked in at the door (name, unit,
    phone optional). One row per guest and session, never deleted. A guest has no
    registration and no branch, so no reader of registrations or check-ins meets one:
    guests are counted as 列席 only (attendance.guest_count), never in 应到, the rate or
    a branch's 参与人数."""

    __tablename__ = "walk_in_guest"

    id = db.Column(db.Integer, primary_key=True)
    session_id = db.Column(db.Integer, db.ForeignKey("event_session.id"), nullable=False,
                           index=True)
    name = db.Column(db.String(50), nullable=False)
    unit = db.Column(db.String(100), nullable=False)
    phone = db.Column(db.String(20), nullable=False, default="")
    at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    operator_id = db.Column(db.Integer, db.ForeignKey("member.id"))
    nonce = db.Column(db.String(64))

    session = db.relationship("EventSession")
    operator = db.relationship("Member")

    __table_args__ = (
        sa.Index("uq_walk_in_guest_nonce", "nonce", unique=True,
                 sqlite_where=sa.text("nonce is not null"),
                 postgresql_where=sa.text("nonce is not null")),
    )


class CheckinSignature(db.Model):
    """The signature a member drew at check-in (签名签到), kept with the successful entry
    row it signs: a small grey PNG (see checkin.signatures), printed in the 签到表's 签名
    column. One per check-in row; never deleted."""

    __tablename__ = "checkin_signature"

    id = db.Column(db.Integer, primary_key=True)
    checkin_id = db.Column(db.Integer, db.ForeignKey("checkin.id"), nullable=False, unique=True)
    image = db.Column(db.LargeBinary, nullable=False)
    width = db.Column(db.Integer, nullable=False)
    height = db.Column(db.Integer, nullable=False)
    signed_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("member.id"))  # who submitted it
    device = db.Column(db.String(120), nullable=False, default="")

    checkin = db.relationship("Checkin")
