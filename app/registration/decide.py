"""Deciding on a registration: approve, reject, cancel (and who may cancel when). A place
freed by a rejection or a cancellation moves the waitlist up in the same transaction.
"""
import sqlalchemy as sa

from app.audit.service import record
from app.errors import DomainError
from app.events.models import Event
from app.events.service import can_manage
from app.extensions import db
from app.timeutil import utcnow
from app.txn import lock, write_transaction

from .models import Registration, TeamMember
from .rights import acts_for
from .signup import promote_waitlist


def _end(registration, status, now):
    registration.status = status
    for chosen in registration.items:
        chosen.active = False
    db.session.execute(
        sa.update(TeamMember).where(TeamMember.registration_id == registration.id)
        .values(active=False))
    if status == "cancelled":
        registration.cancelled_at = now


def locked_registration(registration_id):
    """The registration and its event, the event row locked for this write transaction."""
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise DomainError("not_found")
    event = lock(Event, registration.event_id)
    db.session.refresh(registration)
    return registration, event


def cancel_refusal(actor, registration, event, now):
    """Why ``actor`` may not cancel ``registration`` at ``now`` (a message code), or None.

    A member cancels their own registration until registration closes; 指定参加 is
    not theirs to drop (it counts as 应到; they ask for leave). Staff who manage the
    event, and the member's secretary, may cancel at any time.
    """
    # Staff rights are for other people's registrations: their own follow the member rules.
    staff = registration.member_id != actor.id and acts_for(actor, registration, event)
    if registration.member_id != actor.id and not staff:
        return "forbidden"
    if not registration.is_active:
        return "registration_not_active"
    if staff:
        return None
    if registration.source == "invited":
        return "cannot_cancel_invited"
    closes = event.registration_closes_at or event.starts_at
    if event.status != "published" or (closes and now >= closes):
        return "cannot_cancel_now"
    return None


def cancel(actor, registration_id, now=None):
    """Cancel a registration (see cancel_refusal for who may, when); frees the place."""
    now = now or utcnow()
    with write_transaction():
        registration, event = locked_registration(registration_id)
        refusal = cancel_refusal(actor, registration, event, now)
        if refusal:
            raise DomainError(refusal, status=registration.status_label)
        _end(registration, "cancelled", now)
        record(actor, "registration.cancel", registration, event_id=event.id,
               member_id=registration.member_id)
        promote_waitlist(event, now)
    return registration


def approve(actor, registration_id, now=None):
    with write_transaction():
        registration, event = locked_registration(registration_id)
        if not can_manage(actor, event):
            raise DomainError("forbidden")
        if registration.status != "pending":
            raise DomainError("registration_not_pending")
        registration.status = "confirmed"
        registration.decided_by_id = actor.id
        registration.decided_at = now or utcnow()
        record(actor, "registration.approve", registration, event_id=event.id,
               member_id=registration.member_id)
    return registration


def reject(actor, registration_id, reason, now=None):
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reject_reason_required", field="reason")
    now = now or utcnow()
    with write_transaction():
        registration, event = locked_registration(registration_id)
        if not can_manage(actor, event):
            raise DomainError("forbidden")
        if registration.status not in ("pending", "waitlisted"):
            raise DomainError("registration_not_pending")
        _end(registration, "rejected", now)
        registration.decided_by_id = actor.id
        registration.decided_at = now
        registration.decision_reason = reason[:200]
        record(actor, "registration.reject", registration, event_id=event.id,
               member_id=registration.member_id, reason=reason[:200])
        promote_waitlist(event, now)
    return registration
