"""Leave (请假): a member, their secretary or the event's staff ask for leave for the
sessions they choose (one, several or all); organisation-wide staff who manage the event,
or the secretary of the branch kept on the registration, decide.

A session that has ended, or that the member attended (a successful entry), takes no
leave: it is not offered (leave_choices) and request_leave refuses it. Whether someone
attended is decided in checkin, above this feature; create_app hands its reader over with
``read_attendance_with()``, so this module never imports upward.
"""
from dataclasses import dataclass

from app.audit.service import record
from app.errors import DomainError
from app.extensions import db
from app.timeutil import format_when, utcnow
from app.txn import write_transaction

from .decide import locked_registration
from .models import Leave
from .rights import acts_for, decides_for

# registration_id -> ids of the sessions it has a successful entry for (checkin's answer).
_attendance = {"entered": lambda registration_id: set()}


def read_attendance_with(entered):
    """Called once by create_app with checkin's attendance.entered_sessions."""
    _attendance["entered"] = entered


@dataclass(frozen=True)
class LeaveChoice:
    """One session of the event and why leave cannot be asked for it (a message code), or None."""

    session: object
    refusal: str | None

    @property
    def open(self):
        return self.refusal is None


def leave_choices(registration, now=None):
    """Every session of the registration's event with why it takes no leave: ended
    (leave_session_over), attended (leave_session_attended), or already covered by a
    leave that is pending or approved (leave_duplicate). Reads only."""
    now = now or utcnow()
    event = registration.event
    entered = _attendance["entered"](registration.id)
    open_leaves = [leave for leave in registration.leaves if leave.status != "rejected"]
    covered = {leave.session_id for leave in open_leaves}
    choices = []
    for session in event.sessions:
        if session.id in entered:
            refusal = "leave_session_attended"
        elif session.ends_at <= now:
            refusal = "leave_session_over"
        elif None in covered or session.id in covered:
            refusal = "leave_duplicate"
        else:
            refusal = None
        choices.append(LeaveChoice(session, refusal))
    return choices


def request_leave(actor, registration_id, session_ids, reason, now=None):
    """Ask for leave for the chosen sessions: ``session_ids`` a list of ids (or one id),
    None for every session of the event. Every chosen session must be open to leave
    (see leave_choices), else nothing is written. All sessions of the event at once make
    one leave for 全部场次; a subset one leave per session, each decided on its own.
    Returns the new Leave rows."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("leave_reason_required", field="reason")
    now = now or utcnow()
    with write_transaction():
        registration, event = locked_registration(registration_id)
        if registration.member_id != actor.id and not acts_for(actor, registration, event):
            raise DomainError("forbidden")
        if event.status == "cancelled":
            raise DomainError("event_cancelled")
        if registration.status != "confirmed":
            raise DomainError("leave_not_allowed")
        choices = {choice.session.id: choice for choice in leave_choices(registration, now)}
        chosen = _chosen(session_ids, choices)
        for session_id in chosen:
            refusal = choices[session_id].refusal
            if refusal is not None:
                session = choices[session_id].session
                raise DomainError(refusal, field="session_id",
                                  title=session.title or format_when(session.starts_at))
        whole = set(chosen) == set(choices) and all(c.open for c in choices.values())
        leaves = [Leave(registration=registration, session_id=session_id, reason=reason[:200],
                        requested_by_id=actor.id, created_at=now)
                  for session_id in ([None] if whole else chosen)]
        db.session.add_all(leaves)
        db.session.flush()
        for leave in leaves:
            record(actor, "leave.request", leave, event_id=event.id,
                   member_id=registration.member_id, session_id=leave.session_id)
    return leaves


def _chosen(session_ids, choices):
    """The chosen session ids in the event's order; refuses an empty choice and ids of
    sessions the event does not have."""
    if session_ids is None:
        return list(choices)
    wanted = {session_ids} if isinstance(session_ids, int) else set(session_ids)
    if not wanted:
        raise DomainError("leave_sessions_required", field="session_id")
    if not wanted <= set(choices):
        raise DomainError("leave_session_unknown", field="session_id")
    return [session_id for session_id in choices if session_id in wanted]


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
