"""The definitions of DESIGN §3 (app/checkin/attendance.py): a worked example with every
number written out, for two sessions and for aggregates over branches and years; the
edges of late and left early; and a property test against a plain Python model."""
import itertools
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.checkin import attendance
from app.checkin import service as checkin
from app.checkin.models import Checkin
from app.extensions import db
from app.org.models import Member
from app.registration import decide, leave_requests, signup
from app.registration.models import Leave, Registration

from .event_factories import BEFORE, approved_leave, join
from .event_factories import make_training as make_event

BACKFILL_REASON = "根据纸质签到表补录"


def manual(organizer, session, registration, at, kind="entry", method="manual"):
    answer = checkin.perform_checkin(
        session.id, kind=kind, method=method, registration_id=registration.id,
        operator=organizer, now=at, reason=BACKFILL_REASON if method == "backfill" else "")
    assert answer.result == "ok", answer
    return answer


def year_totals(year):
    """Per branch, the totals of every session that took place in ``year``."""
    rows = attendance.attendance_rows(sessions=attendance.sessions_in_year(year))
    found = db.session.execute(
        sa.select(rows.c.branch_id, *attendance.totals(rows)).group_by(rows.c.branch_id)
    ).all()
    return {row.branch_id: {key: (float(value) if key == "hours" else int(value))
                            for key, value in row._mapping.items() if key != "branch_id"}
            for row in found}


def test_a_worked_example_of_every_definition(org, factory):
    """A training class in 2026, two sessions of 3 学时 (the second needs check-out), and
    a lecture on 1 January 2027 local time (31 December UTC)."""
    event = make_event(org.organizer, sessions=2, checkout=[False, True], walk_in=True, hours=3)
    one, two = event.sessions  # 09:00–12:00 on 1 and 2 December, grace 10 minutes

    def person(name, branch):
        member = factory.member(name=name, branch=branch)
        return member, join(member, event)

    jia_member, jia = person("甲", org.one)       # on time twice, checks out at the end
    _, yi = person("乙", org.one)                 # late in 1; in 2 checks out an hour early
    _, bing = person("丙", org.one)               # on leave for 1; in 2 never checks out
    _, ding = person("丁", org.two)               # absent from both
    wu_member = factory.member(name="戊", branch=org.two)
    wu = signup.register(org.organizer, event.id, wu_member.id, now=BEFORE)  # proxy
    gui_member, gui = person("庚", org.one)       # cancelled: not expected
    decide.cancel(gui_member, gui.id, now=BEFORE)
    ji = factory.member(name="己", branch=org.two)  # walks in to session 1
    approved_leave(org.organizer, bing, one)

    o = org.organizer
    manual(o, one, jia, one.starts_at - timedelta(minutes=5))
    manual(o, one, yi, one.starts_at + timedelta(minutes=25))  # after 10 minutes' grace: late
    manual(o, one, wu, one.ends_at + timedelta(days=3), method="backfill")  # never late
    checkin.walk_in(o, one.id, ji.id, now=one.starts_at + timedelta(minutes=40))
    for registration in (jia, yi, bing):
        manual(o, two, registration, two.starts_at - timedelta(minutes=5))
    manual(o, two, jia, two.ends_at, kind="exit")
    manual(o, two, yi, two.ends_at - timedelta(hours=1), kind="exit")  # before 11:50: early

    # 甲 moves to the second branch, then registers for the lecture of the new year.
    jia_member.branch_id = org.two.id
    db.session.commit()
    lecture = make_event(org.organizer, hours=2, title="新年党课",
                         start=datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc))
    jia_lecture = join(jia_member, lecture)
    manual(o, lecture.sessions[0], jia_lecture, lecture.sessions[0].starts_at)

    # Session 1: 应到 5 (甲乙丙丁戊; 己 walks in apart, 庚 cancelled), 实到 3 (甲乙戊),
    # 请假 1 (丙), 缺席 1 (丁), 迟到 1 (乙), 列席 1 (己), 补录 1 (戊), 到会率 3 ÷ (5 − 1) = 0.75.
    assert attendance.session_summary(one) == {
        "expected": 5, "present": 3, "on_leave": 1, "absent": 1, "late": 1, "walk_in": 1,
        "backfilled": 1, "rate": 0.75, "by_branch": [
            {"branch": "第一党支部", "expected": 3, "present": 2, "on_leave": 1, "absent": 0,
             "backfilled": 0},
            {"branch": "第二党支部", "expected": 2, "present": 1, "on_leave": 0, "absent": 1,
             "backfilled": 1},
        ]}
    # Session 2: 实到 3 (甲乙丙), 缺席 2 (丁戊), 到会率 3 ÷ 5 = 0.6.
    assert attendance.session_summary(two) == {
        "expected": 5, "present": 3, "on_leave": 0, "absent": 2, "late": 0, "walk_in": 0,
        "backfilled": 0, "rate": 0.6, "by_branch": [
            {"branch": "第一党支部", "expected": 3, "present": 3, "on_leave": 0, "absent": 0,
             "backfilled": 0},
            {"branch": "第二党支部", "expected": 2, "present": 0, "on_leave": 0, "absent": 2,
             "backfilled": 0},
        ]}

    # The rows a printed attendance report reads, per expected person and session.
    found = attendance.states(sessions=attendance.sessions_of_event(event.id))
    row = found[(wu.id, one.id)]
    assert (row.present, row.late, row.backfilled, row.entry_method, row.entry_reason) == (
        1, 0, 1, "backfill", BACKFILL_REASON)
    row = found[(yi.id, two.id)]
    assert (row.present, row.left_early, row.credited, row.credit_hours) == (1, 1, 1, 3.0)
    assert row.exit_at == two.ends_at - timedelta(hours=1)
    row = found[(bing.id, two.id)]  # present, but no check-out where one is required
    assert (row.present, row.credited, row.credit_hours, row.exit_at) == (1, 0, 0.0, None)
    row = found[(bing.id, one.id)]
    assert (row.expected, row.on_leave, row.present, row.absent) == (1, 1, 0, 0)
    assert (gui.id, one.id) in found and found[(gui.id, one.id)].expected == 0  # any status

    # 学时: 甲 3 + 3, 乙 3 + 3 (left early, but checked out), 丙 0, 丁 0, 戊 3 (back-filled),
    # 己 3 (a walk-in who came). 结业 needs 6 × 0.75 = 4.5 学时.
    walk_in = db.session.scalar(sa.select(Registration).filter_by(member_id=ji.id))
    ids = [jia.id, yi.id, bing.id, ding.id, wu.id, walk_in.id]
    assert attendance.hours_by_registration(ids) == dict(
        zip(ids, [6.0, 6.0, 0.0, 0.0, 3.0, 3.0], strict=True))
    assert {rid: c.completed for rid, c in attendance.completion(ids).items()} == dict(
        zip(ids, [True, True, False, False, False, False], strict=True))
    assert attendance.completion([wu.id])[wu.id] == attendance.Completion(3.0, 6.0, 0.75, False)
    assert attendance.attended(yi.id) == {one.id, two.id}
    assert attendance.attended(bing.id) == set()

    # A year, by the member: the lecture counts in 2027, the year it took place locally.
    assert attendance.hours_by_member(2026) == {
        jia_member.id: 6.0, yi.member_id: 6.0, bing.member_id: 0.0, ding.member_id: 0.0,
        wu_member.id: 3.0, ji.id: 3.0}
    assert attendance.hours_by_member(2027) == {jia_member.id: 2.0}
    assert attendance.hours_by_member(2026, [jia_member.id]) == {jia_member.id: 6.0}

    # A year, by the branch kept on the registration (甲 counts for the first branch in
    # 2026 and for the second in 2027): one GROUP BY over the same rows.
    assert year_totals(2026) == {
        org.one.id: {"expected": 6, "present": 5, "on_leave": 1, "absent": 0, "late": 1,
                     "left_early": 1, "walk_in": 0, "backfilled": 0, "hours": 12.0,
                     "people": 3, "presences": 5},
        org.two.id: {"expected": 4, "present": 1, "on_leave": 0, "absent": 3, "late": 0,
                     "left_early": 0, "walk_in": 1, "backfilled": 1, "hours": 6.0,
                     "people": 1, "presences": 1},
    }
    assert year_totals(2027) == {
        org.two.id: {"expected": 1, "present": 1, "on_leave": 0, "absent": 0, "late": 0,
                     "left_early": 0, "walk_in": 0, "backfilled": 0, "hours": 2.0,
                     "people": 1, "presences": 1},
    }
    assert year_totals(2025) == {}


def test_left_early_is_a_first_check_out_before_end_minus_grace(org, factory):
    event = make_event(org.organizer, checkout=True, grace=10)
    session = event.sessions[0]
    on_the_line, a_second_early, late_leaver = (
        join(factory.member(name=name, branch=org.one), event) for name in ("甲", "乙", "丙"))
    bound = session.ends_at - timedelta(minutes=10)
    for registration in (on_the_line, a_second_early, late_leaver):
        manual(org.organizer, session, registration, session.starts_at)
    manual(org.organizer, session, on_the_line, bound, kind="exit")
    manual(org.organizer, session, a_second_early, bound - timedelta(seconds=1), kind="exit")
    manual(org.organizer, session, late_leaver, session.ends_at + timedelta(minutes=30),
           kind="exit")
    found = attendance.states(sessions=[session.id])
    assert [found[(r.id, session.id)].left_early
            for r in (on_the_line, a_second_early, late_leaver)] == [0, 1, 0]


def test_only_the_first_entry_decides_lateness_and_time(org, factory):
    event = make_event(org.organizer)
    session = event.sessions[0]
    registration = join(factory.member(name="甲", branch=org.one), event)
    manual(org.organizer, session, registration, session.starts_at)
    # A second successful row (as two scanners racing might leave), late: it changes nothing.
    db.session.add(Checkin(session_id=session.id, registration_id=registration.id, kind="entry",
                           method="manual", result="ok", late=True,
                           at=session.starts_at + timedelta(hours=1)))
    db.session.commit()
    row = attendance.states(sessions=[session.id])[(registration.id, session.id)]
    assert (row.entry_at, row.late) == (session.starts_at, 0)
    assert attendance.session_summary(session)["late"] == 0
    assert attendance.first_checkin(session.id, "entry", registration.id).at == session.starts_at


def test_on_leave_means_an_approved_leave_covering_the_session(org, factory):
    event = make_event(org.organizer, sessions=2)
    one, two = event.sessions
    member = factory.member(name="甲", branch=org.one)
    registration = join(member, event)
    [leave] = leave_requests.request_leave(member, registration.id, one.id, "出差", now=BEFORE)
    assert not attendance.on_leave(registration.id, one.id)  # asked, not approved yet
    leave_requests.decide_leave(org.organizer, leave.id, True, now=BEFORE)
    assert attendance.on_leave(registration.id, one.id)
    assert not attendance.on_leave(registration.id, two.id)  # another session
    assert [attendance.session_summary(s)["on_leave"] for s in (one, two)] == [1, 0]


# ------------------------------------------------------------------ property

_phones = itertools.count(15900000000)

a_person = st.fixed_dictionaries({
    "status": st.sampled_from(["confirmed", "confirmed", "confirmed", "pending", "cancelled"]),
    "source": st.sampled_from(["self", "invited", "proxy", "walk_in"]),
    "leave": st.sampled_from([None, "all", 0, 1, "pending"]),
    "entry": st.tuples(st.sampled_from([None, "ok", "refused", "late"]),
                       st.sampled_from([None, "ok", "refused", "late"])),
    "exit": st.tuples(st.sampled_from([None, "ok", "early"]),
                      st.sampled_from([None, "ok", "early"])),
})


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(people=st.lists(a_person, min_size=1, max_size=6),
       checkout=st.tuples(st.booleans(), st.booleans()))
def test_the_blocks_agree_with_a_plain_model(org, people, checkout):
    """Random people, leaves and check-ins, written as rows: each session's numbers and
    each registration's hours equal what a plain reading of DESIGN §3 gives."""
    event = make_event(org.organizer, sessions=2, checkout=list(checkout), grace=10)
    sessions = event.sessions
    regs = []
    for index, p in enumerate(people):
        member = Member(name=f"人{index}", phone=str(next(_phones)), branch_id=org.one.id)
        db.session.add(member)
        db.session.flush()
        reg = Registration(event_id=event.id, member_id=member.id, status=p["status"],
                           source=p["source"], branch_id=org.one.id)
        db.session.add(reg)
        db.session.flush()
        if p["leave"] is not None:
            db.session.add(Leave(
                registration_id=reg.id, reason="事假", requested_by_id=member.id,
                status="pending" if p["leave"] == "pending" else "approved",
                session_id=sessions[p["leave"]].id if isinstance(p["leave"], int) else None))
        for n, session in enumerate(sessions):
            entry, exit_ = p["entry"][n], p["exit"][n]
            if entry is not None:
                db.session.add(Checkin(
                    session_id=session.id, registration_id=reg.id, kind="entry",
                    method="manual", result="refused" if entry == "refused" else "ok",
                    late=entry == "late", at=session.starts_at))
            if exit_ is not None:
                db.session.add(Checkin(
                    session_id=session.id, registration_id=reg.id, kind="exit", method="manual",
                    result="ok", at=session.ends_at - timedelta(minutes=30 if exit_ == "early" else 0)))
        regs.append(reg)
    db.session.commit()

    for n, session in enumerate(sessions):
        model = {"expected": 0, "present": 0, "on_leave": 0, "absent": 0, "late": 0,
                 "walk_in": 0}
        for p in people:
            confirmed = p["status"] == "confirmed"
            entered = p["entry"][n] in ("ok", "late")
            covered = p["leave"] == "all" or p["leave"] == n
            if confirmed and p["source"] == "walk_in":
                model["walk_in"] += entered
            elif confirmed:
                model["expected"] += 1
                model["present"] += entered
                model["late"] += p["entry"][n] == "late"
                model["on_leave"] += covered and not entered
                model["absent"] += not covered and not entered
        summary = attendance.session_summary(session)
        assert {k: summary[k] for k in model} == model
        assert summary["expected"] == summary["present"] + summary["on_leave"] + summary["absent"]

    hours = attendance.hours_by_registration([r.id for r in regs])
    for p, reg in zip(people, regs, strict=True):
        expected_hours = sum(
            s.credit_hours for n, s in enumerate(sessions)
            if p["status"] == "confirmed" and p["entry"][n] in ("ok", "late")
            and (not checkout[n] or p["exit"][n] is not None))
        assert hours[reg.id] == expected_hours
