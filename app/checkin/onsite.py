"""What the on-site pages read and do: the staff side of a ticket, back-fill (补录),
walk-ins (列席), the member's landing after a self check-in, the session to preselect.

app/checkin/onsite_views.py parses, authorizes, calls one of these and renders; the
numbers come from attendance.py and every check-in goes through perform_checkin().
"""
from dataclasses import dataclass

import sqlalchemy as sa

from app.errors import DomainError, message_for
from app.events.models import EventSession
from app.extensions import db
from app.org import search
from app.org.models import Branch, Member
from app.org.normalize import clean_text
from app.registration.constants import ACTIVE_STATUSES
from app.registration.models import Registration
from app.timeutil import format_local, utcnow

from . import attendance
from .constants import DUPLICATE, REFUSED
from .models import Ticket
from .service import ScanResult, backfill_open, checkin_window, parse_ticket_code, perform_checkin

WALK_IN_RESULTS = 20


def find_session(session_id):
    return db.session.get(EventSession, session_id)


def find_registration(registration_id):
    return db.session.get(Registration, registration_id)


def find_ticket(code):
    """(the ticket, its code as typed cleanly) for a code from a URL; (None, None) when unknown."""
    parsed = parse_ticket_code(code)
    ticket = db.session.scalar(db.select(Ticket).filter_by(code=parsed)) if parsed else None
    return ticket, parsed


def current_session(sessions, now=None):
    """The session to preselect: one whose check-in is open now (the nearest start),
    else the next one to come, else the last one."""
    now = now or utcnow()
    open_now = []
    for session in sessions:
        opens, closes = checkin_window(session)
        if opens <= now <= closes:
            open_now.append(session)
    if open_now:
        return min(open_now, key=lambda s: abs((s.starts_at - now).total_seconds()))
    coming = [s for s in sessions if s.starts_at > now]
    if coming:
        return min(coming, key=lambda s: s.starts_at)
    return sessions[-1] if sessions else None


def ticket_states(registration):
    """{session_id: attendance row} of one registration over its event's sessions."""
    found = attendance.states(sessions=attendance.sessions_of_event(registration.event_id),
                              registrations=[registration.id])
    return {session_id: row for (_, session_id), row in found.items()}


def refused(error):
    """A refusal a service raised (not a stored answer), shown like any red result."""
    return ScanResult(REFUSED, error.code, error.message)


# ------------------------------------------------------------------ back-fill

def expected_list(session):
    """The session's expected people (应到: confirmed, walk-ins apart) as (registration,
    attendance row) pairs, by branch and name; member and branch loaded."""
    rows = attendance.attendance_rows(sessions=[session.id])
    found = db.session.execute(
        db.select(Registration, rows)
        .join(rows, rows.c.registration_id == Registration.id)
        .join(Member, Member.id == Registration.member_id)
        .join(Branch, Branch.id == Registration.branch_id)
        .where(rows.c.expected == 1)
        .options(sa.orm.contains_eager(Registration.member),
                 sa.orm.contains_eager(Registration.branch))
        .order_by(Branch.path, Member.name, Registration.id)).all()
    return [(row[0], row) for row in found]


def backfill(actor, session, registration_ids, reason, with_exit=False, nonce_for=None):
    """补录 from a paper list: each ticked expected person goes through perform_checkin
    (method "backfill", with the reason), and the check-out too where the session needs
    it and ``with_exit``. Opens once the session has started (backfill_not_started
    before). Returns one result per person: name, branch, entry, exit."""
    if not backfill_open(session):
        raise DomainError("backfill_not_started")
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("backfill_reason_required", field="reason")
    expected = {registration.id: registration for registration, _ in expected_list(session)}
    chosen = [rid for rid in dict.fromkeys(registration_ids) if rid in expected]
    if not chosen:
        raise DomainError("backfill_none_selected")
    with_exit = session.checkout_required and with_exit
    results = []
    for rid in chosen:
        entry = _backfill_one(actor, session, rid, "entry", reason, nonce_for)
        exit_answer = None
        if with_exit and entry.result in ("ok", "duplicate"):
            exit_answer = _backfill_one(actor, session, rid, "exit", reason, nonce_for)
        registration = expected[rid]
        results.append({"name": registration.member.name, "branch": registration.branch.name,
                        "entry": entry, "exit": exit_answer})
    return results


def _backfill_one(actor, session, registration_id, kind, reason, nonce_for):
    try:
        return perform_checkin(session.id, kind=kind, method="backfill",
                               registration_id=registration_id, operator=actor, reason=reason,
                               nonce=nonce_for(registration_id, kind) if nonce_for else None)
    except DomainError as error:
        return refused(error)


# ------------------------------------------------------------------ walk-ins

def walk_in_search(actor, session, q):
    """Active members ``actor`` may check in as 列席, found by ``q`` under the search rule
    (org/search.py: their own scope, phones by the last four digits unless an admin),
    {member_id: registration} for those already registered for the event, and
    {member_id: attendance row} of this session for them (entry_at: checked in).
    Raises DomainError (field "q") for a refused phone query."""
    if not clean_text(q):
        return [], {}, {}
    problem = search.query_problem(actor, q)
    if problem is not None:
        raise problem
    members = db.session.scalars(
        search.search_members(actor, q).where(Member.active.is_(True))
        .order_by(Member.name, Branch.path, Member.id).limit(WALK_IN_RESULTS)).all()
    registered = {}
    if members:
        registered = {r.member_id: r for r in db.session.scalars(
            db.select(Registration).where(
                Registration.event_id == session.event_id,
                Registration.member_id.in_([m.id for m in members]),
                Registration.status.in_(ACTIVE_STATUSES)))}
    found = attendance.states(sessions=[session.id],
                              registrations=[r.id for r in registered.values()]) if registered else {}
    states = {r.member_id: found.get((r.id, session.id)) for r in registered.values()}
    return members, registered, states


@dataclass(frozen=True)
class WalkIn:
    """One person checked in as 列席: a member (branch) or a guest (unit)."""

    name: str
    where: str  # the branch kept on the registration, or the guest's unit
    at: object
    guest: bool = False


def walk_ins(session):
    """The people checked in as 列席 for this session, members and guests, earliest first."""
    rows = attendance.attendance_rows(sessions=[session.id])
    members = db.session.execute(
        db.select(Member.name, Branch.name, rows.c.entry_at, rows.c.registration_id)
        .select_from(rows)
        .join(Member, Member.id == rows.c.member_id)
        .join(Branch, Branch.id == rows.c.branch_id)
        .where(rows.c.walk_in == 1)).all()
    guests = attendance.guest_rows(sessions=[session.id])
    people = [WalkIn(name, branch, at) for name, branch, at, _ in members]
    people += [WalkIn(g.name, g.unit, g.entry_at, guest=True)
               for g in db.session.execute(sa.select(guests)).all()]
    return sorted(people, key=lambda person: person.at)


# ------------------------------------------------------------------ self check-in

def already_done(member, session, kind):
    """For a reload of the result page after the code changed (WeChat restores pages):
    someone already checked in (or out) is told so in amber, not sent back in red.
    Reads only; None when the member has not checked in (or out) yet."""
    first = attendance.first_checkin(session.id, kind, member_id=member.id)
    if first is None:
        return None
    code = "already_checked_out" if kind == "exit" else "already_checked_in"
    return ScanResult(DUPLICATE, code, message_for(code, first=format_local(first.at, "%H:%M")),
                      {"name": member.name, "branch": first.registration.branch.name},
                      None, first.at, first.registration_id)
