"""Member registration pages: event list, event page, register, cancel, 我的活动, 请假, home."""
import re
from datetime import date, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import sqlalchemy as sa

from app.errors import DomainError
from app.events import service as events
from app.events.models import Event
from app.extensions import db
from app.registration import decide, invitations, leave_requests, queries, signup
from app.registration.models import Leave, Registration
from app.timeutil import utcnow

from .conftest import TEST_PASSWORD, count_statements
from .conftest import visible_text as text
from .event_factories import make_lessons as make_event
from .event_factories import soon


@pytest.fixture
def member(org, factory):
    return factory.member(name="李建国", branch=org[1], gender="M", birth_date=date(1970, 3, 1))


def page(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def flashes(html):
    return re.findall(r'<p class="flash flash-(\w+)"[^>]*>([^<]*)</p>', html)


def registrations():
    db.session.expire_all()
    return db.session.scalars(sa.select(Registration).order_by(Registration.id)).all()


# ------------------------------------------------------------------ the list

def test_list_shows_open_and_eligible_events_first(org, member, login, factory):
    committee, one, two, organizer = org
    women = make_event(organizer, title="女职工健康讲座", spec={"gender": "F"}, start=soon(2))
    later = make_event(organizer, title="下月开始报名的党课", kind="lecture", start=soon(20),
                       opens=soon(10), closes=soon(15))
    other_branch = make_event(organizer, title="二支部主题党日", spec={"branch_ids": [two.id]},
                              start=soon(1))
    cancelled = make_event(organizer, title="已取消的运动会", kind="sports", start=soon(3))
    events.cancel_event(organizer, cancelled, "场地维修")
    far = make_event(organizer, title="年底培训班", start=soon(30))
    near = make_event(organizer, title="本周警示教育", kind="warning_education", start=soon(4))

    html = page(login(member).get("/events"))
    open_part, other_part = html.split('id="other-events"')
    # open and eligible first, soonest first
    assert open_part.index("本周警示教育") < open_part.index("年底培训班")
    for title in ("女职工健康讲座", "下月开始报名的党课", "二支部主题党日", "已取消的运动会"):
        assert title not in open_part and title in other_part
    words = text(other_part)
    assert "不可报名 ：仅限女职工报名" in words
    assert "不可报名 ：仅限第二党支部人员参加" in words
    assert "开始报名" in words and "活动已取消" in words
    for event in (near, far, women, later, other_branch, cancelled):
        assert f'href="/events/{event.id}"' in html
    assert html.count('class="event-card') == 6


def test_kind_filter_and_places_left_and_own_badge(org, member, login, factory):
    *_, organizer = org
    contest = make_event(organizer, title="演讲比赛", kind="contest", capacity=2,
                         items=[{"name": "演讲"}])
    training = make_event(organizer, title="入党积极分子培训班", capacity=1)
    make_event(organizer, title="不限人数的党课", kind="lecture")
    signup.register(factory.member(branch=org[1]), contest.id, item_ids=[contest.items[0].id])
    signup.register(member, training.id)

    client = login(member)
    words = text(page(client.get("/events")))
    assert "剩余 1 个名额" in words and "不限名额" in words
    assert "名额已满，可候补" in words  # the training is full, with a waitlist ...
    assert re.search(r"已报名 入党积极分子培训班", words)  # ... and this member is in it

    only_contests = text(page(client.get("/events?kind=contest")))
    assert "演讲比赛" in only_contests and "培训班" not in only_contests.split("比赛", 1)[1]
    assert "入党积极分子培训班" not in only_contests
    assert "入党积极分子培训班" in text(page(client.get("/events?kind=nonsense")))


def test_list_queries_do_not_grow_with_the_number_of_events(org, member, login, factory, app):
    committee, one, two, organizer = org
    client = login(member)
    kinds = ["training", "contest", "sports", "warning_education", "lecture", "other"]

    def add(count, offset):
        for n in range(count):
            kind = kinds[(n + offset) % len(kinds)]
            spec = [None, {"branch_ids": [two.id]}, {"gender": "F"}, {"max_age": 35}][n % 4]
            items = [{"name": "项目一"}, {"name": "项目二"}] if kind in ("contest", "sports") else ()
            event = make_event(organizer, title=f"活动{n + offset}", kind=kind, capacity=5,
                               spec=spec, items=items, sessions=1 + n % 2)
            if spec is None and not items:
                signup.register(member, event.id)
                signup.register(factory.member(branch=one), event.id)

    def statements():
        with count_statements() as seen:
            page(client.get("/events"))
        return seen

    add(2, 0)
    few = statements()
    add(18, 2)
    many = statements()
    assert len(many) == len(few), "\n".join(many)
    assert len(few) <= 8, "\n".join(few)


# ---------------------------------------------------------------- event page

def test_detail_not_registered_shows_everything_and_one_register_button(org, member, login):
    *_, organizer = org
    event = make_event(organizer, title="党史学习培训班", capacity=30, sessions=2,
                       spec={"political_statuses": ["01", "02"]})
    html = page(login(member).get(f"/events/{event.id}"))
    words = text(html)
    for expected in ("党史学习培训班", "培训班", "主办：机关党委", "学习贯彻党的二十届四中全会精神",
                     "机关大楼三楼会议室", "剩余 30 个名额", "报名时间", "参加对象 中共党员、中共预备党员",
                     "共 6 学时", "第1课", "第2课", "3 学时", "第一行"):
        assert expected in words, expected
    assert html.count('class="btn btn-primary') == 1
    assert re.search(r'<button type="submit" class="btn btn-primary btn-block btn-big">报名</button>', html)


def test_register_confirmed_then_cancel(org, member, login):
    *_, organizer = org
    event = make_event(organizer)
    client = login(member)
    response = client.post(f"/events/{event.id}/register")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/events/{event.id}")
    html = page(client.get(f"/events/{event.id}"))
    assert ("success", "报名成功") in flashes(html)
    words = text(html)
    assert "已报名" in words and "取消报名" in words and "请假" in words
    assert 'class="btn btn-primary btn-block btn-big"' not in html
    (reg,) = registrations()
    assert (reg.status, reg.member_id, reg.source) == ("confirmed", member.id, "self")

    response = client.post(f"/registrations/{reg.id}/cancel", follow_redirects=True)
    html = page(response)
    assert ("success", "已取消报名") in flashes(html)
    assert "已取消报名 如需参加，可以重新报名。" in text(html) and ">报名</button>" in html
    assert registrations()[0].status == "cancelled"


def test_register_address_opened_with_get_goes_to_the_event(org, member, login):
    *_, organizer = org
    event = make_event(organizer)
    response = login(member).get(f"/events/{event.id}/register")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/events/{event.id}")
    assert registrations() == []


def test_double_tap_is_not_an_error(org, member, login):
    *_, organizer = org
    event = make_event(organizer)
    client = login(member)
    client.post(f"/events/{event.id}/register")
    client.get(f"/events/{event.id}")
    html = page(client.post(f"/events/{event.id}/register", follow_redirects=True))
    assert ("info", "已经报过名了（已报名）。") in flashes(html)
    assert len(registrations()) == 1


def test_waitlist_position_and_promotion_on_the_home_page(org, member, login, factory):
    *_, organizer = org
    event = make_event(organizer, title="红色教育基地参观", capacity=1)
    first = factory.member(branch=org[1])
    taken = signup.register(first, event.id)
    client = login(member)
    html = page(client.post(f"/events/{event.id}/register", follow_redirects=True))
    assert ("warning", "已进入候补，第 1 位") in flashes(html)
    assert "候补第 1 位" in text(html) and "候补" in text(html)

    # the member ahead cancels: this one moves up, and the home page says so
    decide.cancel(first, taken.id)
    home = text(page(client.get("/")))
    assert "「红色教育基地参观」" in home and "您已从候补转为正式报名" in home
    assert "已报名" in text(page(client.get(f"/events/{event.id}")))


def test_full_without_waitlist_has_no_button(org, member, login, factory):
    *_, organizer = org
    event = make_event(organizer, capacity=1, waitlist=False)
    signup.register(factory.member(branch=org[1]), event.id)
    html = page(login(member).get(f"/events/{event.id}"))
    assert "名额已满，不能再报名。" in text(html) and "btn-big" not in html
    assert login(member).post(f"/events/{event.id}/register").status_code == 302
    assert len(registrations()) == 1


def test_pending_and_rejected_with_reason(org, member, login):
    *_, organizer = org
    event = make_event(organizer, approval=True)
    client = login(member)
    html = page(client.post(f"/events/{event.id}/register", follow_redirects=True))
    assert ("info", "已提交，等待审核") in flashes(html)
    assert "待审核" in text(html)
    (reg,) = registrations()
    decide.reject(organizer, reg.id, "本期名额优先安排新任支部委员")
    words = text(page(client.get(f"/events/{event.id}")))
    assert "未通过" in words and "原因：本期名额优先安排新任支部委员" in words
    assert "btn-big" not in words


def test_cancelled_event_notice(org, member, login):
    *_, organizer = org
    event = make_event(organizer, title="防汛期间暂停的活动")
    signup.register(member, event.id)
    events.cancel_event(organizer, db.session.get(Event, event.id), "防汛工作需要")
    client = login(member)
    html = page(client.get(f"/events/{event.id}"))
    words = text(html)
    assert "活动已取消。原因：防汛工作需要" in words
    assert "取消报名" not in words and "btn-big" not in html
    home = text(page(client.get("/")))
    assert "「防汛期间暂停的活动」 活动已取消，原因：防汛工作需要" in home


def test_ineligible_member_sees_the_reason_and_cannot_register(org, member, login):
    *_, organizer = org
    event = make_event(organizer, spec={"max_age": 35})
    client = login(member)
    html = page(client.get(f"/events/{event.id}"))
    assert "不可报名 ：仅限35周岁以下" in text(html) and "btn-big" not in html
    html = page(client.post(f"/events/{event.id}/register", follow_redirects=True))
    assert ("error", "仅限35周岁以下。") in flashes(html)
    assert registrations() == []


def test_not_open_yet_and_closed(org, member, login):
    *_, organizer = org
    later = make_event(organizer, start=soon(20), opens=soon(10), closes=soon(15))
    html = page(login(member).get(f"/events/{later.id}"))
    assert "活动尚未开始报名，报名时间：" in text(html) and "btn-big" not in html
    closed = make_event(organizer)
    events.close_event(organizer, db.session.get(Event, closed.id))
    assert "报名已截止。" in text(page(login(member).get(f"/events/{closed.id}")))


# --------------------------------------------------------------------- items

ITEMS = [{"name": "100米"}, {"name": "跳绳"}, {"name": "拔河", "is_team": True},
         {"name": "女子800米", "gender": "F"}, {"name": "青年组接力", "max_age": 35}]


def test_items_form_with_limit_and_disabled_items(org, member, login):
    *_, organizer = org
    event = make_event(organizer, kind="sports", items=ITEMS, item_limit=2)
    html = page(login(member).get(f"/events/{event.id}"))
    words = text(html)
    assert "每人限报 2 项" in words
    assert "不能选：仅限女职工报名" in words and "不能选：仅限35周岁以下" in words
    women, youth = event.items[3], event.items[4]
    assert re.search(rf'value="{women.id}"[^>]* disabled', html)
    assert re.search(rf'value="{youth.id}"[^>]* disabled', html)
    assert "团体" in words and "个人" in words


def test_register_with_items(org, member, login):
    *_, organizer = org
    event = make_event(organizer, kind="sports", items=ITEMS, item_limit=2)
    hundred, rope = event.items[0], event.items[1]
    client = login(member)
    html = page(client.post(f"/events/{event.id}/register",
                            data={"item_ids": [str(hundred.id), str(rope.id)]}, follow_redirects=True))
    assert ("success", "报名成功") in flashes(html)
    assert "报名项目：100米、跳绳" in text(html)
    (reg,) = registrations()
    assert sorted(ri.item_id for ri in reg.items) == sorted([hundred.id, rope.id])


def test_over_the_item_limit_the_message_is_at_the_field_and_nothing_is_written(org, member, login):
    *_, organizer = org
    event = make_event(organizer, kind="sports", items=ITEMS, item_limit=2)
    ids = [str(item.id) for item in event.items[:3]]
    html = page(login(member).post(f"/events/{event.id}/register", data={"item_ids": ids}))
    fieldset = html.split('<fieldset class="item-choices has-error">', 1)[1].split("</fieldset>")[0]
    assert "每人最多报 2 个项目，您选了 3 个。" in fieldset
    # the ticks are kept, so the member only unticks one
    for item_id in ids:
        assert re.search(rf'value="{item_id}" checked', fieldset)
    assert registrations() == []

    html = page(login(member).post(f"/events/{event.id}/register", data={}))
    assert "请至少选择一个比赛项目。" in html and registrations() == []


def test_tampered_item_ids_are_refused_in_chinese(org, member, login):
    *_, organizer = org
    event = make_event(organizer, kind="sports", items=ITEMS, item_limit=2)
    other = make_event(organizer, kind="contest", items=[{"name": "演讲"}])
    client = login(member)
    html = page(client.post(f"/events/{event.id}/register", data={"item_ids": [str(other.items[0].id)]}))
    assert "所选项目不属于这个活动，请刷新页面后重试。" in html
    html = page(client.post(f"/events/{event.id}/register", data={"item_ids": ["1 OR 1=1"]}))
    assert "请从列表中选择。" in html
    women = event.items[3]  # disabled in the form, posted anyway
    html = page(client.post(f"/events/{event.id}/register", data={"item_ids": [str(women.id)]}))
    assert "「女子800米」仅限女职工报名。" in html
    assert registrations() == []


# ------------------------------------------------------------- tampered ids

def test_draft_event_is_404_for_members(org, member, login):
    *_, organizer = org
    draft = make_event(organizer, publish=False)
    client = login(member)
    assert client.get(f"/events/{draft.id}").status_code == 404
    assert client.post(f"/events/{draft.id}/register").status_code == 404
    assert client.get("/events/999999").status_code == 404
    assert "测试活动" not in page(client.get("/events"))
    assert registrations() == []


def test_another_members_registration_is_forbidden_and_unchanged(org, member, login, factory):
    *_, organizer = org
    event = make_event(organizer)
    other = factory.member(name="王红", branch=org[2])
    theirs = signup.register(other, event.id)
    client = login(member)
    assert client.post(f"/registrations/{theirs.id}/cancel").status_code == 403
    assert client.get(f"/registrations/{theirs.id}/leave").status_code == 403
    assert client.post(f"/registrations/{theirs.id}/leave",
                       data={"session": "all", "reason": "冒名请假"}).status_code == 403
    assert client.post("/registrations/999999/cancel").status_code == 404
    (reg,) = registrations()
    assert reg.status == "confirmed" and db.session.query(Leave).count() == 0
    # the other member's name appears nowhere on this member's pages
    assert "王红" not in page(client.get(f"/events/{event.id}"))
    assert "测试活动" not in page(client.get("/my/events"))


def test_register_and_cancel_forms_carry_a_csrf_token(org, member, login, app):
    *_, organizer = org
    event = make_event(organizer)
    client = login(member)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        html = page(client.get(f"/events/{event.id}"))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        refused = client.post(f"/events/{event.id}/register")
        assert refused.status_code == 400 and "页面已过期" in refused.get_data(as_text=True)
        assert registrations() == []
        assert client.post(f"/events/{event.id}/register", data={"csrf_token": token}).status_code == 302
        html = page(client.get(f"/events/{event.id}"))
        cancel_form = html.split('action="/registrations/', 1)[1].split("</form>")[0]
        assert 'name="csrf_token"' in cancel_form
        (reg,) = registrations()
        leave_form = page(client.get(f"/registrations/{reg.id}/leave"))
        assert 'name="csrf_token"' in leave_form.split('<form method="post" action="/registrations/')[1]
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_pages_need_login(org, client):
    *_, organizer = org
    event = make_event(organizer)
    for url in ("/events", f"/events/{event.id}", "/my/events", "/registrations/1/leave"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post(f"/events/{event.id}/register").status_code == 302
    assert registrations() == []


# ------------------------------------------------- shared link: login, back

def _follow(client, response, limit=5):
    """Follow redirects by hand, returning (final response, the paths visited)."""
    visited = []
    while response.status_code in (301, 302, 303) and limit:
        location = response.headers["Location"]
        parts = urlsplit(location)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        visited.append(path)
        response = client.get(path)
        limit -= 1
    return response, visited


def _next_of(url):
    parts = urlsplit(unquote(url).replace("&amp;", "&"))
    return parts.path, parse_qs(parts.query).get("next")


def _form_action(html):
    """The action of the page's own form (not the title bar's logout form)."""
    main = html.split("<main", 1)[1]
    return re.search(r'<form method="post" action="([^"]+)"', main).group(1)


def test_shared_link_logged_out_logs_in_and_lands_on_the_event(org, member, client):
    *_, organizer = org
    event = make_event(organizer, title="共享链接的活动")
    response, visited = _follow(client, client.get(f"/events/{event.id}"))
    assert [_next_of(url) for url in visited] == [("/login", [f"/events/{event.id}"])]
    html = page(response)
    assert _next_of(_form_action(html)) == ("/login", [f"/events/{event.id}"])

    response = client.post(f"/login?next=%2Fevents%2F{event.id}",
                           data={"phone": member.phone, "password": TEST_PASSWORD})
    response, visited = _follow(client, response)
    assert visited == [f"/events/{event.id}"]
    assert "共享链接的活动" in page(response) and ">报名</button>" in page(response)


def test_shared_link_round_trips_through_the_first_login_password_change(org, factory, client):
    *_, organizer = org
    event = make_event(organizer, title="首次登录也能回到活动")
    newcomer = factory.member(name="赵新", branch=org[1], initial=True)
    client.get(f"/events/{event.id}")
    response = client.post(f"/login?next=%2Fevents%2F{event.id}",
                           data={"phone": newcomer.phone, "password": newcomer.test_initial_password})
    response, visited = _follow(client, response)
    assert [_next_of(url) for url in visited] == [("/password", [f"/events/{event.id}"])]
    html = page(response)
    assert _next_of(_form_action(html)) == ("/password", [f"/events/{event.id}"])
    response = client.post(f"/password?next=%2Fevents%2F{event.id}", data={
        "current_password": newcomer.test_initial_password,
        "new_password": "hongqi2026", "confirm_password": "hongqi2026"})
    response, visited = _follow(client, response)
    assert visited == [f"/events/{event.id}"]
    assert "首次登录也能回到活动" in page(response)


def test_login_next_to_another_site_is_ignored(org, member, client):
    response = client.post("/login?next=https%3A%2F%2Fevil.example%2F",
                           data={"phone": member.phone, "password": TEST_PASSWORD})
    assert urlsplit(response.headers["Location"]).path == "/"


# ----------------------------------------------------------------- my events

def test_my_events_upcoming_and_past_with_status_and_leave(org, member, login, factory):
    *_, organizer = org
    coming = make_event(organizer, title="下周的党课", kind="lecture", sessions=2)
    full = make_event(organizer, title="候补中的培训", capacity=1)
    signup.register(factory.member(branch=org[1]), full.id)
    past_start = utcnow() - timedelta(days=30)
    past = make_event(organizer, title="上个月的警示教育", kind="warning_education", start=past_start)
    signup.register(member, past.id, now=past_start - timedelta(days=3))
    reg = signup.register(member, coming.id)
    signup.register(member, full.id)
    leave_requests.request_leave(member, reg.id, coming.sessions[1].id, "出差")
    make_event(organizer, title="没报名的活动")
    dropped = make_event(organizer, title="报名后又取消的活动")
    decide.cancel(member, signup.register(member, dropped.id).id)

    html = page(login(member).get("/my/events"))
    upcoming, past_part = html.split('id="past"')
    words = text(upcoming)
    assert "下周的党课" in words and "候补中的培训" in words and "上个月的警示教育" not in words
    assert "候补第 1 位" in words and "请假 待审批 第2课" in words
    past_part, dropped_part = past_part.split('id="dropped"')
    assert "上个月的警示教育" in text(past_part) and "已报名" in text(past_part)
    assert "报名后又取消的活动" in text(dropped_part) and "已取消报名" in text(dropped_part)
    assert "报名后又取消的活动" not in upcoming + past_part
    assert "没报名的活动" not in html
    assert upcoming.count("第1课") == 1  # the two sessions of the lecture, each with a time
    assert f'href="/events/{coming.id}"' in html


def test_home_shows_upcoming_and_mandatory(org, member, login):
    *_, organizer = org
    event = make_event(organizer, title="全体科级干部警示教育大会", kind="warning_education")
    invitations.invite(organizer, event.id, {"branch_ids": [org[1].id]})
    home = text(page(login(member).get("/")))
    assert "全体科级干部警示教育大会" in home and "指定参加" in home and "已报名" in home
    client = login(member)
    detail = text(page(client.get(f"/events/{event.id}")))
    assert "指定参加" in detail and "请假" in detail
    # 指定参加 counts as 应到: the member asks for leave instead of cancelling
    assert "取消报名" not in detail and "这是指定参加的活动，不能自行取消" in detail
    reg = queries.active_registration(event.id, member.id)
    html = page(client.post(f"/registrations/{reg.id}/cancel", follow_redirects=True))
    assert ("error", "这是指定参加的活动，不能自行取消；如不能参加，请申请请假。") in flashes(html)
    assert registrations()[0].status == "confirmed"


def test_home_without_registrations_points_to_the_list(member, login):
    html = page(login(member).get("/"))
    assert "您还没有报名即将举行的活动。" in html and 'href="/events"' in html
    assert '>活动</a>' in html  # the nav link


# ---------------------------------------------------------------------- leave

def test_leave_request_flow(org, member, login):
    *_, organizer = org
    event = make_event(organizer, title="两天的培训班", sessions=2)
    reg = signup.register(member, event.id)
    first, second = event.sessions
    client = login(member)

    html = page(client.get(f"/registrations/{reg.id}/leave"))
    assert "全选可请假的场次" in html and "第1课" in html and "请假原因" in html

    leave_url = f"/registrations/{reg.id}/leave"
    html = page(client.post(leave_url, data={"session_ids": str(first.id), "reason": "  "}))
    assert "请填写请假原因。" in html
    html = page(client.post(f"/registrations/{reg.id}/leave", data={"reason": "出差"}))
    assert "请选择请假的场次。" in html
    html = page(client.post(f"/registrations/{reg.id}/leave", data={"session_ids": "987654", "reason": "出差"}))
    assert "所选场次不属于这个活动。" in html
    html = page(client.post(f"/registrations/{reg.id}/leave", data={"session_ids": "abc", "reason": "出差"}))
    assert "请从列表中选择。" in html
    assert db.session.query(Leave).count() == 0

    response = client.post(f"/registrations/{reg.id}/leave",
                           data={"session_ids": str(first.id), "reason": "外出公干"})
    assert response.headers["Location"].endswith(f"/events/{event.id}")
    html = page(client.get(f"/events/{event.id}"))
    assert ("success", "请假申请已提交，等待审批") in flashes(html)
    assert "待审批 第1课" in text(html)

    html = page(client.get(f"/registrations/{reg.id}/leave"))
    assert "全选可请假的场次" not in html  # one session taken: the other is the only choice
    assert re.search(rf'value="{first.id}"[^>]* disabled', html)
    assert re.search(rf'value="{second.id}" checked>', html)
    html = page(client.post(leave_url, data={"session_ids": str(first.id), "reason": "再请"}))
    assert "这个场次已经有请假申请了。" in html

    leave = db.session.scalars(sa.select(Leave)).one()
    leave_requests.decide_leave(organizer, leave.id, False, "请调整工作安排")
    words = text(page(client.get(f"/registrations/{reg.id}/leave")))
    assert "未批准" in words and "审批意见：请调整工作安排" in words and "原因：外出公干" in words


def test_leave_only_for_confirmed(org, member, login, factory):
    *_, organizer = org
    event = make_event(organizer, capacity=1)
    signup.register(factory.member(branch=org[1]), event.id)
    waiting = signup.register(member, event.id)
    client = login(member)
    html = page(client.get(f"/registrations/{waiting.id}/leave"))
    assert "只有已报名（含指定参加）的人员可以请假。" in html and "提交请假" not in html
    html = page(client.post(f"/registrations/{waiting.id}/leave",
                            data={"session_ids": str(event.sessions[0].id), "reason": "有事"}))
    assert "只有已报名（含指定参加）的人员可以请假。" in html
    assert db.session.query(Leave).count() == 0


def test_one_session_event_leave_needs_no_choice(org, member, login):
    *_, organizer = org
    event = make_event(organizer)
    reg = signup.register(member, event.id)
    client = login(member)
    html = page(client.get(f"/registrations/{reg.id}/leave"))
    only = event.sessions[0].id
    assert re.search(rf'name="session_ids" value="{only}" checked>', html)  # ticked already
    client.post(f"/registrations/{reg.id}/leave", data={"session_ids": str(only), "reason": "身体不适"})
    leave = db.session.scalars(sa.select(Leave)).one()
    assert leave.session_id is None and leave.reason == "身体不适"
    assert "所有场次都已申请请假。" in page(client.get(f"/registrations/{reg.id}/leave"))


# ---------------------------------------------- rules behind these pages

def test_forced_password_change_keeps_a_shared_link_opened_later(org, factory, client):
    *_, organizer = org
    event = make_event(organizer)
    newcomer = factory.member(branch=org[1], initial=True)
    client.post("/login", data={"phone": newcomer.phone, "password": newcomer.test_initial_password})
    # logged in with the initial password, then opens a shared link before changing it
    response = client.get(f"/events/{event.id}")
    assert _next_of(response.headers["Location"]) == ("/password", [f"/events/{event.id}"])


def test_service_refuses_a_member_cancelling_an_invited_registration(org, member):
    *_, organizer = org
    event = make_event(organizer)
    invitations.invite(organizer, event.id, {"branch_ids": [org[1].id]})
    reg = queries.active_registration(event.id, member.id)
    with pytest.raises(DomainError) as caught:
        decide.cancel(member, reg.id)
    assert caught.value.code == "cannot_cancel_invited"
    decide.cancel(organizer, reg.id)  # staff may


# ------------------------------------------- issue 8: what a new member found on a phone

def test_an_ended_event_says_so_and_shows_what_the_member_attended(org, member, login):
    from app.checkin import service as checkin

    *_, organizer = org
    event = make_event(organizer, title="上个月的培训班", sessions=2, start=soon(-30))
    first, second = event.sessions
    reg = signup.register(member, event.id, now=first.starts_at - timedelta(days=1))
    checkin.perform_checkin(first.id, method="manual", registration_id=reg.id,
                            operator=organizer, now=first.starts_at)
    client = login(member)
    words = text(page(client.get(f"/events/{event.id}")))
    assert "已结束" in words and "您参加了 1 场（共 2 场）" in words
    assert "请按时参加" not in words and "请假" not in words.split("场次安排")[0]
    assert f"/registrations/{reg.id}/leave" not in page(client.get(f"/events/{event.id}"))
    sessions = words.split("场次安排", 1)[1]
    assert re.search(r"第1课 已签到 \d\d:\d\d", sessions) and "第2课 未签到" in sessions
    # the leave page offers nothing, and the service refuses the ended session
    leave_page = text(page(client.get(f"/registrations/{reg.id}/leave")))
    assert "没有可以请假的场次" in leave_page and "提交请假" not in leave_page
    refused = text(page(client.post(f"/registrations/{reg.id}/leave",
                                    data={"session_ids": str(second.id), "reason": "补请"})))
    assert "「第2课」已经结束，不能再请假。" in refused
    assert db.session.query(Leave).count() == 0


def test_an_event_under_way_offers_leave_only_for_what_is_left(org, member, login):
    *_, organizer = org
    event = make_event(organizer, title="进行中的培训班", sessions=3, start=soon(-1, hours=-1))
    first, second, third = event.sessions  # yesterday (over), today (on now), tomorrow
    reg = signup.register(member, event.id, now=first.starts_at - timedelta(days=1))
    client = login(member)
    detail = page(client.get(f"/events/{event.id}"))
    assert f"/registrations/{reg.id}/leave" in detail and "请按时参加" in detail
    html = page(client.get(f"/registrations/{reg.id}/leave"))
    assert re.search(rf'value="{first.id}" disabled>', html)
    assert re.search(rf'value="{second.id}">', html) and re.search(rf'value="{third.id}">', html)
    assert "已结束" in text(html) and "全选可请假的场次" in html


def test_the_cancel_confirmation_has_a_way_back(org, member, login):
    *_, organizer = org
    event = make_event(organizer)
    signup.register(member, event.id)
    html = page(login(member).get(f"/events/{event.id}"))
    body = html.split('<details class="confirm">', 1)[1].split("</details>", 1)[0]
    assert "确定取消报名" in body
    assert re.search(rf'<a class="btn" href="/events/{event.id}#my-status" data-close-details>不取消</a>',
                     body)


def test_a_shared_link_that_asks_to_log_in_names_the_event(org, client):
    *_, organizer = org
    event = make_event(organizer, title="学习贯彻党的二十届四中全会精神专题培训班")
    draft = make_event(organizer, title="还没发布的草稿", publish=False)
    response = client.get(f"/events/{event.id}")
    assert response.status_code == 302
    login_page = page(client.get(response.headers["Location"]))
    assert ('<p class="login-purpose" id="login-event">登录后查看和报名：'
            '<strong>学习贯彻党的二十届四中全会精神专题培训班</strong></p>') in login_page
    for next_url in (f"/events/{draft.id}", "/events/987654", "//example.org/events/1",
                     "/my/events", "/events/abc", ""):
        other = text(page(client.get("/login", query_string={"next": next_url})))
        assert "登录后查看和报名" not in other, next_url
    registering = text(page(client.get("/login", query_string={
        "next": f"/events/{event.id}/register"})))
    assert "学习贯彻党的二十届四中全会精神专题培训班" in registering
