"""Statistics groundwork: memberships follow every member write, the period parser, targets."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.errors import DomainError
from app.extensions import db
from app.org import service
from app.org.memberships import sync_memberships, today
from app.org.models import Member, Membership
from app.org.roster.batches import commit_batch, create_batch
from app.stats.models import HoursTarget
from app.stats.periods import Period, parse_filters
from app.stats.targets import group_of, target_expression, target_hours

from .conftest import member_by_phone
from .factories import person, xlsx_file


def stays(member_id):
    """[(branch id, started_on, ended_on)] of a member, oldest first."""
    db.session.expire_all()
    return [tuple(row) for row in db.session.execute(
        sa.select(Membership.branch_id, Membership.started_on, Membership.ended_on)
        .where(Membership.member_id == member_id)
        .order_by(Membership.started_on, Membership.id))]


def member_data(branch, **fields):
    return {"name": "王小明", "phone": "13712345678", "branch_id": branch.id,
            "political_status": "01", "role": "member", **fields}


# ------------------------------------------------------------------ memberships

@pytest.mark.org("admin_tree")
def test_a_created_member_belongs_to_their_branch_from_today(org):
    member, _ = service.create_member(org["admin"], member_data(org["first"]))
    assert stays(member.id) == [(org["first"].id, today(), None)]


@pytest.mark.org("admin_tree")
def test_moving_a_member_closes_the_old_stay_and_opens_the_new_one(org, factory):
    member = factory.member("李四", branch=org["first"], since=date(2025, 3, 1))
    service.update_member(org["admin"], member, {"branch_id": org["second"].id})
    assert stays(member.id) == [(org["first"].id, date(2025, 3, 1), today()),
                                (org["second"].id, today(), None)]


@pytest.mark.org("admin_tree")
def test_an_edit_that_keeps_the_branch_leaves_the_stay_alone(org, factory):
    member = factory.member("李四", branch=org["first"], since=date(2025, 3, 1))
    service.update_member(org["admin"], member, {"unit": "财务处"})
    assert stays(member.id) == [(org["first"].id, date(2025, 3, 1), None)]


@pytest.mark.org("admin_tree")
def test_a_move_on_the_day_of_joining_rewrites_that_days_stay(org):
    member, _ = service.create_member(org["admin"], member_data(org["first"]))
    service.update_member(org["admin"], member, {"branch_id": org["second"].id})
    assert stays(member.id) == [(org["second"].id, today(), None)]


@pytest.mark.org("admin_tree")
def test_deactivating_ends_the_stay_and_reactivating_opens_another(org, factory):
    member = factory.member("李四", branch=org["first"], since=date(2025, 3, 1))
    later = today() + timedelta(days=3)
    service.deactivate_member(org["admin"], member)
    assert stays(member.id) == [(org["first"].id, date(2025, 3, 1), today())]
    with time_machine.travel(later + timedelta(hours=12), tick=False):
        service.reactivate_member(org["admin"], member)
    assert stays(member.id) == [(org["first"].id, date(2025, 3, 1), today()),
                                (org["first"].id, later, None)]


@pytest.mark.org("admin_tree")
def test_reactivating_on_the_day_of_deactivating_reopens_the_same_stay(org, factory):
    member = factory.member("李四", branch=org["first"], since=date(2025, 3, 1))
    service.deactivate_member(org["admin"], member)
    service.reactivate_member(org["admin"], member)
    assert stays(member.id) == [(org["first"].id, date(2025, 3, 1), None)]


@pytest.mark.org("admin_tree")
def test_a_refused_move_writes_no_stay(org, factory):
    member = factory.member("李四", branch=org["first"], since=date(2025, 3, 1))
    closed = factory.branch("已撤销党支部", parent=org["top"], active=False)
    with pytest.raises(DomainError):
        service.update_member(org["admin"], member, {"branch_id": closed.id})
    assert stays(member.id) == [(org["first"].id, date(2025, 3, 1), None)]


@pytest.mark.org("roster")
def test_a_roster_import_opens_stays_for_new_members_and_moves_updated_ones(org, factory):
    moved = factory.member("赵六", branch=org["c1_first"], phone="13811110009",
                           since=date(2024, 1, 1))
    back = factory.member("钱七", branch=org["c1_first"], phone="13811110008",
                          since=date(2024, 1, 1))
    service.deactivate_member(org["admin"], back)
    data = xlsx_file([
        person("张三", "13811110001", "第二党支部"),
        person("赵六", "13811110009", "第二党支部"),
        person("钱七", "13811110008", "机关第二党委/第一党支部"),
    ])
    batch = create_batch(org["admin"], data, "花名册.xlsx")
    assert batch.error_count == 0, batch.summary["problems"]
    commit_batch(org["admin"], batch.id)

    zhang = member_by_phone("13811110001")
    assert stays(zhang.id) == [(org["c1_second"].id, today(), None)]
    assert stays(moved.id) == [(org["c1_first"].id, date(2024, 1, 1), today()),
                               (org["c1_second"].id, today(), None)]
    # Deactivated and brought back by the same day's import, into another branch.
    assert stays(back.id) == [(org["c1_first"].id, date(2024, 1, 1), today()),
                              (org["c2_first"].id, today(), None)]


def test_sync_is_a_handful_of_statements_for_many_members(factory):
    from .conftest import count_statements
    branch = factory.branch()
    members = [Member(name=f"人员{n}", phone=f"1370000{n:04d}", branch=branch,
                      political_status="01") for n in range(300)]
    db.session.add_all(members)
    db.session.flush()
    with count_statements() as seen:
        sync_memberships([m.id for m in members], day=date(2026, 2, 1))
    assert len(seen) <= 4
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Membership)) == 300


# ------------------------------------------------------------------ periods

def refusal(args):
    with pytest.raises(DomainError) as caught:
        parse_filters(args)
    return caught.value


def test_no_dates_mean_this_local_year():
    with time_machine.travel("2026-12-31T17:00:00+00:00", tick=False):  # 2027-01-01 in Shanghai
        filters = parse_filters({})
    assert filters.period == Period(date(2027, 1, 1), date(2027, 12, 31))
    assert filters.period.label == "2027年" and filters.kind is None and filters.event_id is None


def test_one_date_fills_the_other_from_its_year():
    assert parse_filters({"from": "2026-03-01"}).period == Period(date(2026, 3, 1),
                                                                  date(2026, 12, 31))
    assert parse_filters({"to": "2025-06-30", "from": ""}).period == Period(date(2025, 1, 1),
                                                                            date(2025, 6, 30))


def test_kind_and_event_are_read():
    filters = parse_filters({"from": "2026-01-01", "to": "2026-06-30", "kind": "lecture",
                             "event": "12"})
    assert (filters.kind, filters.kind_label, filters.event_id) == ("lecture", "党课", 12)
    assert filters.query_args() == {"from": "2026-01-01", "to": "2026-06-30",
                                    "kind": "lecture", "event": "12"}
    assert filters.description("七一党课") == ("统计时段：2026-01-01 至 2026-06-30；"
                                           "活动类型：党课；活动：七一党课")


@pytest.mark.parametrize("args, field, words", [
    ({"from": "2026-13-01"}, "from", "开始日期「2026-13-01」不是有效的日期"),
    ({"to": "2026/03/01"}, "to", "结束日期「2026/03/01」不是有效的日期"),
    ({"from": "２０２６-01-01"}, "from", "不是有效的日期"),
    ({"from": "1900-01-01"}, "from", "开始日期应在 2000 年至 2099 年之间"),
    ({"from": "2026-05-01", "to": "2026-04-01"}, "to", "开始日期 2026-05-01 晚于结束日期 2026-04-01"),
    ({"from": "2000-01-01", "to": "2026-04-01"}, "to", "统计时段最长 10 年"),
    ({"kind": "party"}, "kind", "没有「party」这种活动类型"),
    ({"event": "abc"}, "event", "活动编号「abc」无效"),
    ({"event": "0"}, "event", "活动编号「0」无效"),
])
def test_bad_filters_are_refused_in_chinese_on_their_field(args, field, words):
    error = refusal(args)
    assert error.field == field and error.http_status == 400
    assert words in error.message


def test_a_period_spans_its_years_and_months():
    period = Period(date(2025, 11, 15), date(2026, 2, 10))
    assert period.years == [2025, 2026]
    assert period.year_spans() == [(2025, date(2025, 11, 15), date(2025, 12, 31)),
                                   (2026, date(2026, 1, 1), date(2026, 2, 10))]
    assert period.months() == [(2025, 11), (2025, 12), (2026, 1), (2026, 2)]
    # Local midnight in Shanghai is 16:00 UTC the day before.
    assert period.starts_at.isoformat().startswith("2025-11-15T00:00:00+08:00")


# ------------------------------------------------------------------ targets

@pytest.mark.org("admin_tree")
def test_targets_default_to_32_and_56_and_follow_the_years_rows(org, factory):
    plain = factory.member("王五", branch=org["first"])
    secretary = factory.member("赵书记", branch=org["first"], role="secretary")
    committee = factory.member("孙委员", branch=org["first"], committee=True)
    assert [group_of(m) for m in (plain, secretary, committee)] == ["member", "cadre", "cadre"]
    assert (target_hours(2026, "member"), target_hours(2026, "cadre")) == (32, 56)

    db.session.add(HoursTarget(year=2026, group="member", hours=40))
    db.session.commit()
    assert (target_hours(2026, "member"), target_hours(2025, "member")) == (40, 32)

    # As SQL, for GROUP BY: a period over 2025 and 2026 asks for both years' hours.
    found = dict(db.session.execute(
        sa.select(Member.id, target_expression([2025, 2026]))
        .where(Member.id.in_([plain.id, secretary.id, committee.id]))).all())
    assert found == {plain.id: 72, secretary.id: 112, committee.id: 112}
