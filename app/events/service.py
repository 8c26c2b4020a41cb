"""Publishing events: create, edit, publish, close, cancel; who may manage, follow and act
on which event (the event half of the role and scope decisions; the rest are in org.scope)."""
import sqlalchemy as sa

from app.audit.service import record
from app.errors import DomainError
from app.extensions import db
from app.org.models import Branch
from app.org.scope import can_see_branch, is_staff, scope_branch
from app.timeutil import format_local, to_local, utcnow
from app.txn import lock, write_transaction

from . import eligibility
from .constants import EVENT_KINDS, MAX_CREDIT_HOURS, MAX_GRACE_MINUTES, MAX_PLACES, MAX_TEAM_SIZE
from .models import Event, EventItem, EventSession

EVENT_FIELDS = (
    "title", "kind", "organizer_branch_id", "summary", "description", "place",
    "registration_opens_at", "registration_closes_at", "capacity", "waitlist_enabled",
    "approval_required", "item_limit", "completion_ratio", "allow_walk_in",
)
SESSION_FIELDS = ("title", "starts_at", "ends_at", "place", "credit_hours", "grace_minutes",
                  "checkout_required", "signature_required")
ITEM_FIELDS = ("name", "is_team", "capacity", "branch_quota", "team_min", "team_max", "gender",
               "min_age", "max_age")


# ------------------------------------------------------------ permissions

def can_manage(actor, event):
    """Organizers and admins manage every event; a secretary those of their own subtree."""
    return can_see_branch(actor, event.organizer_branch)


def staff_sees_event(actor, event):
    """Whether a staff member follows the registrations of ``event``: the events they
    manage and, once published, those of the organisations above their branch (their
    机关党委's events, where their own members take part)."""
    if can_manage(actor, event):
        return True
    own = scope_branch(actor)
    return (own is not None and is_staff(actor) and event.status != "draft"
            and event.organizer_branch_id in own.ancestor_ids)


def staff_visible_events(actor):
    """A select of the published events staff_sees_event() lets ``actor`` follow."""
    query = db.select(Event).where(Event.status != "draft")
    own = scope_branch(actor)
    if own is not None:
        subtree = db.select(Branch.id).where(own.subtree_filter())
        query = query.where(sa.or_(Event.organizer_branch_id.in_(subtree),
                                   Event.organizer_branch_id.in_(own.ancestor_ids)))
    return query


def get_event(event_id):
    event = db.session.get(Event, event_id)
    if event is None:
        raise DomainError("event_not_found")
    return event


def get_visible_event(event_id):
    """An event a member may see: one that was published (a draft, even a cancelled one,
    never shows)."""
    event = db.session.get(Event, event_id)
    if event is None or event.published_at is None:
        raise DomainError("event_not_found")
    return event


# -------------------------------------------------------------- validation

def _validate(data, sessions, items):
    if "title" in data and not (data["title"] or "").strip():
        raise DomainError("event_title_required", field="title")
    if "kind" in data and data["kind"] not in EVENT_KINDS:
        raise DomainError("invalid_choice", field="kind")
    if not sessions:
        raise DomainError("event_needs_session", field="sessions")
    for index, s in enumerate(sessions, start=1):
        if s["ends_at"] <= s["starts_at"]:
            raise DomainError("session_ends_before_start", field="sessions", index=index)
        if (s.get("credit_hours") or 0) < 0:
            raise DomainError("session_hours_negative", field="sessions", index=index)
        if (s.get("credit_hours") or 0) > MAX_CREDIT_HOURS:
            raise DomainError("session_hours_range", field="sessions", index=index,
                              max=MAX_CREDIT_HOURS)
        if (s.get("grace_minutes") or 0) < 0:
            raise DomainError("session_grace_negative", field="sessions", index=index)
        if (s.get("grace_minutes") or 0) > MAX_GRACE_MINUTES:
            raise DomainError("session_grace_range", field="sessions", index=index,
                              max=MAX_GRACE_MINUTES)
    opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
    if opens and closes and closes <= opens:
        raise DomainError("window_out_of_order", field="registration_closes_at")
    end = max(s["ends_at"] for s in sessions)
    if opens and opens >= end:
        raise DomainError("window_opens_after_event", field="registration_opens_at",
                          end=format_local(end))
    if closes and closes > end:
        raise DomainError("window_after_event", field="registration_closes_at",
                          end=format_local(end))
    if data.get("capacity") is not None and data["capacity"] <= 0:
        raise DomainError("capacity_not_positive", field="capacity")
    if data.get("capacity") is not None and data["capacity"] > MAX_PLACES:
        raise DomainError("capacity_too_large", field="capacity", max=MAX_PLACES)
    ratio = data.get("completion_ratio", 0.75)
    if ratio is None or not 0 < ratio <= 1:
        raise DomainError("completion_ratio_range", field="completion_ratio")
    for index, item in enumerate(items, start=1):
        if not (item.get("name") or "").strip():
            raise DomainError("item_name_required", field="items", index=index)
        for key in ("team_min", "team_max"):
            if item.get(key) is not None and item[key] <= 0:
                raise DomainError("item_team_size_positive", field="items", index=index,
                                  name=item["name"])
            if item.get(key) is not None and item[key] > MAX_TEAM_SIZE:
                raise DomainError("item_team_size_too_large", field="items", index=index,
                                  key=key, name=item["name"], max=MAX_TEAM_SIZE)
        if item.get("team_min") and item.get("team_max") and item["team_min"] > item["team_max"]:
            raise DomainError("item_team_size", field="items", index=index, name=item["name"])
        for key in ("capacity", "branch_quota"):
            if item.get(key) is not None and item[key] <= 0:
                raise DomainError("capacity_not_positive", field="items", index=index, key=key)
            if item.get(key) is not None and item[key] > MAX_PLACES:
                raise DomainError("capacity_too_large", field="items", index=index, key=key,
                                  max=MAX_PLACES)
        if item.get("min_age") is not None and item.get("max_age") is not None \
                and item["min_age"] > item["max_age"]:
            raise DomainError("item_age_range", field="items", index=index, name=item["name"])
    limit = data.get("item_limit")
    if limit is not None:
        if limit <= 0:
            raise DomainError("item_limit_not_positive", field="item_limit")
        if limit > len(items):
            raise DomainError("item_limit_too_large", field="item_limit", limit=limit,
                              count=len(items))


def _validate_spec(spec):
    spec = spec or {}
    if spec.get("min_age") is not None and spec.get("max_age") is not None \
            and spec["min_age"] > spec["max_age"]:
        raise DomainError("age_range", field="max_age")


def check_scope(actor, branch_id):
    if branch_id is None:
        raise DomainError("event_branch_required", field="organizer_branch_id")
    branch = db.session.get(Branch, branch_id)
    if branch is None or not can_see_branch(actor, branch):
        raise DomainError("event_scope", field="organizer_branch_id")


# ------------------------------------------------------------- operations

def create_event(actor, data, sessions, items=(), spec=None):
    """A new draft event with its sessions and items."""
    items = list(items)
    _validate(data, sessions, items)
    _validate_spec(spec)
    check_scope(actor, data.get("organizer_branch_id"))
    event = Event(**{k: data[k] for k in EVENT_FIELDS if k in data}, created_by_id=actor.id,
                  eligibility=eligibility.clean_spec(spec))
    event.sessions = [EventSession(**{k: s[k] for k in SESSION_FIELDS if k in s}) for s in sessions]
    event.items = [EventItem(**{k: i[k] for k in ITEM_FIELDS if k in i}, sort_order=n)
                   for n, i in enumerate(items)]
    with write_transaction():
        db.session.add(event)
        db.session.flush()
        record(actor, "event.create", event, title=event.title, kind=event.kind)
    return event


def apply_changes(event, data, sessions, items=(), spec=None):
    """Validate and apply an edit to ``event`` inside the caller's write transaction.

    ``sessions``/``items`` carry ``id`` for rows kept; rows without id are added.
    Returns (changes, removed_rows). The caller (registration.service.edit_event,
    which knows about registrations) checks capacity and removed rows in the same
    transaction, which commits them all or nothing.
    """
    items = list(items)
    if event.status == "cancelled":
        raise DomainError("event_cancelled_not_editable")
    _validate(data, sessions, items)
    _validate_spec(spec)
    changes = {}
    for key in EVENT_FIELDS:
        if key in data and getattr(event, key) != data[key]:
            changes[key] = [_jsonable(getattr(event, key)), _jsonable(data[key])]
            setattr(event, key, data[key])
    if spec is not None:
        new_spec = eligibility.clean_spec(spec)
        if new_spec != event.eligibility:
            changes["eligibility"] = [event.eligibility, new_spec]
            event.eligibility = new_spec
    removed = _sync_children(event.sessions, sessions, EventSession, SESSION_FIELDS)
    removed += _sync_children(event.items, items, EventItem, ITEM_FIELDS)
    return changes, removed


def _sync_children(current, wanted, model, fields):
    """Update rows whose id is given, add rows without id; return the rows left out."""
    by_id = {row.id: row for row in current}
    for order, values in enumerate(wanted):
        row = by_id.pop(values.get("id"), None) if values.get("id") else None
        if row is None:
            row = model(**{k: values[k] for k in fields if k in values})
            current.append(row)
        else:
            for key in fields:
                if key in values:
                    setattr(row, key, values[key])
        if model is EventItem:
            row.sort_order = order
    return list(by_id.values())


def publish_event(actor, event):
    with write_transaction():
        event = lock(Event, event.id)
        if event.status != "draft":
            raise DomainError("event_not_draft")
        event.status = "published"
        event.published_at = utcnow()
        record(actor, "event.publish", event)
    return event


def close_event(actor, event):
    """Stop registration early (报名截止); the event itself still takes place."""
    with write_transaction():
        event = lock(Event, event.id)
        if event.status != "published":
            raise DomainError("event_cannot_close", status=event.status_label)
        event.status = "closed"
        record(actor, "event.close", event)
    return event


def cancel_event(actor, event, reason):
    """Cancel the event. Registrations keep their status; members see the event as cancelled
    (a draft nobody saw stays out of their lists, see get_visible_event)."""
    with write_transaction():
        event = lock(Event, event.id)
        if event.status == "cancelled":
            raise DomainError("event_already_cancelled")
        event.status = "cancelled"
        event.cancel_reason = (reason or "").strip()[:200]
        record(actor, "event.cancel", event, reason=event.cancel_reason)
    return event


# ---------------------------------------------------------------- queries

def manageable_events(actor, status=None, kind=None):
    """A select of the events can_manage() lets ``actor`` manage, newest first."""
    query = db.select(Event).order_by(Event.created_at.desc(), Event.id.desc())
    own = scope_branch(actor)
    if own is not None:
        subtree = db.select(Branch.id).where(own.subtree_filter())
        query = query.where(Event.organizer_branch_id.in_(subtree))
    if status:
        query = query.where(Event.status == status)
    if kind:
        query = query.where(Event.kind == kind)
    return query


def listed_events(kind=None):
    """Events members see in the list: published or closed, upcoming or recent, newest first."""
    query = (db.select(Event).where(Event.published_at.is_not(None))
             .options(sa.orm.selectinload(Event.sessions)))
    if kind:
        query = query.where(Event.kind == kind)
    return db.session.scalars(query.order_by(Event.id.desc())).all()


def ended_sessions(event, now=None):
    """The event's sessions that are already over. Saving them is allowed (an event
    recorded afterwards, for back-fill from a paper list), but the form warns: nobody can
    register or check in for them any more, and a wrong date is the likelier cause."""
    now = now or utcnow()
    return [session for session in event.sessions if session.ends_at <= now]


def event_day(event):
    """The local date on which ages are counted: the day of the first session."""
    start = event.starts_at
    return to_local(start).date() if start else to_local(utcnow()).date()


def _jsonable(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


