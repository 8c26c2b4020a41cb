"""Invitations (指定参加): everyone a spec matches becomes a confirmed, invited registration
that counts as 应到 and takes no place: the capacity is for those who register themselves
(queries.PLACELESS_SOURCES). A secretary's list stays inside their own subtree.
"""
import sqlalchemy as sa

from app.audit.service import record
from app.errors import DomainError
from app.events import eligibility
from app.events.service import event_day
from app.extensions import db
from app.org.models import Branch, Member
from app.org.scope import can_see_branch, sees_all_branches
from app.timeutil import utcnow
from app.txn import write_transaction

from .constants import ACTIVE_STATUSES
from .event_changes import lock_managed_event
from .models import Registration
from .signup import promote_waitlist


def _scoped_spec(actor, spec):
    """A secretary's list stays inside their subtree: no branches given means their own."""
    if sees_all_branches(actor):
        return spec
    branch_ids = spec.get("branch_ids") or [actor.branch_id]
    branches = db.session.scalars(db.select(Branch).where(Branch.id.in_(branch_ids))).all()
    if len(branches) != len(set(branch_ids)) or not all(
            can_see_branch(actor, b) for b in branches):
        raise DomainError("forbidden")
    return {**spec, "branch_ids": sorted(set(branch_ids))}


def invitation_preview(event, spec, actor=None, sample_size=20):
    """What invite() would match: {"matched", "confirmed" (already), "sample" (members), "spec"}."""
    spec = eligibility.clean_spec(spec)
    if actor is not None:
        spec = _scoped_spec(actor, spec)
    query = eligibility.members_query(spec, event_day(event))
    matched = query.subquery()
    total = db.session.scalar(db.select(sa.func.count()).select_from(matched))
    confirmed = db.session.scalar(
        db.select(sa.func.count(Registration.id)).where(
            Registration.event_id == event.id, Registration.status == "confirmed",
            Registration.member_id.in_(db.select(matched.c.id))))
    sample = db.session.scalars(
        query.order_by(Branch.path, Member.id).limit(sample_size)).all()
    return {"matched": total, "confirmed": confirmed, "sample": sample, "spec": spec}


def invite(actor, event_id, spec, now=None):
    """Add everyone matching ``spec`` as invited, confirmed registrations (指定参加).

    Invited people count as expected (应到) and take no place, whatever the capacity;
    someone pending or waitlisted becomes confirmed, and a place a pending registration
    held goes to the waitlist. Returns counts.
    """
    now = now or utcnow()
    spec = _scoped_spec(actor, eligibility.clean_spec(spec))
    with write_transaction():
        event = lock_managed_event(actor, event_id)
        if event.status == "cancelled":
            raise DomainError("event_cancelled")
        members = db.session.scalars(eligibility.members_query(spec, event_day(event))).all()
        existing = {
            r.member_id: r for r in db.session.scalars(
                db.select(Registration).where(Registration.event_id == event.id,
                                              Registration.status.in_(ACTIVE_STATUSES)))
        }
        added = upgraded = 0
        created = []
        for member in members:
            registration = existing.get(member.id)
            if registration is None:
                registration = Registration(
                    event_id=event.id, member_id=member.id, status="confirmed", source="invited",
                    branch_id=member.branch_id, registered_by_id=actor.id, created_at=now)
                db.session.add(registration)
                created.append(registration)
                added += 1
            elif registration.status != "confirmed":
                old_status = registration.status
                registration.status, registration.source = "confirmed", "invited"
                record(actor, "registration.invite", registration, event_id=event.id,
                       member_id=member.id, status=[old_status, "confirmed"])
                upgraded += 1
        db.session.flush()
        promote_waitlist(event, now)  # pending people who became invited gave their place up
        for registration in created:  # one row per person, so each one's history is complete
            record(actor, "registration.invite", registration, event_id=event.id,
                   member_id=registration.member_id, status="confirmed")
        counts = {"matched": len(members), "added": added, "upgraded": upgraded,
                  "already": len(members) - added - upgraded}
        record(actor, "event.invite", event, spec=spec, **counts)
    return counts
