"""The stored presence facts (app/stats/facts.py, migration 0011): every kind of write made
through the real services shows in the next branch table, the triggers mark exactly the
event written, an incremental refresh equals a rebuild from scratch, a refresh takes a
fixed number of statements, a marker committed during a refresh is not lost
(PostgreSQL), and the whole-year path agrees with the facts path.

The world is tests/stats_world.py small_world(): a training class on 1 and 2 December 2026
(two sessions of 3 学时) where 丁 of 第二党支部 was absent from both; most writes below
are about 丁."""
import os
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.api import views as api_views
from app.checkin import service as checkin
from app.checkin.models import Checkin
from app.corrections import service as corrections
from app.extensions import db
from app.registration import decide, event_changes
from app.registration.models import Leave
from app.stats import facts
from app.stats.branches import branch_table
from app.stats.models import MemberYear, PresenceFact, StaleEvent
from app.stats.periods import Filters, Period

from .conftest import count_statements
from .event_factories import START, approved_leave, join, make_event
from .stats_world import AFTER, DAYS, HOURS, build, local, manual, world_plans
from .test_stats_branches import clock, world  # noqa: F401  (early January 2027; small_world)

YEAR = Filters(Period.year(2026))
NEXT_YEAR = Filters(Period.year(2027))
ON_POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


# ------------------------------------------------------------------ helpers

def numbers(filters=YEAR, now=None):
    """The root's numbers (机关党委, the table's 合计) that count people, flattened:
    by_kind as ``kind.<kind>``; the rates derived from them are left out."""
    total = branch_table(filters, now=now).total
    flat = {key: value for key, value in total.items()
            if key not in ("by_kind", "participation_rate", "average_hours",
                           "attendance_rate", "m_rate")}
    flat.update({f"kind.{kind}": count for kind, count in total["by_kind"].items()})
    return flat


def change(before, after):
    """{key: after - before} for the numbers that changed."""
    return {key: after[key] - before[key] for key in before if after[key] != before[key]}


def stale_events():
    """The event ids presence_stale holds, as committed now."""
    db.session.commit()
    return {event_id for (event_id,) in db.session.execute(sa.select(StaleEvent.event_id))}


def snapshot():
    """Every presence_fact and member_year row, sorted (floats rounded: sums may add in
    another order)."""
    db.session.commit()

    def rows(model):
        table = model.__table__
        return sorted(tuple(round(value, 6) if isinstance(value, float) else value
                            for value in row)
                      for row in db.session.execute(sa.select(table)).all())

    return rows(PresenceFact), rows(MemberYear)


def session_rows(event, changes):
    """The event's sessions as edit_event() takes them (ids kept), with ``changes`` as
    {session index: {field: value}}."""
    return [{"id": s.id, "title": s.title, "starts_at": s.starts_at, "ends_at": s.ends_at,
             "credit_hours": s.credit_hours, "grace_minutes": s.grace_minutes,
             **changes.get(n, {})}
            for n, s in enumerate(event.sessions)]


def edit_event(organizer, event, data=None, sessions=None):
    """edit_event() through the service: ``data`` event fields, ``sessions`` changes as
    {session index: {field: value}}."""
    event_changes.edit_event(organizer, event.id, data or {},
                             session_rows(event, sessions or {}))


def of(w, who, n):
    """``who``'s registration for the training class, and its session ``n`` (0 or 1)."""
    return w.world.regs[who], w.world.event.sessions[n]


# ------------------------------------------------------------------ the writes
# Each takes the test's namespace (org, world, login) and writes through a real service;
# by default for 丁 (absent from both sessions) and the first session.

def scan_through_perform_checkin(w, who="丁", n=0):
    reg, session = of(w, who, n)
    answer = checkin.perform_checkin(session.id, kind="entry", method="ticket_scan",
                                     code=checkin.ticket_for(reg).code, operator=w.org.organizer,
                                     now=session.starts_at)
    assert answer.result == "ok", answer


def scan_through_the_json_api(w, who="丁", n=0):
    reg, session = of(w, who, n)
    code = checkin.ticket_for(reg).code
    db.session.commit()

    def not_the_fast_path(*args, **kwargs):
        raise AssertionError("the API scan fell back to perform_checkin")

    with pytest.MonkeyPatch.context() as patch, time_machine.travel(session.starts_at):
        patch.setattr(api_views.checkin, "perform_checkin", not_the_fast_path)
        staff = w.login(w.org.organizer)
        response = staff.post(f"/api/v1/sessions/{session.id}/scans",
                              json={"code": code, "kind": "entry", "nonce": f"facts-{reg.id}-{n}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["result"] == "ok"


def backfill(w, who="丁", n=1):
    reg, session = of(w, who, n)
    answer = checkin.perform_checkin(session.id, kind="entry", method="backfill",
                                     registration_id=reg.id, operator=w.org.organizer,
                                     reason="根据纸质签到表补录")
    assert answer.result == "ok", answer


def approved_leave_for_one_session(w, who="丁", n=0):
    reg, session = of(w, who, n)
    approved_leave(w.org.organizer, reg, session)


def cancelled_registration(w, who="丁"):
    decide.cancel(w.org.organizer, w.world.regs[who].id)


def accepted_correction(w, who="丁", n=0):
    reg, session = of(w, who, n)
    asked = corrections.ask(w.world.people[who], reg.id, session.id, "手机没电，未能扫码")
    corrections.decide(w.org.organizer, asked.id, accept=True)


def credit_hours_edited(w):
    # Only 甲 came to the second session: 3 学时 become 1.
    edit_event(w.org.organizer, w.world.event, sessions={1: {"credit_hours": 1.0}})


def kind_changed(w):
    edit_event(w.org.organizer, w.world.event, data={"kind": "lecture"})


def session_moved_into_2027(w):
    two = w.world.event.sessions[1]
    moved = datetime(2027, 1, 5, 1, 0, tzinfo=timezone.utc)
    edit_event(w.org.organizer, w.world.event,
               sessions={1: {"starts_at": moved, "ends_at": moved + (two.ends_at - two.starts_at)}})


# Root numbers before any write: presences 4, people 3, hours 12, expected 10, present 4,
# on_leave 1, absent 5, training 4.
CAME = {"presences": 1, "present": 1, "absent": -1, "people": 1, "hours": 3,
        "kind.training": 1}
WRITES = {
    "a scan through perform_checkin": (scan_through_perform_checkin, CAME),
    "a scan through the JSON API (fastscan)": (scan_through_the_json_api, CAME),
    "a back-fill": (backfill, CAME),
    "an approved leave": (approved_leave_for_one_session, {"on_leave": 1, "absent": -1}),
    "a cancelled registration": (cancelled_registration, {"expected": -2, "absent": -2}),
    "an accepted correction": (accepted_correction, CAME),
    "a session's credit hours edited": (credit_hours_edited, {"hours": -2}),
    "an event's kind changed": (kind_changed, {"kind.training": -4, "kind.lecture": 4}),
    # The second session (甲 came; 乙 丙 丁 己 absent) leaves 2026.
    "a session moved into another year": (session_moved_into_2027, {
        "presences": -1, "present": -1, "expected": -5, "absent": -4, "hours": -3,
        "m_expected": -1, "m_absent": -1, "kind.training": -1}),
}


@pytest.fixture
def w(org, world, login):
    return SimpleNamespace(org=org, world=world, login=login)


# ------------------------------------------------------------------ 1. each write shows

@pytest.mark.parametrize("name", list(WRITES))
def test_each_write_through_a_service_shows_in_the_next_branch_table(w, name):
    write, expected = WRITES[name]
    before = numbers()
    assert stale_events() == set()
    write(w)
    assert stale_events() == {w.world.event.id}  # 4. exactly its event
    assert change(before, numbers()) == expected
    assert stale_events() == set()  # 4. the read refreshed


def test_a_session_moved_into_the_next_year_counts_there(w):
    before = numbers(NEXT_YEAR)
    session_moved_into_2027(w)
    assert change(before, numbers(NEXT_YEAR)) == {
        "presences": 1, "present": 1, "expected": 5, "absent": 4, "hours": 3,
        "m_expected": 1, "m_absent": 1, "kind.training": 1}


def test_a_changed_kind_moves_the_presences_between_kind_filters(w):
    training = Filters(Period.year(2026), kind="training")
    lecture = Filters(Period.year(2026), kind="lecture")
    assert (numbers(training)["presences"], numbers(lecture)["presences"]) == (4, 0)
    kind_changed(w)
    assert (numbers(training)["presences"], numbers(lecture)["presences"]) == (0, 4)


def test_a_session_added_then_removed_counts_its_absences_then_none(w):
    """A third session on 3 December nobody came to: five more 应到, all absent; removed
    again (edit_event without it), the table is back where it was."""
    before = numbers()
    third = w.world.event.sessions[1].starts_at + timedelta(days=1)
    rows = session_rows(w.world.event, {}) + [{
        "title": "第3课", "starts_at": third, "ends_at": third + timedelta(hours=3),
        "credit_hours": 3.0, "grace_minutes": 10}]
    event_changes.edit_event(w.org.organizer, w.world.event.id, {}, rows)
    assert stale_events() == {w.world.event.id}
    assert change(before, numbers()) == {"expected": 5, "absent": 5, "m_expected": 1,
                                         "m_absent": 1}
    db.session.expire_all()
    event_changes.edit_event(w.org.organizer, w.world.event.id, {},
                             session_rows(w.world.event, {})[:2])
    assert stale_events() == {w.world.event.id}
    assert change(before, numbers()) == {}


# ------------------------------------------------------------------ 2. incremental = rebuild

@pytest.mark.parametrize("whole_table", [False, True],
                         ids=["rebuilt-event-by-event", "rebuilt-as-a-whole-table"])
def test_an_incremental_refresh_after_every_write_equals_a_rebuild(w, monkeypatch, whole_table):
    writes = [
        lambda: approved_leave_for_one_session(w, "己", 1),
        lambda: scan_through_perform_checkin(w, "丁", 0),
        lambda: backfill(w, "丁", 1),
        lambda: scan_through_the_json_api(w, "丙", 1),
        lambda: accepted_correction(w, "乙", 1),
        lambda: cancelled_registration(w, "己"),
        lambda: credit_hours_edited(w),
        lambda: kind_changed(w),
        lambda: session_moved_into_2027(w),
    ]
    facts.refresh()  # the world's own writes
    for write in writes:
        write()
        assert stale_events() == {w.world.event.id}
        facts.refresh()
    incremental = snapshot()
    assert incremental[0] and incremental[1]

    if whole_table:  # more stale events than FULL_REBUILD_AT: one pass over every table
        monkeypatch.setattr(facts, "FULL_REBUILD_AT", 0)
    facts.mark_all_stale()
    db.session.commit()
    assert facts.refresh() is True
    assert snapshot() == incremental


EDITS = st.lists(st.tuples(
    st.sampled_from(["move", "kind", "refuse_checkin", "status", "source", "leave", "branch",
                     "credit", "checkout"]),
    st.integers(0, 50), st.integers(0, 50), st.sampled_from(DAYS), st.sampled_from(HOURS)),
    min_size=1, max_size=6)


def edit_rows(world, edit):
    """One row-level edit of a random world (stats_world.build()): a session moved to
    another day and hour (across New Year too), an event's kind, a check-in's result flipped, a
    registration's status, source or branch, a leave decided, a session's 学时 or
    checkout rule."""
    what, a, b, day, hour = edit
    event = world.events[a % len(world.events)]
    sessions = world.sessions[a % len(world.events)]
    session = sessions[b % len(sessions)]
    regs = world.registrations
    if what == "move":
        length = session.ends_at - session.starts_at
        session.starts_at = local(day, hour)
        session.ends_at = session.starts_at + length
    elif what == "kind":
        event.kind = "lecture" if event.kind == "training" else "training"
    elif what == "credit":
        session.credit_hours = session.credit_hours + 1
    elif what == "checkout":
        session.checkout_required = not session.checkout_required
    elif what == "refuse_checkin":
        rows = [row for made in world.checkins.values() for row in made]
        if rows:
            row = rows[a % len(rows)]
            row.result = "refused" if row.result == "ok" else "ok"
    elif regs:
        reg = regs[a % len(regs)]
        if what == "status":
            reg.status = "cancelled" if reg.status == "confirmed" else "confirmed"
        elif what == "source":
            reg.source = "invited" if reg.source != "invited" else "self"
        elif what == "branch":
            reg.branch_id = world.branches[b % len(world.branches)].id
        elif what == "leave":
            leave = db.session.scalar(sa.select(Leave).filter_by(registration_id=reg.id).limit(1))
            if leave is None:
                db.session.add(Leave(registration_id=reg.id, reason="出差", status="approved",
                                     requested_by_id=reg.member_id, session_id=None))
            else:
                leave.status = "rejected" if leave.status == "approved" else "approved"
    db.session.commit()


@settings(max_examples=30, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(plan=world_plans(max_branches=3, max_members=5), edits=EDITS)
def test_random_edits_refreshed_one_by_one_equal_a_rebuild(org, plan, edits):
    world = build(plan, org.organizer)
    facts.refresh()
    for edit in edits:
        edit_rows(world, edit)
        facts.refresh()
        assert stale_events() == set()
    incremental = snapshot()
    with pytest.MonkeyPatch.context() as patch:  # rebuilt as a whole table: no _touched()
        patch.setattr(facts, "FULL_REBUILD_AT", 0)
        facts.mark_all_stale()
        db.session.commit()
        facts.refresh()
    assert snapshot() == incremental


# ------------------------------------------------------------------ 3. statements

def test_a_refresh_with_nothing_stale_is_one_statement(world):
    facts.refresh()
    with count_statements() as seen:
        assert facts.refresh() is False
    assert len(seen) == 1


def test_a_refresh_takes_as_many_statements_for_six_events_as_for_two(org, factory):
    o = org.organizer
    first, second = (factory.member(name=name, branch=org.one) for name in ("甲", "乙"))
    events = [make_event(o, start=START + timedelta(days=3 * n), publish=True,
                         title=f"党课{n}", kind="lecture") for n in range(6)]
    regs = {(member.id, event.id): join(member, event)
            for member in (first, second) for event in events}
    facts.refresh()

    def came(member, some):
        for event in some:
            session = event.sessions[0]
            manual(o, session, regs[(member.id, event.id)], session.starts_at)

    came(first, events[:2])
    assert stale_events() == {event.id for event in events[:2]}
    with count_statements() as two:
        facts.refresh()
    came(second, events)
    assert stale_events() == {event.id for event in events}
    with count_statements() as six:
        facts.refresh()
    assert len(six) == len(two)
    assert numbers()["presences"] == 8


# ------------------------------------------------------------------ 4. the markers

def test_a_refresh_empties_presence_stale_and_a_later_write_marks_exactly_its_event(w):
    assert stale_events() >= {w.world.event.id, w.world.lecture.id}
    facts.refresh()
    assert stale_events() == set()
    manual(w.org.organizer, w.world.lecture.sessions[0], join(w.world.people["乙"],
           w.world.lecture), w.world.lecture.sessions[0].starts_at)
    assert stale_events() == {w.world.lecture.id}


# ------------------------------------------------------------------ 5. concurrency

@pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL only: on SQLite the second "
                    "connection's open write transaction holds the database's write lock, "
                    "so a refresh would wait for it")
@pytest.mark.parametrize("inside", [False, True],
                         ids=["committed-after-the-refresh", "committed-once-it-took-the-markers"])
def test_a_marker_committed_by_another_connection_during_a_refresh_is_not_lost(w, inside):
    reg, two = of(w, "丁", 1)
    before = numbers()
    scan_through_perform_checkin(w)  # 丁 came to the first session: the refresh has work
    other = db.engine.connect()
    transaction = other.begin()

    def commit_the_other(conn, cursor, statement, *args):
        if statement.lstrip().startswith("DELETE FROM presence_stale") and transaction.is_active:
            transaction.commit()

    try:
        other.execute(sa.insert(Checkin).values(  # 丁 came to the second one too
            session_id=two.id, registration_id=reg.id, kind="entry", method="manual",
            result="ok", late=False, at=two.starts_at))
        if inside:
            sa.event.listen(db.engine, "after_cursor_execute", commit_the_other)
        try:
            assert facts.refresh() is True
        finally:
            if inside:
                sa.event.remove(db.engine, "after_cursor_execute", commit_the_other)
        if not inside:  # the refresh saw neither the other's check-in nor its marker
            assert change(before, numbers()) == CAME
            transaction.commit()
        assert not transaction.is_active
    finally:
        other.close()
    assert stale_events() == {w.world.event.id}
    assert change(before, numbers()) == {**CAME, "presences": 2, "present": 2, "absent": -2,
                                         "hours": 6, "kind.training": 2}
    assert stale_events() == set()


# ------------------------------------------------------------------ 6. the two paths agree

def mid_year_lectures(org, world):
    """Two lectures (2 学时) in 2026 local time, one on each side of 1 July: 甲 and 丁
    come to the March one, 乙 to the September one."""
    o = org.organizer
    for start, names in ((datetime(2026, 3, 10, 1, 0, tzinfo=timezone.utc), ("甲", "丁")),
                         (datetime(2026, 9, 10, 1, 0, tzinfo=timezone.utc), ("乙",))):
        lecture = make_event(o, start=start, publish=True, title="专题党课", kind="lecture")
        for name in ("甲", "乙", "丁"):
            reg = join(world.people[name], lecture, now=start - timedelta(days=7))
            if name in names:
                manual(o, lecture.sessions[0], reg, start)


@pytest.mark.parametrize("now", [
    datetime(2026, 7, 1, 4, 0, tzinfo=timezone.utc),  # mid-year: one lecture to come
    START + timedelta(hours=5),  # between the training's two sessions
    AFTER,  # every session has taken place
], ids=["mid-year", "between-the-sessions", "after-the-year"])
def test_the_whole_year_and_a_period_of_days_give_the_same_numbers(org, world, now):
    mid_year_lectures(org, world)
    whole = branch_table(YEAR, now=now)
    days = branch_table(Filters(Period(date(2026, 1, 1), date(2026, 12, 30))), now=now)
    assert YEAR.period.whole_years and not days.filters.period.whole_years
    assert [(row.branch.name, row.numbers) for row in whole.rows] == [
        (row.branch.name, row.numbers) for row in days.rows]
    assert whole.total["presences"] > 0


@pytest.mark.parametrize("now", [datetime(2027, 1, 1, 2, 0, tzinfo=timezone.utc), AFTER],
                         ids=["new-years-day", "after-the-lecture-of-2027"])
def test_two_whole_years_and_a_period_of_days_give_the_same_numbers(org, world, now):
    mid_year_lectures(org, world)
    whole = branch_table(Filters(Period(date(2026, 1, 1), date(2027, 12, 31))), now=now)
    days = branch_table(Filters(Period(date(2026, 1, 1), date(2027, 12, 30))), now=now)
    assert [(row.branch.name, row.numbers) for row in whole.rows] == [
        (row.branch.name, row.numbers) for row in days.rows]
