"""The summary of one event: per session, per branch, and who was absent.

``event_summary(event, scope=None, now=None)`` reads, inside the branch subtree ``scope``
(a secretary's own branch, or a branch an organizer narrowed to; None for the whole
event):

- per session and per branch, and in all: checkin.reports.event_totals(), the numbers of
  the attendance report (出勤情况) and, per session, of the live board (None for a session
  that has not started);
- the absent members of the started sessions (name, branch, session), for a reminder.

Who may read it is checkin.reports.report_scope()'s decision (the attendance report's).
Four statements whatever the size of the event.
"""
from dataclasses import dataclass

import sqlalchemy as sa

from app.checkin import attendance, reports
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


def absent_members(event, scope=None, now=None):
    """[(name, branch name, session)] of the expected members absent from a started session
    (no entry, no approved leave), by session then branch then name."""
    rows = attendance.attendance_rows(sessions=reports.started_sessions(event, now))
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
    per_session, per_branch, total = reports.event_totals(event, scope, now)
    return EventSummary(event, scope, per_session, per_branch, total,
                        absent_members(event, scope, now))
