"""Editing an event that has registrations: a capacity below the places taken, or removing
a session or item that registrations or leave use, is refused; a raised capacity moves the
waitlist up.
"""
from sqlalchemy.exc import IntegrityError

from app.audit.service import record
from app.errors import DomainError
from app.events.models import Event, EventSession
from app.events.service import apply_changes, can_manage, check_scope
from app.extensions import db
from app.timeutil import format_local
from app.txn import lock, write_transaction

from .queries import holding_count, item_in_use, session_in_use
from .signup import promote_waitlist


def lock_managed_event(actor, event_id):
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
        event = lock_managed_event(actor, event_id)
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
