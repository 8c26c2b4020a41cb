"""Staff registration pages: registrant list, row actions, proxy registration,
leave approval, teams and the landing page, with role and branch scope."""
import re
from functools import partial

import pytest
import sqlalchemy as sa

from app.audit.models import AuditLog
from app.extensions import db
from app.registration import leave_requests, queries, signup, team_entries
from app.registration.models import Leave, Registration, Team

from .conftest import body_text as text
from .conftest import count_statements
from .event_factories import make_lessons

pytestmark = pytest.mark.org("scopes")

make_event = partial(make_lessons, title="党史学习培训班")


def audit_actions():
    return [row.action for row in db.session.scalars(sa.select(AuditLog).order_by(AuditLog.id))]


def registration(reg_id):
    db.session.expire_all()
    return db.session.get(Registration, reg_id)


def url(event, suffix="registrants"):
    return f"/manage/events/{event.id}/{suffix}"


# -------------------------------------------------------- registrant list

def test_organizer_sees_every_branch_secretary_only_their_subtree(org, as_user):
    event = make_event(org.organizer)
    for member in (org.a, org.b, org.c):
        signup.register(member, event.id)

    page = text(as_user(org.organizer).get(url(event)))
    assert all(name in page for name in ("王一", "李二", "赵三"))
    assert "第二党支部" in page and "科长" in page and "本人报名" in page

    secretary = as_user(org.sec_one)
    page = text(secretary.get(url(event)))
    assert "王一" in page and "李二" in page  # own branch and the group below it
    assert "赵三" not in page
    # asking for the other branch by its id shows nothing of it either
    page = text(secretary.get(url(event) + f"?branch_id={org.two.id}"))
    assert "赵三" not in page

    page = text(as_user(org.sec_two).get(url(event)))
    assert "赵三" in page and "王一" not in page


def test_members_get_403_everywhere(org, as_user, factory):
    event = make_event(org.organizer, kind="sports",
                       items=[{"name": "拔河", "is_team": True, "team_min": 2, "team_max": 5}])
    reg = signup.register(org.a, event.id, item_ids=[event.items[0].id])
    member = as_user(org.c)
    for path in ("/manage", url(event), url(event, "registrants.xlsx"), url(event, "proxy"),
                 "/manage/leaves", url(event, "teams")):
        assert member.get(path).status_code == 403, path
    for path in (f"{url(event)}/{reg.id}/approve", f"{url(event)}/{reg.id}/cancel",
                 f"{url(event)}/{reg.id}/reject", url(event, "proxy"), url(event, "teams")):
        assert member.post(path, data={"reason": "x", "member_ids": [org.c.id]}).status_code == 403
    assert registration(reg.id).status == "confirmed"
    assert db.session.query(Registration).count() == 1


def test_phones_masked_unless_admin(org, as_user):
    event = make_event(org.organizer)
    signup.register(org.a, event.id)
    for staff in (org.organizer, org.sec_one):
        page = text(as_user(staff).get(url(event)))
        assert "138****1234" in page and "13812341234" not in page
    page = text(as_user(org.admin).get(url(event)))
    assert "13812341234" in page


def test_filters_and_counts(org, as_user, factory):
    event = make_event(org.organizer, kind="sports", capacity=2,
                       items=[{"name": "100米"}, {"name": "跳绳"}])
    hundred, rope = event.items
    signup.register(org.a, event.id, item_ids=[hundred.id])
    signup.register(org.b, event.id, item_ids=[rope.id])
    signup.register(org.c, event.id, item_ids=[hundred.id])  # full: waitlisted
    client = as_user(org.organizer)

    page = text(client.get(url(event)))
    assert re.search(r"已报名</span> <strong>2</strong>", page)
    assert re.search(r"候补</span> <strong>1</strong>", page)
    assert "全部 <strong>3</strong>" in page

    page = text(client.get(url(event) + "?status=waitlisted"))
    assert "赵三" in page and "王一" not in page and "李二" not in page
    page = text(client.get(url(event) + f"?item_id={rope.id}"))
    assert "李二" in page and "王一" not in page and "赵三" not in page
    page = text(client.get(url(event) + f"?branch_id={org.one.id}"))
    assert "王一" in page and "李二" in page and "赵三" not in page
    page = text(client.get(url(event) + f"?branch_id={org.one_sub.id}"))
    assert "李二" in page and "王一" not in page


def test_registrant_list_queries_do_not_grow_with_rows(org, as_user, factory):
    event = make_event(org.organizer, kind="sports", items=[{"name": "100米"}, {"name": "跳远"}])
    ids = [item.id for item in event.items]
    client = as_user(org.organizer)

    def add(count):
        for n in range(count):
            member = factory.member(name=f"队员{n}", branch=org.one if n % 2 else org.two)
            signup.register(member, event.id, item_ids=ids)

    add(3)
    client.get(url(event))
    with count_statements() as few:
        assert client.get(url(event)).status_code == 200
    add(27)
    with count_statements() as many:
        page = text(client.get(url(event)))
    assert page.count('id="r-') == 30
    assert len(many) == len(few), many
    assert len(many) <= 15, len(many)


def test_list_is_paginated(org, as_user, factory):
    event = make_event(org.organizer)
    for n in range(55):
        db.session.add(Registration(event_id=event.id, member_id=org.a.id if n == 0 else
                                    factory.member(name=f"人员{n}", branch=org.one).id,
                                    status="confirmed", source="self", branch_id=org.one.id))
    db.session.commit()
    client = as_user(org.organizer)
    first = text(client.get(url(event)))
    assert first.count('id="r-') == 50 and "第 1 / 2 页" in first
    second = text(client.get(url(event) + "?page=2"))
    assert second.count('id="r-') == 5


# -------------------------------------------------------------- approval

def test_approve_and_reject_with_reason(org, as_user):
    event = make_event(org.organizer, approval=True)
    ra = signup.register(org.a, event.id)
    rb = signup.register(org.b, event.id)
    client = as_user(org.organizer)

    before = audit_actions()
    response = client.post(f"{url(event)}/{ra.id}/reject", data={"reason": "  "})
    assert response.status_code == 200
    assert "请填写未通过的原因，报名人会看到它。" in text(response)
    assert registration(ra.id).status == "pending"
    assert audit_actions() == before  # nothing written

    response = client.post(f"{url(event)}/{ra.id}/reject", data={"reason": "名额优先安排新任干部"})
    assert response.status_code == 302
    assert registration(ra.id).status == "rejected"
    assert registration(ra.id).decision_reason == "名额优先安排新任干部"

    response = client.post(f"{url(event)}/{rb.id}/approve", data={"status": "pending"})
    assert response.status_code == 302
    assert "status=pending" in response.headers["Location"]  # back to the same filters
    assert registration(rb.id).status == "confirmed"
    assert audit_actions()[-2:] == ["registration.reject", "registration.approve"]

    page = text(client.get(url(event)))
    assert "未通过原因：名额优先安排新任干部" in page
    # approving twice: a message, not an error page
    response = client.post(f"{url(event)}/{rb.id}/approve", follow_redirects=True)
    assert "这条报名不在待审核状态。" in text(response)


def test_secretary_decides_only_events_they_manage(org, as_user):
    committee_event = make_event(org.organizer, approval=True)
    reg = signup.register(org.a, committee_event.id)
    secretary = as_user(org.sec_one)
    page = text(secretary.get(url(committee_event)))
    assert "王一" in page and "确认不通过" not in page and ">通过<" not in page
    assert secretary.post(f"{url(committee_event)}/{reg.id}/approve").status_code == 403
    assert registration(reg.id).status == "pending"

    branch_event = make_event(org.sec_one, title="一支部主题党日", approval=True)
    mine = signup.register(org.a, branch_event.id)
    assert secretary.post(f"{url(branch_event)}/{mine.id}/approve").status_code == 302
    assert registration(mine.id).status == "confirmed"
    # a sibling branch's secretary can neither see nor touch it
    other = as_user(org.sec_two)
    assert other.get(url(branch_event)).status_code == 404
    assert other.post(f"{url(branch_event)}/{mine.id}/cancel").status_code == 404
    assert registration(mine.id).status == "confirmed"


def test_staff_cancel(org, as_user):
    event = make_event(org.organizer, capacity=1)
    ra = signup.register(org.a, event.id)
    rc = signup.register(org.c, event.id)  # waitlisted
    response = as_user(org.organizer).post(f"{url(event)}/{ra.id}/cancel")
    assert response.status_code == 302
    assert registration(ra.id).status == "cancelled"
    assert registration(rc.id).status == "confirmed"  # moved up
    assert "registration.cancel" in audit_actions()

    # a secretary cancels in their subtree only
    assert as_user(org.sec_one).post(f"{url(event)}/{rc.id}/cancel").status_code == 403
    assert registration(rc.id).status == "confirmed"
    assert as_user(org.sec_two).post(f"{url(event)}/{rc.id}/cancel").status_code == 302
    assert registration(rc.id).status == "cancelled"


# ------------------------------------------------------------------ proxy

def test_proxy_page_lists_own_members_with_state(org, as_user, factory):
    event = make_event(org.organizer, spec={"gender": "F"})
    woman = factory.member(name="孙四", branch=org.one, gender="F")
    factory.member(name="周五", branch=org.one, gender="M")
    signup.register(woman, event.id)
    page = text(as_user(org.sec_one).get(url(event, "proxy")))
    assert "孙四" in page and "已报名" in page
    assert "周五" in page and "仅限女职工报名" in page
    assert "赵三" not in page  # other branch
    page = text(as_user(org.sec_one).get(url(event, "proxy") + "?q=周"))
    assert "周五" in page and "孙四" not in page


def test_proxy_registration_per_member_results(org, as_user, factory):
    event = make_event(org.organizer)
    signup.register(org.b, event.id)
    client = as_user(org.sec_one)
    response = client.post(url(event, "proxy"),
                           data={"member_ids": [org.a.id, org.b.id, org.c.id]})
    assert response.status_code == 200
    page = text(response)
    assert "成功，已报名" in page
    assert "已经报过名了（已报名）。" in page
    assert "只能为本支部（含下级组织）的人员代报名。" in page
    assert "成功 1 人" in page

    reg = queries.active_registration(event.id, org.a.id)
    assert (reg.source, reg.registered_by_id) == ("proxy", org.sec_one.id)
    assert queries.active_registration(event.id, org.c.id) is None  # out of scope: nothing
    creates = [r for r in db.session.scalars(sa.select(AuditLog).where(
        AuditLog.action == "registration.create").order_by(AuditLog.id))]
    assert [r.details["source"] for r in creates] == ["self", "proxy"]


def test_proxy_out_of_scope_only_writes_nothing(org, as_user):
    event = make_event(org.organizer)
    before = audit_actions()
    response = as_user(org.sec_two).post(url(event, "proxy"), data={"member_ids": [org.a.id]})
    assert "只能为本支部（含下级组织）的人员代报名。" in text(response)
    assert db.session.query(Registration).count() == 0
    assert audit_actions() == before


def test_proxy_with_items_and_nothing_ticked(org, as_user):
    event = make_event(org.organizer, kind="sports", items=[{"name": "100米"}, {"name": "跳绳"}],
                       item_limit=1)
    hundred, rope = event.items
    client = as_user(org.organizer)
    page = text(client.post(url(event, "proxy"), data={}))
    assert "请先勾选要报名的人员。" in page
    page = text(client.post(url(event, "proxy"),
                            data={"member_ids": [org.a.id, org.c.id],
                                  "item_ids": [hundred.id, rope.id]}))
    assert page.count("每人最多报 1 个项目") == 2
    client.post(url(event, "proxy"), data={"member_ids": [org.a.id, org.c.id],
                                           "item_ids": [rope.id]})
    regs = db.session.scalars(sa.select(Registration)).all()
    assert len(regs) == 2
    assert all([ri.item_id for ri in r.items] == [rope.id] for r in regs)


# ------------------------------------------------------------------ leave

def test_leave_approval_in_scope(org, as_user):
    event = make_event(org.organizer)
    reg = signup.register(org.a, event.id)
    [leave] = leave_requests.request_leave(org.a, reg.id, None, "外出公干")
    other_reg = signup.register(org.c, event.id)
    [other_leave] = leave_requests.request_leave(org.c, other_reg.id, None, "生病")

    page = text(as_user(org.sec_one).get("/manage/leaves"))
    assert "王一" in page and "外出公干" in page and "赵三" not in page
    page = text(as_user(org.organizer).get("/manage/leaves"))
    assert "王一" in page and "赵三" in page

    # another branch's secretary may not decide it
    response = as_user(org.sec_two).post(f"/manage/leaves/{leave.id}/decide",
                                         data={"decision": "approve"})
    assert response.status_code == 403
    assert db.session.get(Leave, leave.id).status == "pending"
    # members never
    assert as_user(org.b).post(f"/manage/leaves/{leave.id}/decide",
                               data={"decision": "approve"}).status_code == 403
    assert as_user(org.b).get("/manage/leaves").status_code == 403

    response = as_user(org.sec_one).post(f"/manage/leaves/{leave.id}/decide",
                                         data={"decision": "approve", "note": "同意"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Leave, leave.id).status == "approved"
    assert db.session.get(Leave, leave.id).decision_note == "同意"
    as_user(org.organizer).post(f"/manage/leaves/{other_leave.id}/decide",
                                data={"decision": "reject", "note": "请调整工作安排"})
    db.session.expire_all()
    assert db.session.get(Leave, other_leave.id).status == "rejected"
    assert audit_actions()[-2:] == ["leave.approve", "leave.reject"]

    page = text(as_user(org.sec_one).get("/manage/leaves"))
    assert "没有待审批的请假" in page and "已批准" in page and "未批准" not in page
    # deciding twice: a message
    response = as_user(org.organizer).post(f"/manage/leaves/{leave.id}/decide",
                                           data={"decision": "reject"}, follow_redirects=True)
    assert "这条请假已经处理过了。" in text(response)


# ------------------------------------------------------------------ teams

@pytest.fixture
def tug(org, factory):
    event = make_event(org.organizer, kind="sports",
                       items=[{"name": "拔河", "is_team": True, "team_min": 2, "team_max": 3},
                              {"name": "100米"}])
    item = event.items[0]
    ours = [signup.register(factory.member(name=f"一支队员{n}", branch=org.one), event.id,
                            item_ids=[item.id]) for n in range(4)]
    theirs = signup.register(org.c, event.id, item_ids=[item.id])
    return event, item, ours, theirs


def test_team_page_and_size_limits(org, as_user, tug):
    event, item, ours, theirs = tug
    client = as_user(org.sec_one)
    page = text(client.get(url(event, "teams")))
    assert "一支队员0" in page and "赵三" not in page and "每队 2–3 人" in page

    data = {"item_id": item.id, "branch_id": org.one.id, "name": "一支部代表队",
            "members": [r.id for r in ours]}
    page = text(client.post(url(event, "teams"), data=data))
    assert "「拔河」每队 2–3 人，现在选了 4 人。" in page
    assert db.session.query(Team).count() == 0

    data["members"] = [ours[0].id, theirs.id]
    page = text(client.post(url(event, "teams"), data=data))
    assert "赵三 不属于本支部，不能加入本支部的队伍。" in page
    assert db.session.query(Team).count() == 0

    data["members"] = [r.id for r in ours[:3]]
    response = client.post(url(event, "teams"), data=data)
    assert response.status_code == 302
    team = db.session.scalars(sa.select(Team)).one()
    assert team.name == "一支部代表队" and team.branch_id == org.one.id
    assert "team.save" in audit_actions()

    # change it: swap one member
    data.update(team_id=team.id, members=[ours[1].id, ours[3].id])
    assert client.post(url(event, "teams"), data=data).status_code == 302
    db.session.expire_all()
    team = db.session.get(Team, team.id)
    assert sorted(m.registration_id for m in team.members if m.active) == [ours[1].id, ours[3].id]
    page = text(client.get(url(event, "teams") + f"?edit={team.id}"))
    assert "修改「一支部代表队」" in page

    # the organizer sees every team; the other secretary does not see this one
    assert "一支部代表队" in text(as_user(org.organizer).get(url(event, "teams")))
    assert "一支部代表队" not in text(as_user(org.sec_two).get(url(event, "teams")))


def test_team_of_another_branch_is_refused(org, as_user, tug):
    event, item, ours, theirs = tug
    data = {"item_id": item.id, "branch_id": org.two.id, "name": "抢队",
            "members": [ours[0].id, ours[1].id]}
    assert as_user(org.sec_one).post(url(event, "teams"), data=data).status_code == 403
    assert db.session.query(Team).count() == 0

    # their own team, formed by the other secretary, cannot be changed by this one
    extra = signup.register(org.sec_two, event.id, item_ids=[item.id])
    team = team_entries.save_team(org.sec_two, item.id, org.two.id, "二支部队", [theirs.id, extra.id])
    data = {"item_id": item.id, "branch_id": org.one.id, "team_id": team.id, "name": "改名",
            "members": [ours[0].id, ours[1].id]}
    assert as_user(org.sec_one).post(url(event, "teams"), data=data).status_code == 403
    db.session.expire_all()
    team = db.session.get(Team, team.id)
    assert team.name == "二支部队"
    assert sorted(m.registration_id for m in team.members if m.active) == sorted([theirs.id, extra.id])


def test_event_without_team_items(org, as_user):
    event = make_event(org.organizer)
    assert "不需要组队" in text(as_user(org.organizer).get(url(event, "teams")))


# ---------------------------------------------------------------- landing

def test_landing_shows_pending_counts_in_scope(org, as_user):
    event = make_event(org.organizer, approval=True)
    signup.register(org.a, event.id)
    signup.register(org.c, event.id)
    open_event = make_event(org.organizer, title="警示教育大会")
    reg = signup.register(org.a, open_event.id)
    leave_requests.request_leave(org.a, reg.id, None, "出差")
    make_event(org.organizer, title="未发布的草稿", publish=False)

    page = text(as_user(org.organizer).get("/manage"))
    assert "党史学习培训班" in page and "待审核 2" in page
    assert "警示教育大会" in page and "待审批请假 1" in page
    assert "未发布的草稿" not in page
    page = text(as_user(org.sec_two).get("/manage"))
    assert "待审核 1" in page and "待审批请假" not in page


def test_draft_of_another_branch_is_not_shown(org, as_user):
    draft = make_event(org.organizer, publish=False)
    assert as_user(org.sec_one).get(url(draft)).status_code == 404
    assert as_user(org.organizer).get(url(draft)).status_code == 200


def test_secretary_of_another_committee_does_not_see_the_event(org, as_user, factory):
    other_committee = factory.branch(name="市财政局机关党委", kind="committee")
    far = factory.branch(name="预算科党支部", parent=other_committee)
    far_secretary = factory.member(name="财政书记", branch=far, role="secretary")
    event = make_event(org.organizer)
    client = as_user(far_secretary)
    for suffix in ("registrants", "registrants.xlsx", "proxy", "teams"):
        assert client.get(url(event, suffix)).status_code == 404, suffix
    assert "党史学习培训班" not in text(client.get("/manage"))
    assert "党史学习培训班" in text(as_user(org.sec_one).get("/manage"))


def test_the_landing_page_lists_events_by_date(org, as_user):
    """报名管理: events to come or under way first, soonest first; then ended ones, latest
    first (issue 8, item 14) — not in the order they were created."""
    from .event_factories import soon

    made = {}
    for title, days in (("四十天后", 40), ("五天前结束", -5), ("十天后", 10), ("一个月前结束", -30),
                        ("两天后", 2)):
        made[title] = make_lessons(org.organizer, title=title, start=soon(days))
    ongoing = make_lessons(org.organizer, title="正在进行", start=soon(0, hours=-1))
    page = text(as_user(org.organizer).get("/manage"))
    titles = re.findall(r'<span class="title">([^<]+)</span>', page)
    assert titles == ["正在进行", "两天后", "十天后", "四十天后", "五天前结束", "一个月前结束"]
    assert ongoing.id and page.count('<span class="badge badge-grey">已结束</span>') == 2
