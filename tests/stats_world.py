"""Worlds for the statistics tests: a small one written out by hand (small_world), and
random ones for the property tests (see below), with a plain Python reference of every
number computed from DESIGN.md §3."""
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

from app.checkin import service as checkin
from app.extensions import db
from app.org.memberships import sync_memberships

from .event_factories import BEFORE, approved_leave, join, make_event, make_training

# When the statistics tests read their worlds: every session has taken place.
AFTER = datetime(2027, 1, 10, 2, 0, tzinfo=timezone.utc)


def manual(organizer, session, registration, at):
    answer = checkin.perform_checkin(session.id, kind="entry", method="manual",
                                     registration_id=registration.id, operator=organizer, now=at)
    assert answer.result == "ok", answer


def small_world(org, factory):
    """A training class on 1 and 2 December 2026 (two sessions of 3 学时):
    第一党支部: 甲 comes twice, 乙 comes once, 丙 (指定参加) is on leave for the first and
    absent from the second; 第二党支部: 丁 is absent from both, 戊 did not register;
    己 moved from the first branch to the second on 1 June and came to the first session.
    A lecture of 2027 (甲 comes) is outside the year."""
    o = org.organizer
    event = make_training(o, sessions=2)
    one, two = event.sessions
    people = {}
    for name, branch in (("甲", org.one), ("乙", org.one), ("丙", org.one), ("丁", org.two),
                         ("戊", org.two), ("己", org.one)):
        people[name] = factory.member(name=name, branch=branch)
    ji = people["己"]
    ji.branch_id = org.two.id
    db.session.flush()
    sync_memberships([ji.id], day=date(2026, 6, 1))
    db.session.commit()
    regs = {name: join(people[name], event) for name in ("甲", "乙", "丙", "丁", "己")}
    regs["丙"].source = "invited"
    db.session.commit()
    approved_leave(o, regs["丙"], one)
    manual(o, one, regs["甲"], one.starts_at)
    manual(o, two, regs["甲"], two.starts_at)
    manual(o, one, regs["乙"], one.starts_at + timedelta(minutes=30))
    manual(o, one, regs["己"], one.starts_at)

    lecture = make_event(o, hours=2, title="新年党课", kind="lecture", publish=True,
                         start=datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc))  # 2027 locally
    manual(o, lecture.sessions[0], join(people["甲"], lecture, now=BEFORE),
           lecture.sessions[0].starts_at)
    return SimpleNamespace(people=people, event=event, lecture=lecture, regs=regs)




# ==================================================================== random worlds
#
#   plan = data.draw(world_plans())       # a hypothesis strategy: a plain description
#   world = build(plan, organizer)        # written as rows, under a fresh root branch
#   reference = Reference(world)          # every number recomputed in plain Python
#
# A plan is plain data (lists, dicts, dates), so hypothesis shrinks it to a small example.
# build() writes the rows directly (not through the services), so a world holds what the
# services would have written over time: duplicate and refused scans, exits, walk-ins,
# back-fills, accepted corrections (a back-fill with the member's note), leave, members
# who moved or left, sessions on both sides of New Year in local time. Every world hangs
# under a root branch of its own: statistics read with ``within=world.root`` see it alone,
# so examples need no cleaning between them.

import itertools  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

from hypothesis import strategies as st  # noqa: E402

from app.checkin.models import Checkin  # noqa: E402
from app.corrections.models import Correction  # noqa: E402
from app.events.models import Event, EventSession  # noqa: E402
from app.org.models import Branch, Member, Membership  # noqa: E402
from app.registration.models import Leave, Registration  # noqa: E402
from app.stats.models import HoursTarget  # noqa: E402
from app.timeutil import local_zone  # noqa: E402

# Days things happen on: either side of New Year twice, and mid-year.
DAYS = [date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 15), date(2026, 6, 30),
        date(2026, 7, 1), date(2026, 12, 31), date(2027, 1, 1)]
# Local hours a session starts at: 23:30 on 31 December is still the old year locally
# (and in UTC); 00:30 on 1 January is the new year locally but the old one in UTC.
HOURS = [(0, 30), (9, 0), (23, 30)]
KINDS = ["training", "lecture"]
ENTRY_OFFSETS = [-10, 0, 5, 15, 60]  # minutes after the start
EXIT_OFFSETS = [-60, -15, -5, 0, 10]  # minutes after the end
_phones = itertools.count(16600000000)

a_check = st.fixed_dictionaries({
    "kind": st.sampled_from(["entry", "entry", "exit"]),
    "result": st.sampled_from(["ok", "ok", "ok", "refused", "duplicate"]),
    "method": st.sampled_from(["manual", "ticket_scan", "backfill"]),
    "offset": st.integers(0, 4),
})


@st.composite
def world_plans(draw, max_branches=5, max_members=7, max_events=3):
    """A random world as plain data (see build())."""
    branch_count = draw(st.integers(1, max_branches))
    # Branch n's parent is an earlier branch or the root (-1): any tree shape.
    parents = [draw(st.integers(-1, n - 1)) for n in range(branch_count)]
    members = []
    for _ in range(draw(st.integers(1, max_members))):
        first = draw(st.integers(0, branch_count - 1))
        stays = [[first, date(2025, 1, 1), None]]
        if draw(st.booleans()):  # moved, maybe more than once
            for _ in range(draw(st.integers(1, 2))):
                day = draw(st.sampled_from(DAYS))
                if day <= stays[-1][1]:
                    continue
                stays[-1][2] = day
                stays.append([draw(st.integers(0, branch_count - 1)), day, None])
        if draw(st.integers(0, 4)) == 0:  # left: deactivated
            day = draw(st.sampled_from(DAYS))
            if day >= stays[-1][1]:
                stays[-1][2] = day
        members.append({"stays": stays,
                        "role": draw(st.sampled_from(["member", "member", "secretary"])),
                        "committee": draw(st.booleans())})
    events = []
    for _ in range(draw(st.integers(1, max_events))):
        sessions = []
        for _ in range(draw(st.integers(1, 3))):
            sessions.append({"day": draw(st.sampled_from(DAYS)), "hour": draw(st.sampled_from(HOURS)),
                             "credit": draw(st.sampled_from([0.5, 1.0, 2.0, 3.0])),
                             "checkout": draw(st.booleans()), "grace": draw(st.sampled_from([0, 10]))})
        events.append({"kind": draw(st.sampled_from(KINDS)), "sessions": sessions})
    registrations = []
    for member_index, member in enumerate(members):
        for event_index, event in enumerate(events):
            if not draw(st.booleans()):
                continue
            checks = {n: draw(st.lists(a_check, max_size=3)) for n in range(len(event["sessions"]))}
            corrections = {n: draw(st.sampled_from([None, None, "accepted", "declined", "pending"]))
                           for n in range(len(event["sessions"]))}
            registrations.append({
                "member": member_index, "event": event_index,
                "stay": draw(st.integers(0, len(member["stays"]) - 1)),
                "status": draw(st.sampled_from(["confirmed", "confirmed", "confirmed",
                                                "cancelled", "pending"])),
                "source": draw(st.sampled_from(["self", "proxy", "invited", "walk_in"])),
                "leave": draw(st.sampled_from([None, None, "all", 0, 1, "pending"])),
                "checks": checks, "corrections": corrections})
    targets = {"member": draw(st.sampled_from([None, 2.0, 4.0])),
               "cadre": draw(st.sampled_from([None, 3.0]))}
    return {"parents": parents, "members": members, "events": events,
            "registrations": registrations, "targets": targets}


def local(day, hour_minute):
    return datetime(day.year, day.month, day.day, *hour_minute, tzinfo=local_zone())


@dataclass
class World:
    plan: dict
    root: Branch
    branches: list  # Branch per plan index
    members: list  # Member per plan index
    events: list  # Event per plan index
    sessions: list  # [[EventSession]] per event
    registrations: list  # Registration per plan registration (same order)
    checkins: dict = field(default_factory=dict)  # (reg index, session n) -> [Checkin]


def build(plan, organizer):
    """Write ``plan`` as rows under a new root branch; returns the World."""
    root = Branch(name="随机党委", kind="committee", path="")
    db.session.add(root)
    db.session.flush()
    root.path = f"/{root.id}/"
    branches = []
    for index, parent in enumerate(plan["parents"]):
        above = root if parent < 0 else branches[parent]
        branch = Branch(name=f"支部{index}", kind="general_branch", parent_id=above.id, path="")
        db.session.add(branch)
        db.session.flush()
        branch.path = f"{above.path}{branch.id}/"
        branches.append(branch)
    members = []
    for index, spec in enumerate(plan["members"]):
        last = spec["stays"][-1]
        member = Member(name=f"成员{index}", phone=str(next(_phones)),
                        branch_id=branches[last[0]].id, role=spec["role"],
                        committee=spec["committee"], active=last[2] is None,
                        political_status="01")
        db.session.add(member)
        db.session.flush()
        for branch_index, start, end in spec["stays"]:
            db.session.add(Membership(member_id=member.id, branch_id=branches[branch_index].id,
                                      started_on=start, ended_on=end))
        members.append(member)
    events, sessions = [], []
    for index, spec in enumerate(plan["events"]):
        event = Event(title=f"活动{index}", kind=spec["kind"], organizer_branch_id=root.id,
                      created_by_id=organizer.id, status="published", published_at=BEFORE)
        db.session.add(event)
        db.session.flush()
        rows = []
        for n, s in enumerate(spec["sessions"]):
            start = local(s["day"], s["hour"])
            session = EventSession(event_id=event.id, title=f"第{n + 1}场", starts_at=start,
                                   ends_at=start + timedelta(hours=2), credit_hours=s["credit"],
                                   grace_minutes=s["grace"], checkout_required=s["checkout"])
            db.session.add(session)
            rows.append(session)
        db.session.flush()
        events.append(event)
        sessions.append(rows)
    world = World(plan, root, branches, members, events, sessions, [])
    for index, spec in enumerate(plan["registrations"]):
        member = members[spec["member"]]
        branch = branches[plan["members"][spec["member"]]["stays"][spec["stay"]][0]]
        reg = Registration(event_id=events[spec["event"]].id, member_id=member.id,
                           status=spec["status"], source=spec["source"], branch_id=branch.id)
        db.session.add(reg)
        db.session.flush()
        world.registrations.append(reg)
        event_sessions = sessions[spec["event"]]
        if spec["leave"] is not None and (not isinstance(spec["leave"], int)
                                          or spec["leave"] < len(event_sessions)):
            db.session.add(Leave(
                registration_id=reg.id, reason="出差", requested_by_id=member.id,
                status="pending" if spec["leave"] == "pending" else "approved",
                session_id=(event_sessions[spec["leave"]].id
                            if isinstance(spec["leave"], int) else None)))
        for n, session in enumerate(event_sessions):
            made = []
            for check in spec["checks"][n]:
                if check["kind"] == "entry":
                    at = session.starts_at + timedelta(minutes=ENTRY_OFFSETS[check["offset"]])
                else:
                    at = session.ends_at + timedelta(minutes=EXIT_OFFSETS[check["offset"]])
                late = (check["kind"] == "entry" and check["method"] != "backfill"
                        and at > session.starts_at + timedelta(minutes=session.grace_minutes))
                row = Checkin(session_id=session.id, registration_id=reg.id, kind=check["kind"],
                              method=check["method"], result=check["result"], late=late, at=at,
                              code=None if check["result"] == "ok" else "refused",
                              reason="根据纸质签到表补录" if check["method"] == "backfill" else "")
                db.session.add(row)
                made.append(row)
            decision = spec["corrections"][n]
            if decision is not None:
                checkin_row = None
                if decision == "accepted":  # a back-fill with the member's note, days later
                    checkin_row = Checkin(session_id=session.id, registration_id=reg.id,
                                          kind="entry", method="backfill", result="ok",
                                          late=False, at=session.ends_at + timedelta(days=2),
                                          reason="手机没电，未能扫码")
                    db.session.add(checkin_row)
                    db.session.flush()
                    made.append(checkin_row)
                db.session.add(Correction(registration_id=reg.id, session_id=session.id,
                                          member_id=member.id, note="手机没电，未能扫码",
                                          status=decision,
                                          checkin_id=checkin_row.id if checkin_row else None))
            world.checkins[(index, n)] = made
    db.session.flush()
    for group, hours in plan["targets"].items():
        row = db.session.scalar(db.select(HoursTarget).filter_by(year=2026, group=group))
        if hours is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(HoursTarget(year=2026, group=group, hours=hours))
        else:
            row.hours = hours
    db.session.commit()
    return world


# -------------------------------------------------------------------- the reference

class Reference:
    """Every number of DESIGN §3 for a World, computed in plain Python from the plan and
    the rows build() wrote (never from the blocks of app/checkin/attendance.py)."""

    def __init__(self, world, config):
        self.world = world
        self.default_targets = {"member": config["HOURS_TARGET_MEMBER"],
                                "cadre": config["HOURS_TARGET_CADRE"]}

    # ---- one (registration, session)
    def flags(self, index, n):
        world, spec = self.world, self.world.plan["registrations"][index]
        session = world.sessions[spec["event"]][n]
        rows = world.checkins[(index, n)]

        def first(kind):
            good = [row for row in rows if row.kind == kind and row.result == "ok"]
            return min(good, key=lambda row: (row.at, row.id)) if good else None

        entry, exit_ = first("entry"), first("exit")
        confirmed = spec["status"] == "confirmed"
        expected = confirmed and spec["source"] != "walk_in"
        entered = entry is not None
        leave = spec["leave"]
        covered = leave == "all" or (isinstance(leave, int) and leave == n)
        credited = confirmed and entered and (not session.checkout_required or exit_ is not None)
        left_early = entered and exit_ is not None and (
            exit_.at + timedelta(minutes=session.grace_minutes) < session.ends_at)
        return {
            "confirmed": confirmed, "expected": int(expected),
            "present": int(expected and entered),
            "on_leave": int(expected and not entered and covered),
            "absent": int(expected and not entered and not covered),
            "walk_in": int(confirmed and spec["source"] == "walk_in" and entered),
            "late": int(expected and entered and entry.late),
            "left_early": int(expected and left_early),
            "hours": session.credit_hours if credited else 0.0,
            "invited": spec["source"] == "invited",
        }

    def rows(self, sessions=None):
        """[(reg index, event index, session n, session, flags)] of confirmed registrations,
        for sessions passing ``sessions(session, event index)``."""
        out = []
        for index, spec in enumerate(self.world.plan["registrations"]):
            if spec["status"] != "confirmed":
                continue
            for n, session in enumerate(self.world.sessions[spec["event"]]):
                if sessions is None or sessions(session, spec["event"]):
                    out.append((index, spec["event"], n, session, self.flags(index, n)))
        return out

    # ---- helpers
    def subtree(self, branch):
        return {b.id for b in [self.world.root, *self.world.branches]
                if b.path.startswith(branch.path)}

    def reg_branch(self, index):
        spec = self.world.plan["registrations"][index]
        stays = self.world.plan["members"][spec["member"]]["stays"]
        return self.world.branches[stays[spec["stay"]][0]].id

    @staticmethod
    def in_period(session, period):
        day = session.starts_at.astimezone(local_zone()).date()
        return period.start <= day <= period.end

    def target(self, member_index, years):
        spec = self.world.plan["members"][member_index]
        group = "cadre" if spec["role"] == "secretary" or spec["committee"] else "member"
        per_year = self.world.plan["targets"][group]
        total = 0.0
        for year in years:
            if year == 2026 and per_year is not None:
                total += per_year
            else:
                total += self.default_targets[group]
        return total

    def member_hours(self, member_index, period):
        """学时 of a member in the sessions that took place in ``period`` (local days)."""
        return sum(flags["hours"] for index, _, _, session, flags in self.rows(
            lambda s, e: self.in_period(s, period))
            if self.world.plan["registrations"][index]["member"] == member_index)

    # ---- the branch table
    def branch_numbers(self, branch, filters, now):
        """The row of ``branch`` in the branch table (see app/stats/branches.py)."""
        period, subtree = filters.period, self.subtree(branch)

        def wanted(session, event_index):
            kind = self.world.plan["events"][event_index]["kind"]
            return (self.in_period(session, period) and session.starts_at <= now
                    and (filters.kind is None or kind == filters.kind)
                    and (filters.event_id is None
                         or self.world.events[event_index].id == filters.event_id))

        numbers = dict.fromkeys(("expected", "present", "on_leave", "absent", "presences",
                                 "m_expected", "m_present", "m_on_leave", "m_absent"), 0)
        numbers["hours"], people = 0.0, set()
        by_kind = dict.fromkeys(KINDS, 0)
        for index, event_index, _, _, flags in self.rows(wanted):
            if self.reg_branch(index) not in subtree:
                continue
            for key in ("expected", "present", "on_leave", "absent"):
                numbers[key] += flags[key]
                if flags["invited"]:
                    numbers["m_" + key] += flags[key]
            numbers["presences"] += flags["present"]
            numbers["hours"] += flags["hours"]
            by_kind[self.world.plan["events"][event_index]["kind"]] += flags["present"]
            if flags["present"]:
                people.add(self.world.plan["registrations"][index]["member"])
        numbers["people"] = len(people)
        members, below = set(), set()
        for member_index, spec in enumerate(self.world.plan["members"]):
            for branch_index, start, end in spec["stays"]:
                if (self.world.branches[branch_index].id in subtree and start <= period.end
                        and (end is None or end >= period.start)):
                    members.add(member_index)
        for member_index in members:
            if self.member_hours(member_index, period) < self.target(member_index, period.years):
                below.add(member_index)
        numbers["members"], numbers["below_target"] = len(members), len(below)
        numbers["hours"] = round(numbers["hours"], 2)
        numbers["by_kind"] = by_kind
        return numbers

    # ---- an event's summary
    def event_numbers(self, event_index, scope, now):
        """{session n: numbers or None before it starts}, and the number of absences."""
        subtree = self.subtree(scope) if scope is not None else None
        per_session, absences = {}, 0
        for n, session in enumerate(self.world.sessions[event_index]):
            if session.starts_at > now:
                per_session[n] = None
                continue
            numbers = dict.fromkeys(("expected", "present", "on_leave", "absent", "late",
                                     "left_early", "walk_in"), 0)
            for index, _, m, _, flags in self.rows(lambda s, e: e == event_index):
                if m != n or (subtree is not None and self.reg_branch(index) not in subtree):
                    continue
                for key in numbers:
                    numbers[key] += flags[key]
            absences += numbers["absent"]
            base = numbers["expected"] - numbers["on_leave"]
            numbers["rate"] = round(numbers["present"] / base, 4) if base else None
            per_session[n] = numbers
        return per_session, absences
