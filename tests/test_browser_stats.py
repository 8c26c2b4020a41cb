"""The statistics pages in a browser: a 360 px phone without sideways scrolling, rows that
collapse along the tree, headers that sort, and an office PC."""
import pytest
import time_machine
from playwright.sync_api import expect

from .conftest import fits, log_in
from .stats_world import AFTER, small_world

pytestmark = [pytest.mark.browser]

YEAR = "from=2026-01-01&to=2026-12-31"


@pytest.fixture
def world(org, factory):
    with time_machine.travel(AFTER, tick=True):
        found = small_world(org, factory)
        for n in range(3):  # a branch below the first one, to fold away
            group = factory.branch(f"第一支部第{n + 1}党小组", parent=org.one)
            factory.member(name=f"小组成员{n}", branch=group)
        yield found


def test_the_branch_table_on_a_small_phone(org, world, small_phone):
    with time_machine.travel(AFTER, tick=True):
        log_in(small_phone, org.organizer)
        small_phone.goto(f"/stats?{YEAR}")
        expect(small_phone.locator("h1")).to_have_text("参与统计")
        fits(small_phone, 360)
        group = small_phone.locator("tr", has_text="第一支部第1党小组")
        expect(group).to_be_hidden()  # below 第一党支部, folded at first
        small_phone.get_by_role("button", name="收起或展开第一党支部的下级组织").click()
        expect(group).to_be_visible()
        small_phone.shot("stats-branches-360")
        fits(small_phone, 360)


def test_sorting_a_column_and_going_back_to_the_tree(org, world, desktop):
    with time_machine.travel(AFTER, tick=True):
        log_in(desktop, org.organizer)
        desktop.goto(f"/stats?{YEAR}")
        desktop.get_by_role("button", name="参与人次").click()
        names = desktop.locator("tbody tr td.branch-name")
        expect(names.first).to_contain_text("机关党委")  # 4 presences, the most
        expect(names.nth(1)).to_contain_text("第一党支部")  # 3
        expect(desktop.locator("tr", has_text="第一支部第1党小组")).to_be_visible()
        desktop.get_by_role("button", name="按组织顺序").click()
        expect(names.nth(1)).to_contain_text("第一党支部")
        expect(desktop.locator("tr", has_text="第一支部第1党小组")).to_be_hidden()
        desktop.shot("stats-branches-desktop")


def test_the_event_summary_on_a_small_phone(org, world, small_phone):
    with time_machine.travel(AFTER, tick=True):
        log_in(small_phone, org.organizer)
        small_phone.goto(f"/stats/events/{world.event.id}")
        expect(small_phone.locator("h1")).to_have_text("出勤汇总")
        fits(small_phone, 360)
        small_phone.shot("stats-event-360")
