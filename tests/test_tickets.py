"""The ticket: /my/tickets/<id> makes it, /t/<code> shows it to its owner (QR inline,
cacheable), lets staff who manage the event check the person in, and shows anyone else
nothing private. Also the QR itself and the ticket and hours links on member pages."""
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import time_machine

from app.checkin import service as checkin
from app.checkin.models import Checkin
from app.checkin.qr import qr_matrix, qr_svg
from app.extensions import db
from app.registration import decide

from .conftest import body_text as text
from .conftest import client_for
from .event_factories import BEFORE, ON_TIME, START, approved_leave, join
from .event_factories import make_training as make_event


@pytest.fixture
def ticketed(org, factory):
    """A published event of the first branch (two sessions, the second needs check-out),
    a member with a confirmed registration and ticket, and the staff around it."""
    event = make_event(org.organizer, sessions=2, checkout=[False, True], branch=org.one)
    member = factory.member(name="李红", branch=org.one, phone="13911112222")
    registration = join(member, event)
    ticket = checkin.ticket_for(registration)
    return type("T", (), dict(
        event=event, member=member, registration=registration, ticket=ticket, org=org,
        secretary=factory.member(name="一支书记", branch=org.one, role="secretary"),
        outsider=factory.member(name="二支书记", branch=org.two, role="secretary"),
        other=factory.member(name="别人", branch=org.one),
    ))


def get_at(app, moment, member, *urls):
    """GET ``urls`` as ``member`` at a frozen ``moment``. Logs in at that moment: Flask's
    signed session cookie is not accepted before the time it was signed."""
    with time_machine.travel(moment, tick=False):
        client = client_for(app, member)
        return [text(client.get(url)) for url in urls]


# ------------------------------------------------------------------ owner

def test_my_ticket_makes_the_ticket_and_redirects_to_its_short_url(app, org, factory):
    event = make_event(org.organizer)
    member = factory.member(name="王芳", branch=org.one)
    registration = join(member, event)
    client = client_for(app, member)
    response = client.get(f"/my/tickets/{registration.id}")
    assert response.status_code == 302
    code = checkin.ticket_for(registration).code
    assert response.headers["Location"] == f"/t/{code}"
    assert response.headers["Cache-Control"].startswith("private, max-age=")
    assert client.get(f"/my/tickets/{registration.id}").headers["Location"] == f"/t/{code}"


def test_owner_sees_a_large_inline_qr_that_stays_in_the_cache(app, ticketed):
    t = ticketed
    response = client_for(app, t.member).get(f"/t/{t.ticket.code}")
    body = text(response)
    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", response.headers["Cache-Control"]).group(1)) >= 86400
    assert "Cookie" in response.headers.get("Vary", "")
    # The QR is in the page: no image or script to fetch.
    assert body.count('<svg viewBox="0 0 ') >= 1 and 'class="qr"' in body
    assert "<img" not in body and "<script src" not in body
    # short URL, low density: version 3 (29 modules + quiet zone) for this address
    assert qr_matrix(checkin.ticket_url(t.ticket.code)).version <= 4
    assert f"<span>{t.ticket.code[:5]}</span><span>{t.ticket.code[5:]}</span>" in body
    assert t.event.title in body and "李红" in body and "第一党支部" in body
    assert "1号会议室" in body and "2号会议室" in body
    assert "入场时请出示此二维码" in body


def test_a_lower_case_or_spaced_code_redirects_to_the_ticket(app, ticketed):
    t = ticketed
    client = client_for(app, t.member)
    response = client.get(f"/t/{t.ticket.code.lower()}")
    assert response.status_code == 302 and response.headers["Location"] == f"/t/{t.ticket.code}"


def test_unknown_and_garbage_codes_are_404(app, ticketed):
    client = client_for(app, None)
    unknown = "23456789AB" if ticketed.ticket.code != "23456789AB" else "23456789AC"
    assert client.get(f"/t/{unknown}").status_code == 404
    assert client.get("/t/not-a-code").status_code == 404


def test_a_cancelled_registration_shows_the_ticket_is_void(app, ticketed):
    t = ticketed
    decide.cancel(t.org.organizer, t.registration.id, now=BEFORE)
    response = client_for(app, t.member).get(f"/t/{t.ticket.code}")
    body = text(response)
    assert response.status_code == 200 and "此票已失效" in body
    assert 'class="qr"' not in body
    assert response.headers["Cache-Control"] == "no-store"


def test_my_ticket_is_only_for_my_own_confirmed_registration(app, org, factory):
    event = make_event(org.organizer, approval_required=True)
    member = factory.member(name="待审核", branch=org.one)
    pending = join(member, event)
    someone = factory.member(name="别人", branch=org.one)
    client = client_for(app, member)
    response = client.get(f"/my/tickets/{pending.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/events/{event.id}"
    assert "只有报名成功（已确认）的活动才有电子票。" in text(client.get(response.headers["Location"]))
    assert client_for(app, someone).get(f"/my/tickets/{pending.id}").status_code == 403
    assert client.get("/my/tickets/987654").status_code == 404
    anonymous = client_for(app, None).get(f"/my/tickets/{pending.id}")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


# ---------------------------------------------------------- anyone else

@pytest.mark.parametrize("who", ["anonymous", "other", "outsider"])
def test_anyone_else_sees_nothing_private(app, ticketed, who):
    t = ticketed
    viewer = {"anonymous": None, "other": t.other, "outsider": t.outsider}[who]
    response = client_for(app, viewer).get(f"/t/{t.ticket.code}")
    body = text(response)
    assert response.status_code == 200  # no forced login
    assert "这是一张电子票" in body and "出示给现场工作人员" in body
    for private in ("李红", "13911112222", "139****2222", t.event.title, "第一党支部", "会议室"):
        assert private not in body
    assert 'class="qr"' not in body
    assert response.headers["Cache-Control"] == "no-store"
    if who == "anonymous":
        assert "我是工作人员，登录后签到" in body


def test_anyone_else_cannot_post_a_check_in(app, ticketed):
    t = ticketed
    data = {"session_id": t.event.sessions[0].id, "kind": "entry", "nonce": "x1"}
    assert client_for(app, t.other).post(f"/t/{t.ticket.code}", data=data).status_code == 403
    assert client_for(app, t.outsider).post(f"/t/{t.ticket.code}", data=data).status_code == 403
    assert client_for(app, None).post(f"/t/{t.ticket.code}", data=data).status_code == 403
    # the owner cannot check themself in from their own ticket either
    assert client_for(app, t.member).post(f"/t/{t.ticket.code}", data=data).status_code == 403
    assert db.session.query(Checkin).count() == 0


# ------------------------------------------------------------------ staff

def test_staff_page_preselects_the_current_session(app, ticketed):
    t = ticketed
    first, second = t.event.sessions
    [body] = get_at(app, second.starts_at - timedelta(minutes=10), t.org.organizer,
                    f"/t/{t.ticket.code}")
    assert "李红" in body and "第一党支部" in body
    assert re.search(rf'value="{second.id}" data-checkout="1" checked', body)
    assert 'value="entry"' in body and ">签到</button>" in body and ">签退</button>" in body
    assert re.search(r'name="nonce"[^>]*value="[\w-]{10,}"', body)
    [body] = get_at(app, BEFORE, t.org.organizer, f"/t/{t.ticket.code}")  # the next one
    assert re.search(rf'value="{first.id}" data-checkout="0" checked', body)


def test_staff_checks_in_once_even_when_the_post_is_sent_twice(app, ticketed):
    t = ticketed
    first = t.event.sessions[0]
    data = {"session_id": first.id, "kind": "entry", "nonce": "tap-0001"}
    with time_machine.travel(ON_TIME, tick=False):
        client = client_for(app, t.org.organizer)
        done = client.post(f"/t/{t.ticket.code}", data=data)
        twice = client.post(f"/t/{t.ticket.code}", data=data)
        third = client.post(f"/t/{t.ticket.code}", data={**data, "nonce": "tap-0002"})
    assert done.status_code == 200 and 'data-result="ok"' in text(done)
    assert "签到成功" in text(done) and "result-ok" in text(done)
    assert 'data-result="ok"' in text(twice)  # the first answer again
    assert 'data-result="duplicate"' in text(third) and "已签到（08:55），不用重复签到。" in text(third)
    stored = db.session.query(Checkin).order_by(Checkin.id).all()
    assert [(r.result, r.method, r.operator_id) for r in stored] == [
        ("ok", "ticket_scan", t.org.organizer.id), ("duplicate", "ticket_scan", t.org.organizer.id)]
    # the next form carries a fresh nonce
    assert 'value="tap-0001"' not in text(done)


def test_staff_check_out_and_refusals_are_shown_in_words_and_colour(app, ticketed):
    t = ticketed
    second = t.event.sessions[1]
    url = f"/t/{t.ticket.code}"
    with time_machine.travel(second.starts_at, tick=False):
        client = client_for(app, t.secretary)  # a secretary who manages the event
        early = client.post(url, data={"session_id": second.id, "kind": "exit", "nonce": "a1"})
        client.post(url, data={"session_id": second.id, "kind": "entry", "nonce": "a2"})
    with time_machine.travel(second.ends_at, tick=False):
        out = client.post(url, data={"session_id": second.id, "kind": "exit", "nonce": "a3"})
    assert 'data-result="refused"' in text(early) and "还没有签到，不能签退。" in text(early)
    assert "未能签退" in text(early) and "result-bad" in text(early)
    assert 'data-result="ok"' in text(out) and "签退成功" in text(out)
    with time_machine.travel(START - timedelta(days=3), tick=False):
        client = client_for(app, t.secretary)
        closed = client.post(url, data={"session_id": t.event.sessions[0].id, "kind": "entry",
                                        "nonce": "a4"})
    assert "签到还没开始" in text(closed)


def test_an_old_form_sent_again_for_another_session_is_refused_in_words(app, ticketed):
    """The back button brings an old form: its nonce was used for the first session."""
    t = ticketed
    first, second = t.event.sessions
    url = f"/t/{t.ticket.code}"
    with time_machine.travel(ON_TIME, tick=False):
        client = client_for(app, t.org.organizer)
        client.post(url, data={"session_id": first.id, "kind": "entry", "nonce": "old-form"})
        again = client.post(url, data={"session_id": second.id, "kind": "entry",
                                       "nonce": "old-form"})
    assert again.status_code == 200 and 'data-result="refused"' in text(again)
    assert "请求内容不完整，请刷新页面后重试。" in text(again)
    assert db.session.query(Checkin).count() == 1


def test_staff_post_with_a_session_of_another_event_is_refused(app, ticketed):
    t = ticketed
    other = make_event(t.org.organizer, title="别的活动")
    client = client_for(app, t.org.organizer)
    response = client.post(f"/t/{t.ticket.code}",
                           data={"session_id": other.sessions[0].id, "kind": "entry", "nonce": "b1"})
    assert response.status_code == 400
    assert db.session.query(Checkin).count() == 0


def test_an_organizer_who_owns_the_ticket_sees_the_ticket(app, org):
    event = make_event(org.organizer)
    registration = join(org.organizer, event)
    code = checkin.ticket_for(registration).code
    assert 'class="qr"' in text(client_for(app, org.organizer).get(f"/t/{code}"))


# ------------------------------------------------------------------ the QR

def test_the_svg_draws_exactly_the_modules_of_the_code():
    data = "http://testserver/t/AB3CD4EF5G"
    svg = qr_svg(data)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg") and "width" not in root.attrib
    code = qr_matrix(data)
    size = len(code.modules) + 2 * 4
    assert root.attrib["viewBox"] == f"0 0 {size} {size}"
    path = [el for el in root.iter() if el.tag.endswith("path")][0].attrib["d"]
    drawn = {(int(x), int(y)) for x, y in re.findall(r"M(\d+),(\d+)H", path)}
    expected = {(c + 4, r + 4) for r, row in enumerate(code.modules)
                for c, dark in enumerate(row) if dark}
    assert drawn == expected
    assert 'id="' not in svg  # may appear twice on one page


def test_qr_svg_is_cached():
    qr_svg.cache_clear()
    qr_svg("http://testserver/t/CACHED2345")
    qr_svg("http://testserver/t/CACHED2345")
    assert qr_svg.cache_info().hits == 1


# ------------------------------------------------ links on the member pages

def test_event_page_and_my_events_link_the_ticket(app, ticketed):
    t = ticketed
    detail, mine = get_at(app, BEFORE, t.member, f"/events/{t.event.id}", "/my/events")
    link = f'href="/t/{t.ticket.code}"'  # the ticket exists: straight to its (cacheable) page
    assert link in detail and "我的电子票" in detail
    assert link in mine
    # before the ticket exists, the link makes it
    fresh_event = make_event(t.org.organizer, title="新活动")
    registration = join(t.member, fresh_event)
    [body] = get_at(app, BEFORE, t.member, f"/events/{fresh_event.id}")
    assert f'href="/my/tickets/{registration.id}"' in body
    # no ticket for someone waiting for approval
    pending_event = make_event(t.org.organizer, approval_required=True, title="需审核的活动")
    pending = join(t.other, pending_event)
    [body] = get_at(app, BEFORE, t.other, f"/events/{pending_event.id}")
    assert f"/my/tickets/{pending.id}" not in body and "我的电子票" not in body


def test_hours_earned_show_once_a_session_is_over(app, ticketed):
    t = ticketed
    first, second = t.event.sessions
    assert "已获学时" not in get_at(app, BEFORE, t.member, f"/events/{t.event.id}")[0]
    checkin.perform_checkin(first.id, method="ticket_scan", code=t.ticket.code, now=ON_TIME)
    checkin.perform_checkin(second.id, method="ticket_scan", code=t.ticket.code,
                            now=second.starts_at)  # entered, not checked out: no hours yet
    detail, mine = get_at(app, second.ends_at + timedelta(days=1), t.member,
                          f"/events/{t.event.id}", "/my/events")
    assert "已获学时 <strong>3</strong>（共 6 学时）" in detail
    assert "已获学时 3" in mine
    assert "我的电子票" not in mine  # the event is over


def test_hours_are_not_shown_for_a_registration_on_leave_without_sessions_over(app, ticketed):
    t = ticketed
    approved_leave(t.org.organizer, t.registration)
    assert "已获学时" not in get_at(app, ON_TIME, t.member, f"/events/{t.event.id}")[0]
