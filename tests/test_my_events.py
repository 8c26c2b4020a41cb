"""我的活动 (/my/events, app/home): every event of mine with its ticket and 学时, in a fixed
number of SQL statements whatever the number of events."""
from datetime import timedelta

import pytest

from app.checkin import service as checkin
from app.registration import decide, signup
from app.timeutil import utcnow

from .conftest import body_text as text
from .conftest import client_for, count_statements
from .event_factories import approved_leave
from .event_factories import make_training as make_event


@pytest.fixture
def people(org, factory):
    return (factory.member(name="李红", branch=org.one),
            factory.member(name="占位人", branch=org.two))


def add_events(org, member, filler, shapes, first=0):
    """One event per shape: 0 upcoming with a ticket made, 1 upcoming without one (on
    leave), 2 over and attended (学时), 3 waitlisted, 4 registration cancelled."""
    now = utcnow().replace(microsecond=0)
    for n, shape in enumerate(shapes, start=first):
        start = now - timedelta(days=30 + n) if shape == 2 else now + timedelta(days=10 + n)
        event = make_event(org.organizer, start=start, title=f"活动{n:02d}",
                           capacity=1 if shape == 3 else None)
        before = start - timedelta(days=7)
        if shape == 3:
            signup.register(filler, event.id, now=before)
        registration = signup.register(member, event.id, now=before)
        if shape == 0:
            checkin.ticket_for(registration)
        elif shape == 1:
            approved_leave(org.organizer, registration)
        elif shape == 2:
            checkin.perform_checkin(event.sessions[0].id, method="manual",
                                    registration_id=registration.id, operator=org.organizer,
                                    now=start)
        elif shape == 4:
            decide.cancel(member, registration.id, now=before)


def test_my_events_runs_the_same_statements_for_3_and_for_10_events(app, org, people):
    member, filler = people
    client = client_for(app, member)
    add_events(org, member, filler, [0, 2, 3])  # a ticket, 学时, a waitlist place
    with count_statements() as three:
        body = text(client.get("/my/events"))
    assert "活动00" in body and "已获学时 3" in body and "我的电子票" in body
    assert "候补第 1 位" in body
    add_events(org, member, filler, [1, 4, 0, 1, 2, 3, 4], first=3)
    with count_statements() as ten:
        body = text(client.get("/my/events"))
    assert all(f"活动{n:02d}" in body for n in range(10))
    assert body.count("我的电子票") == 4  # upcoming and confirmed: events 0, 3, 5, 6
    assert body.count("已获学时 3") == 2  # attended: events 1 and 7
    assert body.count("候补第 1 位") == 2  # waitlisted: events 2 and 8
    assert len(three) == len(ten), "\n".join(ten)
