"""The branch statistics table (app/stats/branches.py): a worked example with every number
written out, the roll-up of a moved member, scope, filters, an empty period, and the
statements it takes."""
from datetime import date

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.stats import facts
from app.stats.branches import branch_table
from app.stats.models import HoursTarget
from app.stats.periods import Filters, Period

from .conftest import count_statements
from .stats_world import AFTER, small_world

YEAR = Filters(Period.year(2026))


@pytest.fixture(autouse=True)
def clock():
    """Early January 2027: every session of the worlds has taken place."""
    with time_machine.travel(AFTER, tick=True):
        yield


@pytest.fixture
def world(org, factory):
    return small_world(org, factory)


def by_name(table):
    return {row.branch.name: row for row in table.rows}


def test_a_worked_example_of_every_column(org, world):
    db.session.add(HoursTarget(year=2026, group="member", hours=6))
    db.session.commit()
    table = branch_table(YEAR)
    rows = by_name(table)
    assert list(rows) == ["机关党委", "第一党支部", "第二党支部"]  # tree order
    assert [row.depth for row in table.rows] == [0, 1, 1]

    one, two, top = (rows[name].numbers for name in ("第一党支部", "第二党支部", "机关党委"))
    # 己 belonged to both branches in 2026: counted in each, once in the committee.
    assert (one["members"], two["members"], top["members"]) == (4, 3, 7)
    assert (one["people"], two["people"], top["people"]) == (2, 1, 3)
    assert (one["presences"], two["presences"], top["presences"]) == (3, 1, 4)
    assert (one["hours"], two["hours"], top["hours"]) == (9, 3, 12)
    assert (one["participation_rate"], two["participation_rate"],
            top["participation_rate"]) == (0.5, 0.3333, 0.4286)
    assert (one["average_hours"], two["average_hours"], top["average_hours"]) == (2.25, 1, 1.71)
    # Target 6 学时: only 甲 reached it (the 2027 lecture does not count in 2026).
    assert (one["below_target"], two["below_target"], top["below_target"]) == (3, 3, 6)
    assert (one["expected"], one["present"], one["on_leave"], one["absent"]) == (6, 3, 1, 2)
    assert (two["expected"], two["present"], two["on_leave"], two["absent"]) == (4, 1, 0, 3)
    # 指定参加: 丙 only, on leave once and absent once.
    assert (one["m_expected"], one["m_present"], one["m_on_leave"], one["m_absent"],
            one["m_rate"]) == (2, 0, 1, 1, 0.0)
    assert two["m_expected"] == 0 and two["m_rate"] is None
    assert top["by_kind"]["training"] == 4 and top["by_kind"]["lecture"] == 0
    assert table.kinds == [("training", "培训班")]
    assert table.total == top


def test_a_later_period_no_longer_counts_the_member_who_left(org, world):
    table = branch_table(Filters(Period(date(2026, 7, 1), date(2026, 12, 31))))
    rows = by_name(table)
    assert rows["第一党支部"].numbers["members"] == 3
    assert rows["第二党支部"].numbers["members"] == 3


def test_the_new_year_lecture_counts_in_2027_and_a_kind_filter_narrows(org, world):
    rows = by_name(branch_table(Filters(Period.year(2027))))
    assert rows["第一党支部"].numbers["presences"] == 1
    assert rows["第一党支部"].numbers["hours"] == 2
    lectures = by_name(branch_table(Filters(Period.year(2026), kind="lecture")))
    assert lectures["机关党委"].numbers["presences"] == 0
    assert lectures["机关党委"].numbers["members"] == 7  # members do not depend on the filter


def test_a_secretary_sees_their_own_subtree(org, world):
    table = branch_table(YEAR, within=org.two)
    assert [row.branch.name for row in table.rows] == ["第二党支部"]
    assert table.rows[0].depth == 0
    assert table.total["people"] == 1


def test_an_empty_period_is_a_table_of_zeros(org, world):
    table = branch_table(Filters(Period(date(2030, 1, 1), date(2030, 1, 31))))
    assert table.total["presences"] == 0 and table.total["hours"] == 0
    assert table.total["participation_rate"] == 0.0  # members, nobody came
    assert table.total["attendance_rate"] is None


def test_the_table_takes_a_fixed_number_of_statements(org, world, factory):
    facts.refresh()  # the world's writes; tests/test_stats_facts.py counts a refresh's statements
    with count_statements() as few:
        branch_table(YEAR)
    for n in range(5):
        branch = factory.branch(f"新党支部{n}", parent=org.committee)
        factory.member(name=f"新人{n}", branch=branch)
    with count_statements() as more:
        branch_table(YEAR)
    # nothing stale, the branches, (PostgreSQL: the transaction's settings), the targets, the table
    assert len(more) == len(few) <= 5


def test_the_rebuild_command_builds_the_same_numbers(app, org, world):
    before = by_name(branch_table(YEAR))[org.committee.name].numbers
    db.session.execute(sa.text("DELETE FROM presence_fact"))
    db.session.execute(sa.text("DELETE FROM member_year"))
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["stats-rebuild"])

    assert result.exit_code == 0 and "出勤统计数据已重建" in result.output
    assert by_name(branch_table(YEAR))[org.committee.name].numbers == before
