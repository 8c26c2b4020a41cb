"""学时未达标提醒 (members below the yearly target) and the targets page: a reminder
list by branch then name, never by hours; scope; moved members; bad input; exports."""
import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.org.memberships import sync_memberships
from app.stats import below_target, facts, periods, records
from app.stats.models import HoursTarget

from .conftest import audit_entries, body_text, count_statements
from .event_factories import backfill, make_finished, signed_up

pytestmark = pytest.mark.org("finance")  # 机关党委 > 财务党总支 > 预算党支部 (one); 办公室党支部 (two)


@pytest.fixture
def people(factory, org):
    """A finished 12-session training worth 3 学时 a session (36 in all), this year.
    预算: 孙丽 36 (reached), 李明 6, 安娜 0; 办公室: 赵强 3, and 钱书记 (secretary) 36 of 56."""
    event = make_finished(org.organizer, sessions=12, branch=org.committee)
    made = {}
    for name, branch, taken, role in (("孙丽", org.one, 12, "member"), ("李明", org.one, 2, "member"),
                                      ("安娜", org.one, 0, "member"), ("赵强", org.two, 1, "member"),
                                      ("钱书记", org.two, 12, "secretary")):
        member = factory.member(name=name, branch=branch, role=role)
        registration = signed_up(org.organizer, event, member)
        backfill(org.organizer, registration, event.sessions[:taken])
        made[name] = member
    return made


def names(found):
    return [(row.branch, row.name, row.hours, row.target) for row in found.rows]


def test_who_is_below_by_branch_then_name(org, people):
    found = below_target.below_target(periods.Period.this_year())
    # tree order of branches, then 拼音 of names (an, li; qian, zhao), never by hours
    assert names(found) == [
        ("机关党委", "组织者", 0, 32),
        ("预算党支部", "安娜", 0, 32), ("预算党支部", "李明", 6, 32),
        ("办公室党支部", "钱书记", 36, 56), ("办公室党支部", "赵强", 3, 32)]
    assert "孙丽" not in [row[1] for row in names(found)]


def test_a_branch_and_its_subtree(org, people):
    period = periods.Period.this_year()
    general = below_target.below_target(period, org.general)
    assert [row.name for row in general.rows] == ["安娜", "李明"]
    assert [row.name for row in below_target.below_target(period, org.two).rows] == ["钱书记", "赵强"]


def test_a_moved_member_is_listed_under_each_branch_they_were_in_and_once_in_all(
        factory, org, people):
    li = people["李明"]
    li.branch_id = org.two.id
    sync_memberships([li.id], day=date(records.this_year(), 6, 1))
    db.session.commit()
    period = periods.Period.this_year()
    assert "李明" in [row.name for row in below_target.below_target(period, org.one).rows]
    assert "李明" in [row.name for row in below_target.below_target(period, org.two).rows]
    everyone = [row for row in below_target.below_target(period).rows if row.name == "李明"]
    assert [(row.branch, row.hours) for row in everyone] == [("办公室党支部", 6)]


def test_a_period_before_someone_joined_leaves_them_out(org, people):
    last_year = periods.Period.year(records.this_year() - 1)
    # factory members belong since 2000: everyone is listed, with 0 学时 last year
    assert {row.hours for row in below_target.below_target(last_year).rows} == {0}
    before = periods.Period(date(1999, 1, 1), date(1999, 12, 31))
    assert below_target.below_target(before).rows == []


def test_a_configured_target_moves_the_line(org, people):
    db.session.add(HoursTarget(year=records.this_year(), group="member", hours=5))
    db.session.commit()
    found = below_target.below_target(periods.Period.this_year(), org.general)
    assert [(row.name, row.target) for row in found.rows] == [("安娜", 5)]


def test_a_fixed_handful_of_statements_whatever_the_size(factory, org, people):
    def statements():
        with count_statements() as seen:
            below_target.below_target(periods.Period.this_year())
        return len(seen)

    facts.refresh()  # the fixtures' writes (tests/test_stats_facts.py counts a refresh)
    few = statements()
    for n in range(10):
        factory.member(name=f"新人{n}", branch=org.two)
    # nothing stale, (PostgreSQL: the transaction's settings), the year's targets, the list
    assert statements() == few == (4 if db.engine.dialect.name == "postgresql" else 3)


# ------------------------------------------------------------------ pages

def test_the_page_for_a_secretary_shows_the_own_subtree(as_user, factory, org, people):
    secretary = factory.member(name="预算书记", branch=org.one, role="secretary", committee=True)
    page = body_text(as_user(secretary).get("/stats/below-target"))
    assert "安娜" in page and "李明" in page and "赵强" not in page
    assert "不作排名" in page
    assert as_user(secretary).get(f"/stats/below-target?branch={org.two.id}").status_code == 403
    assert as_user(people["安娜"]).get("/stats/below-target").status_code == 403


@pytest.mark.parametrize("query, message", [
    ("from=2026-13-01", "开始日期「2026-13-01」不是有效的日期"),
    ("from=2026-05-01&to=2026-04-01", "开始日期 2026-05-01 晚于结束日期 2026-04-01"),
    ("branch=abc", "组织编号「abc」无效"),
])
def test_bad_input_is_a_message(as_user, org, people, query, message):
    answer = as_user(org.organizer).get(f"/stats/below-target?{query}")
    assert answer.status_code == 400
    assert message in body_text(answer)


def test_an_unknown_branch_is_not_found(as_user, org):
    assert as_user(org.organizer).get("/stats/below-target?branch=99999").status_code == 404


def test_the_export_matches_the_page(as_user, org, people):
    client = as_user(org.organizer)
    text = client.get(f"/stats/below-target.csv?branch={org.general.id}").get_data().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][0].startswith("学时未达标提醒名单")
    assert "范围：财务党总支" in lines[1][0]
    assert lines[2] == ["所在组织", "姓名", "对象", "已获学时", "目标学时", "还差学时"]
    assert lines[3:] == [["预算党支部", "安娜", "党员", "0.0", "32.0", "32.0"],
                         ["预算党支部", "李明", "党员", "6.0", "32.0", "26.0"]]
    assert client.get("/stats/below-target.pdf").get_data().startswith(b"%PDF")
    assert client.get("/stats/below-target.xlsx").status_code == 200
    assert [e.details["format"] for e in audit_entries("stats.below_target_export")] == [
        "csv", "pdf", "xlsx"]


# ------------------------------------------------------------------ targets page

def test_an_organizer_sets_a_year_s_targets(as_user, org, people):
    client = as_user(org.organizer)
    year = records.this_year()
    assert "32 学时<span class=\"meta\">（默认）" in body_text(client.get("/stats/targets"))
    done = client.post("/stats/targets", data={"year": str(year), "member": "40", "cadre": "60.5"},
                       follow_redirects=True)
    assert f"已保存{year}年的学时目标。" in body_text(done)
    assert records.member_record(people["李明"], year).target == 40
    assert records.member_record(people["钱书记"], year).target == 60.5
    entries = audit_entries("hours_target.set")
    assert [(e.details["group"], e.details["from_hours"], e.details["to_hours"])
            for e in entries] == [("member", None, "40"), ("cadre", None, "60.5")]
    client.post("/stats/targets", data={"year": str(year), "member": "40", "cadre": "56"})
    assert len(audit_entries("hours_target.set")) == 3  # only the change is recorded


@pytest.mark.parametrize("form, message", [
    ({"year": "26", "member": "32", "cadre": "56"}, "年份应为 2000 到 2100 之间的四位数字。"),
    ({"year": "2026", "member": "-1", "cadre": "56"}, "学时应为 0 到 500 之间的数字"),
    ({"year": "2026", "member": "32", "cadre": "5.25"}, "学时应为 0 到 500 之间的数字"),
    ({"year": "2026", "member": "三十二", "cadre": "56"}, "学时应为 0 到 500 之间的数字"),
    ({"year": "2026", "member": "nan", "cadre": "56"}, "学时应为 0 到 500 之间的数字"),
])
def test_bad_targets_are_refused_at_their_field(as_user, org, form, message):
    page = body_text(as_user(org.organizer).post("/stats/targets", data=form))
    assert message in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HoursTarget)) == 0


def test_only_organizers_and_admins_set_targets(as_user, factory, org):
    secretary = factory.member(name="书记", branch=org.one, role="secretary")
    assert as_user(secretary).get("/stats/targets").status_code == 403
    assert as_user(secretary).post("/stats/targets", data={"year": "2026", "member": "1",
                                                           "cadre": "1"}).status_code == 403
