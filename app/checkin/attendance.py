"""Attendance: the definitions of DESIGN §3, once, as SQL building blocks.

Every number about who came reads this module; no page, API, PDF, export or statistic
restates a definition. The blocks are SQLAlchemy expressions, so one session and an
aggregate over many sessions, branches and a year run the same definitions, as one
query each (never as a Python loop over check-in rows).

Building blocks
---------------
``successful(kind)``
    A check-in row that counts: result ``ok``, of kind ``entry`` or ``exit``.
``FIRST``
    The order that makes one successful row "the first": its time, then its id.
``leave_covers(registration_id, session_id)``
    EXISTS an approved leave of the registration covering the session (a leave with no
    session covers every session of the event). Columns or plain values.
``is_late(session, at, method)``
    The lateness rule: an entry after start + the session's grace minutes; a back-fill
    is never late. perform_checkin() stores it on each entry row (and tells the person);
    the blocks read the stored flag of the first entry.
``sessions_of_event(event_id)``, ``sessions_in_year(year)``
    Selections of session ids to pass as ``sessions=``; any ``select(EventSession.id)``
    with a filter of one's own works too (a list of ids as well).
``attendance_rows(sessions=None, registrations=None, any_status=False)``
    The core: one row per (registration, session of its event), by default for
    confirmed registrations only. Columns: registration_id, session_id, event_id,
    member_id, branch_id (kept on the registration), source, starts_at, entry_at and
    exit_at (first successful entry and exit), entry_method and entry_reason (of that
    first entry), and 0/1 flags, so that an aggregate SUMs them:
      expected     应到: confirmed, not a walk-in (invited included)
      on_leave     请假: expected, approved leave covering the session, no entry
      present      实到: expected, with a first successful entry
      absent       缺席: expected − on leave − present
      walk_in      列席: a confirmed walk-in with an entry (counted apart, not in the rate)
      late         迟到: an entry, and the first entry was late
      left_early   早退: an entry, and a first check-out before end − grace minutes
      backfilled   the first entry was a back-fill (补录; entry_reason says why): every
                   list of check-ins marks these 补录
      credited     counts for 学时: a confirmed entry, and a check-out too where the
                   session requires one (walk-ins earn hours like anyone who came)
    and credit_hours: the session's credit hours where credited, else 0.
``presence_rows(sessions=None)``
    A lighter attendance_rows() for statistics over many sessions: the same expected,
    on_leave, present, absent, walk_in, credited and credit_hours, without the first
    check-in's time, lateness or early leaving (one GROUP BY, no window functions).
``totals(rows)``
    Labelled aggregate columns over attendance rows for any GROUP BY: expected,
    present, on_leave, absent, late (among the present), left_early (among the
    present), walk_in, backfilled (among the present), hours, people (参与人数:
    distinct members present) and presences (参与人次: present (member, session) pairs).
``guest_rows(sessions=None)``
    列席来宾, guests not on the roster: one row per guest and session. Never in
    attendance_rows, so never in 应到, the rate or a branch's numbers; an event's or a
    session's 列席 adds their count to the walk_in total.
``completion_rows(registrations)``
    One row per registration: hours, total_hours (of its event), ratio and completed
    (0/1: hours ÷ total ≥ the event's completion ratio).

Readers
-------
``session_summary(session)``          应到/实到/请假/缺席/迟到/列席/补录 and the rate, in total and per branch
``branch_totals(sessions, within=None)``  [(branch, totals)] per branch, optionally one subtree
                                      (the printed reports; ``add_up()`` sums them with the rate)
``rate(present, expected, on_leave)``  到会率 = present ÷ (expected − on leave), None without a base
``states(sessions, registrations)``   {(registration_id, session_id): row} for the on-site pages
``hours_by_registration(ids)``        {registration_id: 学时} for many registrations at once
``hours(registration)``, ``attended(registration_id)``  one registration's 学时 and credited sessions
``hours_by_member(year, member_ids=None)``  {member_id: 学时 of sessions in that (local) year}
``completion(ids)``                   {registration_id: Completion} (结业)
``first_checkin(session_id, kind, registration_id=None, member_id=None)``  the first successful row
``first_at(session_id, kind, registration_id)``  its time, as a scalar subquery (columns or values)
``checkin_state(session_id, registration_id)``  (on leave, first entry at, first exit at), one query:
                                      perform_checkin's and the scan's state checks
``on_leave(registration_id, session_id)``  whether an approved leave covers it (perform_checkin's refusal)
``entered_sessions(registration_id)``  sessions it came to (the leave service refuses leave for them)

An aggregate reuses the rows: statistics of a year are
``select(rows.c.branch_id, *totals(rows)).group_by(rows.c.branch_id)`` with
``rows = attendance_rows(sessions=sessions_in_year(2026))``.
"""
import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.events.models import Event, EventSession
from app.extensions import db
from app.org.models import Branch
from app.registration.models import Leave, Registration
from app.timeutil import local_zone

from .constants import OK
from .models import Checkin, WalkInGuest

FIRST = (Checkin.at, Checkin.id)
# Hours are floats (1.5 学时): a completion ratio reached exactly must not miss by a rounding.
_EPSILON = 1e-9


# ------------------------------------------------------------------ blocks

def successful(kind):
    """A check-in row that counts: a successful ``entry`` or ``exit``."""
    return sa.and_(Checkin.kind == kind, Checkin.result == OK)


def leave_covers(registration_id, session_id):
    """EXISTS an approved leave of the registration covering the session."""
    return (sa.select(Leave.id)
            .where(Leave.registration_id == registration_id, Leave.status == "approved",
                   sa.or_(Leave.session_id.is_(None), Leave.session_id == session_id))
            .exists())


def is_late(session, at, method):
    """An entry at ``at`` is late after start + grace minutes; a back-fill records attendance
    after the fact, so its time says nothing of arrival and it is never late."""
    return method != "backfill" and at > session.starts_at + timedelta(
        minutes=session.grace_minutes)


def sessions_of_event(event_id):
    return sa.select(EventSession.id).where(EventSession.event_id == event_id)


def year_bounds(year):
    """The UTC instants a year starts and ends in the configured time zone (APP_TIMEZONE):
    a session counts in the year it took place there."""
    zone = local_zone()
    return (datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone))


def sessions_in_year(year):
    start, end = year_bounds(year)
    return sa.select(EventSession.id).where(EventSession.starts_at >= start,
                                            EventSession.starts_at < end)


class epoch_seconds(FunctionElement):
    """Whole seconds since 1970 of a naive UTC timestamp column, on SQLite and PostgreSQL
    alike (for comparing a time with another time plus minutes)."""

    type = sa.BigInteger()
    inherit_cache = True


@compiles(epoch_seconds)
def _epoch_seconds_default(element, compiler, **kw):
    (value,) = list(element.clauses)
    return compiler.process(sa.cast(sa.func.floor(sa.extract("epoch", value)), sa.BigInteger), **kw)


@compiles(epoch_seconds, "sqlite")
def _epoch_seconds_sqlite(element, compiler, **kw):
    (value,) = list(element.clauses)
    return compiler.process(sa.cast(sa.func.strftime("%s", value), sa.BigInteger), **kw)


def _flag(condition):
    return sa.case((condition, 1), else_=0)


def _first(kind, sessions, registrations):
    """The first successful check-in of ``kind`` per (registration, session)."""
    ranked = (sa.select(Checkin.registration_id, Checkin.session_id, Checkin.at, Checkin.late,
                        Checkin.method, Checkin.reason,
                        sa.func.row_number().over(
                            partition_by=(Checkin.registration_id, Checkin.session_id),
                            order_by=FIRST).label("n"))
              .where(successful(kind), Checkin.registration_id.is_not(None)))
    if sessions is not None:
        ranked = ranked.where(Checkin.session_id.in_(sessions))
    if registrations is not None:
        ranked = ranked.where(Checkin.registration_id.in_(registrations))
    ranked = ranked.subquery(f"ranked_{kind}")
    return sa.select(ranked).where(ranked.c.n == 1).subquery(f"first_{kind}")


def attendance_rows(sessions=None, registrations=None, any_status=False):
    """One row per (registration, session of its event); see the module docstring.

    ``sessions`` and ``registrations`` (ids: a list or a select) narrow the rows;
    ``any_status=True`` keeps registrations that are not confirmed (their flags are 0)."""
    reg, ses = Registration, EventSession
    entry = _first("entry", sessions, registrations)
    exit_ = _first("exit", sessions, registrations)
    confirmed = reg.status == "confirmed"
    entered = entry.c.at.is_not(None)
    expected = sa.and_(confirmed, reg.source != "walk_in")
    credited = sa.and_(confirmed, entered,
                       sa.or_(ses.checkout_required.is_(False), exit_.c.at.is_not(None)))
    left_early = sa.and_(entered, exit_.c.at.is_not(None),
                         epoch_seconds(exit_.c.at) + ses.grace_minutes * 60
                         < epoch_seconds(ses.ends_at))
    query = (
        sa.select(
            reg.id.label("registration_id"), ses.id.label("session_id"),
            reg.event_id.label("event_id"), reg.member_id.label("member_id"),
            reg.branch_id.label("branch_id"), reg.source.label("source"),
            ses.starts_at.label("starts_at"),
            entry.c.at.label("entry_at"), exit_.c.at.label("exit_at"),
            entry.c.method.label("entry_method"), entry.c.reason.label("entry_reason"),
            _flag(expected).label("expected"),
            _flag(sa.and_(expected, ~entered, leave_covers(reg.id, ses.id))).label("on_leave"),
            _flag(sa.and_(expected, entered)).label("present"),
            _flag(sa.and_(expected, ~entered, ~leave_covers(reg.id, ses.id))).label("absent"),
            _flag(sa.and_(confirmed, reg.source == "walk_in", entered)).label("walk_in"),
            _flag(sa.and_(entered, entry.c.late.is_(True))).label("late"),
            _flag(left_early).label("left_early"),
            _flag(entry.c.method == "backfill").label("backfilled"),
            _flag(credited).label("credited"),
            sa.case((credited, ses.credit_hours), else_=0.0).label("credit_hours"),
        )
        .select_from(reg)
        .join(ses, ses.event_id == reg.event_id)
        .outerjoin(entry, sa.and_(entry.c.registration_id == reg.id,
                                  entry.c.session_id == ses.id))
        .outerjoin(exit_, sa.and_(exit_.c.registration_id == reg.id,
                                  exit_.c.session_id == ses.id))
    )
    if not any_status:
        query = query.where(confirmed)
    if sessions is not None:
        query = query.where(ses.id.in_(sessions))
    if registrations is not None:
        query = query.where(reg.id.in_(registrations))
    return query.subquery("attendance")


def presence_rows(sessions=None):
    """A lighter attendance_rows() for aggregates over a year of sessions (statistics):
    one row per (confirmed registration, session of its event) with the flags expected,
    on_leave, present, absent, walk_in, credited and credit_hours defined as above, but not
    the first check-in's time, lateness, early leaving or method. Whether someone came
    (and checked out) needs no ranking of the check-ins, so they are read in one GROUP BY
    instead of two window functions, and the leave is looked up once per row: several
    times faster on a million check-ins. Statistics store these rows (stats/facts.py)."""
    reg, ses = Registration, EventSession
    seen = (sa.select(Checkin.registration_id, Checkin.session_id,
                      sa.func.max(_flag(successful("entry"))).label("entered"),
                      sa.func.max(_flag(successful("exit"))).label("exited"))
            .where(Checkin.result == OK, Checkin.registration_id.is_not(None))
            .group_by(Checkin.session_id, Checkin.registration_id))
    if sessions is not None:
        seen = seen.where(Checkin.session_id.in_(sessions))
    seen = seen.subquery("seen")
    # leave_covers() as two joins (an approved leave for every session of the event, or
    # for this one), hashed once instead of looked up twice per row.
    approved = Leave.status == "approved"
    whole = (sa.select(Leave.registration_id).where(approved, Leave.session_id.is_(None))
             .distinct().subquery("leave_whole"))
    single = (sa.select(Leave.registration_id, Leave.session_id)
              .where(approved, Leave.session_id.is_not(None)).distinct()
              .subquery("leave_single"))
    base = (sa.select(
        reg.id.label("registration_id"), ses.id.label("session_id"),
        reg.event_id.label("event_id"), reg.member_id.label("member_id"),
        reg.branch_id.label("branch_id"), reg.source.label("source"),
        ses.starts_at.label("starts_at"), ses.credit_hours.label("session_hours"),
        ses.checkout_required.label("checkout_required"),
        sa.func.coalesce(seen.c.entered, 0).label("entered"),
        sa.func.coalesce(seen.c.exited, 0).label("exited"),
        _flag(sa.or_(whole.c.registration_id.is_not(None),
                     single.c.registration_id.is_not(None))).label("covered"))
        .select_from(reg)
        .join(ses, ses.event_id == reg.event_id)
        .outerjoin(seen, sa.and_(seen.c.registration_id == reg.id,
                                 seen.c.session_id == ses.id))
        .outerjoin(whole, whole.c.registration_id == reg.id)
        .outerjoin(single, sa.and_(single.c.registration_id == reg.id,
                                   single.c.session_id == ses.id))
        .where(reg.status == "confirmed"))
    if sessions is not None:
        base = base.where(ses.id.in_(sessions))
    base = base.subquery("presence_base")
    walk_in = base.c.source == "walk_in"
    entered = base.c.entered == 1
    credited = sa.and_(entered, sa.or_(base.c.checkout_required.is_(False), base.c.exited == 1))
    return sa.select(
        base.c.registration_id, base.c.session_id, base.c.event_id, base.c.member_id,
        base.c.branch_id, base.c.source, base.c.starts_at,
        _flag(~walk_in).label("expected"),
        _flag(sa.and_(~walk_in, ~entered, base.c.covered == 1)).label("on_leave"),
        _flag(sa.and_(~walk_in, entered)).label("present"),
        _flag(sa.and_(~walk_in, ~entered, base.c.covered == 0)).label("absent"),
        _flag(sa.and_(walk_in, entered)).label("walk_in"),
        _flag(credited).label("credited"),
        sa.case((credited, base.c.session_hours), else_=0.0).label("credit_hours"),
    ).subquery("presence")


def totals(rows):
    """Aggregate columns over attendance ``rows`` for any GROUP BY (see the docstring)."""
    count = sa.func.sum
    return [
        count(rows.c.expected).label("expected"),
        count(rows.c.present).label("present"),
        count(rows.c.on_leave).label("on_leave"),
        count(rows.c.absent).label("absent"),
        count(rows.c.present * rows.c.late).label("late"),
        count(rows.c.present * rows.c.left_early).label("left_early"),
        count(rows.c.walk_in).label("walk_in"),
        count(rows.c.present * rows.c.backfilled).label("backfilled"),
        count(rows.c.credit_hours).label("hours"),
        sa.func.count(sa.distinct(sa.case((rows.c.present == 1, rows.c.member_id))))
        .label("people"),
        count(rows.c.present).label("presences"),
    ]


def completion_rows(registrations):
    """Per registration: hours, total_hours, ratio and completed (0/1), by DESIGN §3."""
    rows = attendance_rows(registrations=registrations)
    earned = (sa.select(rows.c.registration_id, rows.c.event_id,
                        sa.func.sum(rows.c.credit_hours).label("hours"))
              .group_by(rows.c.registration_id, rows.c.event_id).subquery("earned"))
    total = (sa.select(EventSession.event_id, sa.func.sum(EventSession.credit_hours).label("total"))
             .group_by(EventSession.event_id).subquery("total"))
    return (sa.select(
        earned.c.registration_id, earned.c.hours, total.c.total.label("total_hours"),
        Event.completion_ratio.label("ratio"),
        _flag(sa.and_(total.c.total > 0,
                      earned.c.hours >= Event.completion_ratio * total.c.total - _EPSILON))
        .label("completed"))
        .join(total, total.c.event_id == earned.c.event_id)
        .join(Event, Event.id == earned.c.event_id)
        .subquery("completion"))


# ------------------------------------------------------------------ readers

def _number(value):
    return int(value or 0)


def guest_rows(sessions=None):
    """列席来宾 (WalkInGuest: people not on the roster checked in at the door), one row per
    guest and session: session_id, name, unit, entry_at. Guests have no registration and
    no branch, so attendance_rows() never holds them: they are 列席 only, never 应到,
    the rate or a branch's 参与人数. ``sessions`` narrows them like attendance_rows'."""
    query = sa.select(WalkInGuest.id.label("guest_id"), WalkInGuest.session_id,
                      WalkInGuest.name, WalkInGuest.unit, WalkInGuest.at.label("entry_at"))
    if sessions is not None:
        query = query.where(WalkInGuest.session_id.in_(sessions))
    return query.subquery("guests")


def rate(present, expected, on_leave):
    """到会率 = present ÷ (expected − on leave), as a ratio rounded to 4 places; None when
    nobody was due (everyone on leave, or nobody expected)."""
    base = expected - on_leave
    return round(present / base, 4) if base else None


BRANCH_KEYS = ("expected", "present", "on_leave", "absent", "late", "left_early", "walk_in",
               "backfilled", "hours")


def branch_totals(sessions, within=None):
    """[(branch, {expected, present, on_leave, absent, late, left_early, walk_in, backfilled,
    hours})]:
    the totals() of ``sessions`` per branch kept on the registrations, in branch-tree order;
    ``within`` (a Branch) keeps the branches of its subtree only (a secretary's view).
    A branch appears once any of its registrations has a row (walk-ins included)."""
    rows = attendance_rows(sessions=sessions)
    sums = {c.name: c for c in totals(rows)}
    query = (sa.select(Branch, *(sums[k] for k in BRANCH_KEYS))
             .select_from(rows).join(Branch, Branch.id == rows.c.branch_id)
             .group_by(Branch.id).order_by(Branch.path))
    if within is not None:
        query = query.where(within.subtree_filter())
    return [(row[0], {key: float(row[index + 1] or 0) if key == "hours" else _number(row[index + 1])
                      for index, key in enumerate(BRANCH_KEYS)})
            for row in db.session.execute(query)]


def add_up(per_branch):
    """The sum of branch_totals() rows, with the rate: {expected, ..., hours, rate}."""
    total = {key: sum(numbers[key] for _, numbers in per_branch) for key in BRANCH_KEYS}
    total["rate"] = rate(total["present"], total["expected"], total["on_leave"])
    return total


def session_summary(session):
    """应到/实到/请假/缺席/迟到/列席 for one session, in total and per branch (the branch
    kept on each registration), and 到会率 = present ÷ (expected − on leave). 列席
    counts walk-in members and guests; 补录 (backfilled) counts the present whose first
    entry was a back-fill."""
    found = branch_totals([session.id])
    keys = ("expected", "present", "on_leave", "absent", "late", "walk_in", "backfilled")
    whole = add_up(found)
    total = {key: whole[key] for key in keys}
    guests = guest_rows(sessions=[session.id])
    total["walk_in"] += _number(db.session.scalar(sa.select(sa.func.count()).select_from(guests)))
    total["rate"] = whole["rate"]
    total["by_branch"] = [
        {"branch": branch.name, **{key: numbers[key]
                                   for key in ("expected", "present", "on_leave", "absent",
                                               "backfilled")}}
        for branch, numbers in found if numbers["expected"]]
    return total


def states(sessions=None, registrations=None):
    """{(registration_id, session_id): attendance row} of registrations in any status
    (a ticket page shows what a cancelled registration did before)."""
    rows = attendance_rows(sessions, registrations, any_status=True)
    return {(row.registration_id, row.session_id): row
            for row in db.session.execute(sa.select(rows))}


def hours_by_registration(registration_ids):
    """{registration_id: 学时} for many registrations at once (0 where none earned)."""
    ids = list(registration_ids)
    if not ids:
        return {}
    rows = attendance_rows(registrations=ids)
    earned = dict(db.session.execute(
        sa.select(rows.c.registration_id, sa.func.sum(rows.c.credit_hours))
        .group_by(rows.c.registration_id)).all())
    return {rid: float(earned.get(rid) or 0) for rid in ids}


def hours(registration):
    """学时 earned in one registration's event."""
    return hours_by_registration([registration.id])[registration.id]


def attended(registration_id):
    """Ids of the sessions a registration earns 学时 for."""
    rows = attendance_rows(registrations=[registration_id])
    return set(db.session.scalars(sa.select(rows.c.session_id).where(rows.c.credited == 1)))


def hours_by_member(year, member_ids=None):
    """{member_id: 学时} of the sessions that took place in ``year`` (local time)."""
    rows = attendance_rows(sessions=sessions_in_year(year))
    query = (sa.select(rows.c.member_id, sa.func.sum(rows.c.credit_hours))
             .group_by(rows.c.member_id))
    if member_ids is not None:
        query = query.where(rows.c.member_id.in_(list(member_ids)))
    return {member_id: float(value or 0) for member_id, value in db.session.execute(query)}


@dataclass(frozen=True)
class Completion:
    hours: float
    total_hours: float
    ratio: float
    completed: bool


def completion(registration_ids):
    """{registration_id: Completion} (结业: attended hours ÷ total ≥ the event's ratio)."""
    ids = list(registration_ids)
    if not ids:
        return {}
    rows = completion_rows(ids)
    return {row.registration_id: Completion(float(row.hours or 0), float(row.total_hours or 0),
                                            row.ratio, bool(row.completed))
            for row in db.session.execute(sa.select(rows))}


def first_checkin(session_id, kind, registration_id=None, member_id=None):
    """The first successful check-in row of ``kind`` in a session, of one registration or
    of any registration of one member; None when there is none."""
    query = sa.select(Checkin).where(Checkin.session_id == session_id, successful(kind))
    if registration_id is not None:
        query = query.where(Checkin.registration_id == registration_id)
    if member_id is not None:
        query = query.join(Registration, Registration.id == Checkin.registration_id).where(
            Registration.member_id == member_id)
    return db.session.scalar(query.order_by(*FIRST).limit(1))


def first_at(session_id, kind, registration_id):
    """The time of the first successful row of ``kind`` of a registration in a session, as
    a scalar subquery (None when there is none); arguments are columns or plain values."""
    # kind || '' and result || '': the condition of successful(kind), written so that no
    # planner walks every successful row of the session (ix_checkin_session_result) to
    # find one registration's: it takes ix_checkin_registration, a handful of rows.
    return (sa.select(Checkin.at)
            .where(Checkin.session_id == session_id, Checkin.registration_id == registration_id,
                   Checkin.kind.concat("") == kind, Checkin.result.concat("") == OK)
            .order_by(*FIRST).limit(1).scalar_subquery())


def state_columns(session_id, registration_id):
    """The labelled columns of checkin_state(), to add to a query of one's own."""
    return (leave_covers(registration_id, session_id).label("on_leave"),
            first_at(session_id, "entry", registration_id).label("entered_at"),
            first_at(session_id, "exit", registration_id).label("exited_at"))


@functools.cache
def _state_query():
    return sa.select(*state_columns(sa.bindparam("session_id"), sa.bindparam("registration_id")))


def checkin_state(session_id, registration_id):
    """(on_leave, entered_at, exited_at) of a registration in a session, in one query: an
    approved leave covers it, the first successful entry's and exit's times (or None).
    Read with the registration locked, it decides perform_checkin's refusals. (Read on
    the session's connection: no autoflush; the callers have flushed what they wrote.)"""
    return db.session.connection().execute(
        _state_query(), {"session_id": session_id, "registration_id": registration_id}).one()


def entered_sessions(registration_id):
    """Ids of the sessions a registration has a successful entry for (it came); the leave
    service refuses leave for them (handed over by create_app: registration sits below)."""
    return set(db.session.scalars(
        sa.select(Checkin.session_id).where(Checkin.registration_id == registration_id,
                                            successful("entry")).distinct()))


def on_leave(registration_id, session_id):
    """Whether an approved leave covers the session (perform_checkin refuses the entry)."""
    return bool(db.session.scalar(sa.select(leave_covers(registration_id, session_id))))
