"""Signing up (报名): the registration window, eligibility, item choices, and a place,
a place on the waitlist, or a refusal; moving the waitlist up when places free.

Every write that decides a place runs in write_transaction() with the event row
locked, so capacity, quotas and item limits hold under concurrent requests from
several processes (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE).
A partial unique index forbids a second active registration of one member.
"""
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.audit.service import record
from app.errors import DomainError
from app.events import eligibility
from app.events.models import Event
from app.events.service import event_day
from app.extensions import db
from app.org.models import Member
from app.org.scope import can_proxy_for
from app.timeutil import format_local, utcnow
from app.txn import lock, write_transaction

from .constants import ACTIVE_STATUSES
from .models import Registration, RegistrationItem
from .queries import active_registration, places_left, status_counts


def check_window(event, now):
    """Raise unless the event takes registrations at ``now``."""
    if event.status == "draft":
        raise DomainError("event_not_published")
    if event.status == "cancelled":
        raise DomainError("event_cancelled")
    if event.status == "closed":
        raise DomainError("registration_closed")
    if event.registration_opens_at and now < event.registration_opens_at:
        raise DomainError("registration_not_open", opens=format_local(event.registration_opens_at))
    closes = event.registration_closes_at or event.ends_at
    if closes and now >= closes:
        raise DomainError("registration_closed")


def ineligibility(event, member):
    """The first Chinese reason ``member`` may not register, or None."""
    found = eligibility.reasons(event.eligibility, member, event_day(event))
    return found[0] if found else None


def _item_counts(items, branch_id=None):
    """{item_id: active choices} for several items in one query (optionally one branch's)."""
    if not items:
        return {}
    query = (db.select(RegistrationItem.item_id, sa.func.count(RegistrationItem.id))
             .join(RegistrationItem.registration)
             .where(RegistrationItem.item_id.in_([item.id for item in items]),
                    RegistrationItem.active.is_(True), Registration.status.in_(ACTIVE_STATUSES))
             .group_by(RegistrationItem.item_id))
    if branch_id is not None:
        query = query.where(Registration.branch_id == branch_id)
    return dict(db.session.execute(query).all())


def _item_refusal(item, member, day, taken, branch_taken):
    """(code, params) why ``member`` cannot choose ``item`` now, or None."""
    spec = {"gender": item.gender, "min_age": item.min_age, "max_age": item.max_age}
    found = eligibility.reasons(eligibility.clean_spec(spec), member, day)
    if found:
        return "item_not_eligible", {"name": item.name, "reason": found[0]}
    if item.capacity is not None and taken.get(item.id, 0) >= item.capacity:
        return "item_full", {"name": item.name}
    # For a team item the quota counts teams per branch (checked in save_team), not people.
    if not item.is_team and item.branch_quota is not None \
            and branch_taken.get(item.id, 0) >= item.branch_quota:
        return "item_quota_full", {"name": item.name, "quota": item.branch_quota}
    return None


def _short_reason(refusal):
    """The reason shown beside an item (its name is already there)."""
    if refusal is None:
        return ""
    code, params = refusal
    if code == "item_not_eligible":
        return params["reason"]
    if code == "item_quota_full":
        return f"本支部名额（{params['quota']} 人）已满"
    return "名额已满"


def item_availability(event, member):
    """Each item of the event with its places left (None: unlimited) and, when ``member``
    cannot choose it, the Chinese reason; the same rules register() applies."""
    if not event.has_items or not event.items:
        return []
    taken = _item_counts(event.items)
    branch_taken = _item_counts(event.items, member.branch_id)
    day = event_day(event)
    out = []
    for item in event.items:
        refusal = _item_refusal(item, member, day, taken, branch_taken)
        left = None if item.capacity is None else max(0, item.capacity - taken.get(item.id, 0))
        out.append({"item": item, "left": left, "reason": _short_reason(refusal)})
    return out


def _check_items(event, member, item_ids):
    items = {item.id: item for item in event.items}
    if not event.has_items or not items:
        return []
    item_ids = list(dict.fromkeys(item_ids or []))  # keep order, drop repeats
    if not item_ids:
        raise DomainError("items_required", field="items")
    if any(item_id not in items for item_id in item_ids):
        raise DomainError("item_unknown", field="items")
    if event.item_limit and len(item_ids) > event.item_limit:
        raise DomainError("item_limit_exceeded", field="items", limit=event.item_limit,
                          count=len(item_ids))
    chosen = [items[item_id] for item_id in item_ids]
    taken = _item_counts(chosen)
    branch_taken = _item_counts(chosen, member.branch_id)
    day = event_day(event)
    for item in chosen:
        refusal = _item_refusal(item, member, day, taken, branch_taken)
        if refusal:
            raise DomainError(refusal[0], field="items", **refusal[1])
    return chosen


def _check_proxy(actor, member):
    if actor.id == member.id:
        return "self"
    if can_proxy_for(actor, member):
        return "proxy"
    raise DomainError("proxy_out_of_scope")


def register(actor, event_id, member_id=None, *, item_ids=(), now=None):
    """Register ``member_id`` (default: the actor) for an event; returns the Registration.

    Ordered checks: event visible, window open, member eligible, not yet registered,
    items valid (limit, eligibility, capacity, branch quota), then a place: confirmed
    (pending when approval is required), waitlisted when full, or refused when full
    without a waitlist.

    The lock on the event row serializes every registration for the event (all of them
    on SQLite), so the work under it is kept to what decides a place (issue 12, item 5:
    1,000 members at once): the checks that do not depend on other registrations run
    first, unlocked (a refusal costs no write lock), and the member and the event's
    sessions read then are kept, not read again under the lock. Under it: the event row
    (status, window, eligibility rule, capacity), the items' counts, the places taken,
    the insert and its audit row (``registration.place_in_line``: its place on the
    waitlist then, 1 = next; None unless waitlisted). A second active registration of the member is refused
    by the partial unique index (IntegrityError), the check before the lock being only
    the fast answer to a double tap.
    """
    member = db.session.get(Member, member_id or actor.id)
    if member is None or not member.active:
        raise DomainError("not_found")
    source = _check_proxy(actor, member)
    event = db.session.get(Event, event_id)
    if event is None or event.status == "draft":
        raise DomainError("event_not_found")
    check_window(event, now or utcnow())
    rule = event.eligibility
    reason = ineligibility(event, member)
    if reason:
        raise DomainError("not_eligible", reason=reason)
    existing = active_registration(event.id, member.id)
    if existing is not None:
        raise DomainError("already_registered", status=existing.status_label)
    if event.has_items:
        _check_items(event, member, item_ids)
    event.sessions  # noqa: B018 - loaded now (event_day, the window's end), kept under the lock
    actor_id, member_id, branch_id = actor.id, member.id, member.branch_id
    try:
        with write_transaction(keep_loaded=True):
            event = lock(Event, event_id, keep_loaded=True)
            # Taken under the lock, so the waitlist order is the order places were decided.
            now = now or utcnow()
            if event is None or event.status == "draft":
                raise DomainError("event_not_found")
            check_window(event, now)
            if event.eligibility != rule:  # changed a moment ago: check again
                reason = ineligibility(event, member)
                if reason:
                    raise DomainError("not_eligible", reason=reason)
            items = _check_items(event, member, item_ids) if event.has_items else []
            counts = status_counts([event.id])[event.id]
            left = places_left(event, counts)
            if left is None or left > 0:
                status = "pending" if event.approval_required else "confirmed"
            elif event.waitlist_enabled:
                status = "waitlisted"
            else:
                raise DomainError("event_full")
            registration = Registration(
                event_id=event.id, member_id=member_id, status=status, source=source,
                branch_id=branch_id, created_at=now,
                registered_by_id=actor_id if source == "proxy" else None)
            registration.items = [RegistrationItem(item=item, created_at=now) for item in items]
            db.session.add(registration)
            db.session.flush()
            record(actor, "registration.create", registration, event_id=event.id,
                   member_id=member_id, status=status, source=source,
                   items=[item.id for item in items])
    except IntegrityError:
        # Another request registered the same member a moment earlier.
        existing = active_registration(event_id, member_id)
        raise DomainError("already_registered",
                          status=existing.status_label if existing else "已报名") from None
    # Known under the lock, so the page need not count again: the last one waiting.
    registration.place_in_line = counts.get("waitlisted", 0) + 1 if status == "waitlisted" else None
    return registration


def promote_waitlist(event, now=None):
    """Move waitlisted registrations up, first come first served, while places are free.
    Runs inside the caller's write transaction; returns the promoted registrations."""
    if event.status == "cancelled":
        return []
    left = places_left(event)
    query = (db.select(Registration)
             .where(Registration.event_id == event.id, Registration.status == "waitlisted")
             .order_by(Registration.created_at, Registration.id))
    if left is not None:
        if left <= 0:
            return []
        query = query.limit(left)
    promoted = db.session.scalars(query).all()
    for registration in promoted:
        registration.status = "pending" if event.approval_required else "confirmed"
        registration.promoted_at = now or utcnow()
        record(None, "registration.promote", registration, event_id=event.id,
               member_id=registration.member_id)
    return promoted
