"""A member registers on a phone: shared link, login, register, cancel, waitlist, promotion."""
import os
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.registration import decide, queries, signup
from app.registration.models import Registration

from .conftest import SCREENSHOTS, fits, log_in
from .event_factories import make_lessons as make_event
from .event_factories import soon

pytestmark = [pytest.mark.browser, pytest.mark.org("office")]


def test_shared_link_login_register_and_cancel(phone, factory, org, fresh):
    committee, branch, organizer = org
    member = factory.member(name="王秀英", branch=branch, gender="F", birth_date=date(1968, 5, 1))
    event = make_event(organizer, title="学习贯彻党的二十届四中全会精神专题培训班", capacity=60,
                       sessions=2, place="机关大楼三楼第一会议室")
    make_event(organizer, title="机关第五届职工运动会", kind="sports", start=soon(12),
               items=[{"name": "健步走"}, {"name": "拔河", "is_team": True}], item_limit=1)
    make_event(organizer, title="青年理论学习小组读书会", kind="lecture", spec={"max_age": 35})

    # (a) the link arrives in WeChat while logged out: log in, land back on the event
    phone.goto(f"/events/{event.id}")
    expect(phone).to_have_url(re.compile(r"/login\?next="))
    log_in(phone, member)
    expect(phone).to_have_url(re.compile(rf"/events/{event.id}$"))

    taps = 1  # opening the shared link
    register = phone.get_by_role("button", name="报名", exact=True)
    expect(register).to_be_visible()
    assert register.bounding_box()["y"] + register.bounding_box()["height"] <= 844, "报名 below the fold"
    fits(phone, 390)
    phone.shot("event-detail")
    register.tap()
    taps += 1
    expect(phone.get_by_text("报名成功")).to_be_visible()
    expect(phone.locator("#my-status .badge-green")).to_have_text("已报名")
    assert taps <= 3
    phone.shot("registered")
    fresh()
    reg = db.session.query(Registration).one()
    assert (reg.member_id, reg.status) == (member.id, "confirmed")

    # (b) cancel, with a confirmation
    phone.get_by_text("取消报名", exact=True).tap()
    phone.get_by_role("button", name="确定取消报名").tap()
    expect(phone.locator(".flash-success")).to_have_text("已取消报名")
    expect(phone.locator("#my-status .badge-grey")).to_have_text("已取消报名")
    fresh()
    assert db.session.get(Registration, reg.id).status == "cancelled"

    # the list: open events first, the ineligible one says why
    phone.get_by_role("navigation", name="主菜单").get_by_role("link", name="活动").tap()
    expect(phone.get_by_role("heading", name="活动", exact=True)).to_be_visible()
    expect(phone.locator("#other-events")).to_contain_text("不可报名：仅限35周岁以下")
    fits(phone, 390)
    phone.shot("event-list")


def test_waitlist_then_promotion_on_the_home_page(phone, factory, org, fresh):
    committee, branch, organizer = org
    first = factory.member(name="张卫东", branch=branch)
    second = factory.member(name="刘桂兰", branch=branch)
    event = make_event(organizer, title="红色教育基地现场教学", kind="other", capacity=1,
                       place="市革命历史纪念馆")
    taken = signup.register(first, event.id)

    phone.goto("/login")
    log_in(phone, second)
    phone.goto(f"/events/{event.id}")
    expect(phone.get_by_text("名额已满，可候补")).to_be_visible()
    phone.get_by_role("button", name="候补报名").tap()
    expect(phone.get_by_text("已进入候补，第 1 位")).to_be_visible()
    expect(phone.locator("#my-status")).to_contain_text("候补第 1 位")
    phone.shot("waitlisted")

    decide.cancel(first, taken.id)  # the first member cannot go after all

    phone.goto("/")
    expect(phone.locator("#my-activities")).to_contain_text("您已从候补转为正式报名")
    fits(phone, 390)
    phone.shot("home-promoted")
    phone.locator("#my-activities").get_by_role("link", name=re.compile("红色教育基地现场教学")).first.tap()
    expect(phone.locator("#my-status .badge-green")).to_have_text("已报名")
    fresh()
    assert queries.active_registration(event.id, second.id).status == "confirmed"


def test_pages_fit_a_360_px_phone(browser, live_server, factory, org):
    committee, branch, organizer = org
    member = factory.member(name="陈志强", branch=branch, birth_date=date(1965, 1, 1))
    sports = make_event(organizer, title="机关第五届职工运动会（含趣味项目）", kind="sports",
                        items=[{"name": "健步走"}, {"name": "拔河", "is_team": True, "branch_quota": 10},
                               {"name": "青年组4×100米接力", "max_age": 35, "capacity": 8},
                               {"name": "女子跳绳", "gender": "F"}], item_limit=2, capacity=200)
    lecture = make_event(organizer, title="专题党课", kind="lecture", sessions=3)
    reg = signup.register(member, lecture.id)
    make_event(organizer, title="警示教育片观影", kind="warning_education", spec={"gender": "F"})

    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2, locale="zh-CN",
                                  base_url=live_server)
    page = context.new_page()
    page.goto("/login")
    log_in(page, member)
    os.makedirs(SCREENSHOTS, exist_ok=True)
    for url, name in (("/events", "event-list-360"), (f"/events/{sports.id}", "event-items-360"),
                      (f"/events/{lecture.id}", "event-registered-360"), ("/my/events", "my-events-360"),
                      (f"/registrations/{reg.id}/leave", "leave-360"), ("/", "home-360")):
        page.goto(url)
        assert page.evaluate("getComputedStyle(document.body).fontSize") == "17px"
        fits(page, 360)
        targets = "main a.btn, main button, main .chip, main label.item-choice, main label.choice"
        for control in page.locator(targets).all():
            if control.is_visible():
                assert control.bounding_box()["height"] >= 44, (url, control.inner_text())
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)
    # the items form: the tick limit is shown and the over-age item cannot be ticked
    page.goto(f"/events/{sports.id}")
    expect(page.get_by_text("每人限报 2 项")).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile("青年组"))).to_be_disabled()
    page.get_by_role("checkbox", name=re.compile("健步走")).check()
    page.get_by_role("checkbox", name=re.compile("拔河")).check()
    page.get_by_role("button", name="报名", exact=True).tap()
    expect(page.get_by_text("报名成功")).to_be_visible()
    expect(page.get_by_text("报名项目：健步走、拔河")).to_be_visible()
    context.close()
