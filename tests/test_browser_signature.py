"""签名签到 in a real browser: a member signs with a finger on the organizer's tablet (the
ticket's staff page) and on their own phone after a self check-in; the 签到表 downloaded
afterwards carries the drawn signature as an image. Also the report pages at phone size."""
import io
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from app.checkin import service as checkin
from app.checkin import signatures
from app.timeutil import utcnow

from .conftest import fits, log_in
from .event_factories import attendee, join, open_event

pytestmark = pytest.mark.browser


def sign_on(page, strokes=((0.1, 0.7), (0.3, 0.2), (0.5, 0.75), (0.7, 0.25), (0.9, 0.6))):
    """Draw a zigzag across the page's signature box with the pointer."""
    box = page.locator("canvas.signature-pad").bounding_box()
    points = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in strokes]
    page.mouse.move(*points[0])
    page.mouse.down()
    for point in points[1:]:
        page.mouse.move(*point, steps=8)
    page.mouse.up()


def dark_pixels(pdf):
    """(images on the first page, dark pixels in the first image)."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    images = page.images
    if not images:
        return 0, 0
    grey = images[0].image.convert("L")
    return len(images), sum(grey.histogram()[:128])


@pytest.fixture
def signing(org, factory):
    org.event = open_event(org.organizer, minutes_to_start=-5, title="签名签到专题党课", signature=True)
    org.session = org.event.sessions[0]
    org.alice, org.alice_reg, org.alice_code = attendee(factory, org.organizer, org.event, "王秀英", org.one)
    return org


def test_a_member_signs_on_the_tablet_at_check_in_and_the_sheet_prints_it(phone, signing, fresh):
    log_in(phone, signing.organizer)
    phone.goto(f"/t/{signing.alice_code}")
    expect(phone.get_by_text("请在框内手写签名")).to_be_visible()
    # 签到 without a signature is stopped on the page, nothing is sent
    phone.get_by_role("button", name="签到", exact=True).click()
    expect(phone.get_by_text("请先在框内签名。")).to_be_visible()
    sign_on(phone)
    phone.shot("signature-tablet")
    phone.get_by_role("button", name="签到", exact=True).click()
    expect(phone.locator(".result")).to_have_attribute("data-result", "ok")
    expect(phone.get_by_text("已签名")).to_be_visible()
    fits(phone, 390)
    fresh()
    assert signatures.signed(signing.session.id, signing.alice_reg.id)

    # the 签到表, two clicks from the event page: 签到表/报告, then 下载签到表
    phone.goto(f"/manage/events/{signing.event.id}")
    phone.get_by_role("link", name="签到表/报告").first.click()
    expect(phone.get_by_role("heading", name="签到表与出勤报告")).to_be_visible()
    fits(phone, 390)
    phone.shot("reports-session")
    with phone.expect_download() as download:
        phone.get_by_role("button", name="下载签到表（PDF）").click()
    pdf = open(download.value.path(), "rb").read()
    assert download.value.suggested_filename.endswith("签到表.pdf")
    images, ink = dark_pixels(pdf)
    assert images == 1 and ink > 50  # the drawn signature, not an empty box
    assert "王秀英" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_a_member_signs_on_the_own_phone_after_the_self_check_in(phone, signing, factory, fresh):
    member = factory.member(name="李建国", branch=signing.two)
    registration = join(member, signing.event, now=utcnow() - timedelta(days=3))
    code, _ = checkin.current_slot_code(signing.session.id)
    log_in(phone, member)
    phone.goto(f"/s/{signing.session.id}/{code}")
    expect(phone.get_by_role("heading", name=re.compile("签到成功"))).to_be_visible()
    expect(phone.get_by_text("本场要求签名")).to_be_visible()
    sign_on(phone)
    phone.get_by_role("button", name="重签").click()  # start again
    sign_on(phone, ((0.2, 0.5), (0.4, 0.3), (0.6, 0.6), (0.8, 0.4)))
    fits(phone, 390)
    phone.shot("signature-own-phone")
    phone.get_by_role("button", name="提交签名").click()
    expect(phone.get_by_text("签名已保存")).to_be_visible()
    fresh()
    assert signatures.signed(signing.session.id, registration.id)


def test_the_event_attendance_page_fits_a_phone(phone, signing, factory):
    for name in ("张喆", "李堃", "王赟"):
        member, registration, _ = attendee(factory, signing.organizer, signing.event, name, signing.one)
        checkin.perform_checkin(signing.session.id, method="manual", registration_id=registration.id,
                                operator=signing.organizer)
    log_in(phone, signing.organizer)
    phone.goto(f"/checkin/events/{signing.event.id}/attendance")
    expect(phone.get_by_role("heading", name="出勤情况")).to_be_visible()
    expect(phone.get_by_text("张喆")).to_be_visible()
    fits(phone, 390)
    phone.shot("reports-event")


def test_the_registrant_list_shows_attendance_on_an_office_pc(desktop, signing, factory):
    member, registration, _ = attendee(factory, signing.organizer, signing.event, "张喆", signing.one)
    checkin.perform_checkin(signing.session.id, method="manual", registration_id=registration.id,
                            operator=signing.organizer)
    log_in(desktop, signing.organizer)
    desktop.goto(f"/manage/events/{signing.event.id}/registrants")
    expect(desktop.get_by_role("columnheader", name="已签到场次（共1场）")).to_be_visible()
    row = desktop.get_by_role("row", name=re.compile("张喆"))
    expect(row.get_by_role("cell", name="1", exact=True).first).to_be_visible()
    expect(desktop.get_by_role("link", name="出勤情况")).to_be_visible()
    desktop.shot("registrants-attendance")
