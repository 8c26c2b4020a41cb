"""Corrections (申诉): a member who was at a session but has no check-in (a phone that
failed, a forgotten scan) asks for one with a note; the organizer, or the secretary of
the branch kept on the registration, accepts or declines it.

An accepted correction becomes a back-fill check-in (``checkin.service.record_checkin``,
method "backfill", the member's note as its reason; a check-out too where the session
requires one, so the 学时 count) in the same transaction as the decision, so every
number of attendance.py follows it. Corrections are never deleted: they change status.

Writers: ``ask``, ``withdraw``, ``decide``. Reads: ``refusal`` (why a member may not ask
for a session, or None), ``decidable`` (the staff list), ``can_decide``.
"""
import sqlalchemy as sa

from app.audit.service import record
from app.checkin import attendance
from app.checkin.constants import OK
from app.checkin.service import record_checkin
from app.errors import DomainError
from app.events.models import Event, EventSession
from app.extensions import db
from app.org.models import Branch
from app.org.scope import scope_branch
from app.registration.models import Registration
from app.registration.rights import decides_for
from app.timeutil import utcnow
from app.txn import lock, write_transaction

from .constants import BACKFILL_REASON, DECISION_NOTE_MAX, NOTE_MAX
from .models import Correction


def clean_note(note, limit=NOTE_MAX, required=True, field="note"):
    note = " ".join((note or "").split())
    if required and not note:
        raise DomainError("correction_note_required", field=field)
    if len(note) > limit:
        code = "correction_note_too_long" if field == "note" else "correction_decision_note_too_long"
        raise DomainError(code, field=field, max=limit, count=len(note))
    return note


def _row(registration_id, session_id):
    """The attendance row of one registration in one session (any status), or None."""
    return attendance.states([session_id], [registration_id]).get((registration_id, session_id))


def _pending(registration_id, session_id):
    return db.session.scalar(sa.select(Correction).where(
        Correction.registration_id == registration_id, Correction.session_id == session_id,
        Correction.status == "pending"))


def refusal(registration, session, now=None):
    """The code of why the member may not ask for a correction of ``session`` on their
    ``registration`` (of its event: _own()), or None when they may."""
    now = now or utcnow()
    if registration.event.status == "cancelled":
        return "event_cancelled"
    row = _row(registration.id, session.id)
    if row is None or not row.expected:
        return "correction_not_expected"
    if session.starts_at > now:
        return "correction_not_started"
    if row.present:
        return "correction_already_present"
    if row.on_leave:
        return "correction_on_leave"
    if _pending(registration.id, session.id) is not None:
        return "correction_duplicate"
    return None


def _own(member, registration_id, session_id):
    registration = db.session.get(Registration, registration_id)
    session = db.session.get(EventSession, session_id)
    if (registration is None or session is None or registration.member_id != member.id
            or session.event_id != registration.event_id):
        raise DomainError("not_found")
    return registration, session


def ask(member, registration_id, session_id, note, now=None):
    """The member asks for a correction of one session; returns the pending Correction."""
    note = clean_note(note)
    with write_transaction():
        registration, session = _own(member, registration_id, session_id)
        registration = lock(Registration, registration.id)
        code = refusal(registration, session, now)
        if code is not None:
            raise DomainError(code)
        correction = Correction(registration_id=registration.id, session_id=session.id,
                                member_id=member.id, note=note, status="pending",
                                created_at=now or utcnow())
        db.session.add(correction)
        record(member, "correction.ask", correction, registration_id=registration.id,
               session_id=session.id, note=note)
    return correction


def withdraw(member, correction_id, now=None):
    """The member takes back a pending correction of their own."""
    with write_transaction():
        correction = lock(Correction, correction_id)
        if correction is None or correction.member_id != member.id:
            raise DomainError("not_found")
        if correction.status != "pending":
            raise DomainError("correction_not_pending")
        correction.status = "withdrawn"
        correction.decided_at = now or utcnow()
        record(member, "correction.withdraw", correction,
               registration_id=correction.registration_id, session_id=correction.session_id)
    return correction


def can_decide(actor, correction):
    """Organisation-wide staff who manage the event, or the secretary of the branch kept
    on the registration (registration.rights.decides_for, the leave rule)."""
    registration = correction.registration
    return decides_for(actor, registration.event, registration.branch)


def decide(actor, correction_id, accept, decision_note="", now=None):
    """Accept (a back-fill check-in with the member's note as its reason) or decline a
    pending correction; returns it. A correction whose session meanwhile got a check-in
    is refused (correction_already_present): decline it instead."""
    decision_note = clean_note(decision_note, DECISION_NOTE_MAX, required=False,
                               field="decision_note")
    now = now or utcnow()
    with write_transaction():
        correction = lock(Correction, correction_id)
        if correction is None:
            raise DomainError("not_found")
        if not can_decide(actor, correction):
            raise DomainError("forbidden", http_status=403)
        if correction.status != "pending":
            raise DomainError("correction_not_pending")
        correction.decided_by_id = actor.id
        correction.decided_at = now
        correction.decision_note = decision_note
        if accept:
            correction.checkin_id = _backfill(actor, correction, now)
            correction.status = "accepted"
        else:
            correction.status = "declined"
        record(actor, f"correction.{'accept' if accept else 'decline'}", correction,
               registration_id=correction.registration_id, session_id=correction.session_id,
               member_id=correction.member_id, note=correction.note,
               decision_note=decision_note)
    return correction


def _backfill(actor, correction, now):
    """The back-fill entry (and check-out, where the session requires one) of an accepted
    correction, inside decide()'s transaction; its id. A refusal rolls everything back."""
    session = correction.session
    reason = BACKFILL_REASON.format(note=correction.note)[:200]
    entry = record_checkin(session.id, kind="entry", method="backfill",
                           registration_id=correction.registration_id, operator=actor,
                           reason=reason, now=now)
    if entry.result != OK:
        code = {"already_checked_in": "correction_already_present",
                "on_leave": "correction_on_leave"}.get(entry.code, entry.code)
        raise DomainError(code)
    if session.checkout_required:
        exit_row = record_checkin(session.id, kind="exit", method="backfill",
                                  registration_id=correction.registration_id, operator=actor,
                                  reason=reason, now=now)
        if exit_row.result != OK:
            raise DomainError(exit_row.code)
    return entry.id


# ------------------------------------------------------------------ reads

def _scoped(query, actor):
    query = query.join(Registration, Registration.id == Correction.registration_id).join(
        Branch, Branch.id == Registration.branch_id)
    scope = scope_branch(actor)
    return query.where(scope.subtree_filter()) if scope is not None else query


def decidable(actor, pending, limit=300):
    """Corrections ``actor`` decides (can_decide's rule as a query): pending ones oldest
    first, or decided ones newest first. Organizers and admins: every branch; a secretary:
    the registrations of their subtree."""
    query = _scoped(sa.select(Correction), actor).options(
        sa.orm.contains_eager(Correction.registration).contains_eager(Registration.branch),
        sa.orm.contains_eager(Correction.registration).selectinload(Registration.event)
        .selectinload(Event.sessions),  # session_name() numbers untitled sessions
        sa.orm.selectinload(Correction.member), sa.orm.selectinload(Correction.session),
        sa.orm.selectinload(Correction.decided_by))
    if pending:
        query = query.where(Correction.status == "pending").order_by(
            Correction.created_at, Correction.id)
    else:
        query = query.where(Correction.status.in_(("accepted", "declined"))).order_by(
            Correction.decided_at.desc(), Correction.id.desc())
    return db.session.scalars(query.limit(limit)).all()


def ask_target(member, registration_id, session_id):
    """(registration, session) of a member's own registration for the ask page."""
    return _own(member, registration_id, session_id)
