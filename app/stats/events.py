"""The summary of one event: per session, per branch, and who was absent.

``event_summary(event, scope=None, now=None)`` reads, inside the branch subtree ``scope``
(a secretary's own branch, or a branch an organizer narrowed to; None for the whole
event):

- per session: 应到/实到/请假/缺席/迟到/早退 and 到会率 (one GROUP BY over the attendance
  rows; None for a session that has not started);
- per branch: attendance.branch_totals() over the started sessions, with the rate: the
  numbers of the attendance report (checkin/reports.py) and, per session, of the live board;
- the absent members of the started sessions (name, branch, session), for a reminder.

Who may read it is checkin.reports.report_scope()'s decision (the attendance report's).
Four statements whatever the size of the event.
"""
from dataclasses import dataclass

import sqlalchemy as sa

from app.checkin import attendance
from app.events.models import EventSession
from app.extensions import db
from app.org.models import Branch, Member
from app.timeutil import utcnow

SESSION_KEYS = ("expected", "present", "on_leave", "absent", "late", "left_early", "walk_in")


@dataclass
class EventSummary:
    event: object
    scope: object
    per_session: list  # [(session, numbers with rate, or None before it starts)]
    per_branch: list  # [(branch, numbers with rate)]
    total: dict  # over the started sessions, with the rate
    absent: list  # [(member name, branch name, session)]


def _in_scope(rows, scope, query):
    if scope is None:
        return query
    return query.join(Branch, Branch.id == rows.c.branch_id).where(scope.subtree_filter())


def session_numbers(event, scope=None):
    """{session_id: numbers with rate} for every session of the event, in one statement."""
    rows = attendance.attendance_rows(sessions=attendance.sessions_of_event(event.id))
    sums = {column.name: column for column in attendance.totals(rows)}
    query = _in_scope(rows, scope, sa.select(rows.c.session_id, *(sums[k] for k in SESSION_KEYS))
                      .select_from(rows).group_by(rows.c.session_id))
    found = {}
    for row in db.session.execute(query):
        numbers = {key: int(getattr(row, key) or 0) for key in SESSION_KEYS}
        numbers["rate"] = attendance.rate(numbers["present"], numbers["expected"],
                                          numbers["on_leave"])
        found[row.session_id] = numbers
    return found


def absent_members(event, scope=None, now=None):
    """[(name, branch name, session)] of the expected members absent from a started session
    (no entry, no approved leave), by session then branch then name."""
    now = now or utcnow()
    started = sa.select(EventSession.id).where(EventSession.event_id == event.id,
                                               EventSession.starts_at <= now)
    rows = attendance.attendance_rows(sessions=started)
    query = (sa.select(Member.name, Branch.name.label("branch_name"), rows.c.session_id)
             .select_from(rows)
             .join(Member, Member.id == rows.c.member_id)
             .join(Branch, Branch.id == rows.c.branch_id)
             .where(rows.c.absent == 1)
             .order_by(rows.c.starts_at, rows.c.session_id, Branch.path, Member.name, Member.id))
    if scope is not None:
        query = query.where(scope.subtree_filter())
    sessions = {session.id: session for session in event.sessions}
    return [(name, branch_name, sessions[session_id])
            for name, branch_name, session_id in db.session.execute(query)]


def event_summary(event, scope=None, now=None):
    now = now or utcnow()
    numbers = session_numbers(event, scope)
    empty = {key: 0 for key in SESSION_KEYS} | {"rate": None}
    per_session = [(session, numbers.get(session.id, empty) if session.starts_at <= now else None)
                   for session in event.sessions]
    started = sa.select(EventSession.id).where(EventSession.event_id == event.id,
                                               EventSession.starts_at <= now)
    per_branch = attendance.branch_totals(started, within=scope)
    for _, branch_numbers in per_branch:
        branch_numbers["rate"] = attendance.rate(branch_numbers["present"],
                                                 branch_numbers["expected"],
                                                 branch_numbers["on_leave"])
    total = attendance.add_up(per_branch)
    return EventSummary(event, scope, per_session, per_branch, total,
                        absent_members(event, scope, now))

