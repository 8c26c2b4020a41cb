"""Reads: an event's certificates for its organizers, one certificate, a member's own."""
import sqlalchemy as sa

from app.errors import DomainError
from app.extensions import db

from .issuing import managed_row
from .models import Certificate


def revoked_certificates(event_id, kind):
    """The revoked certificates of one kind of an event, newest revocation first."""
    return db.session.scalars(
        sa.select(Certificate).where(Certificate.event_id == event_id, Certificate.kind == kind,
                                     Certificate.revoked_at.is_not(None))
        .order_by(Certificate.revoked_at.desc(), Certificate.id.desc())).all()


def counts_by_kind(event_id):
    """{kind: valid certificates} of an event."""
    return dict(db.session.execute(
        sa.select(Certificate.kind, sa.func.count(Certificate.id))
        .where(Certificate.event_id == event_id, Certificate.revoked_at.is_(None))
        .group_by(Certificate.kind)).all())


def managed_certificate(actor, certificate_id):
    """A certificate of an event ``actor`` may manage."""
    return managed_row(actor, Certificate, certificate_id)


def my_certificates(member):
    """The member's certificates, valid and revoked, newest first."""
    return db.session.scalars(
        sa.select(Certificate).where(Certificate.member_id == member.id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())).all()


def my_certificate(member, certificate_id):
    """One of the member's own certificates (anyone else's is not found)."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.member_id != member.id:
        raise DomainError("not_found")
    return certificate
