"""The scan API's check-in in the fewest round trips the rules allow (issue 12): scan_ticket().

Same checks, same row and same answer as perform_checkin(method="ticket_scan") (both ask
service.decide() over attendance's state columns), but read in one statement where
perform_checkin reads in many. One SELECT reads the session and its event, the valid
scanner link this phone holds for the event, the row of a resent nonce with its answer,
and the ticket's registration with its member and branch. Then:

* PostgreSQL: that SELECT runs inside the transaction and locks the registration (a FOR
  UPDATE CTE); a second SELECT reads its state (leave, first entry, first exit) after the
  lock, as READ COMMITTED gives the statement that waited for it its old snapshot; then
  the INSERT and the COMMIT.
* SQLite: one writer at a time for the whole database, so the first SELECT runs without a
  transaction and the write lock (BEGIN IMMEDIATE) is taken for the registration's status
  and state, the INSERT and the COMMIT only: the lock is held about as long as the floor's.

New scan and duplicate: 4 statements, the COMMIT counted (BEGIN not). A resent nonce: the
one SELECT (on PostgreSQL, then the COMMIT of a transaction that wrote nothing).

Who may scan is the rule of checkin.scanning: the view passes the operator it checked
(a logged-in staff member) or the scanner-link ids of the phone's session. When the
SELECT finds no session, a cancelled event or no valid link for this event, scan_ticket
returns None and the view asks scanning.scan_access(), which raises the reason.
"""
import functools

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from app.errors import DomainError
from app.events.models import Event, EventSession
from app.extensions import db
from app.org.models import Branch, Member
from app.registration.models import Registration
from app.timeutil import utcnow
from app.txn import write_transaction

from . import attendance
from .constants import DUPLICATE, OK, REFUSED
from .models import Checkin, ScannerLink, Ticket
from .scanning import MAX_LINKS
from .service import (
    ScanResult,
    _clean_nonce,
    _nonce_race,
    _printable,
    decide,
    parse_ticket_code,
    scan_message,
)

METHOD = "ticket_scan"
_INSERT = Checkin.__table__.insert()


@functools.cache
def _facts_query(with_links):
    """The one SELECT, built once per kind (building it costs more than running it).
    Parameters: session_id, code, nonce, and with_links now and link_0 .. link_4."""
    session_id = sa.bindparam("session_id")
    locked = (sa.select(Registration.id, Registration.event_id, Registration.status,
                        Registration.member_id, Registration.branch_id)
              .where(Registration.id == sa.select(Ticket.registration_id)
                     .where(Ticket.code == sa.bindparam("code")).scalar_subquery())
              .with_for_update()
              .cte("locked"))
    member, branch = aliased(Member, name="reg_member"), aliased(Branch, name="reg_branch")
    seen = aliased(Checkin, name="seen")
    seen_reg = aliased(Registration, name="seen_reg")
    seen_member = aliased(Member, name="seen_member")
    seen_branch = aliased(Branch, name="seen_branch")
    if with_links:
        link = (sa.select(ScannerLink.id)
                .where(ScannerLink.id.in_([sa.bindparam(f"link_{n}") for n in range(MAX_LINKS)]),
                       ScannerLink.event_id == EventSession.event_id,
                       ScannerLink.revoked_at.is_(None),
                       ScannerLink.expires_at > sa.bindparam("now"))
                .order_by(ScannerLink.id).limit(1).scalar_subquery())
    else:
        link = sa.null()
    columns = [
        EventSession.event_id, EventSession.starts_at, EventSession.ends_at,
        EventSession.grace_minutes, Event.status.label("event_status"), link.label("link_id"),
        locked.c.id.label("registration_id"), locked.c.event_id.label("registration_event_id"),
        locked.c.status.label("registration_status"),
        member.name.label("name"), branch.name.label("branch"),
        seen.session_id.label("seen_session_id"), seen.kind.label("seen_kind"),
        seen.result.label("seen_result"), seen.code.label("seen_code"),
        seen.late.label("seen_late"), seen.at.label("seen_at"),
        seen.registration_id.label("seen_registration_id"),
        seen_member.name.label("seen_name"), seen_branch.name.label("seen_branch"),
        sa.case((seen.result == DUPLICATE,
                 attendance.first_at(seen.session_id, seen.kind, seen.registration_id)))
        .label("seen_first_at"),
    ]
    return (sa.select(*columns)
            .select_from(EventSession)
            .join(Event, Event.id == EventSession.event_id)
            .outerjoin(locked, sa.true())
            .outerjoin(member, member.id == locked.c.member_id)
            .outerjoin(branch, branch.id == locked.c.branch_id)
            .outerjoin(seen, seen.nonce == sa.bindparam("nonce"))  # None matches nothing
            .outerjoin(seen_reg, seen_reg.id == seen.registration_id)
            .outerjoin(seen_member, seen_member.id == seen_reg.member_id)
            .outerjoin(seen_branch, seen_branch.id == seen_reg.branch_id)
            .where(EventSession.id == session_id))


def _seen_answer(facts):
    member = ({"name": facts.seen_name, "branch": facts.seen_branch}
              if facts.seen_registration_id is not None else None)
    first = facts.seen_first_at
    return ScanResult(facts.seen_result, facts.seen_code,
                      scan_message(facts.seen_result, facts.seen_code, facts.seen_kind,
                                   facts.seen_late, first),
                      member, facts.seen_at, first, facts.seen_registration_id,
                      bool(facts.seen_late))


@functools.cache
def _sqlite_state_query():
    """SQLite, under the write lock: the registration's status and its state."""
    registration_id = sa.bindparam("registration_id")
    return (sa.select(Registration.status,
                      *attendance.state_columns(sa.bindparam("session_id"), registration_id))
            .where(Registration.id == registration_id))


def scan_ticket(session_id, *, kind, code, nonce=None, device="", now=None, operator=None,
                link_ids=()):
    """A ticket scan for session ``session_id`` by ``operator`` (checked by the caller) or
    by a phone holding the scanner links ``link_ids``. Returns perform_checkin()'s
    ScanResult, or None when this scanner may not scan here (ask scan_access() why)."""
    if kind not in ("entry", "exit"):
        raise DomainError("bad_request")
    nonce = _clean_nonce(nonce)
    code = _printable(code)
    at = now or utcnow()
    params = {"session_id": session_id, "code": parse_ticket_code(code), "nonce": nonce}
    if operator is None:
        # a fixed number of parameters (an expanding IN would be rendered again per scan)
        ids = list(link_ids)[-MAX_LINKS:]
        params.update({f"link_{n}": ids[n] if n < len(ids) else None for n in range(MAX_LINKS)},
                      now=utcnow())
    query = _facts_query(operator is None)
    write = (session_id, kind, code, nonce, device, at, operator)
    try:
        if db.engine.dialect.name == "sqlite":
            facts, answer = _scan_sqlite(query, params, write)
        else:
            facts, answer = _scan_locked(query, params, write)
    except IntegrityError as error:  # the same nonce twice at once: the first answer stands
        db.session.rollback()  # staff: a snapshot older than the other request's row
        return _nonce_race(nonce, error)
    if not isinstance(answer, tuple):
        return answer  # None (may not scan here) or a resent nonce's first answer
    result, refusal, late, first = answer  # the message after the COMMIT: the lock is short
    member = ({"name": facts.name, "branch": facts.branch}
              if facts.registration_id is not None else None)
    return ScanResult(result, refusal, scan_message(result, refusal, kind, late, first), member,
                      at, first, facts.registration_id, late)


def _before_writing(facts, session_id, operator):
    """(True, None) when the scan goes on to write; else (False, what scan_ticket answers):
    None (may not scan here) or a resent nonce's first answer."""
    if (facts is None or facts.event_status == "cancelled"
            or (operator is None and facts.link_id is None)):
        return False, None
    if facts.seen_session_id is not None:  # a scanner resending: the first answer
        if facts.seen_session_id != session_id:
            raise DomainError("bad_request")
        return False, _seen_answer(facts)
    return True, None


def _scan_locked(query, params, write):
    """PostgreSQL: the facts with the registration locked, its state read after the lock."""
    session_id = write[0]
    with write_transaction():
        # Core on the session's connection: no ORM entities, nothing to flush
        facts = db.session.connection().execute(query, params).one_or_none()
        goes_on, answer = _before_writing(facts, session_id, write[-1])
        if not goes_on:
            return facts, answer
        def state_of(registration_id):  # the status as the locking SELECT read it
            return (facts.registration_status,
                    attendance.checkin_state(session_id, registration_id))

        answer = _record(db.session.connection(), facts, *write, state_of=state_of)
    return facts, answer


def _scan_sqlite(query, params, write):
    """SQLite: one writer at a time for the whole database, so the write lock is taken
    after the facts are read (without a transaction: a resent nonce costs that one
    SELECT) and held only for the registration's state, the INSERT and the COMMIT. On a
    connection of its own: two SELECTs and an INSERT need no ORM session."""
    session_id = write[0]
    with db.engine.connect().execution_options(sqlite_begin="NONE") as connection:
        facts = connection.execute(query, params).one_or_none()
        goes_on, answer = _before_writing(facts, session_id, write[-1])
        if not goes_on:
            return facts, answer

        def state_of(registration_id):
            state = connection.execute(_sqlite_state_query(), {
                "session_id": session_id, "registration_id": registration_id}).one()
            return state.status, state

        connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            answer = _record(connection, facts, *write, state_of=state_of)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
    return facts, answer


def _record(connection, facts, session_id, kind, code, nonce, device, at, operator, state_of):
    """Decide and write the row; (result, code, late, first). ``state_of(registration_id)``:
    (registration status, attendance state), read with the registration locked."""
    registration_id, first = facts.registration_id, None
    if registration_id is None:
        result, refusal = REFUSED, "unknown_ticket"
    elif facts.registration_event_id != facts.event_id:
        result, refusal = REFUSED, "wrong_event"
    else:
        status, state = state_of(registration_id)
        result, refusal = decide(facts, kind, METHOD, at, event_status=facts.event_status,
                                 registration_status=status, state=state)
        if result == DUPLICATE:
            first = state.entered_at if refusal == "already_checked_in" else state.exited_at
    late = result == OK and kind == "entry" and attendance.is_late(facts, at, METHOD)
    connection.execute(_INSERT, dict(
        session_id=session_id, registration_id=registration_id, kind=kind, method=METHOD,
        at=at, result=result, code=refusal, late=late,
        operator_id=getattr(operator, "id", None),
        scanner_link_id=None if operator is not None else facts.link_id,
        device=(device or "")[:120], nonce=nonce, reason="", scanned=(code or "")[:200]))
    return result, refusal, late, first
