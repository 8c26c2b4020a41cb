"""On site, in a real browser: a member's phone opens the rotating QR's URL while logged
out, logs in and lands checked in; an old screenshot of the QR is refused; the member's
ticket; the organizer's rotating QR screen and the live board on a 1280x720 projector."""
import os
import re
import time
from datetime import timedelta

import pytest
from flask import current_app
from playwright.sync_api import expect

from app.checkin import service as checkin
from app.checkin.models import Checkin
from app.extensions import db
from app.timeutil import utcnow

from .conftest import SCREENSHOTS, fits, log_in
from .event_factories import approved_leave, join
from .event_factories import make_training as make_event

pytestmark = pytest.mark.browser


@pytest.fixture
def live_event(org, factory):
    """A training session that started a few minutes ago (check-in open now, real clock)."""
    start = (utcnow() - timedelta(minutes=5)).replace(second=0, microsecond=0)
    event = make_event(org.organizer, start=start, hours=3, branch=org.one,
                       title="学习贯彻党的二十届四中全会精神专题培训班")
    return event


def test_member_scans_logged_out_logs_in_and_is_checked_in(phone, live_event, org, factory,
                                                           fresh):
    member = factory.member(name="王秀英", branch=org.one, phone="13812345678")
    registration = join(member, live_event, now=utcnow() - timedelta(days=3))
    session = live_event.sessions[0]
    code, _ = checkin.current_slot_code(session.id)

    # The phone's scanner opens the QR's URL; the member is not logged in yet.
    phone.goto(f"/s/{session.id}/{code}")
    expect(phone).to_have_url(re.compile(r"/login\?next="))
    log_in(phone, member)
    expect(phone).to_have_url(re.compile(rf"/s/{session.id}/{code}$"))
    result = phone.locator(".result")
    expect(result).to_have_attribute("data-result", "ok")
    title = phone.get_by_role("heading", name="签到成功")
    expect(title).to_be_visible()
    expect(result.get_by_text("王秀英")).to_be_visible()
    expect(result.get_by_text(live_event.title)).to_be_visible()
    # big for older eyes: the word is large and above the fold
    size = float(phone.evaluate("getComputedStyle(document.querySelector('.result-title')).fontSize"
                                ).rstrip("px"))
    assert size >= 30
    box = title.bounding_box()
    assert box["y"] + box["height"] <= 844
    fits(phone, 390)
    phone.shot("selfcheckin-ok")

    fresh()
    [row] = db.session.query(Checkin).all()
    assert (row.registration_id, row.method, row.result) == (registration.id, "self_scan", "ok")

    # An old screenshot of the screen (two periods ago) is refused.
    period = current_app.config["SELF_CHECKIN_PERIOD"]
    slot = int(time.time() // period)
    old = checkin.slot_code(session.id, slot - 2)
    other = factory.member(name="李建国", branch=org.one)
    join(other, live_event, now=utcnow() - timedelta(days=3))
    phone.context.clear_cookies()
    phone.goto(f"/s/{session.id}/{old}")
    log_in(phone, other)
    expect(phone.locator(".result")).to_have_attribute("data-result", "refused")
    expect(phone.get_by_text("二维码已过期，请重新扫描屏幕上的二维码")).to_be_visible()
    expect(phone.get_by_role("heading", name="未能签到")).to_be_visible()
    fits(phone, 390)
    phone.shot("selfcheckin-expired")
    fresh()
    assert sorted(c.result for c in db.session.query(Checkin)) == ["ok", "refused"]


def test_member_ticket_on_a_phone(phone, live_event, org, factory):
    member = factory.member(name="张建华", branch=org.one)
    registration = join(member, live_event, now=utcnow() - timedelta(days=3))
    phone.goto(f"/my/tickets/{registration.id}")
    log_in(phone, member)
    expect(phone).to_have_url(re.compile(r"/t/[2-9A-Z]{10}$"))
    code = phone.url.rsplit("/", 1)[1]
    qr = phone.locator(".ticket-qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 300 and abs(box["width"] - box["height"]) < 2  # large and square
    expect(phone.locator(".ticket-code")).to_have_text(f"{code[:5]}{code[5:]}")
    expect(phone.get_by_role("heading", name=live_event.title)).to_be_visible()
    fits(phone, 390)
    phone.shot("ticket")

    # In the hall the signal is gone: opening the ticket again needs no network, the page
    # (QR inline, its own styles inline) comes from the phone's HTTP cache. (DevTools'
    # offline emulation also blocks cache hits, so the cache hit itself is checked.) The
    # page varies by the login cookie (Flask sets Vary: Cookie), so a new login or a new
    # flash message in between makes the next visit go to the network again.
    phone.goto("/my/events")
    phone.goto(f"/t/{code}")  # the usual visit, once the login cookie has settled
    phone.goto("/my/events")
    cdp = phone.context.new_cdp_session(phone)
    cdp.send("Network.enable")
    seen = {}
    cdp.on("Network.responseReceived",
           lambda e: seen.setdefault(e["response"]["url"], e["response"].get("fromDiskCache")))
    phone.goto(f"/t/{code}")
    expect(phone.locator(".ticket-qr svg")).to_be_visible()
    [(url, from_cache)] = [(u, c) for u, c in seen.items() if "/t/" in u]
    assert from_cache is True, url


def test_staff_checks_a_ticket_in_with_one_tap(phone, live_event, org, factory, fresh):
    member = factory.member(name="张建华", branch=org.one)
    registration = join(member, live_event, now=utcnow() - timedelta(days=3))
    code = checkin.ticket_for(registration).code
    # Staff scan the ticket with WeChat's scanner: the ticket URL opens in the browser.
    phone.goto(f"/t/{code}")
    expect(phone.get_by_role("heading", name="这是一张电子票")).to_be_visible()
    expect(phone.get_by_text("张建华")).to_have_count(0)
    phone.get_by_role("link", name="我是工作人员，登录后签到").tap()
    log_in(phone, org.organizer)
    expect(phone).to_have_url(re.compile(rf"/t/{code}$"))
    expect(phone.get_by_role("heading", name="张建华")).to_be_visible()
    button = phone.get_by_role("button", name="签到", exact=True)
    assert button.bounding_box()["height"] >= 56
    expect(phone.get_by_role("button", name="签退")).to_have_count(0)
    button.dblclick()  # a double tap on a slow network
    result = phone.locator(".result")
    expect(result).to_have_attribute("data-result", "ok")
    expect(result.get_by_role("heading", name="签到成功")).to_be_visible()
    fits(phone, 390)
    phone.shot("ticket-staff")
    fresh()
    assert db.session.query(Checkin).filter_by(result="ok").count() == 1
    assert db.session.query(Checkin).count() == 1


def test_organizer_screen_rotates_the_qr(desktop, live_event, org, app):
    session = live_event.sessions[0]
    old_period = app.config["SELF_CHECKIN_PERIOD"]
    app.config["SELF_CHECKIN_PERIOD"] = 3  # rotate quickly for the test
    try:
        desktop.goto(f"/checkin/sessions/{session.id}/self")
        log_in(desktop, org.organizer)
        expect(desktop.locator("#selfscreen")).to_have_attribute("data-ready", "1")
        expect(desktop.get_by_role("heading", name="请扫码签到")).to_be_visible()
        qr = desktop.locator("#selfscreen-qr svg")
        first_svg = qr.evaluate("el => el.outerHTML")
        desktop.wait_for_function(
            "code => document.getElementById('selfscreen').getAttribute('data-code') "
            "&& document.querySelector('#selfscreen-qr svg').outerHTML !== code",
            arg=first_svg, timeout=10_000)
        shown = desktop.locator("#selfscreen").get_attribute("data-code")
        with app.app_context():
            assert checkin.slot_code_valid(session.id, shown)
        box = qr.bounding_box()
        assert box["height"] >= 0.7 * 720  # fills the projector
        seconds = int(desktop.locator("#selfscreen-seconds").inner_text())
        assert 0 <= seconds <= 3
        assert not desktop.locator("#selfscreen-offline").is_visible()
        os.makedirs(SCREENSHOTS, exist_ok=True)
        desktop.screenshot(path=os.path.join(SCREENSHOTS, "selfcheckin-screen.png"))
    finally:
        app.config["SELF_CHECKIN_PERIOD"] = old_period


def test_live_board_on_a_projector(desktop, live_event, org, factory):
    session = live_event.sessions[0]
    more = [factory.branch(name=name, parent=org.committee)
            for name in ("办公室党支部", "机关纪委党支部", "离退休干部党支部")]
    branches = [org.one] * 5 + [org.two] * 3
    people = [factory.member(name=f"党员{n}", branch=branch) for n, branch in enumerate(branches)]
    regs = [join(m, live_event, now=utcnow() - timedelta(days=3)) for m in people]
    for registration in regs[:5]:
        checkin.perform_checkin(session.id, method="manual", registration_id=registration.id,
                                operator=org.organizer)
    # more branches, nobody of them in yet (they count in 应到 and 未到, not in the rate's 6/8)
    quiet = [join(factory.member(name=f"同志{n}", branch=more[n % 3]), live_event,
                  now=utcnow() - timedelta(days=3)) for n in range(4)]
    for registration in quiet[:1]:
        approved_leave(org.organizer, registration)
    desktop.goto(f"/checkin/sessions/{session.id}/board")
    log_in(desktop, org.organizer)
    board = desktop.locator("#board")
    expect(board).to_have_attribute("data-ready", "1")
    big = desktop.locator(".board-big[data-field=present]")
    expect(big).to_have_text("5")
    # Someone checks in meanwhile: the board picks it up by itself.
    checkin.perform_checkin(session.id, method="manual", registration_id=regs[5].id,
                            operator=org.organizer)
    expect(big).to_have_text("6", timeout=12_000)
    expect(desktop.locator(".board-big[data-field=rate]")).to_have_text("55%")  # 6 / (12 − 1)
    expect(desktop.locator("#board-rows tbody tr")).to_have_count(5)
    size = float(big.evaluate("el => getComputedStyle(el).fontSize").rstrip("px"))
    assert size >= 0.1 * 1280  # the headline number is at least 10vw
    smallest = desktop.evaluate(
        "Math.min(...Array.from(document.querySelectorAll('.board *')).filter(el => el.offsetParent"
        " && el.childElementCount === 0 && el.textContent.trim()).map(el => parseFloat("
        "getComputedStyle(el).fontSize)))")
    assert smallest >= 16  # no tiny text
    assert desktop.evaluate("document.documentElement.scrollWidth") <= 1280
    assert not desktop.locator(".topbar").is_visible()  # no menus on the projector
    os.makedirs(SCREENSHOTS, exist_ok=True)
    desktop.screenshot(path=os.path.join(SCREENSHOTS, "board.png"))

    # The network drops: the last numbers stay, with the time they are from.
    desktop.context.route("**/api/v1/**", lambda route: route.abort())
    offline = desktop.locator("#board-offline")
    expect(offline).to_be_visible(timeout=12_000)
    expect(offline).to_have_text(re.compile(r"^网络中断，显示的是 \d\d:\d\d 的数据$"))
    expect(big).to_have_text("6")
    desktop.screenshot(path=os.path.join(SCREENSHOTS, "board-offline.png"))
