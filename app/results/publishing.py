"""Locking and publishing an item's results.

open → locked: judges can no longer score or change a score, and marks can no longer be
typed; the organizer may unlock while the results are not published. locked →
published: members see the ranking and certificates may follow (results.service.awards
reads published items only); withdrawing the publication keeps the item locked.
"""
from app.audit.service import record
from app.errors import DomainError
from app.timeutil import utcnow
from app.txn import write_transaction

from . import service
from .setup import locked_scoring, managed_item


def _scoring(actor, item_id):
    item, event = managed_item(actor, item_id)
    scoring = locked_scoring(item.id)
    if scoring is None:
        raise DomainError("scoring_not_set")
    return scoring, item, event


def lock_results(actor, item_id, now=None):
    """Lock the item: refused while no entry has a score or mark. Returns how many
    judges' scores were still missing (recorded in the audit log)."""
    with write_transaction():
        scoring, item, event = _scoring(actor, item_id)
        if scoring.locked:
            return 0
        standing = service.item_standing(item, scoring)
        if not any(row.rank is not None for row in standing.rows):
            raise DomainError("results_empty")
        missing = standing.missing if scoring.method == "judged" else 0
        scoring.state, scoring.locked_at = "locked", now or utcnow()
        record(actor, "results.lock", scoring, item_id=item.id, event_id=event.id,
               incomplete=missing or None)
    return missing


def unlock_results(actor, item_id):
    with write_transaction():
        scoring, item, event = _scoring(actor, item_id)
        if scoring.published:
            raise DomainError("results_published_unlock")
        if not scoring.locked:
            return
        scoring.state, scoring.locked_at = "open", None
        record(actor, "results.unlock", scoring, item_id=item.id, event_id=event.id)


def publish_results(actor, item_id, now=None):
    """Members may see the item's ranking from now on (only once it is locked)."""
    with write_transaction():
        scoring, item, event = _scoring(actor, item_id)
        if not scoring.locked:
            raise DomainError("results_not_locked")
        if scoring.published:
            return
        scoring.published_at = now or utcnow()
        record(actor, "results.publish", scoring, item_id=item.id, event_id=event.id)


def unpublish_results(actor, item_id):
    with write_transaction():
        scoring, item, event = _scoring(actor, item_id)
        if not scoring.published:
            return
        scoring.published_at = None
        record(actor, "results.unpublish", scoring, item_id=item.id, event_id=event.id)
