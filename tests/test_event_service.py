"""Publishing rules (events.service) and who may take part (events.eligibility)."""
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from app.audit.models import AuditLog
from app.errors import DomainError
from app.events import eligibility
from app.events import service as events
from app.events.models import Event, EventItem, EventSession
from app.extensions import db
from app.org.models import Member
from app.registration import event_changes, rights
from app.registration.models import Registration

from .conftest import audit_entries as audit
from .event_factories import event_data, item_rows, make_contest, make_event, session_rows

pytestmark = pytest.mark.org("finance")

START = datetime(2030, 5, 10, 1, 0, tzinfo=timezone.utc)  # 09:00 in Asia/Shanghai


def refused(callable_, *args, **kwargs):
    with pytest.raises(DomainError) as caught:
        callable_(*args, **kwargs)
    return caught.value


def nothing_written():
    db.session.rollback()
    return (db.session.query(Event).count(), db.session.query(EventSession).count(),
            db.session.query(EventItem).count(),
            db.session.query(AuditLog).filter(AuditLog.action.startswith("event.")).count()) \
        == (0, 0, 0, 0)


# ------------------------------------------------------------------ create

def test_create_makes_a_draft_with_sessions_items_and_a_clean_spec(org):
    committee, general, one, two, organizer = org
    spec = {"branch_ids": [general.id], "political_statuses": ["01", "02"], "gender": "",
            "min_age": None, "rank_levels": []}
    event = make_contest(organizer, start=START, spec=spec, sessions=2, item_limit=2)
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.status == "draft" and event.published_at is None
    assert event.created_by_id == organizer.id
    assert [s.title for s in event.sessions] == ["第1场", "第2场"]
    assert event.starts_at == START
    assert [i.name for i in event.items] == ["100米", "跳远", "拔河"]
    assert [i.sort_order for i in event.items] == [0, 1, 2]
    assert event.items[2].is_team and event.items[2].team_max == 10
    assert event.eligibility == {"branch_ids": [general.id], "political_statuses": ["01", "02"]}
    (entry,) = audit("event.create")
    assert entry.actor_id == organizer.id and entry.target_id == event.id
    assert entry.details == {"title": "测试运动会", "kind": "sports"}


def good(org, **overrides):
    """A valid (data, sessions, items) with one part replaced."""
    organizer = org[-1]
    data = event_data(organizer.branch_id, **overrides.pop("data", {}))
    sessions = overrides.pop("sessions", session_rows(2, start=START))
    items = overrides.pop("items", [])
    return data, sessions, items


def later(hours):
    return START + timedelta(hours=hours)


BAD = {
    "no title": (dict(data={"title": "  "}), "event_title_required", "title"),
    "unknown kind": (dict(data={"kind": "party"}), "invalid_choice", "kind"),
    "no session": (dict(sessions=[]), "event_needs_session", "sessions"),
    "session ends before start": (
        dict(sessions=session_rows(1, start=START) + [
            {"starts_at": later(30), "ends_at": later(29)}]),
        "session_ends_before_start", "sessions"),
    "session of no length": (
        dict(sessions=[{"starts_at": START, "ends_at": START}]), "session_ends_before_start",
        "sessions"),
    "negative hours": (dict(sessions=session_rows(1, start=START, credit_hours=-1)),
                       "session_hours_negative", "sessions"),
    "negative grace": (dict(sessions=session_rows(1, start=START, grace_minutes=-5)),
                       "session_grace_negative", "sessions"),
    "window out of order": (dict(data={"registration_opens_at": START - timedelta(days=1),
                                       "registration_closes_at": START - timedelta(days=2)}),
                            "window_out_of_order", "registration_closes_at"),
    "window closes after the event": (
        dict(data={"registration_closes_at": START + timedelta(days=3)}),
        "window_after_event", "registration_closes_at"),
    "window opens after the event": (
        dict(data={"registration_opens_at": START + timedelta(days=3)}),
        "window_opens_after_event", "registration_opens_at"),
    "capacity zero": (dict(data={"capacity": 0}), "capacity_not_positive", "capacity"),
    "capacity negative": (dict(data={"capacity": -3}), "capacity_not_positive", "capacity"),
    "ratio zero": (dict(data={"completion_ratio": 0}), "completion_ratio_range",
                   "completion_ratio"),
    "ratio above one": (dict(data={"completion_ratio": 1.5}), "completion_ratio_range",
                        "completion_ratio"),
    "item without name": (dict(data={"kind": "sports"}, items=[{"name": " "}]),
                          "item_name_required", "items"),
    "team min above max": (
        dict(data={"kind": "sports"},
             items=[{"name": "拔河", "is_team": True, "team_min": 10, "team_max": 8}]),
        "item_team_size", "items"),
    "team size zero": (
        dict(data={"kind": "sports"}, items=[{"name": "拔河", "is_team": True, "team_min": 0}]),
        "item_team_size_positive", "items"),
    "item capacity zero": (dict(data={"kind": "sports"}, items=[{"name": "跳远", "capacity": 0}]),
                           "capacity_not_positive", "items"),
    "item quota negative": (
        dict(data={"kind": "sports"}, items=[{"name": "跳远", "branch_quota": -1}]),
        "capacity_not_positive", "items"),
    "item ages reversed": (
        dict(data={"kind": "sports"}, items=[{"name": "跳绳", "min_age": 50, "max_age": 40}]),
        "item_age_range", "items"),
    "item limit zero": (dict(data={"kind": "sports", "item_limit": 0}, items=item_rows("跳远")),
                        "item_limit_not_positive", "item_limit"),
    "item limit above items": (
        dict(data={"kind": "sports", "item_limit": 3}, items=item_rows("跳远", "100米")),
        "item_limit_too_large", "item_limit"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_each_bad_input_is_refused_with_its_code_and_writes_nothing(org, case):
    overrides, code, field = BAD[case]
    data, sessions, items = good(org, **overrides)
    error = refused(events.create_event, org[-1], data, sessions, items)
    assert (error.code, error.field) == (code, field)
    assert "{" not in error.message  # every parameter of the message was given
    assert nothing_written()


def test_row_errors_name_their_row(org):
    data, sessions, _ = good(org)
    sessions[1]["ends_at"] = sessions[1]["starts_at"] - timedelta(hours=1)
    error = refused(events.create_event, org[-1], data, sessions)
    assert error.params["index"] == 2
    assert error.message == "第 2 个场次的结束时间必须晚于开始时间。"
    items = item_rows("跳远") + [{"name": "拔河", "is_team": True, "team_min": 9, "team_max": 8}]
    error = refused(events.create_event, org[-1], {**data, "kind": "sports"}, session_rows(1, start=START),
                    items)
    assert error.params["index"] == 2 and error.message == "「拔河」的团体人数下限不能大于上限。"


def test_spec_ages_reversed_are_refused(org):
    data, sessions, _ = good(org)
    error = refused(events.create_event, org[-1], data, sessions, [], {"min_age": 60, "max_age": 40})
    assert (error.code, error.field) == ("age_range", "max_age")
    assert nothing_written()


def test_window_inside_the_event_and_at_its_end_is_fine(org):
    data, sessions, _ = good(org, data={
        "registration_opens_at": START - timedelta(days=10),
        "registration_closes_at": START + timedelta(days=1, hours=2)})  # the end of session 2
    event = events.create_event(org[-1], data, sessions)
    assert event.registration_closes_at == event.ends_at


def test_scope_a_secretary_publishes_only_for_their_subtree(org, factory):
    committee, general, one, two, organizer = org
    secretary = factory.member(name="书记", branch=general, role="secretary")
    data, sessions, _ = good(org, data={"organizer_branch_id": one.id})
    assert events.create_event(secretary, data, sessions).organizer_branch_id == one.id
    for outside in (two.id, committee.id, 999999):
        data["organizer_branch_id"] = outside
        error = refused(events.create_event, secretary, data, sessions)
        assert (error.code, error.field) == ("event_scope", "organizer_branch_id")
    data["organizer_branch_id"] = None
    assert refused(events.create_event, secretary, data, sessions).code == "event_branch_required"
    assert db.session.query(Event).count() == 1


# --------------------------------------------------- edit, publish, close, cancel

def test_apply_changes_updates_adds_and_reports_left_out_rows(org):
    organizer = org[-1]
    event = make_event(organizer, sessions=2, start=START)
    first, second = event.sessions
    data = event_data(organizer.branch_id, title="新名称", capacity=30)
    rows = [
        {"id": first.id, "title": "开班式", "starts_at": first.starts_at, "ends_at": first.ends_at},
        {"title": "加一课", "starts_at": later(72), "ends_at": later(74), "credit_hours": 2},
    ]
    changes, removed = events.apply_changes(event, data, rows, [], {"gender": "F"})
    assert changes["title"] == ["测试培训班", "新名称"] and changes["capacity"][1] == 30
    assert changes["eligibility"] == [{}, {"gender": "F"}]
    assert removed == [second]
    assert first.title == "开班式" and len(event.sessions) == 3
    db.session.rollback()  # apply_changes never commits
    assert db.session.get(Event, event.id).title == "测试培训班"


def test_edit_through_registration_keeps_session_ids_and_audits(org):
    organizer = org[-1]
    event = make_event(organizer, sessions=2, start=START, publish=True)
    ids = [s.id for s in event.sessions]
    rows = [{"id": s.id, "title": f"课{n}", "starts_at": s.starts_at, "ends_at": s.ends_at}
            for n, s in enumerate(event.sessions)]
    event_changes.edit_event(organizer, event.id, event_data(organizer.branch_id, title="改名"),
                             rows)
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert [s.id for s in event.sessions] == ids and event.title == "改名"
    (entry,) = audit("event.update")
    assert entry.details["changes"] == {"title": ["测试培训班", "改名"]}


def test_a_cancelled_event_cannot_be_edited(org):
    organizer = org[-1]
    event = make_event(organizer, start=START)
    events.cancel_event(organizer, event, "天气原因")
    error = refused(events.apply_changes, event, event_data(organizer.branch_id),
                    session_rows(1, start=START))
    assert error.code == "event_cancelled_not_editable"
    assert error.message == "活动已取消，不能再修改。"


def test_publish_close_cancel_and_their_audit(org, factory):
    organizer = org[-1]
    event = make_event(organizer, start=START)
    assert refused(events.close_event, organizer, event).message == \
        "只有「报名中」的活动可以截止报名，这个活动现在是「草稿」。"
    events.publish_event(organizer, event)
    assert event.status == "published" and event.published_at is not None
    assert refused(events.publish_event, organizer, event).code == "event_not_draft"
    events.close_event(organizer, event)
    assert event.status == "closed"
    member = factory.member(branch=org[2])
    db.session.add(Registration(event_id=event.id, member_id=member.id, status="confirmed",
                                source="invited", branch_id=member.branch_id))
    db.session.commit()
    events.cancel_event(organizer, event, "  因故取消  ")
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert (event.status, event.cancel_reason) == ("cancelled", "因故取消")
    assert db.session.query(Registration).one().status == "confirmed"  # records kept
    assert refused(events.cancel_event, organizer, event, "again").code == "event_already_cancelled"
    assert [a.action for a in db.session.scalars(
        db.select(AuditLog).where(AuditLog.action.startswith("event.")).order_by(AuditLog.id))] \
        == ["event.create", "event.publish", "event.close", "event.cancel"]
    assert audit("event.cancel")[0].details == {"reason": "因故取消"}


def test_who_manages_which_event(org, factory):
    committee, general, one, two, organizer = org
    admin = factory.member(name="管理员", branch=committee, role="admin")
    secretary = factory.member(name="总支书记", branch=general, role="secretary")
    other = factory.member(name="办公室书记", branch=two, role="secretary")
    member = factory.member(name="党员", branch=one)
    ours = make_event(organizer, branch=one, title="预算支部活动")
    theirs = make_event(organizer, branch=two, title="办公室活动")
    top = make_event(organizer, title="机关党委活动")
    for event in (ours, theirs, top):
        assert events.can_manage(organizer, event) and events.can_manage(admin, event)
        assert not events.can_manage(member, event)
    assert events.can_manage(secretary, ours) and not events.can_manage(secretary, theirs)
    assert not events.can_manage(secretary, top)

    def titles(actor, **filters):
        return {e.title for e in db.session.scalars(events.manageable_events(actor, **filters))}

    assert titles(organizer) == {"预算支部活动", "办公室活动", "机关党委活动"}
    assert titles(secretary) == {"预算支部活动"}
    assert titles(other) == {"办公室活动"}
    events.publish_event(organizer, top)
    assert titles(organizer, status="published") == {"机关党委活动"}
    assert titles(organizer, kind="sports") == set()


def test_which_events_staff_follow_on_the_registration_pages(org, factory):
    # A secretary follows the events they manage, drafts included, and the published events
    # of the organisations above their branch, where their own members take part.
    committee, general, one, two, organizer = org
    secretary = factory.member(name="总支书记", branch=general, role="secretary")
    member = factory.member(name="党员", branch=one)
    ours = make_event(organizer, branch=one, title="预算支部活动")
    above = make_event(organizer, title="机关党委活动")
    beside = make_event(organizer, branch=two, title="办公室活动", publish=True)

    def follows(actor):
        return {e.title for e in (ours, above, beside) if events.staff_sees_event(actor, e)}

    def listed(actor):
        return {e.title for e in db.session.scalars(events.staff_visible_events(actor))}

    assert follows(organizer) == {"预算支部活动", "机关党委活动", "办公室活动"}
    assert follows(secretary) == {"预算支部活动"}
    assert follows(member) == set()
    assert listed(organizer) == {"办公室活动"}  # drafts are listed for nobody
    assert listed(secretary) == set()
    for event in (ours, above):
        events.publish_event(organizer, event)
    assert follows(secretary) == {"预算支部活动", "机关党委活动"}
    assert follows(member) == set()
    assert listed(secretary) == {"预算支部活动", "机关党委活动"}
    assert listed(organizer) == {"预算支部活动", "机关党委活动", "办公室活动"}


def test_who_acts_on_a_registration(org, factory):
    # Staff who manage the event, and whoever acts for the branch kept on the registration.
    committee, general, one, two, organizer = org
    secretary = factory.member(name="总支书记", branch=general, role="secretary")
    beside = factory.member(name="办公室书记", branch=two, role="secretary")
    member = factory.member(name="党员", branch=one)
    ours = make_event(organizer, branch=one, title="预算支部活动")
    top = make_event(organizer, title="机关党委活动")

    def acting(event, branch):
        return {actor.name for actor in (organizer, secretary, beside, member)
                if rights.acts_for(actor, SimpleNamespace(branch=branch), event)}

    assert acting(top, one) == {"组织者", "总支书记"}
    assert acting(top, two) == {"组织者", "办公室书记"}
    assert acting(ours, two) == {"组织者", "总支书记", "办公室书记"}  # 总支书记 manages it
    assert acting(top, committee) == {"组织者"}


def test_drafts_are_not_visible_to_members(org):
    event = make_event(org[-1], start=START)
    assert refused(events.get_visible_event, event.id).code == "event_not_found"
    events.publish_event(org[-1], event)
    assert events.get_visible_event(event.id).id == event.id


def test_event_day_is_the_local_date_of_the_first_session(org):
    # 2030-05-09 17:00 UTC is already 2030-05-10 01:00 in Asia/Shanghai
    event = make_event(org[-1], start=datetime(2030, 5, 9, 17, 0, tzinfo=timezone.utc))
    assert events.event_day(event) == date(2030, 5, 10)


# ------------------------------------------------------------- eligibility

DAY = date(2031, 2, 28)  # not a leap year: a 29 February birthday is tested against it


@pytest.fixture
def population(org, factory):
    """A mixed population: branches, statuses, stages, genders, birthdays around DAY, ranks."""
    committee, general, one, two, organizer = org

    def born(years, days=0):
        return date(DAY.year - years, DAY.month, DAY.day) + timedelta(days=days)

    people = [
        ("甲", one, "01", "", "M", born(40), "正科级"),            # 40 today
        ("乙", one, "01", "", "F", born(40, 1), "副科级"),         # 40 tomorrow: 39
        ("丙", general, "02", "", "F", born(35), "一级主任科员"),
        ("丁", two, "13", "activist", "M", born(25), "科员"),
        ("戊", two, "03", "applicant", "F", born(22, -1), "办事员"),
        ("己", committee, "01", "", "M", born(55), "正处级"),
        ("庚", one, "13", "candidate", "", None, ""),                 # no birth date, no rank
        ("辛", two, "01", "", "F", date(1988, 2, 29), "二级调研员"),  # turns 43 on 1 March
        ("壬", general, "01", "", "M", born(60), "工勤人员"),
        ("癸", one, "01", "", "M", born(41, -1), "正厅级"),        # 41 yesterday
    ]
    members = [factory.member(name=name, branch=branch, political_status=status,
                              development_stage=stage, gender=gender, birth_date=birth,
                              rank=rank)
               for name, branch, status, stage, gender, birth, rank in people]
    factory.member(name="停用", branch=one, active=False)  # never selected
    return members + [organizer]


SPECS = [
    {},
    {"branch_ids": ["GENERAL"]},
    {"branch_ids": ["ONE", "TWO"]},
    {"branch_ids": ["COMMITTEE"]},
    {"political_statuses": ["01", "02"]},
    {"development_stages": ["activist", "candidate"]},
    {"gender": "F"},
    {"gender": "M"},
    {"min_age": 40},
    {"max_age": 39},
    {"min_age": 40, "max_age": 40},
    {"min_age": 43},
    {"max_age": 42},
    {"min_age": 22, "max_age": 22},
    {"rank_levels": ["section"]},
    {"rank_levels": ["department", "division"]},
    {"ranks": ["科员", "办事员"]},
    {"rank_levels": ["staff"], "ranks": ["正科级"]},
    {"branch_ids": ["ONE", "TWO"], "rank_levels": ["section"], "min_age": 40, "gender": "M"},
    {"branch_ids": ["GENERAL"], "political_statuses": ["01"], "max_age": 59},
]


def _resolve(spec, org):
    names = {"COMMITTEE": org[0].id, "GENERAL": org[1].id, "ONE": org[2].id, "TWO": org[3].id}
    return {k: [names.get(v, v) for v in value] if k == "branch_ids" else value
            for k, value in spec.items()}


@pytest.mark.parametrize("index", range(len(SPECS)), ids=[str(s) for s in SPECS])
def test_reasons_and_members_query_agree(population, org, index):
    spec = _resolve(SPECS[index], org)
    selected = {m.name for m in db.session.scalars(eligibility.members_query(spec, DAY))}
    explained = {m.name for m in population if not eligibility.reasons(spec, m, DAY)}
    assert selected == explained
    assert "停用" not in selected


def test_ages_count_on_the_event_day(population):
    by_name = {m.name: m for m in population}

    def names(spec):
        return {m.name for m in db.session.scalars(eligibility.members_query(spec, DAY))}

    assert {"甲", "癸"} <= names({"min_age": 40}) and "乙" not in names({"min_age": 40})
    assert "乙" in names({"max_age": 39}) and "甲" not in names({"max_age": 39})
    # born 29 February 1988: still 42 on 28 February 2031, 43 from 1 March
    assert eligibility.age_on(by_name["辛"].birth_date, DAY) == 42
    assert eligibility.age_on(by_name["辛"].birth_date, DAY + timedelta(days=1)) == 43
    assert "辛" in names({"max_age": 42}) and "辛" not in names({"min_age": 43})
    march = {m.name for m in db.session.scalars(
        eligibility.members_query({"min_age": 43}, DAY + timedelta(days=1)))}
    assert "辛" in march
    # no birth date: outside any age rule, with a reason that says what to do
    assert eligibility.reasons({"min_age": 18}, by_name["庚"], DAY) == [
        "需要出生年月才能确认年龄，请联系支部补充"]


def test_reasons_say_why_in_chinese(population, org):
    by_name = {m.name: m for m in population}
    spec = {"branch_ids": [org[2].id], "political_statuses": ["01"], "gender": "F",
            "min_age": 45, "rank_levels": ["division"]}
    assert eligibility.reasons(spec, by_name["丁"], DAY) == [
        "仅限预算党支部人员参加", "仅限中共党员参加", "仅限女职工报名", "仅限45周岁以上",
        "仅限县处级人员参加"]
    assert eligibility.reasons({"max_age": 30}, by_name["甲"], DAY) == ["仅限30周岁以下"]
    assert eligibility.reasons({}, by_name["甲"], DAY) == []


def test_describe(org):
    committee, general, one, two, organizer = org
    assert eligibility.describe({}) == "全体人员"
    assert eligibility.describe(None) == "全体人员"
    text = eligibility.describe({
        "branch_ids": [general.id], "political_statuses": ["01", "02"],
        "development_stages": ["activist"], "gender": "F", "min_age": 40, "max_age": 55,
        "rank_levels": ["section", "staff"]})
    assert text == ("财务党总支；中共党员、中共预备党员；入党积极分子；女职工；40周岁以上；55周岁以下；"
                    "乡科级、科员级")


def test_clean_spec_drops_empty_values_and_keeps_zero():
    assert eligibility.clean_spec({"branch_ids": [], "gender": "", "min_age": None,
                                   "max_age": 0, "rank_levels": ("section",), "other": 1}) \
        == {"max_age": 0, "rank_levels": ["section"]}
    assert eligibility.clean_spec(None) == {}


def test_members_query_with_an_unknown_branch_selects_nobody(population):
    assert db.session.scalars(eligibility.members_query({"branch_ids": [987654]}, DAY)).all() == []
    assert eligibility.reasons({"branch_ids": [987654]}, population[0], DAY)


def test_a_member_of_an_inactive_sub_branch_is_still_in_the_subtree(org, factory):
    committee, general, one, two, organizer = org
    closed = factory.branch(name="已撤销支部", parent=general, active=False)
    member = factory.member(name="老王", branch=closed)
    spec = {"branch_ids": [general.id]}
    assert member.id in {m.id for m in db.session.scalars(eligibility.members_query(spec, DAY))}
    assert eligibility.reasons(spec, member, DAY) == []
    assert isinstance(db.session.get(Member, member.id), Member)
