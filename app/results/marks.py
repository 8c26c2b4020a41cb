"""Sports marks: the organizer types the results of an item's heats or final, one
mark per entry (a time, distance, height or place; empty: no result). The whole list
is saved or, when any row is wrong, nothing is, and each wrong row gets its message."""
from app.audit.service import record
from app.errors import DomainError
from app.extensions import db
from app.timeutil import utcnow
from app.txn import write_transaction

from . import rules
from .constants import MARK_METHODS, ROUNDS
from .models import Entry, Mark
from .setup import locked_scoring, managed_item, require_scoring


def save_marks(actor, item_id, round_, values, now=None):
    """Save ``values`` {entry id: typed text} for ``round_`` ("heat" or "final").

    Only the item's active entries can have a mark (anyone else is not in the item:
    entry_not_in_item). Raises DomainError("marks_have_errors", problems={entry id:
    message}) without writing anything when a row is wrong. Returns how many marks changed.
    """
    if round_ not in ROUNDS:
        raise DomainError("invalid_choice", field="round")
    now = now or utcnow()
    with write_transaction():
        item, event = managed_item(actor, item_id)
        scoring = locked_scoring(item.id)
        require_scoring(scoring)
        if scoring.method not in MARK_METHODS:
            raise DomainError("item_not_marked")
        entries = {e.id: e for e in db.session.scalars(
            db.select(Entry).where(Entry.item_id == item.id, Entry.active.is_(True)))}
        parsed, problems = {}, {}
        for entry_id, text in values.items():
            if entry_id not in entries:
                raise DomainError("entry_not_in_item", item=item.name)
            text = (text or "").strip()
            try:
                parsed[entry_id] = rules.parse_mark(scoring.method, text) if text else None
            except DomainError as error:
                problems[entry_id] = error.message
        if problems:
            raise DomainError("marks_have_errors", count=len(problems), problems=problems)
        existing = {m.entry_id: m for m in db.session.scalars(
            db.select(Mark).where(Mark.entry_id.in_(list(parsed)), Mark.round == round_))}
        changed = 0
        for entry_id, value in parsed.items():
            mark = existing.get(entry_id)
            if mark is None and value is None:
                continue
            if mark is None:
                db.session.add(Mark(entry_id=entry_id, round=round_, value_x100=value,
                                    updated_by_id=actor.id, updated_at=now))
            elif mark.value_x100 != value:
                mark.value_x100, mark.updated_by_id, mark.updated_at = value, actor.id, now
            else:
                continue
            changed += 1
        if changed:
            record(actor, "results.marks", scoring, item_id=item.id, event_id=event.id,
                   round=round_, changed=changed)
    return changed


def marks_of(item_id, round_):
    """{entry id: hundredths or None} of one round of an item."""
    return dict(db.session.execute(
        db.select(Mark.entry_id, Mark.value_x100).join(Entry, Entry.id == Mark.entry_id)
        .where(Entry.item_id == item_id, Mark.round == round_)).all())
