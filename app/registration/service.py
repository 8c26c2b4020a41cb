"""Registration rules: register, cancel, waitlist, approval, leave, invitations, teams.

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
from app.events.models import Event, EventItem, EventSession
from app.events.service import apply_changes, can_manage, check_scope, event_day
from app.extensions import db
from app.org.models import Branch, Member
from app.org.scope import can_see_member
from app.timeutil import format_local, utcnow
from app.txn import lock, write_transaction

from .constants import ACTIVE_STATUSES, HOLDING_STATUSES, REGISTRATION_STATUSES
from .models import Leave, Registration, RegistrationItem, Team, TeamMember

# ----------------------------------------------------------------- counts

def holding_count(event_id):
    """Places taken: pending and confirmed registrations (invited included; 列席
    walk-ins take no place)."""
    return db.session.scalar(
        db.select(sa.func.count(Registration.id)).where(
            Registration.event_id == event_id, Registration.status.in_(HOLDING_STATUSES),
            Registration.source != "walk_in")
    )


def status_counts(event_ids):
    """{event_id: {status: count}} for many events in one query; 列席 walk-ins are
    counted apart under "walk_in"."""
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
    return out


def places_left(event, counts=None):
    """None when unlimited, else capacity minus places taken (never below 0)."""
    if event.capacity is None:
        return None
    counts = counts if counts is not None else status_counts([event.id])[event.id]
    taken = sum(counts.get(status, 0) for status in HOLDING_STATUSES)
    return max(0, event.capacity - taken)


def _item_count(item_id, branch_id=None):
    query = (
        db.select(sa.func.count(RegistrationItem.id))
        .join(RegistrationItem.registration)
        .where(RegistrationItem.item_id == item_id, RegistrationItem.active.is_(True),
               Registration.status.in_(ACTIVE_STATUSES))
    )
    if branch_id is not None:
        query = query.where(Registration.branch_id == branch_id)
    return db.session.scalar(query)


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


def latest_per_event(registrations):
    """One registration per event: the active one, else the newest (cancelled, rejected)."""
    out = {}
    for registration in sorted(registrations, key=lambda r: (r.created_at, r.id)):
        current = out.get(registration.event_id)
        if current is None or registration.is_active or not current.is_active:
            out[registration.event_id] = registration
    return out


# ----------------------------------------------------------- registering

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
    if actor.role in ("organizer", "admin") or (
            actor.role == "secretary" and can_see_member(actor, member)):
        return "proxy"
    raise DomainError("proxy_out_of_scope")


def register(actor, event_id, member_id=None, *, item_ids=(), now=None):
    """Register ``member_id`` (default: the actor) for an event; returns the Registration.

    Ordered checks: event visible, window open, member eligible, not yet registered,
    items valid (limit, eligibility, capacity, branch quota), then a place: confirmed
    (pending when approval is required), waitlisted when full, or refused when full
    without a waitlist.
    """
    member = db.session.get(Member, member_id or actor.id)
    if member is None or not member.active:
        raise DomainError("not_found")
    source = _check_proxy(actor, member)
    try:
        with write_transaction():
            event = lock(Event, event_id)
            # Taken under the lock, so the waitlist order is the order places were decided.
            now = now or utcnow()
            if event is None or event.status == "draft":
                raise DomainError("event_not_found")
            check_window(event, now)
            reason = ineligibility(event, member)
            if reason:
                raise DomainError("not_eligible", reason=reason)
            existing = active_registration(event.id, member.id)
            if existing is not None:
                raise DomainError("already_registered", status=existing.status_label)
            items = _check_items(event, member, item_ids)
            left = places_left(event)
            if left is None or left > 0:
                status = "pending" if event.approval_required else "confirmed"
            elif event.waitlist_enabled:
                status = "waitlisted"
            else:
                raise DomainError("event_full")
            registration = Registration(
                event=event, member=member, status=status, source=source,
                branch_id=member.branch_id, created_at=now,
                registered_by_id=actor.id if source == "proxy" else None)
            registration.items = [RegistrationItem(item=item, created_at=now) for item in items]
            db.session.add(registration)
            db.session.flush()
            record(actor, "registration.create", registration, event_id=event.id,
                   member_id=member.id, status=status, source=source,
                   items=[item.id for item in items])
    except IntegrityError:
        # Another request registered the same member a moment earlier.
        existing = active_registration(event_id, member.id)
        raise DomainError("already_registered",
                          status=existing.status_label if existing else "已报名") from None
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


def _end(registration, status, now):
    registration.status = status
    for chosen in registration.items:
        chosen.active = False
    db.session.execute(
        sa.update(TeamMember).where(TeamMember.registration_id == registration.id)
        .values(active=False))
    if status == "cancelled":
        registration.cancelled_at = now


def _locked_registration(registration_id):
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
    staff = registration.member_id != actor.id and (
        can_manage(actor, event) or _secretary_of(actor, registration))
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
        registration, event = _locked_registration(registration_id)
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
        registration, event = _locked_registration(registration_id)
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
        registration, event = _locked_registration(registration_id)
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


# -------------------------------------------------------------- editing

def _lock_managed_event(actor, event_id):
    """The event, locked for this write transaction, if ``actor`` manages it."""
    event = lock(Event, event_id)
    if event is None:
        raise DomainError("event_not_found")
    if not can_manage(actor, event):
        raise DomainError("forbidden")
    return event


def edit_event(actor, event_id, data, sessions, items=(), spec=None):
    """Edit an event keeping its registrations (see events.service.apply_changes).

    Refuses a capacity below the places already taken (with the numbers) and the
    removal of sessions or items that registrations or leaves use; a raised
    capacity moves people up from the waitlist.
    """
    if "organizer_branch_id" in data:
        check_scope(actor, data["organizer_branch_id"])
    with write_transaction():
        event = _lock_managed_event(actor, event_id)
        changes, removed = apply_changes(event, data, sessions, items, spec)  # validates first
        taken = holding_count(event.id)
        if event.capacity is not None and event.capacity < taken:
            raise DomainError("capacity_below_confirmed", field="capacity", confirmed=taken,
                              capacity=event.capacity)
        for row in removed:
            if isinstance(row, EventSession):
                if session_in_use(row.id):
                    raise DomainError("session_has_records", field="sessions",
                                      title=row.title or format_local(row.starts_at))
                event.sessions.remove(row)
            else:
                if item_in_use(row.id):
                    raise DomainError("item_has_registrations", field="items", name=row.name)
                event.items.remove(row)
        try:
            db.session.flush()
        except IntegrityError:
            # a removed session or item is still referenced (check-ins, history)
            raise DomainError("rows_in_use") from None
        promoted = promote_waitlist(event)
        record(actor, "event.update", event, changes=changes, removed=len(removed),
               promoted=len(promoted))
    return event


# ----------------------------------------------------------- invitations

def _scoped_spec(actor, spec):
    """A secretary's list stays inside their subtree: no branches given means their own."""
    if actor.role != "secretary":
        return spec
    branch_ids = spec.get("branch_ids") or [actor.branch_id]
    branches = db.session.scalars(db.select(Branch).where(Branch.id.in_(branch_ids))).all()
    if len(branches) != len(set(branch_ids)) or not all(
            b.is_in_subtree_of(actor.branch) for b in branches):
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

    Invited people count as expected (应到) and take places regardless of the
    capacity; someone pending or waitlisted becomes confirmed. Returns counts.
    """
    now = now or utcnow()
    spec = _scoped_spec(actor, eligibility.clean_spec(spec))
    with write_transaction():
        event = _lock_managed_event(actor, event_id)
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
        for registration in created:  # one row per person, so each one's history is complete
            record(actor, "registration.invite", registration, event_id=event.id,
                   member_id=registration.member_id, status="confirmed")
        counts = {"matched": len(members), "added": added, "upgraded": upgraded,
                  "already": len(members) - added - upgraded}
        record(actor, "event.invite", event, spec=spec, **counts)
    return counts


# ------------------------------------------------------------------ leave

def request_leave(actor, registration_id, session_id, reason, now=None):
    """Ask for leave for one session (session_id) or all sessions (None)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("leave_reason_required", field="reason")
    with write_transaction():
        registration, event = _locked_registration(registration_id)
        if registration.member_id != actor.id and not (
                can_manage(actor, event) or _secretary_of(actor, registration)):
            raise DomainError("forbidden")
        if event.status == "cancelled":
            raise DomainError("event_cancelled")
        if registration.status != "confirmed":
            raise DomainError("leave_not_allowed")
        if session_id is not None and session_id not in {s.id for s in event.sessions}:
            raise DomainError("leave_session_unknown", field="session_id")
        for leave in registration.leaves:
            if leave.status != "rejected" and (leave.session_id is None or session_id is None
                                               or leave.session_id == session_id):
                raise DomainError("leave_duplicate", field="session_id")
        leave = Leave(registration=registration, session_id=session_id, reason=reason[:200],
                      requested_by_id=actor.id, created_at=now or utcnow())
        db.session.add(leave)
        db.session.flush()
        record(actor, "leave.request", leave, event_id=event.id,
               member_id=registration.member_id, session_id=session_id)
    return leave


def _secretary_of(actor, registration):
    """A secretary acts for registrations made in their subtree (by the branch kept on
    the registration, like every list and statistic, not the member's branch today)."""
    return actor.role == "secretary" and registration.branch.is_in_subtree_of(actor.branch)


def can_decide_leave(actor, leave):
    registration = leave.registration
    if can_manage(actor, registration.event) and actor.role != "secretary":
        return True
    return _secretary_of(actor, registration)


def decide_leave(actor, leave_id, approved, note="", now=None):
    with write_transaction():
        leave = db.session.get(Leave, leave_id)
        if leave is None:
            raise DomainError("not_found")
        if not can_decide_leave(actor, leave):
            raise DomainError("forbidden")
        if leave.status != "pending":
            raise DomainError("leave_not_pending")
        leave.status = "approved" if approved else "rejected"
        leave.decided_by_id = actor.id
        leave.decided_at = now or utcnow()
        leave.decision_note = (note or "").strip()[:200]
        record(actor, "leave.approve" if approved else "leave.reject", leave,
               registration_id=leave.registration_id, note=leave.decision_note)
    return leave


# ------------------------------------------------------------------ teams

def save_team(actor, item_id, branch_id, name, registration_ids, team_id=None):
    """Create or change a branch's team for a team item, within its size limits."""
    registration_ids = list(dict.fromkeys(registration_ids))
    with write_transaction():
        item = db.session.get(EventItem, item_id)
        if item is None:
            raise DomainError("not_found")
        event = lock(Event, item.event_id)
        branch = db.session.get(Branch, branch_id)
        if branch is None:
            raise DomainError("not_found")
        if not (can_manage(actor, event) and actor.role != "secretary") and not (
                actor.role == "secretary" and branch.is_in_subtree_of(actor.branch)):
            raise DomainError("forbidden")
        if not item.is_team:
            raise DomainError("item_not_team", name=item.name)
        low, high = item.team_min or 1, item.team_max or len(registration_ids) or 1
        if not low <= len(registration_ids) <= high:
            raise DomainError("team_size", field="members", name=item.name, min=low, max=high,
                              count=len(registration_ids))
        team = db.session.get(Team, team_id) if team_id else None
        if team_id and (team is None or team.item_id != item.id):
            raise DomainError("not_found")
        if team is not None and team.branch_id != branch.id:
            raise DomainError("forbidden")  # another branch's team
        registrations = db.session.scalars(
            db.select(Registration).where(Registration.id.in_(registration_ids))).all()
        for registration in registrations:
            name_ = registration.member.name
            chosen = {ri.item_id for ri in registration.active_items}
            if registration.event_id != event.id or registration.status != "confirmed" \
                    or item.id not in chosen:
                raise DomainError("team_member_not_registered", field="members", name=name_,
                                  item=item.name)
            if not registration.branch.is_in_subtree_of(branch):
                raise DomainError("team_member_other_branch", field="members", name=name_)
            taken = db.session.scalar(
                db.select(TeamMember.id).join(TeamMember.team).where(
                    TeamMember.registration_id == registration.id, TeamMember.active.is_(True),
                    Team.item_id == item.id, Team.active.is_(True),
                    Team.id != (team.id if team else -1)))
            if taken:
                raise DomainError("team_member_taken", field="members", name=name_, item=item.name)
        if len(registrations) != len(registration_ids):
            raise DomainError("not_found")
        if team is None:
            teams = db.session.scalar(db.select(sa.func.count(Team.id)).where(
                Team.item_id == item.id, Team.branch_id == branch.id, Team.active.is_(True)))
            if item.branch_quota is not None and teams >= item.branch_quota:
                raise DomainError("team_quota_full", name=item.name, quota=item.branch_quota)
            team = Team(item=item, branch=branch, name=name.strip() or branch.name,
                        created_by_id=actor.id)
            db.session.add(team)
        else:
            team.name = name.strip() or team.name
            for membership in team.members:
                membership.active = False
        current = {m.registration_id: m for m in team.members}
        for registration in registrations:
            membership = current.get(registration.id)
            if membership is None:
                team.members.append(TeamMember(registration=registration))
            else:
                membership.active = True
        db.session.flush()
        record(actor, "team.save", team, item_id=item.id, branch_id=branch.id,
               registration_ids=registration_ids)
    return team


# ---------------------------------------------------------------- queries

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


def my_registrations(member):
    """The member's registrations, newest event first, with events, sessions and items loaded."""
    return db.session.scalars(
        db.select(Registration).where(Registration.member_id == member.id)
        .options(sa.orm.selectinload(Registration.event).selectinload(Event.sessions),
                 sa.orm.selectinload(Registration.items).selectinload(RegistrationItem.item),
                 sa.orm.selectinload(Registration.leaves))
        .order_by(Registration.created_at.desc(), Registration.id.desc())
    ).all()
