"""An organizer publishes events on a phone: a training class with two sessions,
and the form of a sports meet with its items."""
import re
from functools import partial

import pytest
from playwright.sync_api import expect

from app.events.models import Event
from app.extensions import db

from .conftest import fits
from .conftest import log_in as log_in_on

pytestmark = pytest.mark.browser


def log_in(phone, member, password):
    phone.goto("/login")
    log_in_on(phone, member, password)
    expect(phone.get_by_role("heading", name=f"{member.name}，您好")).to_be_visible()


fits_the_phone = partial(fits, width=390)


def test_organizer_publishes_a_training_class_with_two_sessions(phone, factory, fresh):
    committee = factory.branch(name="机关党委", kind="committee")
    factory.branch(name="办公室党支部", parent=committee)
    organizer = factory.member(name="李组织", branch=committee, role="organizer",
                               phone="13812340101")
    log_in(phone, organizer, factory.password)

    phone.goto("/manage/events")
    phone.get_by_role("link", name="发布新活动").tap()
    expect(phone.get_by_role("heading", name="发布新活动")).to_be_visible()
    phone.get_by_label("活动名称").fill("2030年党务干部培训班")
    phone.get_by_label("活动类型").select_option(label="培训班")
    phone.get_by_label("活动地点").fill("机关大楼三楼会议室")
    phone.get_by_label("一句话简介").fill("学习党章党规，提升党务工作能力")

    rows = phone.locator("#sessions-rows > fieldset")
    expect(rows).to_have_count(1)
    first = rows.nth(0)
    first.get_by_label("场次名称").fill("开班式")
    first.get_by_label("开始时间", exact=True).fill("2030-05-10T09:00")
    first.get_by_label("结束时间", exact=True).fill("2030-05-10T11:30")
    first.get_by_label("学时").fill("2.5")

    phone.get_by_role("button", name="添加场次").tap()
    expect(rows).to_have_count(2)
    expect(rows.nth(1).locator("legend")).to_have_text("第 2 个场次")
    second = rows.nth(1)
    second.get_by_label("场次名称").fill("专题辅导")
    second.get_by_label("开始时间", exact=True).fill("2030-05-11T14:00")
    second.get_by_label("结束时间", exact=True).fill("2030-05-11T17:00")
    second.get_by_label("学时").fill("3")
    second.get_by_label("需要签退").check()
    phone.get_by_label("人数上限").fill("60")
    fits_the_phone(phone)
    phone.shot("publish-training-form")

    phone.get_by_role("button", name="保存为草稿").tap()
    expect(phone.get_by_text("已保存草稿「2030年党务干部培训班」")).to_be_visible()
    expect(phone.locator(".badge", has_text="草稿")).to_be_visible()
    publish = phone.get_by_role("button", name="发布", exact=True)
    assert publish.bounding_box()["height"] >= 44
    publish.tap()

    expect(phone.get_by_text("已发布，现在可以报名了")).to_be_visible()
    expect(phone.locator("h1 + p .badge")).to_have_text("报名中")
    expect(phone.get_by_text("开班式")).to_be_visible()
    expect(phone.get_by_text("专题辅导")).to_be_visible()
    expect(phone.get_by_text("2030年5月10日 周五 09:00–11:30")).to_be_visible()
    expect(phone.get_by_text("2030年5月11日 周六 14:00–17:00")).to_be_visible()
    fits_the_phone(phone)
    phone.shot("publish-training")

    fresh()
    event = db.session.scalars(db.select(Event)).one()
    assert event.status == "published" and event.capacity == 60
    assert [(s.title, s.credit_hours, s.checkout_required) for s in event.sessions] == [
        ("开班式", 2.5, False), ("专题辅导", 3.0, True)]
    assert event.sessions[0].starts_at.hour == 1  # 09:00 in Asia/Shanghai is 01:00 UTC

    phone.goto("/manage/events")
    expect(phone.get_by_text("2030年党务干部培训班")).to_be_visible()
    fits_the_phone(phone)
    phone.shot("manage-events")


def test_sports_meet_form_shows_items_and_answers_bad_values(phone, factory, fresh):
    committee = factory.branch(name="机关党委", kind="committee")
    organizer = factory.member(name="王组织", branch=committee, role="organizer",
                               phone="13812340102")
    log_in(phone, organizer, factory.password)

    phone.goto("/manage/events/new")
    items = phone.locator("section.for-items")
    expect(items).to_be_hidden()  # a training class has no items
    phone.get_by_label("活动类型").select_option(label="运动会")
    expect(items).to_be_visible()
    expect(phone.locator("#sessions-rows").get_by_label("学时")).to_be_hidden()
    expect(phone.get_by_label("结业比例")).to_be_hidden()

    phone.get_by_label("活动名称").fill("2030年机关职工运动会")
    phone.get_by_label("活动地点").fill("市体育中心")
    session = phone.locator("#sessions-rows > fieldset").nth(0)
    session.get_by_label("开始时间", exact=True).fill("2030-10-18T08:30")
    session.get_by_label("结束时间", exact=True).fill("2030-10-18T12:00")
    rows = phone.locator("#items-rows > fieldset")
    rows.nth(0).get_by_label("项目名称").fill("100米")
    rows.nth(0).get_by_label("最小年龄（周岁）").fill("40")
    phone.get_by_role("button", name="添加项目").tap()
    expect(rows).to_have_count(2)
    rows.nth(1).get_by_label("项目名称").fill("拔河")
    rows.nth(1).get_by_label("个人/团体").select_option(label="团体项目")
    rows.nth(1).get_by_label("每队最少人数").fill("10")
    rows.nth(1).get_by_label("每队最多人数").fill("8")
    phone.get_by_label("每人最多报几个项目").fill("2")
    phone.get_by_role("button", name="保存为草稿").tap()

    expect(phone.get_by_text("「拔河」的团体人数下限不能大于上限。")).to_be_visible()
    expect(phone.get_by_role("alert").first).to_contain_text("没有保存任何内容")
    fits_the_phone(phone)
    phone.shot("sports-form-error")
    fresh()
    assert db.session.query(Event).count() == 0

    rows.nth(1).get_by_label("每队最少人数").fill("8")
    rows.nth(1).get_by_label("每队最多人数").fill("10")
    phone.get_by_role("button", name="保存为草稿").tap()
    expect(phone.get_by_text("已保存草稿")).to_be_visible()
    expect(phone.get_by_text("每队 8–10 人")).to_be_visible()
    phone.shot("sports-detail")
    fresh()
    event = db.session.scalars(db.select(Event)).one()
    assert [(i.name, i.is_team, i.min_age) for i in event.items] == [
        ("100米", False, 40), ("拔河", True, None)]
    assert re.search(r"/manage/events/\d+$", phone.url)


def test_mandatory_list_preview_and_confirm_on_a_small_phone(browser, live_server, factory, fresh):
    from app.registration.models import Registration

    from .event_factories import make_event

    committee = factory.branch(name="机关党委", kind="committee")
    branches = [factory.branch(name=name, parent=committee)
                for name in ("办公室党支部", "财务党支部", "人事党支部", "后勤党支部")]
    organizer = factory.member(name="赵组织", branch=committee, role="organizer",
                               phone="13812340103")
    for n, branch in enumerate(branches):
        factory.member(name=f"科长{n}", branch=branch, rank="正科级")
        factory.member(name=f"科员{n}", branch=branch, rank="科员")
    event = make_event(organizer, kind="warning_education", title="警示教育大会", publish=True)

    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="zh-CN",
                                  base_url=live_server)
    phone = context.new_page()
    try:
        log_in(phone, organizer, factory.password)
        phone.goto(f"/manage/events/{event.id}")
        phone.get_by_role("link", name="指定参加名单").tap()
        for name in ("办公室党支部", "财务党支部", "人事党支部"):
            phone.get_by_label(name).check()
        phone.get_by_label("乡科级").check()
        phone.get_by_role("button", name="预览人数").tap()
        expect(phone.get_by_role("heading", name="预览：符合条件 3 人")).to_be_visible()
        expect(phone.get_by_text("科长0")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        phone.screenshot(path=_shot_path("invite-preview"), full_page=True)
        phone.get_by_role("button", name="确认添加（3 人）").tap()
        expect(phone.get_by_text("指定参加名单已更新：符合条件 3 人，新增 3 人")).to_be_visible()
        expect(phone.locator(".stat").first).to_contain_text("3")
        phone.goto(f"/manage/events/{event.id}/edit")
        phone.get_by_text("谁可以报名").tap()
        expect(phone.get_by_label("财务党支部")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        phone.screenshot(path=_shot_path("edit-warning-360"), full_page=True)
    finally:
        context.close()
    fresh()
    assert {r.source for r in db.session.query(Registration)} == {"invited"}
    assert db.session.query(Registration).count() == 3


def _shot_path(name):
    import os

    from .conftest import SCREENSHOTS

    os.makedirs(SCREENSHOTS, exist_ok=True)
    return os.path.join(SCREENSHOTS, f"{name}.png")
