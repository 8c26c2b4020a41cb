"""Leave (请假): a member, their secretary or the event's staff ask for leave for one
session or all; organisation-wide staff who manage the event, or the secretary of the
branch kept on the registration, decide.
"""
from app.audit.service import record
from app.errors import DomainError
from app.extensions import db
from app.timeutil import utcnow
from app.txn import write_transaction

from .decide import locked_registration
from .models import Leave
from .rights import acts_for, decides_for


def request_leave(actor, registration_id, session_id, reason, now=None):
    """Ask for leave for one session (session_id) or all sessions (None)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("leave_reason_required", field="reason")
    with write_transaction():
        registration, event = locked_registration(registration_id)
        if registration.member_id != actor.id and not acts_for(actor, registration, event):
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


def can_decide_leave(actor, leave):
    registration = leave.registration
    return decides_for(actor, registration.event, registration.branch)


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
