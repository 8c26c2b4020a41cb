"""Registration reads: places taken, counts, the registrant lists and their filters, leave
requests awaiting a decision, teams, and a member's own registrations (我的活动, the home
page). Nothing here writes; the writers are signup, decide, leave_requests, team_entries,
invitations and event_changes.
"""
from datetime import timedelta

import sqlalchemy as sa

from app.events.models import Event, EventSession
from app.extensions import db
from app.org.models import Branch
from app.timeutil import utcnow

from .constants import ACTIVE_STATUSES, HOLDING_STATUSES, REGISTRATION_STATUSES
from .models import Leave, Registration, RegistrationItem, Team, TeamMember

# ----------------------------------------------------------------- counts

# Registrations outside the capacity: 指定参加 (invited people are added whatever the
# capacity, as the invitation page says) and 列席 walk-ins. The capacity is the places
# open to people who register themselves or are registered by their secretary.
PLACELESS_SOURCES = ("invited", "walk_in")


def holding_count(event_id):
    """Places taken: pending and confirmed registrations that take a place (self and
    proxy; invited people and walk-ins take none)."""
    return db.session.scalar(
        db.select(sa.func.count(Registration.id)).where(
            Registration.event_id == event_id, Registration.status.in_(HOLDING_STATUSES),
            Registration.source.not_in(PLACELESS_SOURCES))
    )


def status_counts(event_ids):
    """{event_id: {status: count}} for many events in one query; 列席 walk-ins are
    counted apart under "walk_in"; "invited" is how many of the pending and confirmed
    ones are 指定参加 (counted under their status too)."""
    out = {event_id: {} for event_id in event_ids}
    if not event_ids:
        return out
    rows = db.session.execute(
        db.select(Registration.event_id, Registration.status, Registration.source,
                  sa.func.count(Registration.id))
        .where(Registration.event_id.in_(event_ids))
        .group_by(Registration.event_id, Registration.status, Registration.source)
    )
    for event_id, status, source, count in rows:
        key = "walk_in" if source == "walk_in" else status
        out[event_id][key] = out[event_id].get(key, 0) + count
        if source == "invited" and status in HOLDING_STATUSES:
            out[event_id]["invited"] = out[event_id].get("invited", 0) + count
    return out


def places_left(event, counts=None):
    """None when unlimited, else capacity minus places taken (never below 0): invited
    people and walk-ins take no place."""
    if event.capacity is None:
        return None
    counts = counts if counts is not None else status_counts([event.id])[event.id]
    taken = sum(counts.get(status, 0) for status in HOLDING_STATUSES) - counts.get("invited", 0)
    return max(0, event.capacity - taken)


def session_in_use(session_id):
    return db.session.scalar(
        db.select(sa.func.count(Leave.id)).where(Leave.session_id == session_id)) > 0


def item_in_use(item_id):
    """Chosen in any registration, cancelled ones included: their history keeps the item."""
    return db.session.scalar(
        db.select(RegistrationItem.id).where(RegistrationItem.item_id == item_id).limit(1)
    ) is not None


def active_registration(event_id, member_id):
    return db.session.scalar(
        db.select(Registration).where(
            Registration.event_id == event_id, Registration.member_id == member_id,
            Registration.status.in_(ACTIVE_STATUSES))
    )


def waitlist_position(registration):
    return waitlist_positions([registration]).get(registration.id)


def waitlist_positions(registrations):
    """{registration_id: place on the waitlist (1 = next)} of the waitlisted ones among
    ``registrations``, in one query: first come (created_at, then id), first served."""
    ids = [r.id for r in registrations if r.status == "waitlisted"]
    if not ids:
        return {}
    ahead = sa.orm.aliased(Registration)
    rows = db.session.execute(
        db.select(Registration.id, sa.func.count(ahead.id))
        .outerjoin(ahead, sa.and_(
            ahead.event_id == Registration.event_id, ahead.status == "waitlisted",
            sa.or_(ahead.created_at < Registration.created_at,
                   sa.and_(ahead.created_at == Registration.created_at,
                           ahead.id < Registration.id))))
        .where(Registration.id.in_(ids))
        .group_by(Registration.id)
    ).all()
    return {registration_id: count + 1 for registration_id, count in rows}


# ------------------------------------------------------------ staff lists

def by_date(query, now=None):
    """``query`` (a select of Event) in date order: events to come or under way first,
    the soonest first; then those that have ended, the latest first (报名管理)."""
    now = now or utcnow()
    dates = (sa.select(EventSession.event_id, sa.func.min(EventSession.starts_at).label("starts"),
                       sa.func.max(EventSession.ends_at).label("ends"))
             .group_by(EventSession.event_id).subquery("dates"))
    ended = sa.and_(dates.c.ends.is_not(None), dates.c.ends <= now)
    return (query.outerjoin(dates, dates.c.event_id == Event.id)
            .order_by(sa.case((ended, 1), else_=0),
                      sa.case((dates.c.starts.is_(None), 1), else_=0),
                      sa.case((ended, None), else_=dates.c.starts).asc(),
                      sa.case((ended, dates.c.starts), else_=None).desc(),
                      Event.id.desc()))


def _registrant_filters(query, event_id, branch_id=None, item_id=None, scope_branch=None):
    """Filters shared by the registrant list and its counts (the query joins Branch)."""
    query = query.where(Registration.event_id == event_id)
    if scope_branch is not None:
        query = query.where(scope_branch.subtree_filter())
    if branch_id:
        branch = db.session.get(Branch, branch_id)
        if branch is not None:
            query = query.where(branch.subtree_filter())
    if item_id:
        query = query.where(Registration.id.in_(
            db.select(RegistrationItem.registration_id).where(
                RegistrationItem.item_id == item_id, RegistrationItem.active.is_(True))))
    return query


def registrants(event_id, status=None, branch_id=None, item_id=None, scope_branch=None):
    """A select of an event's registrations with member and branch, filtered."""
    query = (db.select(Registration).join(Registration.member).join(Registration.branch)
             .options(sa.orm.contains_eager(Registration.member),
                      sa.orm.contains_eager(Registration.branch),
                      sa.orm.selectinload(Registration.items)))
    query = _registrant_filters(query, event_id, branch_id, item_id, scope_branch)
    if status in REGISTRATION_STATUSES:
        query = query.where(Registration.status == status)
    return query.order_by(Branch.path, Registration.created_at, Registration.id)


def scoped_status_counts(event_id, scope_branch, branch_id=None, item_id=None):
    """{status: count} of the registrations registrants() would list, whatever the status."""
    query = (db.select(Registration.status, sa.func.count(Registration.id))
             .join(Registration.branch).group_by(Registration.status))
    query = _registrant_filters(query, event_id, branch_id, item_id, scope_branch)
    return dict(db.session.execute(query).all())


def active_registrations(event_id, member_ids):
    """{member_id: active Registration} for these members in one event."""
    if not member_ids:
        return {}
    rows = db.session.scalars(db.select(Registration).where(
        Registration.event_id == event_id, Registration.member_id.in_(member_ids),
        Registration.status.in_(ACTIVE_STATUSES)))
    return {r.member_id: r for r in rows}


def pending_counts(event_ids, scope_branch):
    """{event_id: registrations awaiting approval} within the scope."""
    if not event_ids:
        return {}
    query = (db.select(Registration.event_id, sa.func.count(Registration.id))
             .join(Registration.branch)
             .where(Registration.event_id.in_(event_ids), Registration.status == "pending")
             .group_by(Registration.event_id))
    if scope_branch is not None:
        query = query.where(scope_branch.subtree_filter())
    return dict(db.session.execute(query).all())


def _leave_scope(query, scope_branch):
    query = query.join(Leave.registration).join(Registration.branch)
    return query.where(scope_branch.subtree_filter()) if scope_branch is not None else query


def pending_leave_counts(event_ids, scope_branch):
    """{event_id: leave requests awaiting a decision} within the scope."""
    if not event_ids:
        return {}
    query = _leave_scope(db.select(Registration.event_id, sa.func.count(Leave.id)), scope_branch)
    query = query.where(Leave.status == "pending", Registration.event_id.in_(event_ids))
    return dict(db.session.execute(query.group_by(Registration.event_id)).all())


def pending_leave_total(scope_branch):
    query = _leave_scope(db.select(sa.func.count(Leave.id)).select_from(Leave), scope_branch)
    return db.session.scalar(query.where(Leave.status == "pending"))


def leaves_for(scope_branch, pending, limit=300):
    """Leave requests a scope may decide (can_decide_leave's rule as a query): pending
    ones oldest first, or decided ones newest first."""
    query = _leave_scope(db.select(Leave), scope_branch).options(
        sa.orm.contains_eager(Leave.registration).contains_eager(Registration.branch),
        sa.orm.contains_eager(Leave.registration).selectinload(Registration.member),
        sa.orm.contains_eager(Leave.registration).selectinload(Registration.event),
        sa.orm.selectinload(Leave.session),
        sa.orm.selectinload(Leave.decided_by))
    if pending:
        query = query.where(Leave.status == "pending").order_by(Leave.created_at, Leave.id)
    else:
        query = query.where(Leave.status != "pending").order_by(
            Leave.decided_at.desc(), Leave.id.desc())
    return db.session.scalars(query.limit(limit)).all()


def team_candidates(event, item, branch):
    """Confirmed registrations of ``branch``'s subtree that chose the team item."""
    return db.session.scalars(
        registrants(event.id, status="confirmed", item_id=item.id, scope_branch=branch)).all()


def teams_of(item, scope_branch):
    """Active teams of a team item with their active members, within the scope."""
    query = (db.select(Team).join(Team.branch)
             .where(Team.item_id == item.id, Team.active.is_(True))
             .options(sa.orm.contains_eager(Team.branch),
                      sa.orm.selectinload(Team.members).selectinload(TeamMember.registration)
                      .selectinload(Registration.member))
             .order_by(Branch.path, Team.id))
    if scope_branch is not None:
        query = query.where(scope_branch.subtree_filter())
    return db.session.scalars(query).all()


# ---------------------------------------------------------- a member's own

def my_registrations(member):
    """The member's registrations, newest event first, with events, sessions and items loaded."""
    return db.session.scalars(
        db.select(Registration).where(Registration.member_id == member.id)
        .options(sa.orm.selectinload(Registration.event).selectinload(Event.sessions),
                 sa.orm.selectinload(Registration.items).selectinload(RegistrationItem.item),
                 sa.orm.selectinload(Registration.leaves))
        .order_by(Registration.created_at.desc(), Registration.id.desc())
    ).all()


def latest_per_event(registrations):
    """One registration per event: the active one, else the newest (cancelled, rejected)."""
    out = {}
    for registration in sorted(registrations, key=lambda r: (r.created_at, r.id)):
        current = out.get(registration.event_id)
        if current is None or registration.is_active or not current.is_active:
            out[registration.event_id] = registration
    return out


def my_registration(event_id, member_id):
    """The member's registration shown on an event's page (see latest_per_event), or None."""
    rows = db.session.scalars(
        db.select(Registration).where(Registration.event_id == event_id,
                                      Registration.member_id == member_id)
        .options(sa.orm.selectinload(Registration.items), sa.orm.selectinload(Registration.leaves))
    ).all()
    return latest_per_event(rows).get(event_id)


def my_registrations_in(member_id, event_ids):
    """{event_id: the member's registration shown for it} for a list of events, in one query."""
    if not event_ids:
        return {}
    return latest_per_event(db.session.scalars(
        db.select(Registration).where(Registration.member_id == member_id,
                                      Registration.event_id.in_(event_ids))).all())


def home_activities(member, now=None, promoted_days=7):
    """The 「我的活动」 block of the home page: what is coming, and news since last time.

    upcoming: active registrations of events not over yet (soonest first);
    promoted: moved up from the waitlist in the last ``promoted_days`` days;
    cancelled: events cancelled by the organizer that the member had registered for.
    """
    now = now or utcnow()
    registrations = my_registrations(member)
    latest = latest_per_event(registrations).values()
    upcoming, promoted, cancelled = [], [], []
    for registration in latest:
        event = registration.event
        ends = event.ends_at
        if event.status == "draft" or (ends is not None and ends < now):
            continue
        if event.status == "cancelled":
            if registration.status in ACTIVE_STATUSES:
                cancelled.append(registration)
            continue
        if not registration.is_active:
            continue
        upcoming.append(registration)
        if registration.promoted_at and registration.promoted_at >= now - timedelta(days=promoted_days):
            promoted.append(registration)
    upcoming.sort(key=lambda r: (r.event.starts_at or now, r.id))
    positions = waitlist_positions(upcoming)
    return {"upcoming": upcoming, "promoted": promoted, "cancelled": cancelled,
            "positions": positions}
