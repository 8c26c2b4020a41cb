"""What a new member found on a 360 px phone (issue 8, item 13): a shared link's login
page names the event, session lines keep their dates and times whole, leave for the
sessions one picks, an ended event says so with what the member attended, and the
cancel confirmation has a way back."""
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from app.checkin import service as checkin
from app.extensions import db
from app.registration import signup
from app.registration.models import Leave, Registration

from .conftest import fits, log_in
from .event_factories import make_lessons, session_rows, soon

pytestmark = [pytest.mark.browser, pytest.mark.org("office")]

WIDTH = 360

# For each text token (split at spaces) of the elements ``selector`` finds: the number of
# lines it takes. A date such as 「2027年1月5日」 or a time 「09:00–17:00」 broken over two
# lines counts 2. Measured with a Range per token, so it reads any markup.
LINES_PER_WORD = """(selector) => {
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const nodes = [];
    let text = '';
    while (walker.nextNode()) { nodes.push([walker.currentNode, text.length]); text += walker.currentNode.data; }
    const at = (offset) => {
      for (let i = nodes.length - 1; i >= 0; i--) {
        if (nodes[i][1] <= offset) { return [nodes[i][0], offset - nodes[i][1]]; }
      }
    };
    const re = /\\S+/g;
    let m;
    while ((m = re.exec(text)) !== null) {
      const range = document.createRange();
      const [startNode, startOffset] = at(m.index);
      const [endNode, endOffset] = at(m.index + m[0].length - 1);
      range.setStart(startNode, startOffset);
      range.setEnd(endNode, endOffset + 1);
      const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
      out.push([m[0], tops.size]);
    }
  }
  return out;
}"""


def test_a_shared_link_names_the_event_on_the_login_page(small_phone, factory, org):
    committee, branch, organizer = org
    member = factory.member(name="王秀英", branch=branch)
    event = make_lessons(organizer, title="学习贯彻党的二十届四中全会精神专题培训班")
    small_phone.goto(f"/events/{event.id}")
    purpose = small_phone.locator("#login-event")
    expect(purpose).to_have_text("登录后查看和报名：学习贯彻党的二十届四中全会精神专题培训班")
    fits(small_phone, WIDTH)
    small_phone.shot("member-360-login-for-an-event")
    log_in(small_phone, member)
    expect(small_phone.get_by_role("heading", name=event.title)).to_be_visible()


def test_session_lines_keep_dates_and_times_whole(small_phone, factory, org):
    committee, branch, organizer = org
    member = factory.member(name="王秀英", branch=branch)
    # a year that is not this one (the date shows it) and sessions over two days: long
    # lines, whose 「12月26日」 once broke into 「12月」 and 「26日」 at 360 px
    start = datetime(2027, 12, 25, 1, 0, tzinfo=timezone.utc)
    rows = session_rows(2, start=start, hours=32, credit_hours=8.0, lesson="第{n}阶段（集中学习与分组研讨交流）")
    event = make_lessons(organizer, title="2027年度基层党组织书记示范培训班", sessions=rows,
                         start=start)
    small_phone.goto("/login")
    log_in(small_phone, member)
    small_phone.goto(f"/events/{event.id}")
    expect(small_phone.locator("ol.sessions")).to_contain_text("2027年12月25日")
    fits(small_phone, WIDTH)
    small_phone.shot("member-360-session-lines")
    words = small_phone.evaluate(LINES_PER_WORD, "ol.sessions .meta.line")
    dates = [(word, lines) for word, lines in words if any(ch.isdigit() for ch in word)]
    assert ("2027年12月25日", 1) in dates and ("09:00", 1) in dates and ("12月26日", 1) in dates
    assert [word for word, lines in dates if lines > 1] == []  # no date or time broken
    assert any(lines == 1 for _, lines in dates) and len({w for w, _ in dates}) >= 4


def test_leave_for_the_sessions_one_picks(small_phone, factory, org, fresh):
    committee, branch, organizer = org
    member = factory.member(name="刘桂兰", branch=branch)
    event = make_lessons(organizer, title="三天的专题培训班", sessions=3)
    registration = signup.register(member, event.id)
    first, second, third = event.sessions

    small_phone.goto("/login")
    log_in(small_phone, member)
    small_phone.goto(f"/events/{event.id}")
    small_phone.get_by_role("link", name="请假").tap()
    expect(small_phone.get_by_role("heading", name="请假", exact=True)).to_be_visible()
    small_phone.locator(f'input[name="session_ids"][value="{first.id}"]').check()
    small_phone.locator(f'input[name="session_ids"][value="{third.id}"]').check()
    small_phone.get_by_label("请假原因").fill("外出参加市里会议")
    fits(small_phone, WIDTH)
    small_phone.shot("member-360-leave-subset")
    small_phone.get_by_role("button", name="提交请假").tap()
    expect(small_phone.locator(".flash-success")).to_have_text("请假申请已提交，等待审批")
    expect(small_phone.locator("#my-status")).to_contain_text("第1课")
    expect(small_phone.locator("#my-status")).to_contain_text("第3课")
    fresh()
    leaves = db.session.query(Leave).filter_by(registration_id=registration.id).all()
    assert sorted(leave.session_id for leave in leaves) == sorted([first.id, third.id])
    assert second.id not in {leave.session_id for leave in leaves}


def test_an_ended_event_shows_what_the_member_attended(small_phone, factory, org):
    committee, branch, organizer = org
    member = factory.member(name="张卫东", branch=branch)
    event = make_lessons(organizer, title="上个月的两天培训班", sessions=2, start=soon(-30))
    first, _second = event.sessions
    registration = signup.register(member, event.id, now=first.starts_at - timedelta(days=1))
    checkin.perform_checkin(first.id, method="manual", registration_id=registration.id,
                            operator=organizer, now=first.starts_at)

    small_phone.goto("/login")
    log_in(small_phone, member)
    small_phone.goto(f"/events/{event.id}")
    status = small_phone.locator("#my-status")
    expect(status).to_contain_text("已结束")
    expect(status).to_contain_text("您参加了 1 场（共 2 场）")
    expect(status).not_to_contain_text("请按时参加")
    expect(small_phone.get_by_role("link", name="请假")).to_have_count(0)
    sessions = small_phone.locator("ol.sessions > li")
    expect(sessions.nth(0)).to_contain_text("已签到")
    expect(sessions.nth(1)).to_contain_text("未签到")
    fits(small_phone, WIDTH)
    small_phone.shot("member-360-ended-event")


def test_the_cancel_confirmation_has_a_way_back(small_phone, factory, org, fresh):
    committee, branch, organizer = org
    member = factory.member(name="陈志强", branch=branch)
    event = make_lessons(organizer, title="青年理论学习小组读书会")
    registration = signup.register(member, event.id)

    small_phone.goto("/login")
    log_in(small_phone, member)
    small_phone.goto(f"/events/{event.id}")
    small_phone.get_by_text("取消报名", exact=True).tap()
    keep = small_phone.get_by_role("link", name="不取消")
    expect(keep).to_be_visible()
    expect(small_phone.get_by_role("button", name="确定取消报名")).to_be_visible()
    box = keep.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= WIDTH
    fits(small_phone, WIDTH)
    small_phone.shot("member-360-cancel-confirmation")
    keep.tap()
    expect(small_phone.get_by_role("button", name="确定取消报名")).to_be_hidden()
    expect(small_phone.get_by_text("取消报名", exact=True)).to_be_visible()
    fresh()
    assert db.session.get(Registration, registration.id).status == "confirmed"
