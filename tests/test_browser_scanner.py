"""The scanner on a phone: Chromium's fake camera shows a ticket QR, the page decodes it
and checks the member in; then the network drops, a typed code waits in the local queue
(待上传 1) and goes up by itself when the network returns."""
import re

import pytest
from playwright.sync_api import expect

from app.checkin import service as checkin
from app.checkin.models import Checkin, ScannerLink
from app.extensions import db

from .conftest import write_y4m
from .event_factories import attendee, open_event

pytestmark = pytest.mark.browser

def test_camera_scan_then_offline_queue_drains(camera_phone, factory, fresh):
    page = camera_phone
    committee = factory.branch(name="机关党委", kind="committee")
    branch = factory.branch(name="办公室党支部", parent=committee)
    organizer = factory.member(name="组织者", branch=committee, role="organizer")
    event = open_event(organizer, title="学习贯彻党的二十届四中全会精神专题党课")
    session = event.sessions[0]
    _, alice_reg, alice_code = attendee(factory, organizer, event, "王秀英", branch)
    _, bob_reg, bob_code = attendee(factory, organizer, event, "李建国", branch)
    write_y4m(page.video_file, checkin.ticket_url(alice_code))
    _, token = checkin.create_scanner_link(organizer, event, "东门志愿者")

    # The volunteer opens the scanner link: straight to the scanner, camera on.
    page.goto(f"/checkin/link/{token}")
    expect(page).to_have_url(re.compile(rf"/checkin/sessions/{session.id}/scan$"))
    result = page.locator("#scan-result")
    expect(result).to_contain_text("签到成功")
    expect(result).to_contain_text("王秀英")
    expect(result).to_contain_text("办公室党支部")
    expect(result).to_have_class(re.compile(r"\bis-ok\b"))
    expect(page.locator("#count-present")).to_have_text("1")
    expect(page.locator("#count-expected")).to_have_text("2")
    expect(page.locator("#recent")).to_contain_text("王秀英")
    page.shot("scanner-ok")
    fresh()
    (row,) = db.session.query(Checkin).all()
    assert (row.registration_id, row.result, row.method) == (alice_reg.id, "ok", "ticket_scan")

    # Big enough to tap, and nothing wider than the phone.
    for locator in (page.locator(".mode-switch a").first, page.locator("#code-form button"),
                    page.locator("#search-form button"), page.locator("#photo-btn"),
                    page.locator("#sound"), page.locator("#code-input")):
        assert locator.bounding_box()["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The network drops: a typed code is kept on the phone and the queue keeps moving.
    page.context.set_offline(True)
    page.locator("#code-input").fill(bob_code.lower())
    page.locator("#code-input").press("Enter")
    expect(result).to_contain_text("已记录，网络恢复后自动上传")
    expect(page.locator("#queue-count")).to_have_text("待上传 1 条")
    expect(page.locator("#code-input")).to_have_value("")
    page.shot("scanner-queued")
    fresh()
    assert db.session.query(Checkin).count() == 1
    queued = page.evaluate("JSON.parse(localStorage.getItem('dangjian.scanQueue.v1'))")
    assert len(queued) == 1 and queued[0]["body"]["code"] == bob_code  # upper-cased as typed

    # The network returns: the queue drains by itself.
    page.context.set_offline(False)
    expect(page.locator("#queue-count")).to_have_text("待上传 0 条")
    expect(page.locator("#count-present")).to_have_text("2")
    expect(page.locator("#recent li").first).to_contain_text("李建国")
    fresh()
    rows = db.session.query(Checkin).order_by(Checkin.id).all()
    assert [(r.registration_id, r.result) for r in rows] == [(alice_reg.id, "ok"), (bob_reg.id, "ok")]
    assert rows[1].nonce == queued[0]["nonce"]
    assert page.evaluate("localStorage.getItem('dangjian.scanQueue.v1')") == "[]"

    # Still fits a 360 px phone.
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_without_a_camera_the_page_says_why_and_offers_search(phone, factory, fresh):
    """The shared browser has no camera permission: the page explains in plain Chinese,
    and search + tap still checks people in."""
    committee = factory.branch(name="机关党委", kind="committee")
    branch = factory.branch(name="办公室党支部", parent=committee)
    organizer = factory.member(name="组织者", branch=committee, role="organizer")
    event = open_event(organizer)
    session = event.sessions[0]
    _, reg, _ = attendee(factory, organizer, event, "王秀英", branch, phone="13912340001")
    _, token = checkin.create_scanner_link(organizer, event, "西门")

    phone.goto(f"/checkin/link/{token}")
    expect(phone).to_have_url(re.compile(rf"/checkin/sessions/{session.id}/scan$"))
    why = phone.locator("#camera-why")
    expect(why).to_be_visible()
    expect(why).to_contain_text(re.compile("摄像头"))
    expect(phone.locator("#photo-btn")).to_be_visible()
    phone.shot("scanner-no-camera")

    phone.locator("#search-input").fill("0001")
    button = phone.get_by_role("button", name="签到 王秀英")
    expect(button).to_be_visible()
    button.tap()
    expect(phone.locator("#scan-result")).to_contain_text("签到成功")
    expect(phone.locator("#search-results")).to_contain_text("已签到")
    phone.shot("scanner-search")
    fresh()
    row = db.session.query(Checkin).one()
    assert (row.registration_id, row.method, row.result) == (reg.id, "manual", "ok")

    # someone back-filled from a paper list is marked 补录 in the search results
    _, paper, _ = attendee(factory, organizer, event, "王建国", branch, phone="13912340002")
    checkin.perform_checkin(session.id, method="backfill", registration_id=paper.id,
                            operator=organizer, reason="根据纸质签到表补录",
                            now=session.starts_at)
    phone.locator("#search-input").fill("0002")
    expect(phone.locator("#search-results")).to_contain_text("王建国")
    expect(phone.locator("#search-results")).to_contain_text("补录")


def test_organizer_makes_a_scanner_link_on_a_phone(phone, factory, fresh):
    committee = factory.branch(name="机关党委", kind="committee")
    organizer = factory.member(name="组织者", branch=committee, role="organizer")
    event = open_event(organizer, title="机关第五届职工运动会开幕式")
    phone.goto("/login")
    phone.get_by_label("手机号").fill(organizer.phone)
    phone.get_by_label("密码").fill(factory.password)
    phone.get_by_role("button", name="登录").tap()
    phone.wait_for_url(lambda url: "/login" not in url)

    phone.goto(f"/checkin/events/{event.id}/links")
    phone.get_by_label("给谁用").fill("东门志愿者 小李")
    phone.get_by_label("有效时长（小时）").fill("8")
    phone.get_by_role("button", name="创建扫码授权").tap()
    qr = phone.locator("#new-link svg[aria-label='扫码授权链接的二维码']")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 200
    url = phone.locator("#new-link-url").input_value()
    assert re.search(r"/checkin/link/[\w-]+$", url)
    expect(phone.locator(".link-list")).to_contain_text("东门志愿者 小李")
    expect(phone.locator(".link-list .badge-green")).to_have_text("有效")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("scanner-links")

    phone.get_by_text("撤销", exact=True).tap()
    phone.get_by_role("button", name="确认撤销「东门志愿者 小李」").tap()
    expect(phone.locator(".link-list .badge-red")).to_have_text("已撤销")
    fresh()
    assert db.session.query(ScannerLink).one().revoked_at is not None
