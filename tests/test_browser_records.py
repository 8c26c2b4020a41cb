"""我的学习档案, a correction asked on a 360 px phone, and the staff pages of members'
statistics (below-target list, corrections, targets) on a phone and an office PC."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.checkin import service as checkin
from app.corrections import service as corrections

from .conftest import fits, log_in
from .event_factories import approved_leave, make_finished, signed_up

pytestmark = [pytest.mark.browser, pytest.mark.org("finance")]


@pytest.fixture
def wang(factory, org):
    """王秀英 of 预算党支部: a finished 4-lesson training, present in 第1课 (late in 第2课),
    on leave in 第3课, absent from 第4课."""
    event = make_finished(org.organizer, branch=org.committee,
                          title="学习贯彻党的二十届四中全会精神专题培训班")
    member = factory.member(name="王秀英", branch=org.one)
    registration = signed_up(org.organizer, event, member)
    one, two, three, _ = event.sessions
    approved_leave(org.organizer, registration, three, now=event.starts_at - timedelta(hours=12))
    for session, late in ((one, 0), (two, 25)):
        checkin.perform_checkin(session.id, method="manual", registration_id=registration.id,
                                operator=org.organizer,
                                now=session.starts_at + timedelta(minutes=late))
    member.absent_from = (registration, event.sessions[3])
    return member


def test_the_record_and_a_correction_on_a_small_phone(small_phone, org, wang):
    log_in(small_phone, wang)
    small_phone.goto("/my/record")
    expect(small_phone.locator("#hours .hours-line")).to_contain_text("6 / 32 学时")
    fits(small_phone, 360)
    small_phone.shot("record-360")
    small_phone.get_by_role("link", name="到场了但没签上？申请补签").click()
    small_phone.get_by_label("情况说明").fill("手机没电，没能扫码，本人全程在场")
    fits(small_phone, 360)
    small_phone.shot("correction-ask-360")
    small_phone.get_by_role("button", name="提交申请").click()
    expect(small_phone.locator("#pending-corrections")).to_contain_text("有 1 份补签申请")
    expect(small_phone.locator(".correction-state")).to_contain_text("待处理")


def test_staff_pages_on_a_phone_and_an_office_pc(small_phone, desktop, org, wang):
    registration, session = wang.absent_from
    corrections.ask(wang, registration.id, session.id, "手机没电，没能扫码，本人全程在场")
    log_in(small_phone, org.organizer)
    for path, name in (("/stats/below-target", "below-target"), ("/corrections", "corrections"),
                       ("/stats/targets", "targets"), (f"/stats/members/{wang.id}", "member")):
        small_phone.goto(path)
        small_phone.shot(f"{name}-360")
        fits(small_phone, 360)
    small_phone.goto("/corrections")
    small_phone.get_by_role("button", name="通过并补录").click()
    expect(small_phone.locator(".flash-success")).to_contain_text("已通过王秀英的补签申请")
    small_phone.goto(f"/stats/members/{wang.id}")
    expect(small_phone.locator("#hours .hours-line")).to_contain_text("9 / 32 学时")
    log_in(desktop, org.organizer)
    desktop.goto("/stats/below-target")
    expect(desktop.locator("#below-target")).to_contain_text("王秀英")
    fits(desktop, 1280)
    desktop.shot("below-target-desktop")
