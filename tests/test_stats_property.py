"""Property test (issue 11, item 12): random organisations, members who move and leave,
events with sessions on both sides of New Year, registrations in every status, leave,
duplicate and refused scans, exits, walk-ins, back-fills and accepted corrections; every
number of the branch table and of the event summary equals a plain Python reading of
DESIGN §3 (tests/stats_world.py Reference). Runs on SQLite and on PostgreSQL
(TEST_DATABASE_URL)."""
from datetime import date, datetime, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.stats.branches import branch_table
from app.stats.events import event_summary
from app.stats.periods import Filters, Period

from .stats_world import DAYS, Reference, build, world_plans

AFTER_ALL = datetime(2027, 3, 1, tzinfo=timezone.utc)
MID_YEAR = datetime(2026, 6, 30, 4, 0, tzinfo=timezone.utc)  # 12:00 on 30 June locally
PERIOD_DAYS = [*DAYS, date(2026, 12, 30), date(2027, 12, 31)]


@st.composite
def periods(draw):
    if draw(st.booleans()):  # whole calendar years: the table reads MemberYear (stats/facts.py)
        first = draw(st.sampled_from([2025, 2026, 2027]))
        return Period(date(first, 1, 1), date(draw(st.sampled_from([first, first + 1])), 12, 31))
    start, end = sorted(draw(st.lists(st.sampled_from(PERIOD_DAYS), min_size=2, max_size=2)))
    return Period(start, end)


BRANCH_KEYS = ("members", "people", "presences", "hours", "expected", "present", "on_leave",
               "absent", "m_expected", "m_present", "m_on_leave", "m_absent", "below_target")
SESSION_KEYS = ("expected", "present", "on_leave", "absent", "late", "left_early", "walk_in",
                "rate")
SETTINGS = settings(max_examples=40, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(plan=world_plans(), period=periods(), kind=st.sampled_from([None, "training", "lecture"]),
       now=st.sampled_from([AFTER_ALL, MID_YEAR]), one_event=st.booleans())
def test_the_branch_table_agrees_with_the_reference(org, app, plan, period, kind, now, one_event):
    world = build(plan, org.organizer)
    reference = Reference(world, app.config)
    filters = Filters(period, kind=kind, event_id=world.events[0].id if one_event else None)

    table = branch_table(filters, within=world.root, now=now)

    assert [row.branch.id for row in table.rows][0] == world.root.id
    assert {row.branch.id for row in table.rows} == {b.id for b in [world.root, *world.branches]}
    for row in table.rows:
        expected = reference.branch_numbers(row.branch, filters, now)
        got = row.numbers
        assert {key: got[key] for key in BRANCH_KEYS} == {key: expected[key] for key in BRANCH_KEYS}, row.branch.name
        assert {k: got["by_kind"][k] for k in expected["by_kind"]} == expected["by_kind"]
        members = expected["members"]
        assert got["participation_rate"] == (round(expected["people"] / members, 4)
                                             if members else None)
        assert got["average_hours"] == (round(expected["hours"] / members, 2) if members else None)
    assert table.total == table.rows[0].numbers


@SETTINGS
@given(plan=world_plans(), now=st.sampled_from([AFTER_ALL, MID_YEAR]), data=st.data())
def test_the_event_summary_agrees_with_the_reference(org, app, plan, now, data):
    world = build(plan, org.organizer)
    reference = Reference(world, app.config)
    scope = data.draw(st.sampled_from([None, world.root, *world.branches]))

    for event_index, event in enumerate(world.events):
        summary = event_summary(event, scope, now)
        per_session, absences = reference.event_numbers(event_index, scope, now)
        by_id = {session.id: numbers for session, numbers in summary.per_session}
        for n, session in enumerate(world.sessions[event_index]):
            got = by_id[session.id]
            if per_session[n] is None:
                assert got is None
            else:
                assert {key: got[key] for key in SESSION_KEYS} == per_session[n]
        assert len(summary.absent) == absences
        started = [numbers for numbers in per_session.values() if numbers is not None]
        for key in ("expected", "present", "on_leave", "absent", "late", "left_early"):
            assert summary.total[key] == sum(numbers[key] for numbers in started)


@SETTINGS
@given(plan=world_plans())
def test_presence_rows_agree_with_attendance_rows(org, plan):
    """attendance.presence_rows(), the statistics' lighter rows, flag every (registration,
    session) as attendance_rows() does."""
    import sqlalchemy as sa

    from app.checkin.attendance import attendance_rows, presence_rows
    from app.extensions import db
    world = build(plan, org.organizer)
    sessions = [s.id for per_event in world.sessions for s in per_event]
    keys = ("expected", "on_leave", "present", "absent", "walk_in", "credited", "credit_hours",
            "member_id", "branch_id")

    def read(rows):
        return {(row.registration_id, row.session_id): tuple(getattr(row, k) for k in keys)
                for row in db.session.execute(sa.select(rows))}

    assert read(presence_rows(sessions=sessions)) == read(attendance_rows(sessions=sessions))
