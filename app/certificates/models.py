"""Certificates and what they need: the serial counters, the wording per event and kind,
uploaded seals, batch print jobs and the daily count of verification look-ups."""
import sqlalchemy as sa

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow

from .constants import KIND_LABELS, KINDS


def _in(column, values):
    return f"{column} in ({', '.join(repr(v) for v in values)})"


class Certificate(db.Model):
    """One issued certificate. Never deleted: a revocation keeps the row with its reason.

    ``snapshot`` is what was printed (name, branch, event, dates, hours, award, the body
    text, issuer, date, seal): printing it again reads the snapshot, never live data.
    ``subject`` says whom and what it is for (``r<registration>`` for completion and
    participation, ``i<item>:m<member>`` for an award); one valid certificate per subject,
    so issuing twice issues nothing new, and a revoked one may be issued again."""

    __tablename__ = "certificate"

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("event.id"), nullable=False)
    kind = db.Column(db.String(20), nullable=False)
    member_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False, index=True)
    registration_id = db.Column(db.Integer, db.ForeignKey("registration.id"))
    item_id = db.Column(db.Integer, db.ForeignKey("event_item.id"))
    subject = db.Column(db.String(40), nullable=False)
    serial = db.Column(db.String(40), nullable=False, unique=True)
    year = db.Column(db.Integer, nullable=False)
    sequence = db.Column(db.Integer, nullable=False)
    code = db.Column(db.String(16), nullable=False, unique=True)
    seal_id = db.Column(db.Integer, db.ForeignKey("certificate_seal.id"))
    snapshot = db.Column(sa.JSON, nullable=False)
    issued_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    issued_by_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False)
    revoked_at = db.Column(UTCDateTime)
    revoked_by_id = db.Column(db.Integer, db.ForeignKey("member.id"))
    revoke_reason = db.Column(db.String(200), nullable=False, default="")
    verify_count = db.Column(db.Integer, nullable=False, default=0)
    last_verified_at = db.Column(UTCDateTime)

    event = db.relationship("Event")
    member = db.relationship("Member", foreign_keys=[member_id])
    issued_by = db.relationship("Member", foreign_keys=[issued_by_id])
    revoked_by = db.relationship("Member", foreign_keys=[revoked_by_id])

    __table_args__ = (
        sa.CheckConstraint(_in("kind", KINDS), name="kind_valid"),
        # One valid certificate per subject; revoked ones stay beside it.
        sa.Index("uq_certificate_valid_subject", "event_id", "kind", "subject", unique=True,
                 sqlite_where=sa.text("revoked_at is null"),
                 postgresql_where=sa.text("revoked_at is null")),
        sa.Index("ix_certificate_event_kind", "event_id", "kind", "id"),
    )

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def valid(self):
        return self.revoked_at is None


class CertificateCounter(db.Model):
    """The last sequence number used per (year, kind, event); locked while issuing."""

    __tablename__ = "certificate_counter"

    id = db.Column(db.Integer, primary_key=True)
    year = db.Column(db.Integer, nullable=False)
    kind = db.Column(db.String(20), nullable=False)
    event_id = db.Column(db.Integer, db.ForeignKey("event.id"), nullable=False)
    last = db.Column(db.Integer, nullable=False, default=0)

    __table_args__ = (sa.UniqueConstraint("year", "kind", "event_id", name="uq_certificate_counter_key"),)


class CertificateTemplate(db.Model):
    """The organizer's wording of one kind of certificate for one event (the defaults in
    constants.py apply where there is no row)."""

    __tablename__ = "certificate_template"

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("event.id"), nullable=False)
    kind = db.Column(db.String(20), nullable=False)
    title = db.Column(db.String(40), nullable=False)
    body = db.Column(db.Text, nullable=False)
    issuer = db.Column(db.String(100), nullable=False)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("event_id", "kind", name="uq_certificate_template_event_kind"),
        sa.CheckConstraint(_in("kind", KINDS), name="kind_valid"),
    )


class CertificateSeal(db.Model):
    """An uploaded seal or signature (PNG) for an event's certificates. The newest one not
    removed is current; certificates keep the one they were issued with."""

    __tablename__ = "certificate_seal"

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("event.id"), nullable=False, index=True)
    data = db.Column(db.LargeBinary, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)
    width = db.Column(db.Integer, nullable=False)
    height = db.Column(db.Integer, nullable=False)
    uploaded_by_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False)
    uploaded_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    removed_at = db.Column(UTCDateTime)


class CertificateJob(db.Model):
    """A batch PDF of an event's certificates: the request that streams it counts its pages
    here, so a progress page served by any process can read how far it got."""

    __tablename__ = "certificate_job"

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("event.id"), nullable=False, index=True)
    kind = db.Column(db.String(20))  # None: every kind
    status = db.Column(db.String(10), nullable=False, default="waiting")
    total = db.Column(db.Integer, nullable=False, default=0)
    done = db.Column(db.Integer, nullable=False, default=0)
    created_by_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    started_at = db.Column(UTCDateTime)
    finished_at = db.Column(UTCDateTime)

    event = db.relationship("Event")

    __table_args__ = (
        sa.CheckConstraint(_in("status", ("waiting", "running", "done", "failed")),
                           name="status_valid"),
    )


class VerificationDay(db.Model):
    """Look-ups of the public verification page per day (local date): found and not."""

    __tablename__ = "certificate_verification_day"

    day = db.Column(db.Date, primary_key=True)
    found = db.Column(db.Integer, nullable=False, default=0)
    unknown = db.Column(db.Integer, nullable=False, default=0)
