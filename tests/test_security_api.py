"""The JSON API and the request plumbing against malformed and dishonest input (issue 8,
findings 3, 4 and 11): non-finite numbers, backdated scans, NUL characters, 405s."""
import re
from datetime import timedelta

import pytest
import time_machine

from app.checkin.models import Checkin
from app.extensions import db
from app.timeutil import utcnow

from .conftest import body_text, count
from .event_factories import attendee, open_event


def scans_url(session):
    return f"/api/v1/sessions/{session.id}/scans"


def checkins_url(session):
    return f"/api/v1/sessions/{session.id}/checkins"


@pytest.fixture
def staff(scene, login):
    return login(scene.organizer)


# ------------------------------------------------------------------ finding 3: NaN

@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
@pytest.mark.parametrize("endpoint, field", [(scans_url, '"code": "K7QX3MZ9PA"'),
                                             (checkins_url, '"registration_id": 1')])
def test_non_finite_numbers_are_refused_as_malformed_json(scene, staff, endpoint, field, number):
    body = f'{{{field}, "nonce": "n-{number}", "age": {number}}}'
    response = staff.post(endpoint(scene.session), data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["code"] == "api_bad_json"
    assert count(Checkin) == 0


@pytest.mark.parametrize("body", [{"registration_id": 2**31}, {"registration_id": 10**30},
                                  {"code": "K7QX3MZ9PA", "age": 86401},
                                  {"code": "K7QX3MZ9PA", "opened": 5}])
def test_numbers_outside_what_a_scan_can_be_are_refused_at_their_field(scene, staff, body):
    url = checkins_url(scene.session) if "registration_id" in body else scans_url(scene.session)
    response = staff.post(url, json=body)
    assert response.status_code == 400
    assert response.get_json()["code"] == "api_bad_field"
    assert count(Checkin) == 0


# ------------------------------------------------------------------ finding 4: backdating

def open_scanner(client, session):
    """Open the session's scanner page now; the signed opened-at it carries."""
    html = body_text(client.get(f"/checkin/sessions/{session.id}/scan"))
    return re.search(r'data-opened="([^"]+)"', html).group(1)


def scan(client, session, code, minutes_later=0, **body):
    """Post a scan ``minutes_later`` than now (the phone came back online then)."""
    with time_machine.travel(utcnow() + timedelta(minutes=minutes_later), tick=False):
        return client.post(scans_url(session), json={"code": code, **body}).get_json()


def stored(code):
    db.session.expire_all()
    return db.session.scalar(db.select(Checkin).where(Checkin.scanned == code))


def minutes_from_now(row, minutes):
    return abs((row.at - (utcnow() + timedelta(minutes=minutes))).total_seconds()) < 60


@pytest.fixture
def started(org, factory):
    """A session that started 15 minutes ago (10 minutes' grace) and three ticket holders."""
    org.event = open_event(org.organizer, minutes_to_start=-15)
    org.session = org.event.sessions[0]
    org.codes = [attendee(factory, org.organizer, org.event, name, org.one)[2]
                 for name in ("王秀英", "李建国", "赵敏")]
    return org


def test_a_late_arrival_cannot_be_dated_back_before_the_scanner_was_opened(started, login):
    client = login(started.organizer)
    # The volunteer opens the scanner now, 15 minutes after the start; 15 minutes later
    # they send a scan "40 minutes old", from before the start, to make it "on time".
    opened = open_scanner(client, started.session)
    answer = scan(client, started.session, started.codes[0], minutes_later=15, age=40 * 60,
                  opened=opened)
    assert (answer["result"], answer["message"]) == ("ok", "签到成功（迟到）")
    row = stored(started.codes[0])
    assert row.late and minutes_from_now(row, 0)  # dated when the page was opened


def test_a_scan_that_really_waited_in_the_queue_keeps_its_time(org, factory, login):
    event = open_event(org.organizer, minutes_to_start=5)
    code = attendee(factory, org.organizer, event, "王秀英", org.one)[2]
    client = login(org.organizer)
    opened = open_scanner(client, event.sessions[0])
    # Scanned 10 minutes from now (5 minutes after the start) but offline until 30
    # minutes from now: it arrives 20 minutes old.
    answer = scan(client, event.sessions[0], code, minutes_later=30, age=20 * 60, opened=opened)
    assert (answer["result"], answer["message"]) == ("ok", "签到成功")
    row = stored(code)
    assert not row.late and minutes_from_now(row, 10)


def test_without_an_honest_opened_at_a_scan_is_dated_when_it_arrives(started, login):
    client = login(started.organizer)
    other = open_event(started.organizer, minutes_to_start=-15, title="另一场").sessions[0]
    other_page = open_scanner(client, other)
    page = open_scanner(client, started.session)
    forged = page[:-3] + ("AAA" if not page.endswith("AAA") else "BBB")
    extras = [{}, {"opened": forged}, {"opened": other_page}]
    for code, extra in zip(started.codes, extras, strict=True):
        answer = scan(client, started.session, code, minutes_later=5, age=10 * 60, **extra)
        assert (answer["result"], answer["message"]) == ("ok", "签到成功（迟到）"), extra
        assert minutes_from_now(stored(code), 5)


def test_a_scan_dated_outside_the_window_is_refused(org, factory, login):
    """Check-in opens an hour before the start: a scan dated before that is not let in,
    even from a page opened earlier."""
    event = open_event(org.organizer, minutes_to_start=70)  # check-in opens in 10 minutes
    session = event.sessions[0]
    code = attendee(factory, org.organizer, event, "王秀英", org.one)[2]
    client = login(org.organizer)
    opened = open_scanner(client, session)
    answer = scan(client, session, code, minutes_later=15, age=10 * 60, opened=opened)
    assert (answer["result"], answer["code"]) == ("refused", "not_open")
    assert scan(client, session, code, minutes_later=15, age=2 * 60, opened=opened)["result"] == "ok"


def test_a_scanner_link_is_bound_the_same_way(started, app):
    from app.checkin import service as checkin

    _, token = checkin.create_scanner_link(started.organizer, started.event, "东门志愿者")
    phone = app.test_client()
    phone.get(f"/checkin/link/{token}")
    opened = open_scanner(phone, started.session)
    answer = scan(phone, started.session, started.codes[0], minutes_later=15, age=40 * 60,
                  opened=opened)
    assert answer["message"] == "签到成功（迟到）"
    assert minutes_from_now(stored(started.codes[0]), 0)


# ------------------------------------------------------------------ finding 11: NUL, 405

def test_a_nul_character_is_named_at_its_field(scene, login):
    client = login(scene.organizer)
    page = client.post(f"/manage/events/{scene.event.id}/cancel", data={"reason": "因故\x00取消"})
    assert "提交的内容中含有空字符" in body_text(page)
    assert "超出了范围" not in body_text(page)
    db.session.expire_all()
    assert scene.event.status != "cancelled"
    listed = client.get("/admin/members?q=%00王")
    assert listed.status_code in (200, 403)


def test_a_nul_character_in_a_url_is_said_plainly(scene, login):
    response = login(scene.alice).get("/t/AB%00CD")
    assert response.status_code in (400, 404)
    assert "超出了范围" not in body_text(response)


def test_a_wrong_method_answers_405_with_allow(scene, staff, client):
    page = client.get("/logout")
    assert page.status_code == 405 and set(page.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}
    api = staff.get(scans_url(scene.session))
    assert api.status_code == 405 and "POST" in api.headers["Allow"]
    assert api.get_json()["code"] == "method_not_allowed"
