"""Setting up an item's results: its scoring rule (method, criteria, award levels,
blind mode, points factor), its entries (taken from the registrations, never typed),
their running order, and the place points table of a sports meet.

Each writer owns its write_transaction(), checks that the actor manages the event
(events.service.can_manage) and records what changed in the audit log.
"""
import random

import sqlalchemy as sa

from app.audit.service import record
from app.errors import DomainError
from app.events.models import Event, EventItem
from app.events.service import can_manage
from app.extensions import db
from app.registration.models import Registration, RegistrationItem, Team
from app.txn import lock, write_transaction

from . import rules
from .constants import (
    DEFAULT_AWARDS,
    DEFAULT_PLACE_POINTS,
    MAX_AWARD_LEVELS,
    MAX_CRITERIA,
    MAX_PLACES,
    MAX_POINTS_X100,
    MAX_WEIGHT_X100,
    METHODS,
    RELAY_WORD,
)
from .models import Criterion, Entry, ItemScoring, Mark, PlacePoints, ScoreSheet

# ------------------------------------------------------------------ shared checks

def managed_item(actor, item_id, *, for_update=True):
    """The item and its event, inside the caller's transaction, the event row locked;
    refused unless ``actor`` manages a contest or sports meet that is not cancelled."""
    item = db.session.get(EventItem, item_id)
    if item is None:
        raise DomainError("not_found")
    event = lock(Event, item.event_id) if for_update else item.event
    if not can_manage(actor, event):
        raise DomainError("forbidden", http_status=403)
    if not event.has_items:
        raise DomainError("results_no_items")
    if event.status == "cancelled":
        raise DomainError("event_cancelled")
    return item, event


def locked_scoring(item_id):
    """The item's scoring row, locked for the rest of the transaction (or None)."""
    row_id = db.session.scalar(db.select(ItemScoring.id).where(ItemScoring.item_id == item_id))
    return lock(ItemScoring, row_id) if row_id is not None else None


def require_open(scoring):
    if scoring is not None and scoring.locked:
        raise DomainError("results_locked")


def require_scoring(scoring):
    """Entries and marks come after the scoring rule: refused before it is set."""
    if scoring is None:
        raise DomainError("scoring_not_set")
    require_open(scoring)


def default_setup(item, event):
    """What the setup form shows before the organizer saved a rule."""
    judged = event.kind == "contest"
    mode, levels = DEFAULT_AWARDS["judged" if judged else "sports"]
    return {
        "method": "judged" if judged else "time",
        "criteria": [] if not judged else [
            {"name": name, "max_x100": top * 100, "weight_x100": 100}
            for name, top in (("内容", 40), ("表达", 30), ("形象", 10), ("效果", 20))],
        "drop_extremes": True, "blind": False, "award_mode": mode,
        "award_levels": _stored_levels(mode, levels),
        "points_factor": 2 if RELAY_WORD in item.name else 1,
    }


def _stored_levels(mode, levels):
    if mode == "ranks":
        return [{"label": label, "first": span[0], "last": span[1]} for label, span in levels]
    return [{"label": label, "count": count} for label, count in levels]


# ------------------------------------------------------------------ scoring rule

def _clean_criteria(criteria):
    """[{name, max_x100, weight_x100}] checked: a name each, unique, maxima and weights
    within range."""
    cleaned, seen = [], set()
    for index, row in enumerate(criteria, start=1):
        name = (row.get("name") or "").strip()
        if not name:
            raise DomainError("criterion_name_required", field="criteria", index=index)
        if name in seen:
            raise DomainError("criterion_name_twice", field="criteria", name=name)
        seen.add(name)
        top, weight = row.get("max_x100"), row.get("weight_x100")
        if top is None or not 0 < top <= MAX_POINTS_X100:
            raise DomainError("criterion_max_range", field="criteria", name=name)
        if weight is None or not 0 < weight <= MAX_WEIGHT_X100:
            raise DomainError("criterion_weight_range", field="criteria", name=name)
        cleaned.append({"name": name[:30], "max_x100": top, "weight_x100": weight})
    if len(cleaned) > MAX_CRITERIA:
        raise DomainError("criteria_too_many", field="criteria", max=MAX_CRITERIA)
    return cleaned


def _clean_levels(mode, levels):
    """Award levels as stored: labels given, counts positive (only the last may be empty:
    every remaining rank), rank ranges in order without overlap."""
    cleaned = []
    for index, level in enumerate(levels, start=1):
        label = (level.get("label") or "").strip()[:20]
        if not label:
            raise DomainError("award_label_required", field="awards", index=index)
        if mode == "count":
            count = level.get("count")
            if count is None and index != len(levels):
                raise DomainError("award_count_required", field="awards", label=label)
            if count is not None and count <= 0:
                raise DomainError("award_count_positive", field="awards", label=label)
            cleaned.append({"label": label, "count": count})
        else:
            first, last = level.get("first"), level.get("last")
            if first is None:
                raise DomainError("award_range_invalid", field="awards")
            cleaned.append({"label": label, "first": first, "last": last if last else first})
    if len(cleaned) > MAX_AWARD_LEVELS:
        raise DomainError("award_levels_too_many", field="awards", max=MAX_AWARD_LEVELS)
    if mode == "ranks":
        rules.check_ranges(rules.award_ranges(mode, cleaned))
    return cleaned


def _in_use(item_id):
    """Whether judges' scores or marks exist for the item (its method and criteria stay)."""
    entries = db.select(Entry.id).where(Entry.item_id == item_id)
    return db.session.scalar(db.select(sa.or_(
        sa.exists().where(ScoreSheet.entry_id.in_(entries)),
        sa.exists().where(Mark.entry_id.in_(entries), Mark.value_x100.is_not(None)))))


def save_setup(actor, item_id, *, method, criteria=(), drop_extremes=True, blind=False,
               award_mode="count", award_levels=(), points_factor=1):
    """Create or change the item's scoring rule; refused once the item is locked, and a
    change of method or criteria once scores or marks exist."""
    if method not in METHODS:
        raise DomainError("invalid_choice", field="method")
    criteria = _clean_criteria(criteria) if method == "judged" else []
    if method == "judged" and not criteria:
        raise DomainError("criteria_required", field="criteria")
    if award_mode not in ("count", "ranks"):
        raise DomainError("invalid_choice", field="award_mode")
    levels = _clean_levels(award_mode, list(award_levels))
    if not isinstance(points_factor, int) or not 1 <= points_factor <= 10:
        raise DomainError("points_factor_range", field="points_factor")
    with write_transaction():
        item, _event = managed_item(actor, item_id)
        scoring = locked_scoring(item.id)
        require_open(scoring)
        old_criteria = ([{"name": c.name, "max_x100": c.max_x100, "weight_x100": c.weight_x100}
                         for c in scoring.criteria] if scoring else [])
        if scoring is not None and (scoring.method != method or old_criteria != criteria) \
                and _in_use(item.id):
            raise DomainError("scoring_in_use", field="method")
        if scoring is None:
            scoring = ItemScoring(item_id=item.id, state="open")
            db.session.add(scoring)
        changes = {}
        values = {"method": method, "drop_extremes": bool(drop_extremes), "blind": bool(blind),
                  "award_mode": award_mode, "award_levels": levels,
                  "points_factor": points_factor}
        for key, value in values.items():
            if getattr(scoring, key) != value:
                changes[key] = [getattr(scoring, key), value]
                setattr(scoring, key, value)
        if old_criteria != criteria:
            for row in list(scoring.criteria):
                db.session.delete(row)  # no score refers to them (_in_use above)
            db.session.flush()
            scoring.criteria = [Criterion(name=c["name"], max_x100=c["max_x100"],
                                          weight_x100=c["weight_x100"], sort_order=n)
                                for n, c in enumerate(criteria)]
            changes["criteria"] = [_audit_criteria(old_criteria), _audit_criteria(criteria)]
        db.session.flush()
        if changes:
            record(actor, "results.setup", scoring, item_id=item.id, event_id=item.event_id,
                   changes=changes)
    return scoring


def _audit_criteria(criteria):
    return [{"name": c["name"], "max": rules.plain(c["max_x100"]),
             "weight": rules.plain(c["weight_x100"])} for c in criteria]


# ------------------------------------------------------------------ entries

def _qualifying(item, event):
    """{("registration"|"team", id): sort key} of who is in the item now: confirmed
    registrations that chose an individual item, active teams of a team item."""
    if item.is_team:
        rows = db.session.execute(
            db.select(Team.id, Team.created_at).where(Team.item_id == item.id,
                                                      Team.active.is_(True))).all()
        return {("team", team_id): (created, team_id) for team_id, created in rows}
    rows = db.session.execute(
        db.select(Registration.id, Registration.created_at)
        .join(RegistrationItem, RegistrationItem.registration_id == Registration.id)
        .where(Registration.event_id == event.id, Registration.status == "confirmed",
               RegistrationItem.item_id == item.id, RegistrationItem.active.is_(True))).all()
    return {("registration", reg_id): (created, reg_id) for reg_id, created in rows}


def sync_entries(actor, item_id):
    """Take the item's entries from its registrations (or teams): newcomers join at the end
    of the running order, people no longer in the item are withdrawn (their scores stay),
    returning ones come back (counted as added). Returns (added, withdrawn)."""
    with write_transaction():
        item, event = managed_item(actor, item_id)
        scoring = locked_scoring(item.id)
        require_scoring(scoring)
        wanted = _qualifying(item, event)
        current = db.session.scalars(db.select(Entry).where(Entry.item_id == item.id)).all()
        known = {}
        for entry in current:
            key = ("team", entry.team_id) if entry.team_id else ("registration", entry.registration_id)
            known[key] = entry
        added = withdrawn = 0
        for key, entry in known.items():
            if entry.active and key not in wanted:
                entry.active, withdrawn = False, withdrawn + 1
            elif not entry.active and key in wanted:  # back in the item: counted as added
                entry.active, added = True, added + 1
        last = max((e.running_order for e in current), default=0)
        for key in sorted((k for k in wanted if k not in known), key=wanted.get):
            last += 1
            kind, row_id = key
            db.session.add(Entry(item_id=item.id, running_order=last,
                                 **{f"{kind}_id": row_id}))
            added += 1
        db.session.flush()
        if added or withdrawn:
            record(actor, "results.entries", scoring, item_id=item.id, event_id=event.id,
                   added=added, withdrawn=withdrawn)
    return added, withdrawn


def set_running_order(actor, item_id, orders=None, shuffle_seed=None):
    """Save the running order: ``orders`` {entry id: number} (each active entry a different
    positive number), or a random draw (抽签) when ``shuffle_seed`` is given."""
    with write_transaction():
        item, event = managed_item(actor, item_id)
        scoring = locked_scoring(item.id)
        require_scoring(scoring)
        entries = db.session.scalars(db.select(Entry).where(Entry.item_id == item.id)
                                     .order_by(Entry.running_order, Entry.id)).all()
        active = [e for e in entries if e.active]
        if shuffle_seed is not None:
            drawn = list(active)
            random.Random(shuffle_seed).shuffle(drawn)
            numbers = {e.id: n for n, e in enumerate(drawn, start=1)}
        else:
            numbers = {e.id: orders.get(e.id) for e in active}
            if any(n is None or not 0 < n <= 9999 for n in numbers.values()):
                raise DomainError("running_order_invalid", field="order")
            if len(set(numbers.values())) != len(numbers):
                raise DomainError("running_order_twice", field="order")
        # Withdrawn entries keep a number after the active ones (the column is unique-free).
        top = max(numbers.values(), default=0)
        for n, entry in enumerate((e for e in entries if not e.active), start=top + 1):
            numbers[entry.id] = n
        changed = sum(1 for e in entries if e.running_order != numbers[e.id])
        for entry in entries:
            entry.running_order = numbers[entry.id]
        if changed:
            record(actor, "results.order", scoring, item_id=item.id, event_id=event.id,
                   changed=changed, shuffled=shuffle_seed is not None)
    return changed


# ------------------------------------------------------------------ place points

def save_place_points(actor, event_id, points):
    """The sports meet's place points: 1 to MAX_PLACES whole numbers, not increasing."""
    points = list(points)
    if not points or len(points) > MAX_PLACES:
        raise DomainError("place_points_count", field="points", max=MAX_PLACES)
    if any(not isinstance(p, int) or not 0 < p <= 100 for p in points):
        raise DomainError("place_points_invalid", field="points")
    if any(a < b for a, b in zip(points, points[1:], strict=False)):
        raise DomainError("place_points_order", field="points")
    with write_transaction():
        event = lock(Event, event_id)
        if event is None:
            raise DomainError("not_found")
        if not can_manage(actor, event):
            raise DomainError("forbidden", http_status=403)
        if event.kind != "sports":
            raise DomainError("place_points_sports_only")
        row = db.session.scalar(db.select(PlacePoints).where(PlacePoints.event_id == event.id))
        old = list(row.points) if row is not None else list(DEFAULT_PLACE_POINTS)
        if row is None:
            row = PlacePoints(event_id=event.id, points=points)
            db.session.add(row)
        else:
            row.points = points
        if old != points:
            record(actor, "results.points", event, changes={"place_points": [old, points]})
    return points


