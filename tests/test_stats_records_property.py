"""Property test of the member record (issue 11, item 12): random events around New Year,
each session met with one of the things that happen (on time, late, gone early, a
duplicate scan, a refused scan, a back-fill, a correction accepted or declined, approved
leave, a walk-in, nothing), all written through the services; the record's 学时 of each
year and each session's line equal a plain Python reading of DESIGN §3, and so does the
below-target list for the member."""
import itertools
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.checkin import service as checkin
from app.corrections import service as corrections
from app.extensions import db
from app.registration import signup
from app.stats import below_target, periods, records

from .event_factories import approved_leave, make_event, session_rows

# Session starts (UTC) around New Year in Asia/Shanghai: 19:00 on 31 December 2025 is
# 2025; 01:00 UTC on 1 January 2026 and 17:00 UTC on 31 December 2025 are 2026 there.
STARTS = [datetime(2025, 12, 31, 11, 0, tzinfo=timezone.utc),
          datetime(2025, 12, 31, 17, 0, tzinfo=timezone.utc),
          datetime(2026, 1, 1, 1, 0, tzinfo=timezone.utc),
          datetime(2026, 3, 10, 1, 0, tzinfo=timezone.utc),
          datetime(2025, 6, 2, 1, 0, tzinfo=timezone.utc)]
HAPPENINGS = ("nothing", "on_time", "late", "early", "on_time_out", "duplicate", "refused",
              "backfill", "accepted", "declined", "leave")
_numbers = itertools.count(1)

a_session = st.fixed_dictionaries({
    "start": st.sampled_from(range(len(STARTS))),
    "credit": st.sampled_from([1.0, 1.5, 2.0, 3.0]),
    "checkout": st.booleans(),
    "happens": st.sampled_from(HAPPENINGS),
})
an_event = st.fixed_dictionaries({
    "how": st.sampled_from(["self", "invited", "walk_in", "none"]),
    "sessions": st.lists(a_session, min_size=1, max_size=3, unique_by=lambda s: s["start"]),
})


def _checkin(organizer, session, registration, kind, at, method="manual"):
    return checkin.perform_checkin(session.id, kind=kind, method=method,
                                   registration_id=registration.id, operator=organizer, now=at)


def happen(organizer, member, registration, session, what):
    """Make ``what`` happen to ``registration`` at ``session``; returns (entered, late,
    left early, exited) as a plain reading of what was done."""
    start, end = session.starts_at, session.ends_at
    late_at = start + timedelta(minutes=session.grace_minutes + 5)
    early_at = end - timedelta(minutes=session.grace_minutes + 5)
    if what in ("on_time", "on_time_out", "duplicate", "early"):
        _checkin(organizer, session, registration, "entry", start - timedelta(minutes=5))
    if what == "duplicate":
        assert _checkin(organizer, session, registration, "entry", start).result == "duplicate"
    if what == "late":
        _checkin(organizer, session, registration, "entry", late_at)
    if what == "on_time_out":
        _checkin(organizer, session, registration, "exit", end)
    if what == "early":
        _checkin(organizer, session, registration, "exit", early_at)
    if what == "refused":  # scanned a day early: refused, no presence
        assert _checkin(organizer, session, registration, "entry",
                        start - timedelta(days=1)).result == "refused"
    if what == "backfill":
        _checkin(organizer, session, registration, "entry", end + timedelta(days=1), "backfill")
    if what in ("accepted", "declined"):
        asked = corrections.ask(member, registration.id, session.id, "手机没电")
        corrections.decide(organizer, asked.id, accept=what == "accepted")
    if what == "leave":
        approved_leave(organizer, registration, session, now=start - timedelta(days=2))
    entered = what in ("on_time", "on_time_out", "duplicate", "early", "late", "backfill",
                       "accepted")
    exited = what in ("on_time_out", "early") or (what == "accepted" and session.checkout_required)
    return entered, what == "late", what == "early", exited


def local_year(at):
    return (at + timedelta(hours=8)).year


@settings(max_examples=20, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(events=st.lists(an_event, min_size=1, max_size=3), cadre=st.booleans())
def test_the_record_agrees_with_a_plain_reading(org, factory, events, cadre):
    organizer = org.organizer
    n = next(_numbers)
    member = factory.member(name=f"党员{n}", branch=org.one,
                            role="secretary" if cadre else "member")
    expected = {}  # session id -> (year, state, hours)
    for spec in events:
        rows = []
        for s in spec["sessions"]:
            rows += session_rows(1, start=STARTS[s["start"]], hours=2, checkout=s["checkout"])
            rows[-1]["credit_hours"] = s["credit"]
        first = min(row["starts_at"] for row in rows)
        event = make_event(organizer, sessions=rows, publish=True, branch=org.one,
                           walk_in=True, opens=first - timedelta(days=30), title=f"活动{n}")
        # sessions come back ordered by start (each start once per event)
        pairs = sorted(zip(rows, spec["sessions"], strict=True),
                       key=lambda pair: pair[0]["starts_at"])
        registration = None
        if spec["how"] in ("self", "invited"):
            registration = signup.register(member, event.id, now=first - timedelta(days=3))
            if spec["how"] == "invited":
                registration.source = "invited"
                db.session.commit()
        for session, (_, s) in zip(event.sessions, pairs, strict=True):
            year = local_year(session.starts_at)
            if spec["how"] == "none":
                continue
            if spec["how"] == "walk_in":
                if s["happens"] in ("on_time", "late"):
                    at = session.starts_at + timedelta(minutes=-5 if s["happens"] == "on_time" else 15)
                    assert checkin.walk_in(organizer, session.id, member.id, now=at).result == "ok"
                    expected[session.id] = (year, "walk_in",
                                            0.0 if session.checkout_required else s["credit"])
                continue
            entered, late, early, exited = happen(organizer, member, registration, session,
                                                  s["happens"])
            if s["happens"] == "leave":
                state = "on_leave"
            elif not entered:
                state = "absent"
            elif late:
                state = "late"
            elif early:
                state = "left_early"
            else:
                state = "present"
            credited = entered and (not session.checkout_required or exited)
            expected[session.id] = (year, state, s["credit"] if credited else 0.0)

    target = 56 if cadre else 32
    for year in (2025, 2026):
        found = records.member_record(member, year)
        mine = {sid: (state, hours) for sid, (y, state, hours) in expected.items() if y == year}
        assert {line.session_id: (line.state, line.hours) for line in found.lines} == mine
        assert found.hours == pytest.approx(sum(hours for _, hours in mine.values()))
        assert found.target == target
        listed = [row for row in below_target.below_target(periods.Period.year(year), org.one).rows
                  if row.member_id == member.id]
        assert [(row.hours, row.target) for row in listed] == (
            [(pytest.approx(found.hours), target)] if found.hours < target else [])
