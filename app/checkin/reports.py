"""What the printed lists and attendance reports read: who is expected in a session or an
event (within a staff member's branch scope), each person's attendance rows, and the
totals. Reads only; report_files.py turns this into PDF, XLSX and CSV.

Every number comes from attendance.py: the per-person flags of ``attendance_rows()``, the
totals of ``branch_totals()`` / ``add_up()`` (the live board's session_summary() reads the
same), the rate of ``rate()``. This module adds only the words a report prints for a
person in a session (status_word) and the order of the rows.

Scope: ``report_scope(actor, event, branch_id)`` is the one access rule of every report
page and file: staff who follow the event (events.service.staff_sees_event); a branch
secretary sees the branch subtree of their own branch (org.scope) and may narrow it to a
branch below; anything else is refused with ``forbidden`` (403).
"""
from dataclasses import dataclass, field

import sqlalchemy as sa

from app import printing
from app.errors import DomainError
from app.events.models import EventSession
from app.events.service import staff_sees_event
from app.extensions import db
from app.org.models import Branch, Member
from app.org.scope import is_staff, scope_branch
from app.registration import queries
from app.registration.constants import SOURCES
from app.timeutil import format_local, format_when, utcnow

from . import attendance
from .constants import SHEET_ORDERS
from .name_order import pinyin_key
from .signatures import signed_count

ORDERS = tuple(SHEET_ORDERS)


# ------------------------------------------------------------------ scope

def report_scope(actor, event, branch_id=None):
    """The branch whose subtree a report covers, None for the whole event.

    Raises DomainError("forbidden", 403) for someone who may not read the event's reports
    or asks for a branch outside their own subtree, and not_found for an unknown branch."""
    if actor is None or not actor.is_authenticated or not is_staff(actor) \
            or not staff_sees_event(actor, event):
        raise DomainError("forbidden", http_status=403)
    own = scope_branch(actor)
    if branch_id is None:
        return own
    branch = db.session.get(Branch, branch_id)
    if branch is None:
        raise DomainError("not_found")
    if own is not None and not branch.is_in_subtree_of(own):
        raise DomainError("forbidden", http_status=403)
    return branch


def scope_label(scope):
    return f"{scope.name}及下级组织" if scope is not None else ""


def branch_options(actor, event):
    """(id, name) of the branches a report may be narrowed to: those with registrations
    of the event, inside the actor's own scope, in tree order."""
    from app.registration.models import Registration

    own = scope_branch(actor)
    query = (sa.select(Branch.id, Branch.name).where(Branch.id.in_(
        sa.select(Registration.branch_id).where(Registration.event_id == event.id)))
        .order_by(Branch.path))
    if own is not None:
        query = query.where(own.subtree_filter())
    return db.session.execute(query).all()


# ------------------------------------------------------------------ people

@dataclass
class Person:
    """One registration in a report: who, the branch kept on the registration, and its
    attendance row per session (attendance_rows' columns)."""
    registration_id: int
    member_id: int
    name: str
    position: str
    branch_id: int
    branch_name: str
    branch_path: str
    source: str
    rows: dict = field(default_factory=dict)

    @property
    def invited(self):
        return self.source == "invited"

    @property
    def source_label(self):
        return SOURCES.get(self.source, self.source)


WHO = ("expected", "walk_ins", "both")


def people(sessions, scope=None, *, order="pinyin", who="expected"):
    """The expected people of ``sessions`` (ids or a select), the people who came as 列席
    (``who="walk_ins"``) or both in one query (``who="both"``; ``split()`` parts them),
    inside ``scope``; by branch (tree order), then by name in 拼音 order or in roster order
    (the order people were entered, ``order="roster"``)."""
    rows = attendance.attendance_rows(sessions=sessions)
    wanted = {"expected": rows.c.expected == 1, "walk_ins": rows.c.walk_in == 1,
              "both": sa.or_(rows.c.expected == 1, rows.c.walk_in == 1)}[who]
    query = (sa.select(rows, Member.name.label("person"), Member.position.label("position"),
                       Branch.name.label("branch_name"), Branch.path.label("branch_path"))
             .select_from(rows)
             .join(Member, Member.id == rows.c.member_id)
             .join(Branch, Branch.id == rows.c.branch_id)
             .where(wanted)
             .order_by(Branch.path, Member.id, rows.c.registration_id, rows.c.starts_at,
                       rows.c.session_id))
    if scope is not None:
        query = query.where(scope.subtree_filter())
    found = {}
    for row in db.session.execute(query):
        person = found.get(row.registration_id)
        if person is None:
            person = found[row.registration_id] = Person(
                row.registration_id, row.member_id, row.person, row.position or "", row.branch_id,
                row.branch_name, row.branch_path, row.source)
        person.rows[row.session_id] = row
    listed = list(found.values())
    if order == "pinyin":
        listed.sort(key=lambda p: (p.branch_path, pinyin_key(p.name), p.member_id))
    return listed


def split(listed):
    """(expected, walk-ins) of a people(who="both") list, each in its order."""
    return ([p for p in listed if p.source != "walk_in"], [p for p in listed if p.source == "walk_in"])


def groups(listed):
    """[(branch name, [Person])] in the order given (people() sorts by branch first)."""
    out = []
    for person in listed:
        if not out or out[-1][2] != person.branch_id:
            out.append((person.branch_name, [], person.branch_id))
        out[-1][1].append(person)
    return [(name, members) for name, members, _ in out]


def started(session, now=None):
    return session.starts_at <= (now or utcnow())


def status_word(row, session, now=None):
    """What a report prints for one person in one session: 未开始, 请假, 缺席, 出席, 迟到,
    早退 (both: 迟到、早退), with （补录） for a back-filled entry and （未签退） where the
    session needs a check-out that is missing (no 学时 then)."""
    if not started(session, now):
        return "未开始"
    if row.on_leave:
        return "请假"
    if row.absent:
        return "缺席"
    word = "、".join(label for flag, label in ((row.late, "迟到"), (row.left_early, "早退"))
                    if flag) or ("列席" if row.walk_in else "出席")
    if row.backfilled:
        word += "（补录）"
    if session.checkout_required and row.exit_at is None:
        word += "（未签退）"
    return word


# ------------------------------------------------------------------ headers

def session_name(session):
    """「第1课」, or 「第 n 场」 for an untitled session of an event with several."""
    if session.title:
        return session.title
    sessions = list(session.event.sessions)
    return f"第{sessions.index(session) + 1}场" if len(sessions) > 1 else "全场"


def when(session):
    return f"{format_local(session.starts_at, '%Y年')}{format_when(session.starts_at, session.ends_at)}"


def event_when(event):
    sessions = list(event.sessions)
    if not sessions:
        return ""
    first, last = sessions[0], max(sessions, key=lambda s: s.ends_at)
    if len(sessions) == 1:
        return when(first)
    return (f"{format_local(first.starts_at, '%Y年%m月%d日')} 至 "
            f"{format_local(last.ends_at, '%Y年%m月%d日')}（{len(sessions)} 场）")


def session_info(session, scope=None):
    """The header of a session's sheet or report: 活动名称, 场次, 时间, 地点, 主办 (and 范围)."""
    event = session.event
    info = [("活动名称", event.title), ("场次", session_name(session)), ("时间", when(session)),
            ("地点", session.effective_place or "—"), ("主办", event.organizer_branch.name)]
    if scope is not None:
        info.append(("范围", scope_label(scope)))
    return info


def event_info(event, scope=None):
    info = [("活动名称", event.title), ("时间", event_when(event)),
            ("地点", event.place or "见各场次"), ("主办", event.organizer_branch.name)]
    if scope is not None:
        info.append(("范围", scope_label(scope)))
    return info


def local_time(value, session):
    """A check-in time as a report prints it: 08:52, with the date when it is not the
    session's day (a back-fill entered days later)."""
    if value is None:
        return ""
    same_day = format_local(value, "%Y%m%d") == format_local(session.starts_at, "%Y%m%d")
    return format_local(value, "%H:%M" if same_day else "%m-%d %H:%M")


# ------------------------------------------------------------------ totals

def with_rates(per_branch):
    for _, numbers in per_branch:
        numbers["rate"] = attendance.rate(numbers["present"], numbers["expected"],
                                          numbers["on_leave"])
    return per_branch


def session_totals(session, scope=None):
    """([(branch, numbers with rate)], total): attendance.branch_totals() of one session
    inside ``scope``, and their sum with the rate (the board's numbers for the whole event)."""
    per_branch = attendance.branch_totals([session.id], within=scope)
    return with_rates(per_branch), attendance.add_up(per_branch)


def started_sessions(event, now=None):
    return sa.select(EventSession.id).where(EventSession.event_id == event.id,
                                            EventSession.starts_at <= (now or utcnow()))


def session_numbers(event, scope=None):
    """{session_id: numbers with rate} of every session of the event with someone in it,
    inside ``scope``, in one statement (the keys of attendance.add_up())."""
    rows = attendance.attendance_rows(sessions=attendance.sessions_of_event(event.id))
    sums = {column.name: column for column in attendance.totals(rows)}
    query = (sa.select(rows.c.session_id, *(sums[key] for key in attendance.BRANCH_KEYS))
             .select_from(rows).group_by(rows.c.session_id))
    if scope is not None:
        query = query.join(Branch, Branch.id == rows.c.branch_id).where(scope.subtree_filter())
    found = {}
    for row in db.session.execute(query):
        numbers = {key: getattr(row, key) or 0 for key in attendance.BRANCH_KEYS}
        numbers["rate"] = attendance.rate(numbers["present"], numbers["expected"],
                                          numbers["on_leave"])
        found[row.session_id] = numbers
    return found


def event_totals(event, scope=None, now=None):
    """Per session [(session, total or None before it starts)], then per branch and in all
    over the sessions that have started ([(branch, numbers)], total): counts of person-
    sessions (人次). Three statements, whatever the number of sessions."""
    now = now or utcnow()
    numbers = session_numbers(event, scope)
    empty = {key: 0 for key in attendance.BRANCH_KEYS} | {"rate": None}
    per_session = [(session, numbers.get(session.id, empty) if started(session, now) else None)
                   for session in event.sessions]
    per_branch = attendance.branch_totals(started_sessions(event, now), within=scope)
    return per_session, with_rates(per_branch), attendance.add_up(per_branch)


def require_sessions(event):
    if not event.sessions:
        raise DomainError("report_no_sessions")


def require_started(session, now=None):
    if not started(session, now):
        raise DomainError("report_session_not_started")


# ------------------------------------------------------------------ before printing

def unprintable(texts):
    """printing.unprintable() of the names and titles a document will print: the messages
    the organizer reads before printing (「𠮷田」中的「𠮷」无法打印 …)."""
    return [problem.message for problem in printing.unprintable(texts)]


def printed_at(now=None):
    return format_local(now or utcnow())


# ------------------------------------------------------------------ registrant list

def registrant_attendance(event, registration_ids=None, now=None):
    """The registrant list's attendance columns once a session has started: None before,
    else (headers as (text, kind), {registration_id: (sessions came, on leave, 学时)}) over
    the sessions that have started (a walk-in's 列席 counts as came)."""
    now = now or utcnow()
    if not any(started(session, now) for session in event.sessions):
        return None
    count = sum(1 for session in event.sessions if started(session, now))
    rows = attendance.attendance_rows(sessions=started_sessions(event, now),
                                      registrations=registration_ids)
    query = (sa.select(rows.c.registration_id, sa.func.sum(rows.c.present + rows.c.walk_in),
                       sa.func.sum(rows.c.on_leave), sa.func.sum(rows.c.credit_hours))
             .where(rows.c.event_id == event.id).group_by(rows.c.registration_id))
    values = {rid: (int(came or 0), int(leave or 0), float(hours or 0))
              for rid, came, leave, hours in db.session.execute(query)}
    headers = ((f"已签到场次（共{count}场）", "int"), ("请假场次", "int"), ("学时", "float"))
    return headers, values


# ------------------------------------------------------------------ the pages

@dataclass
class SessionOverview:
    """What the session's 签到表与出勤报告 page shows."""
    started: bool
    per_branch: list
    total: dict
    problems: list  # names that cannot be printed, in words
    signed: int  # signatures kept (签名签到)


def session_overview(session, scope=None, now=None):
    now = now or utcnow()
    per_branch, total = session_totals(session, scope)
    names = [person.name for person in people([session.id], scope, order="roster", who="both")]
    texts = [session.event.title, session_name(session), session.effective_place, *names]
    return SessionOverview(started(session, now), per_branch, total, unprintable(texts),
                           signed_count(session.id, scope) if session.signature_required else 0)


def event_matrix(event, scope, now=None):
    """The branch attendance view of an event: (sessions, [(person, [status word per
    session], sessions present, 学时)]) inside ``scope``."""
    now = now or utcnow()
    sessions = list(event.sessions)
    listed = people([s.id for s in sessions], scope)
    out = []
    begun = [s for s in sessions if started(s, now)]
    for person in listed:
        cells = [status_word(person.rows[s.id], s, now) if s.id in person.rows else ""
                 for s in sessions]
        rows = [person.rows[s.id] for s in begun if s.id in person.rows]
        out.append((person, cells, sum(int(r.present) for r in rows),
                    sum(float(r.credit_hours or 0) for r in rows)))
    return sessions, out


@dataclass
class EventOverview:
    """What the event's 出勤情况 page shows."""
    sessions: list
    matrix: list  # (person, [status word per session], sessions present, 学时)
    per_session: list
    per_branch: list
    total: dict
    problems: list  # names that cannot be printed, in words


def event_overview(event, scope=None, now=None):
    now = now or utcnow()
    require_sessions(event)
    sessions, matrix = event_matrix(event, scope, now)
    per_session, per_branch, total = event_totals(event, scope, now)
    expected = [person.name for person, *_ in matrix]
    return EventOverview(sessions, matrix, per_session, per_branch, total,
                         unprintable(event_texts(event, sessions, scope, expected)))


def event_texts(event, sessions, scope, expected):
    """What the event's PDFs print that could hold a character no font has: the event
    report's title, sessions, places and ``expected`` people, the 列席 (the 秩序册 lists
    every confirmed registration), and the 秩序册's item and team names and team members
    (of the same scope)."""
    walk_ins = [person.name for person in people([s.id for s in sessions], scope,
                                                 order="roster", who="walk_ins")]
    texts = [event.title, *(session_name(s) for s in sessions),
             *(s.effective_place for s in sessions), *expected, *walk_ins]
    if event.has_items:
        for item in event.items:
            texts.append(item.name)
            if item.is_team:
                for team in queries.teams_of(item, scope):
                    texts.append(team.name)
                    texts += [m.registration.member.name for m in team.members if m.active]
    return texts
