"""Page scripts configured by data- attributes instead of inline scripts: forms.js (全选 on
the proxy registration page, a tap that selects a link to copy, one submission per tap on
the event page) and ticket-staff.js (签退 only for a session that requires check-out)."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.checkin import service as checkin
from app.extensions import db
from app.registration import signup
from app.registration.models import Registration
from app.timeutil import utcnow

from .conftest import log_in
from .event_factories import make_event, session_rows

pytestmark = pytest.mark.browser


def test_select_all_ticks_everyone_who_may_still_register(phone, factory, fresh):
    committee = factory.branch(name="机关党委", kind="committee")
    branch = factory.branch(name="办公室党支部", parent=committee)
    organizer = factory.member(name="组织者", branch=committee, role="organizer")
    event = make_event(organizer, publish=True, title="党务知识竞赛")
    people = [factory.member(name=name, branch=branch, initial=True)
              for name in ("王秀英", "李建国", "张建华")]
    signup.register(organizer, event.id, member_id=people[0].id)

    log_in(phone, organizer)
    phone.goto(f"/manage/events/{event.id}/proxy?branch_id={branch.id}")
    expect(phone.locator(".pick-list input[name=member_ids]")).to_have_count(3)
    phone.get_by_role("button", name="全选本页可报名的人").tap()
    boxes = {p.name: phone.locator(".pick-list li", has_text=p.name).locator("input")
             for p in people}
    assert {name: box.is_checked() for name, box in boxes.items()} == {
        "王秀英": False, "李建国": True, "张建华": True}
    assert boxes["王秀英"].is_disabled()  # already registered: left alone
    phone.get_by_role("button", name="为勾选的人员报名").tap()
    expect(phone.get_by_role("heading", name="报名结果")).to_be_visible()
    fresh()
    assert db.session.query(Registration).count() == 3


def test_a_tap_selects_the_whole_scanner_link(phone, factory):
    committee = factory.branch(name="机关党委", kind="committee")
    organizer = factory.member(name="组织者", branch=committee, role="organizer")
    event = make_event(organizer, publish=True)
    log_in(phone, organizer)
    phone.goto(f"/checkin/events/{event.id}/links")
    phone.get_by_label("给谁用").fill("东门志愿者")
    phone.get_by_role("button", name="创建扫码授权").tap()
    url = phone.locator("#new-link-url")
    url.tap()
    value = url.input_value()
    assert url.evaluate("el => [el.selectionStart, el.selectionEnd]") == [0, len(value)]


def test_a_second_tap_on_register_sends_nothing(phone, factory, fresh):
    branch = factory.branch(name="办公室党支部")
    member = factory.member(name="王秀英", branch=branch)
    event = make_event(factory, publish=True, title="专题党课")
    log_in(phone, member)
    phone.goto(f"/events/{event.id}")
    # The answer goes to a hidden frame, so this page stays as it is while "slow".
    phone.evaluate("""() => {
      const sink = document.createElement('iframe');
      sink.name = 'sink'; sink.hidden = true; document.body.appendChild(sink);
      document.querySelector('form.register-form').target = 'sink';
    }""")
    posts = []
    phone.on("request", lambda r: r.method == "POST" and posts.append(r.url))

    button = phone.get_by_role("button", name="报名", exact=True)
    button.tap()
    expect(phone.locator("form.register-form button[type=submit]")).to_have_text("正在提交…")
    expect(phone.locator("form.register-form button[type=submit]")).to_be_disabled()
    phone.evaluate("document.querySelector('form.register-form').requestSubmit()")  # again
    phone.wait_for_timeout(500)
    assert len(posts) == 1
    fresh()
    assert db.session.query(Registration).count() == 1


def test_the_ticket_page_offers_check_out_only_where_the_session_needs_it(phone, factory):
    committee = factory.branch(name="机关党委", kind="committee")
    organizer = factory.member(name="组织者", branch=committee, role="organizer")
    rows = session_rows(2, start=utcnow() - timedelta(minutes=5))
    rows[1]["checkout_required"] = True
    event = make_event(organizer, sessions=rows, publish=True, title="支部书记培训班")
    member = factory.member(name="张建华", branch=committee, initial=True)
    code = checkin.ticket_for(signup.register(organizer, event.id, member_id=member.id)).code

    log_in(phone, organizer)
    phone.goto(f"/t/{code}")
    exit_button = phone.get_by_role("button", name="签退")
    expect(phone.get_by_role("radio", name="第1场")).to_be_checked()
    expect(exit_button).to_be_hidden()
    phone.get_by_role("radio", name="第2场").check()
    expect(exit_button).to_be_visible()
    phone.get_by_role("radio", name="第1场").check()
    expect(exit_button).to_be_hidden()
