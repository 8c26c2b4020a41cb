"""Staff pages that publish events: /manage/events (list, new, edit, detail, publish,
close, cancel, 指定参加). Organizers and admins manage every event, a secretary those of
their own subtree; members get 403."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from werkzeug.datastructures import MultiDict

from app.audit.models import AuditLog
from app.checkin import service as checkin
from app.events import service as events
from app.events.models import Event, EventItem, EventSession
from app.extensions import db
from app.registration import decide, event_changes, signup
from app.registration.models import Registration

from .conftest import body_text as page
from .conftest import count_statements, error_at
from .event_factories import event_form as form
from .event_factories import make_contest, make_event

pytestmark = pytest.mark.org("finance_staff")

START = datetime(2030, 5, 10, 1, 0, tzinfo=timezone.utc)  # 09:00 in Asia/Shanghai


def counts():
    db.session.rollback()
    return (db.session.query(Event).count(), db.session.query(EventSession).count(),
            db.session.query(EventItem).count())


# ------------------------------------------------------------------ access

def test_pages_need_login(client, org):
    event = make_event(org["organizer"], start=START)
    for url in ("/manage/events", "/manage/events/new", f"/manage/events/{event.id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_members_get_403_everywhere(login, org):
    event = make_event(org["organizer"], branch=org["one"], start=START)
    client = login(org["member"])
    for url in ("/manage/events", "/manage/events/new", f"/manage/events/{event.id}",
                f"/manage/events/{event.id}/edit", f"/manage/events/{event.id}/invite"):
        assert client.get(url).status_code == 403, url
    for action in ("publish", "close", "cancel", "invite", "edit"):
        assert client.post(f"/manage/events/{event.id}/{action}",
                           data={"reason": "x"}).status_code == 403
    assert client.post("/manage/events/new", data=form(org["one"])).status_code == 403
    assert counts()[0] == 1


@pytest.mark.parametrize("role", ["organizer", "admin"])
def test_organizers_and_admins_see_every_page(login, org, role):
    event = make_event(org["organizer"], branch=org["two"], start=START)
    client = login(org[role])
    for url in ("/manage/events", "/manage/events/new", f"/manage/events/{event.id}",
                f"/manage/events/{event.id}/edit", f"/manage/events/{event.id}/invite"):
        assert client.get(url).status_code == 200, url


def test_secretaries_only_manage_events_of_their_subtree(login, org):
    ours = make_event(org["organizer"], branch=org["one"], title="预算支部学习", start=START)
    theirs = make_event(org["organizer"], branch=org["two"], title="办公室学习", start=START)
    client = login(org["secretary"])
    listing = page(client.get("/manage/events"))
    assert "预算支部学习" in listing and "办公室学习" not in listing
    for url in (f"/manage/events/{ours.id}", f"/manage/events/{ours.id}/edit",
                f"/manage/events/{ours.id}/invite"):
        assert client.get(url).status_code == 200, url
    for url in (f"/manage/events/{theirs.id}", f"/manage/events/{theirs.id}/edit",
                f"/manage/events/{theirs.id}/invite"):
        assert client.get(url).status_code == 403, url
    for action in ("publish", "close", "cancel", "invite", "edit"):
        assert client.post(f"/manage/events/{theirs.id}/{action}",
                           data={"reason": "x"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Event, theirs.id).status == "draft"
    # the organizer select only offers the secretary's subtree
    new = page(client.get("/manage/events/new"))
    assert "预算党支部" in new and "办公室党支部" not in new


def test_unknown_event_is_404(login, org):
    client = login(org["organizer"])
    assert client.get("/manage/events/999").status_code == 404
    assert client.post("/manage/events/999/publish").status_code == 404


def test_a_tampered_organizer_branch_is_refused_at_its_field(login, org):
    client = login(org["secretary"])
    response = client.post("/manage/events/new", data=form(org["two"]))
    assert response.status_code == 422
    assert error_at(page(response), "organizer_branch_id") == "只能为本支部及下级组织发布活动。"
    for bad in ("abc", "", "999999"):
        response = client.post("/manage/events/new", data=form(org["two"], organizer_branch_id=bad))
        assert response.status_code == 422
        assert error_at(page(response), "organizer_branch_id")
    assert counts() == (0, 0, 0)


# ------------------------------------------------------------------ list

def test_list_shows_status_kind_time_and_counts_and_filters(login, org, factory):
    organizer = org["organizer"]
    training = make_event(organizer, title="党务培训班", start=START, publish=True, capacity=2)
    make_contest(organizer, title="职工运动会", start=START)
    for n in range(3):  # 2 confirmed, 1 waitlisted
        signup.register(organizer, training.id, factory.member(name=f"人{n}", branch=org["one"]).id)
    client = login(organizer)
    html = page(client.get("/manage/events"))
    assert "发布新活动" in html and 'class="btn btn-primary"' in html
    assert "党务培训班" in html and "职工运动会" in html
    assert "2030-05-10 09:00" in html  # the first session, local time
    assert '<span class="badge badge-green">报名中</span>' in html
    assert '<span class="badge badge-blue">草稿</span>' in html
    assert re.search(r"已报名 <b>2</b>.*?待审核 <b>0</b>.*?候补 <b>1</b>", html, re.S)
    published = page(client.get("/manage/events?status=published"))
    assert "党务培训班" in published and "职工运动会" not in published
    sports = page(client.get("/manage/events?kind=sports"))
    assert "党务培训班" not in sports and "职工运动会" in sports
    assert client.get("/manage/events?status=bogus&kind=x").status_code == 200


def test_list_counts_in_a_fixed_number_of_queries(login, org, app):
    organizer = org["organizer"]
    client = login(organizer)

    def queries():
        with count_statements() as statements:
            assert client.get("/manage/events").status_code == 200
        return len(statements)

    make_event(organizer, start=START, sessions=2, publish=True)
    few = queries()
    for n in range(6):
        make_event(organizer, title=f"活动{n}", start=START, sessions=3, publish=n % 2 == 0)
    assert queries() == few


# --------------------------------------------------------------- create

def test_create_with_one_session(login, org):
    client = login(org["organizer"])
    new = page(client.get("/manage/events/new"))
    # one session row (and a <template> row for the script), nothing more
    assert 'name="sessions-0-starts_at"' in new and 'name="sessions-1-starts_at"' not in new
    assert 'name="sessions-__index__-starts_at"' in new
    assert "添加场次" in new and 'type="datetime-local"' in new
    response = client.post("/manage/events/new", data=form(
        org["one"], registration_closes_at="2030-05-09 18:00", capacity="３０"))
    assert response.status_code == 302
    event = db.session.scalars(db.select(Event)).one()
    assert response.headers["Location"].endswith(f"/manage/events/{event.id}")
    assert (event.status, event.kind, event.organizer_branch_id, event.capacity) == \
        ("draft", "training", org["one"].id, 30)
    assert event.registration_closes_at == datetime(2030, 5, 9, 10, 0, tzinfo=timezone.utc)
    (session,) = event.sessions
    assert (session.title, session.credit_hours, session.grace_minutes) == ("开班式", 2.5, 10)
    assert session.starts_at == START and session.ends_at == START + timedelta(hours=2.5)
    assert event.items == [] and event.eligibility == {}
    assert db.session.scalars(db.select(AuditLog).filter_by(action="event.create")).one()
    detail = page(client.get(response.headers["Location"]))
    assert "已保存草稿" in detail and "2030年5月10日 周五 09:00–11:30" in detail


def test_create_with_two_sessions_ignores_blank_rows(login, org):
    client = login(org["organizer"])
    data = form(org["committee"], **{
        # a row added by the page's script may have any index; a blank row is ignored
        "sessions-3-title": "第二课", "sessions-3-starts_at": "2030-05-11T14:00",
        "sessions-3-ends_at": "2030-05-11T17:00", "sessions-3-credit_hours": "3",
        "sessions-3-grace_minutes": "5", "sessions-3-checkout_required": "y",
        "sessions-5-title": "", "sessions-5-starts_at": "", "sessions-5-ends_at": "",
        "sessions-5-grace_minutes": "10",
    })
    assert client.post("/manage/events/new", data=data).status_code == 302
    event = db.session.scalars(db.select(Event)).one()
    assert [(s.title, s.credit_hours, s.grace_minutes, s.checkout_required) for s in event.sessions] \
        == [("开班式", 2.5, 10, False), ("第二课", 3.0, 5, True)]
    assert event.total_hours == 5.5


def test_a_session_chosen_for_signatures_shows_it_and_its_tickets_offer_the_pad(login, org, factory):
    """签名签到 is ticked per session in the event form: the detail page says so for that
    session only, and checking in on a ticket offers the signature pad for it."""
    client = login(org["organizer"])
    response = client.post("/manage/events/new", data=form(org["one"], **{
        "sessions-0-signature_required": "y",
        "sessions-1-title": "结业式", "sessions-1-starts_at": "2030-05-11T09:00",
        "sessions-1-ends_at": "2030-05-11T11:00", "sessions-1-credit_hours": "2",
        "sessions-1-grace_minutes": "10"}))
    assert response.status_code == 302
    event = db.session.scalars(db.select(Event)).one()
    assert [(s.title, s.signature_required) for s in event.sessions] == [
        ("开班式", True), ("结业式", False)]
    detail = page(client.get(response.headers["Location"]))
    lines = re.findall(r'<span class="meta block">([^<]*迟到宽限[^<]*)</span>', detail)
    assert len(lines) == 2 and lines[0].endswith("· 签名签到") and "签名签到" not in lines[1]

    events.publish_event(org["organizer"], event)
    member = factory.member(name="王秀英", branch=org["one"])
    code = checkin.ticket_for(signup.register(member, event.id)).code
    ticket = page(client.get(f"/t/{code}"))
    opening, closing = event.sessions
    assert '<canvas class="signature-pad"' in ticket and "请在框内手写签名" in ticket
    assert f'data-signature-session="1" value="{opening.id}"' in ticket
    assert f'data-signature-session="0" value="{closing.id}"' in ticket


def test_without_the_box_ticked_no_session_asks_for_a_signature(login, org, factory):
    client = login(org["organizer"])
    response = client.post("/manage/events/new", data=form(org["one"]))
    event = db.session.scalars(db.select(Event)).one()
    assert [s.signature_required for s in event.sessions] == [False]
    assert "签名签到" not in page(client.get(response.headers["Location"]))
    events.publish_event(org["organizer"], event)
    member = factory.member(name="王秀英", branch=org["one"])
    code = checkin.ticket_for(signup.register(member, event.id)).code
    assert "signature-pad" not in page(client.get(f"/t/{code}"))


def test_add_row_without_javascript_saves_nothing(login, org):
    client = login(org["organizer"])
    response = client.post("/manage/events/new", data={**form(org["one"]), "add": "sessions"})
    html = page(response)
    assert response.status_code == 200
    assert 'name="sessions-1-starts_at"' in html and 'value="开班式"' in html
    assert counts() == (0, 0, 0)


def test_create_a_sports_meet_with_items_and_eligibility(login, org):
    client = login(org["organizer"])
    data = form(org["committee"], kind="sports", title="2030年职工运动会", item_limit="2",
                **{"sessions-0-credit_hours": "",
                   "items-0-name": "100米", "items-0-is_team": "0", "items-0-gender": "M",
                   "items-0-min_age": "40", "items-0-capacity": "30",
                   "items-1-name": "拔河", "items-1-is_team": "1", "items-1-team_min": "8",
                   "items-1-team_max": "10", "items-1-branch_quota": "1", "items-1-gender": "",
                   "items-2-name": "", "items-2-is_team": "0", "items-2-gender": "",
                   "min_age": "18", "max_age": "60", "gender": ""})
    data = MultiDict(list(data.items()) + [
        ("branch_ids", str(org["general"].id)), ("rank_levels", "section"),
        ("political_statuses", "01")])
    response = client.post("/manage/events/new", data=data)
    assert response.status_code == 302, page(response)
    event = db.session.scalars(db.select(Event)).one()
    assert (event.kind, event.item_limit) == ("sports", 2)
    assert [(i.name, i.is_team, i.gender, i.min_age, i.capacity, i.team_min, i.team_max,
             i.branch_quota) for i in event.items] == [
        ("100米", False, "M", 40, 30, None, None, None),
        ("拔河", True, "", None, None, 8, 10, 1)]
    assert event.eligibility == {"branch_ids": [org["general"].id], "political_statuses": ["01"],
                                 "min_age": 18, "max_age": 60, "rank_levels": ["section"]}
    detail = page(client.get(f"/manage/events/{event.id}"))
    assert "财务党总支；中共党员；18周岁以上；60周岁以下；乡科级" in detail
    assert "每队 8–10 人" in detail and "限男子" in detail and "40周岁以上" in detail


def test_items_are_not_saved_for_a_training_class(login, org):
    client = login(org["organizer"])
    data = form(org["one"], item_limit="1", **{"items-0-name": "100米"})
    assert client.post("/manage/events/new", data=data).status_code == 302
    event = db.session.scalars(db.select(Event)).one()
    assert event.items == [] and event.item_limit is None


BAD_INPUT = {
    "no title": ({"title": " "}, "title", "请填写活动名称。"),
    "window out of order": ({"registration_opens_at": "2030-05-05T09:00",
                             "registration_closes_at": "2030-05-01T09:00"},
                            "registration_closes_at", "报名截止时间必须晚于报名开始时间。"),
    "window closes after the event": ({"registration_closes_at": "2030-05-12T09:00"},
                                      "registration_closes_at",
                                      "报名截止时间不能晚于活动结束时间（2030-05-10 11:30）。"),
    "window opens after the event": ({"registration_opens_at": "2030-06-01T09:00"},
                                     "registration_opens_at",
                                     "报名开始时间必须早于活动结束时间（2030-05-10 11:30）。"),
    "not a time": ({"registration_opens_at": "下周一上午"}, "registration_opens_at",
                   "请按「2026-05-10 09:00」的格式填写日期和时间。"),
    "session ends before start": ({"sessions-0-ends_at": "2030-05-10T08:00"},
                                  "sessions-0-ends_at", "第 1 个场次的结束时间必须晚于开始时间。"),
    "session without end": ({"sessions-0-ends_at": ""}, "sessions-0-ends_at", "请填写结束时间。"),
    "session without start": ({"sessions-0-starts_at": ""}, "sessions-0-starts_at", "请填写开始时间。"),
    "session start not a time": ({"sessions-0-starts_at": "2030-13-45T09:00"}, "sessions-0-starts_at",
                                 "请按「2026-05-10 09:00」的格式填写日期和时间。"),
    "hours not a number": ({"sessions-0-credit_hours": "两个"}, "sessions-0-credit_hours",
                           "请填写数字，例如 2 或 1.5。"),
    "hours negative": ({"sessions-0-credit_hours": "-1"}, "sessions-0-credit_hours",
                       "第 1 个场次的学时不能是负数。"),
    "grace not a number": ({"sessions-0-grace_minutes": "十"}, "sessions-0-grace_minutes",
                           "请填写 0 或正整数。"),
    "capacity zero": ({"capacity": "0"}, "capacity", "人数上限必须是正整数；不限人数请留空。"),
    "capacity negative": ({"capacity": "-5"}, "capacity", "人数上限必须是正整数；不限人数请留空。"),
    "capacity not a number": ({"capacity": "三十"}, "capacity", "人数上限必须是正整数；不限人数请留空。"),
    "ratio out of range": ({"completion_ratio": "1.2"}, "completion_ratio",
                           "结业比例必须在 0 到 1 之间，例如 0.75。"),
    "ratio not a number": ({"completion_ratio": "四分之三"}, "completion_ratio",
                           "结业比例必须在 0 到 1 之间，例如 0.75。"),
    "age not a number": ({"min_age": "四十"}, "min_age", "年龄请填写 0 到 120 之间的整数。"),
    "ages reversed": ({"min_age": "50", "max_age": "40"}, "max_age", "最小年龄不能大于最大年龄。"),
    "unknown kind": ({"kind": "party"}, "kind", "不是有效的选择。"),
}


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_each_bad_input_is_answered_at_its_field_and_nothing_is_written(login, org, case):
    overrides, field_id, message = BAD_INPUT[case]
    client = login(org["organizer"])
    response = client.post("/manage/events/new", data=form(org["one"], **overrides))
    html = page(response)
    assert response.status_code == 422
    assert error_at(html, field_id) == message
    assert "没有保存任何内容" in html
    assert counts() == (0, 0, 0)


BAD_ITEMS = {
    "item limit above items": ({"item_limit": "3"}, "item_limit",
                               "每人限报项目数（3）不能多于项目总数（2）。"),
    "item limit zero": ({"item_limit": "0"}, "item_limit", "每人限报项目数必须是正整数；不限请留空。"),
    "team min above max": ({"items-1-team_min": "12"}, "items-1-team_max",
                           "「拔河」的团体人数下限不能大于上限。"),
    "item capacity not a number": ({"items-0-capacity": "很多"}, "items-0-capacity",
                                   "请填写正整数；不限请留空。"),
    "item quota zero": ({"items-1-branch_quota": "0"}, "items-1-branch_quota",
                        "人数上限必须是正整数；不限人数请留空。"),
    "item without name": ({"items-0-name": ""}, "items-0-name", "请填写每个比赛项目的名称。"),
    "item ages reversed": ({"items-0-min_age": "50", "items-0-max_age": "35"}, "items-0-max_age",
                           "「100米」的最小年龄不能大于最大年龄。"),
}


@pytest.mark.parametrize("case", BAD_ITEMS, ids=list(BAD_ITEMS))
def test_bad_items_are_answered_at_their_row(login, org, case):
    overrides, field_id, message = BAD_ITEMS[case]
    client = login(org["organizer"])
    data = form(org["committee"], kind="contest", **{
        "items-0-name": "100米", "items-0-is_team": "0", "items-0-capacity": "20",
        "items-1-name": "拔河", "items-1-is_team": "1", "items-1-team_min": "8",
        "items-1-team_max": "10", **overrides})
    response = client.post("/manage/events/new", data=data)
    assert response.status_code == 422
    assert error_at(page(response), field_id) == message
    assert counts() == (0, 0, 0)


def test_no_session_at_all_is_answered_above_the_rows(login, org):
    client = login(org["organizer"])
    data = form(org["one"], **{"sessions-0-title": "", "sessions-0-starts_at": "",
                               "sessions-0-ends_at": "", "sessions-0-credit_hours": ""})
    response = client.post("/manage/events/new", data=data)
    assert response.status_code == 422
    assert "请至少填写一个场次（时间和地点）。" in page(response)
    assert counts() == (0, 0, 0)


def test_a_branch_outside_the_choices_is_refused_in_eligibility(login, org):
    client = login(org["secretary"])
    data = MultiDict(list(form(org["one"]).items()) + [("branch_ids", str(org["two"].id))])
    response = client.post("/manage/events/new", data=data)
    assert response.status_code == 422
    assert error_at(page(response), "branch_ids") == "所选的内容不在可选范围内，请刷新页面后重新选择。"
    assert counts() == (0, 0, 0)


# ------------------------------------------------------------------- edit

def test_edit_form_shows_local_times_and_keeps_registrations(login, org, factory):
    organizer = org["organizer"]
    event = make_event(organizer, start=START, sessions=2, publish=True, capacity=5)
    people = [factory.member(name=f"报名人{n}", branch=org["one"]) for n in range(3)]
    for person in people:
        signup.register(person, event.id)
    session_ids = [s.id for s in event.sessions]
    client = login(organizer)
    html = page(client.get(f"/manage/events/{event.id}/edit"))
    assert 'value="2030-05-10T09:00"' in html and 'value="2030-05-11T11:00"' in html
    assert "已有 3 人报名" in html

    data = form(org["committee"], title="改过的名称", capacity="4", **{
        "sessions-0-id": str(session_ids[0]), "sessions-0-starts_at": "2030-05-10T09:00",
        "sessions-0-ends_at": "2030-05-10T11:00", "sessions-0-credit_hours": "2",
        "sessions-1-id": str(session_ids[1]), "sessions-1-title": "第二课",
        "sessions-1-starts_at": "2030-05-11T09:00", "sessions-1-ends_at": "2030-05-11T11:00",
        "sessions-1-credit_hours": "2", "sessions-1-grace_minutes": "10"})
    response = client.post(f"/manage/events/{event.id}/edit", data=data)
    assert response.status_code == 302, page(response)
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert (event.title, event.capacity, event.status) == ("改过的名称", 4, "published")
    assert [s.id for s in event.sessions] == session_ids
    assert [r.status for r in db.session.query(Registration)] == ["confirmed"] * 3
    assert db.session.scalars(db.select(AuditLog).filter_by(action="event.update")).one()

    # below the places taken: refused with the numbers, at the field; nothing changes
    response = client.post(f"/manage/events/{event.id}/edit", data={**data, "capacity": "2",
                                                                     "title": "再改"})
    assert response.status_code == 422
    assert error_at(page(response), "capacity") == (
        "已有 3 人报名占用名额（含待审核，不含指定参加），人数上限不能改成 2。")
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "改过的名称"
    assert db.session.get(Event, event.id).capacity == 4


def test_raising_capacity_promotes_the_waitlist(login, org, factory):
    organizer = org["organizer"]
    event = make_event(organizer, start=START, publish=True, capacity=1)
    first, second = (factory.member(name=n, branch=org["one"]) for n in ("甲", "乙"))
    signup.register(first, event.id)
    assert signup.register(second, event.id).status == "waitlisted"
    client = login(organizer)
    data = form(org["committee"], capacity="2", **{"sessions-0-id": str(event.sessions[0].id),
                                                  "sessions-0-starts_at": "2030-05-10T09:00",
                                                  "sessions-0-ends_at": "2030-05-10T11:00"})
    assert client.post(f"/manage/events/{event.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert sorted(r.status for r in db.session.query(Registration)) == ["confirmed", "confirmed"]


def test_edit_removes_a_session_that_is_ticked(login, org):
    organizer = org["organizer"]
    event = make_event(organizer, start=START, sessions=2)
    first, second = (s.id for s in event.sessions)
    client = login(organizer)
    html = page(client.get(f"/manage/events/{event.id}/edit"))
    assert "删除这个场次" in html
    data = form(org["committee"], **{
        "sessions-0-id": str(first),
        "sessions-1-id": str(second), "sessions-1-remove": "y",
        "sessions-1-starts_at": "2030-05-11T09:00", "sessions-1-ends_at": "2030-05-11T11:00"})
    assert client.post(f"/manage/events/{event.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert [s.id for s in db.session.get(Event, event.id).sessions] == [first]


def test_a_cancelled_event_is_not_edited(login, org):
    organizer = org["organizer"]
    event = make_event(organizer, start=START)
    events.cancel_event(organizer, event, "因故")
    client = login(organizer)
    response = client.get(f"/manage/events/{event.id}/edit")
    assert response.status_code == 302
    assert "活动已取消，不能再修改。" in page(client.get(response.headers["Location"]))
    assert client.post(f"/manage/events/{event.id}/edit",
                       data=form(org["committee"], title="x")).status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "测试培训班"


def test_warning_education_hints_at_the_mandatory_list(login, org):
    organizer = org["organizer"]
    event = make_event(organizer, start=START, kind="warning_education")
    client = login(organizer)
    html = page(client.get(f"/manage/events/{event.id}/edit"))
    assert 'data-kind="warning_education"' in html
    assert "警示教育通常要求指定人员参加" in html
    assert f'href="/manage/events/{event.id}/invite"' in html


# --------------------------------------------------- publish, close, cancel

def test_publish_then_close(login, org):
    organizer = org["organizer"]
    event = make_event(organizer, start=START)
    client = login(organizer)
    html = page(client.get(f"/manage/events/{event.id}"))
    assert html.count("btn-primary") == 1 and ">发布</button>" in html
    response = client.post(f"/manage/events/{event.id}/publish")
    assert response.status_code == 302
    html = page(client.get(f"/manage/events/{event.id}"))
    assert "已发布，现在可以报名了" in html and '<span class="badge badge-green">报名中</span>' in html
    assert ">发布</button>" not in html and "截止报名" in html
    again = client.post(f"/manage/events/{event.id}/publish")
    assert again.status_code == 409 and "只有草稿状态的活动可以发布。" in page(again)
    assert client.post(f"/manage/events/{event.id}/close").status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == "closed"
    actions = [a.action for a in db.session.scalars(db.select(AuditLog).order_by(AuditLog.id))
               if a.action.startswith("event.")]
    assert actions == ["event.create", "event.publish", "event.close"]


def test_cancel_needs_a_reason_and_keeps_records(login, org, factory):
    organizer = org["organizer"]
    event = make_event(organizer, start=START, publish=True)
    person = factory.member(name="报名人", branch=org["one"])
    signup.register(person, event.id)
    client = login(organizer)
    response = client.post(f"/manage/events/{event.id}/cancel", data={"reason": "  "})
    assert response.status_code == 422
    assert error_at(page(response), "reason") == "请填写取消原因，已报名的人员会看到它。"
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == "published"

    response = client.post(f"/manage/events/{event.id}/cancel", data={"reason": "因台风取消"})
    assert response.status_code == 302
    html = page(client.get(f"/manage/events/{event.id}"))
    assert "已取消" in html and "因台风取消" in html and "报名和签到记录都已保留" in html
    db.session.expire_all()
    assert db.session.get(Event, event.id).cancel_reason == "因台风取消"
    assert db.session.query(Registration).one().status == "confirmed"
    entry = db.session.scalars(db.select(AuditLog).filter_by(action="event.cancel")).one()
    assert entry.details == {"reason": "因台风取消"} and entry.actor_id == organizer.id


def test_registrant_list_is_linked_when_it_exists(login, org, app):
    event = make_event(org["organizer"], start=START)
    html = page(login(org["organizer"]).get(f"/manage/events/{event.id}"))
    if "registration_admin.registrants" in app.view_functions:
        assert f'href="/manage/events/{event.id}/registrants"' in html
    else:
        assert "报名名单" not in html


# -------------------------------------------------------------- 指定参加

@pytest.fixture
def cadres(org, factory):
    """Section-level cadres in three branches, and others who do not match."""
    people = {
        "甲": factory.member(name="科长甲", branch=org["one"], rank="正科级"),
        "乙": factory.member(name="科长乙", branch=org["general"], rank="副科级"),
        "丙": factory.member(name="科长丙", branch=org["two"], rank="一级主任科员"),
        "丁": factory.member(name="科员丁", branch=org["one"], rank="科员"),
        "戊": factory.member(name="处长戊", branch=org["two"], rank="正处级"),
    }
    return people


def test_invite_preview_then_confirm(login, org, cadres):
    organizer = org["organizer"]
    event = make_event(organizer, start=START, kind="warning_education", publish=True, capacity=1)
    signup.register(cadres["甲"], event.id)  # already registered, takes the one place
    client = login(organizer)
    html = page(client.get(f"/manage/events/{event.id}/invite"))
    assert "预览人数" in html and "确认添加（" not in html

    query = (f"/manage/events/{event.id}/invite?preview=1&rank_levels=section"
             f"&branch_ids={org['general'].id}&branch_ids={org['two'].id}")
    response = client.get(query)
    html = page(response)
    assert response.status_code == 200
    assert "符合条件 3 人" in html and "其中 <b>1</b> 人已报名" in html
    assert "科长甲" in html and "科长乙" in html and "科长丙" in html and "科员丁" not in html
    assert "确认添加（3 人）" in html
    assert db.session.query(Registration).count() == 1  # a preview writes nothing

    hidden = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html)
    response = client.post(f"/manage/events/{event.id}/invite",
                           data=MultiDict([(k, v) for k, v in hidden if k != "csrf_token"]))
    assert response.status_code == 302
    html = page(client.get(response.headers["Location"]))
    assert "指定参加名单已更新：符合条件 3 人，新增 2 人，0 人由待审核或候补改为指定参加，1 人原已报名。" in html
    db.session.expire_all()
    rows = {r.member.name: (r.status, r.source) for r in db.session.query(Registration)}
    assert rows == {"科长甲": ("confirmed", "self"), "科长乙": ("confirmed", "invited"),
                    "科长丙": ("confirmed", "invited")}
    entry = db.session.scalars(db.select(AuditLog).filter_by(action="event.invite")).one()
    assert entry.details["added"] == 2 and entry.details["spec"]["rank_levels"] == ["section"]


def test_invite_bad_filters_are_answered_at_the_field(login, org, cadres):
    event = make_event(org["organizer"], start=START)
    client = login(org["organizer"])
    response = client.get(f"/manage/events/{event.id}/invite?preview=1&min_age=50&max_age=40")
    assert response.status_code == 422
    assert error_at(page(response), "max_age") == "最小年龄不能大于最大年龄。"
    response = client.post(f"/manage/events/{event.id}/invite", data={"min_age": "老"})
    assert response.status_code == 422
    assert error_at(page(response), "min_age") == "年龄请填写 0 到 120 之间的整数。"
    assert db.session.query(Registration).count() == 0


def test_a_secretary_invites_within_their_subtree(login, org, cadres):
    event = make_event(org["organizer"], branch=org["one"], start=START, publish=True)
    client = login(org["secretary"])
    html = page(client.get(f"/manage/events/{event.id}/invite?preview=1&rank_levels=section"))
    assert "符合条件 2 人" in html and "科长丙" not in html
    response = client.post(f"/manage/events/{event.id}/invite", data={"rank_levels": "section"})
    assert response.status_code == 302
    db.session.expire_all()
    assert {r.member.name for r in db.session.query(Registration)} == {"科长甲", "科长乙"}
    # a branch outside the subtree is not a valid choice
    response = client.post(f"/manage/events/{event.id}/invite",
                           data={"branch_ids": str(org["two"].id)})
    assert response.status_code == 422
    assert db.session.query(Registration).count() == 2


def test_invite_on_a_cancelled_event_is_refused(login, org, cadres):
    organizer = org["organizer"]
    event = make_event(organizer, start=START)
    events.cancel_event(organizer, event, "因故")
    client = login(organizer)
    assert "活动已取消，不能再添加指定参加人员" in page(client.get(f"/manage/events/{event.id}/invite"))
    response = client.post(f"/manage/events/{event.id}/invite", data={"rank_levels": "section"})
    assert response.status_code == 422 and "活动已取消。" in page(response)
    assert db.session.query(Registration).count() == 0


def test_saving_keeps_eligible_branches_the_editor_cannot_pick(login, org, factory):
    """A secretary edits an event an organizer opened to another branch too: saving keeps it."""
    organizer = org["organizer"]
    closed = factory.branch(name="已撤销支部", parent=org["general"], active=False)
    spec = {"branch_ids": [org["one"].id, org["two"].id, closed.id]}
    event = make_event(organizer, branch=org["one"], start=START, spec=spec)
    client = login(org["secretary"])
    html = page(client.get(f"/manage/events/{event.id}/edit"))
    assert "办公室党支部（不在您的管理范围内）" in html and "已撤销支部（已停用）" in html
    data = MultiDict(list(form(org["one"], title="改名", **{
        "sessions-0-id": str(event.sessions[0].id)}).items()) + [
        ("branch_ids", str(org["one"].id)), ("branch_ids", str(org["two"].id)),
        ("branch_ids", str(closed.id))])
    response = client.post(f"/manage/events/{event.id}/edit", data=data)
    assert response.status_code == 302, page(response)
    db.session.expire_all()
    stored = db.session.get(Event, event.id)
    assert stored.title == "改名" and sorted(stored.eligibility["branch_ids"]) == sorted(
        spec["branch_ids"])


def test_forms_carry_their_csrf_tokens(login, org, app):
    client = login(org["organizer"])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        def token(url):
            return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                             r'name="csrf_token" value="([^"]+)"', page(client.get(url)))

        found = token("/manage/events/new")
        data = form(org["one"], csrf_token=found.group(1) or found.group(2))
        assert client.post("/manage/events/new", data=form(org["one"])).status_code == 400
        response = client.post("/manage/events/new", data=data)
        assert response.status_code == 302
        event_url = response.headers["Location"]
        found = token(event_url)
        csrf = found.group(1) or found.group(2)
        assert client.post(f"{event_url}/publish", data={"csrf_token": csrf}).status_code == 302
        assert client.post(f"{event_url}/cancel",
                           data={"csrf_token": csrf, "reason": "测试"}).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.expire_all()
    assert db.session.scalars(db.select(Event)).one().status == "cancelled"


def test_saving_keeps_exact_ranks_the_form_does_not_show(login, org):
    event = make_event(org["organizer"], start=START, spec={"ranks": ["正科级"], "gender": "F"})
    client = login(org["organizer"])
    data = form(org["committee"], gender="", **{"sessions-0-id": str(event.sessions[0].id)})
    assert client.post(f"/manage/events/{event.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).eligibility == {"ranks": ["正科级"]}


def test_removing_an_item_someone_chose_is_refused_not_a_500(login, org, factory):
    organizer = org["organizer"]
    event = make_contest(organizer, start=START, publish=True)
    person = factory.member(name="报名人", branch=org["one"])
    first = event.items[0]
    registration = signup.register(person, event.id, item_ids=[first.id])
    decide.cancel(person, registration.id)  # the choice stays on record
    client = login(organizer)
    rows = {f"items-{n}-{key}": value for n, item in enumerate(event.items) for key, value in {
        "id": str(item.id), "name": item.name, "is_team": "1" if item.is_team else "0",
        "team_min": str(item.team_min or ""), "team_max": str(item.team_max or ""),
        "branch_quota": str(item.branch_quota or "")}.items()}
    data = form(org["committee"], kind="sports", **rows, **{
        "items-0-remove": "y", "sessions-0-id": str(event.sessions[0].id)})
    response = client.post(f"/manage/events/{event.id}/edit", data=data)
    assert response.status_code == 422
    assert "不能删除" in page(response)
    db.session.expire_all()
    assert db.session.get(EventItem, first.id) is not None


# ------------------------------------------------ issue 8: what the new-user trial found

def places_shown(html):
    return re.search(r'<span class="num">([^<]+)</span>剩余名额', html).group(1)


def test_invited_people_take_no_place_as_the_invitation_page_says(login, org, cadres, factory):
    """The invitation page says 指定参加 is outside the capacity; 剩余名额 agrees, members can
    still take the places, and the capacity can be kept when editing."""
    organizer = org["organizer"]
    event = make_event(organizer, start=START, kind="warning_education", publish=True,
                       capacity=2, title="警示教育大会")
    signup.register(cadres["丁"], event.id)  # takes one of the two places
    client = login(organizer)
    invite_page = page(client.get(f"/manage/events/{event.id}/invite"))
    assert "不占用名额，也不受人数上限限制" in invite_page
    client.post(f"/manage/events/{event.id}/invite", data=MultiDict(
        [("rank_levels", "section"), ("branch_ids", str(org["general"].id)),
         ("branch_ids", str(org["two"].id))]))
    assert db.session.query(Registration).filter_by(source="invited").count() == 3
    detail = page(client.get(f"/manage/events/{event.id}"))
    assert places_shown(detail) == "1"  # 2 places − 1 taken by 科员丁; the 3 invited take none
    assert "已报名中有 3 人是指定参加，不占名额" in detail
    # members see the same place, take it, and then the waitlist starts
    late_comer, after_him = factory.member(branch=org["one"]), factory.member(branch=org["one"])
    listed = page(login(late_comer).get("/events"))
    assert "剩余 1 个名额" in listed
    assert signup.register(late_comer, event.id).status == "confirmed"
    assert signup.register(after_him, event.id).status == "waitlisted"
    # saving the event with its capacity of 2 is no longer refused for the 5 registered
    edit = page(client.get(f"/manage/events/{event.id}/edit"))
    assert "已有 2 人报名占用名额（含待审核，不含指定参加）" in edit
    event_changes.edit_event(organizer, event.id, {"title": "警示教育大会（改）", "capacity": 2},
                             [{"id": s.id, "starts_at": s.starts_at, "ends_at": s.ends_at}
                              for s in event.sessions])
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "警示教育大会（改）"


def test_an_invitation_of_someone_pending_frees_their_place_for_the_waitlist(login, org, cadres, factory):
    organizer = org["organizer"]
    event = make_event(organizer, start=START, publish=True, capacity=1, approval=True)
    pending = signup.register(cadres["甲"], event.id)
    waiting = signup.register(cadres["丁"], event.id)
    assert (pending.status, waiting.status) == ("pending", "waitlisted")
    from app.registration import invitations

    invitations.invite(organizer, event.id, {"branch_ids": [org["one"].id], "rank_levels": ["section"]})
    db.session.expire_all()
    assert db.session.get(Registration, pending.id).source == "invited"
    assert db.session.get(Registration, waiting.id).status == "pending"  # moved up, to be approved


def test_saving_an_event_whose_session_is_over_warns(login, org):
    client = login(org["organizer"])
    past = client.post("/manage/events/new", data=form(
        org["one"], title="补录用的往期培训", **{
            "sessions-0-starts_at": "2020-05-10T09:00", "sessions-0-ends_at": "2020-05-10T11:30"}))
    assert past.status_code == 302
    detail = page(client.get(past.headers["Location"]))
    assert ('<p class="flash flash-warning"' in detail
            and "注意：「开班式」（2020年5月10日 周日 09:00–11:30）已经结束" in detail)
    assert "如果日期填错了，请点「修改」改正。" in detail
    coming = client.post("/manage/events/new", data=form(org["one"], title="下个月的培训"))
    assert "已经结束" not in page(client.get(coming.headers["Location"]))
    # editing one whose session is over warns again
    event = db.session.scalars(db.select(Event).filter_by(title="补录用的往期培训")).one()
    edited = client.post(f"/manage/events/{event.id}/edit", data=form(
        org["one"], title="补录用的往期培训（改）", **{
            "sessions-0-id": str(event.sessions[0].id),
            "sessions-0-starts_at": "2020-05-10T09:00", "sessions-0-ends_at": "2020-05-10T11:30"}))
    assert edited.status_code == 302
    assert "已经结束" in page(client.get(edited.headers["Location"]))
