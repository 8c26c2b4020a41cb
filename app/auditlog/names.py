"""Names for the rows an audit page mentions, in one query per kind of row.

The presenter describes every entry twice: once with a ``Names`` that only notes which
rows are wanted (and answers ""), then, after ``load()``, with the names. So the page runs
the same fixed number of queries whether it lists five entries or fifty.
"""
from collections import defaultdict

import sqlalchemy as sa

from app.checkin.models import ScannerLink
from app.events import eligibility
from app.events.models import Event, EventItem, EventSession
from app.extensions import db
from app.org.models import Branch, Member
from app.registration.models import Leave, Registration, Team
from app.timeutil import format_when

GONE = "（已删除）"


class Names:
    def __init__(self):
        self._wanted = defaultdict(set)
        self._names = None  # {(kind, id): name} once loaded
        self._branches = []  # kept while describing: eligibility.describe() finds them loaded

    def __call__(self, kind, row_id):
        """The name of row ``row_id`` of ``kind`` (see labels.py for the kinds)."""
        if self._names is None:
            if isinstance(row_id, int):
                self._wanted["registration" if kind == "registrant" else kind].add(row_id)
            return ""
        return self._names.get((kind, row_id), GONE)

    def spec(self, spec):
        """An eligibility spec in Chinese, quoted: 「第一党支部；中共党员」."""
        if not isinstance(spec, dict):
            return str(spec)
        if self._names is None:
            for branch_id in spec.get("branch_ids") or []:
                self("branch", branch_id)
            return ""
        return f"「{eligibility.describe(spec)}」"

    def load(self):
        """Look up everything noted: one query per kind of row."""
        wanted, found = self._wanted, {}
        leaves = _leaves(wanted["leave_request"]) if wanted["leave_request"] else []
        wanted["session"].update(row.session_id for row in leaves if row.session_id is not None)
        if wanted["branch"]:
            self._branches = db.session.scalars(
                db.select(Branch).where(Branch.id.in_(wanted["branch"]))).all()
            found.update((("branch", b.id), b.name) for b in self._branches)
        for kind, lookup in _LOOKUPS.items():
            if wanted[kind]:
                found.update(((kind, row_id), name) for row_id, name in lookup(wanted[kind]))
        if wanted["registration"]:
            for row_id, person, branch, title in _registrations(wanted["registration"]):
                found["registrant", row_id] = f"{person} · {branch}"
                found["registration", row_id] = f"{person} · {branch} · 「{title}」"
        for row in leaves:
            what = (found.get(("session", row.session_id), GONE) if row.session_id is not None
                    else f"「{row.title}」全部场次")
            found["leave_request", row.id] = f"{row.person} · {row.branch} · {what}"
        self._names = found


def _leaves(ids):
    return db.session.execute(
        db.select(Leave.id, Leave.session_id, Member.name.label("person"),
                  Branch.name.label("branch"), Event.title)
        .join(Registration, Registration.id == Leave.registration_id)
        .join(Member, Member.id == Registration.member_id)
        .join(Branch, Branch.id == Registration.branch_id)
        .join(Event, Event.id == Registration.event_id)
        .where(Leave.id.in_(ids))).all()


def _registrations(ids):
    return db.session.execute(
        db.select(Registration.id, Member.name, Branch.name, Event.title)
        .join(Member, Member.id == Registration.member_id)
        .join(Branch, Branch.id == Registration.branch_id)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.id.in_(ids))).all()


def _teams(ids):
    rows = db.session.execute(
        db.select(Team.id, Team.name, EventItem.name, Event.title)
        .join(EventItem, EventItem.id == Team.item_id).join(Event, Event.id == EventItem.event_id)
        .where(Team.id.in_(ids)))
    return [(team_id, f"「{title}」{item} · {team}") for team_id, team, item, title in rows]


def _scanner_links(ids):
    return db.session.execute(
        db.select(ScannerLink.id, ScannerLink.label).where(ScannerLink.id.in_(ids))).all()


def _members(ids):
    rows = db.session.execute(
        db.select(Member.id, Member.name, Branch.name).join(Branch, Branch.id == Member.branch_id)
        .where(Member.id.in_(ids)))
    return [(member_id, f"{name} · {branch}") for member_id, name, branch in rows]


def _events(ids):
    return db.session.execute(db.select(Event.id, Event.title).where(Event.id.in_(ids))).all()


def _sessions(ids):
    """「活动名称」第2场 10月3日 周五 09:00 (no number when the event has one session)."""
    numbered = db.select(
        EventSession.id, EventSession.event_id, EventSession.starts_at,
        sa.func.row_number().over(partition_by=EventSession.event_id,
                                  order_by=(EventSession.starts_at, EventSession.id)).label("n"),
        sa.func.count().over(partition_by=EventSession.event_id).label("of"),
    ).where(EventSession.event_id.in_(
        db.select(EventSession.event_id).where(EventSession.id.in_(ids)))).subquery()
    rows = db.session.execute(
        db.select(numbered.c.id, numbered.c.n, numbered.c.of, numbered.c.starts_at, Event.title)
        .join(Event, Event.id == numbered.c.event_id).where(numbered.c.id.in_(ids)))
    return [(session_id, f"「{title}」{f'第{n}场 ' if of > 1 else ''}{format_when(starts_at)}")
            for session_id, n, of, starts_at, title in rows]


def _items(ids):
    return db.session.execute(
        db.select(EventItem.id, EventItem.name).where(EventItem.id.in_(ids))).all()


_LOOKUPS = {
    "team": _teams,
    "scanner_link": _scanner_links,
    "member": _members,
    "event": _events,
    "session": _sessions,
    "item": _items,
}
