"""List pages print cleanly from the browser: Chromium prints the registrant list, the
audit log, an event's 出勤情况 and the member list to PDF (as Ctrl+P would); the PDF's text holds the table (its header row on
every page) and not the menu, the buttons or the filter form. The pages are also drawn
to PNG (pdftoppm, where installed) under test-output/screenshots/ to be looked at."""
import os
import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from app.registration import signup

from .conftest import SCREENSHOTS, log_in
from .event_factories import backfill, make_event, make_finished, signed_up

pytestmark = pytest.mark.browser

SCREEN_ONLY = ["活动管理", "报名管理", "修改密码", "退出", "查询", "导出Excel", "代报名", "取消报名",
               "下一页"]


def printed(page, name, tmp_path):
    """Print ``page`` to an A4 PDF; returns the text of each page, whitespace removed."""
    path = tmp_path / f"{name}.pdf"
    page.pdf(path=str(path), format="A4")
    if shutil.which("pdftoppm"):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(path),
                        os.path.join(SCREENSHOTS, f"print-{name}")], check=True)
    return [re.sub(r"\s+", "", p.extract_text()) for p in PdfReader(str(path)).pages]


@pytest.fixture
def admin_page(browser, live_server, factory):
    """A desktop page; ``page.log_in()`` signs ``page.admin`` in (after the test's own writes:
    SQLite refuses a write from a snapshot older than the server's last one)."""
    committee = factory.branch(name="市发展和改革委员会机关党委", kind="committee")
    admin = factory.member(name="管理员", branch=committee, role="admin")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  base_url=live_server)
    page = context.new_page()

    page.admin, page.committee = admin, committee
    page.log_in = lambda: log_in(page, admin)
    yield page
    context.close()


def test_registrant_list_prints_as_a_table_with_its_header_on_every_page(admin_page, factory,
                                                                         tmp_path):
    page = admin_page
    branch = factory.branch(name="国民经济综合处党支部", parent=page.committee)
    event = make_event(page.admin, publish=True, title="学习贯彻党的二十届四中全会精神专题培训班")
    names = [f"党员{n:02d}号" for n in range(50)]
    for name in names:
        member = factory.member(name=name, branch=branch, initial=True, position="一级主任科员")
        signup.register(page.admin, event.id, member_id=member.id)

    page.log_in()
    page.goto(f"/manage/events/{event.id}/registrants")
    expect(page.get_by_role("button", name="查询")).to_be_visible()
    pages = printed(page, "registrants", tmp_path)

    text = "".join(pages)
    assert event.title in text
    assert all(name in text for name in names)  # every row of the screen's page, none cut off
    assert len(pages) >= 2
    for one in pages:  # the header row repeats on each page
        assert "姓名所在支部职务手机号码状态报名方式报名时间" in one
    assert "操作" not in text  # the column of buttons is left off
    assert [word for word in SCREEN_ONLY if word in text] == []


def test_audit_log_prints_its_entries_without_the_menu(admin_page, factory, tmp_path):
    page = admin_page
    branch = factory.branch(name="办公室党支部", parent=page.committee)
    event = make_event(page.admin, publish=True, title="机关第五届职工运动会")
    for n in range(3):
        member = factory.member(name=f"职工{n}号", branch=branch, initial=True)
        signup.register(page.admin, event.id, member_id=member.id)

    page.log_in()
    page.goto("/admin/audit")
    entries = [re.sub(r"\s+", "", t) for t in page.locator("main .list > li").all_inner_texts()]
    assert len(entries) >= 4
    text = "".join(printed(page, "audit", tmp_path))
    assert "操作日志" in text
    assert all(entry in text for entry in entries)
    assert [word for word in SCREEN_ONLY if word in text] == []


def test_attendance_page_prints_its_tables_with_the_header_on_every_page(admin_page, factory,
                                                                         tmp_path):
    page = admin_page
    branch = factory.branch(name="国民经济综合处党支部", parent=page.committee)
    event = make_finished(page.admin, title="2026年度党支部书记培训班")
    first, second = event.sessions[:2]
    names = [f"学员{n:02d}号" for n in range(45)]
    for n, name in enumerate(names):
        member = factory.member(name=name, branch=branch, initial=True)
        registration = signed_up(page.admin, event, member)
        backfill(page.admin, registration, [first, second] if n % 3 else [first])

    page.log_in()
    page.goto(f"/checkin/events/{event.id}/attendance")
    expect(page.get_by_role("link", name="下载出勤报告（PDF）")).to_be_visible()
    pages = printed(page, "attendance", tmp_path)

    text = "".join(pages)
    assert "出勤情况" in text and event.title in text
    assert "各场次" in text and "各支部（人次）" in text and "每人出勤（45人）" in text
    assert all(name in text for name in names)
    assert len(pages) >= 2
    matrix = "序号姓名所在支部第1课第2课第3课第4课出席场次学时"
    starts = [n for n, one in enumerate(pages) if "学员00号" in one][0]
    for one in pages[starts:]:  # the matrix's header row repeats on each of its pages
        assert matrix in one
    screen_only = ["下载出勤报告", "Excel", "CSV", "签到表/报告", "范围", "查看"]
    assert [word for word in SCREEN_ONLY + screen_only if word in text] == []


def test_member_list_prints_its_people_without_the_menu_and_the_filters(admin_page, factory,
                                                                        tmp_path):
    page = admin_page
    branch = factory.branch(name="办公室党支部", parent=page.committee)
    for n in range(40):
        factory.member(name=f"干部{n:02d}号", branch=branch, initial=True, position="四级调研员")

    page.log_in()
    page.goto("/admin/members")
    shown = [re.sub(r"\s+", "", t) for t in page.locator("main .list > li").all_inner_texts()]
    assert len(shown) == 30  # one page of the list
    text = "".join(printed(page, "members", tmp_path))
    assert "人员" in text and "共41人" in text
    assert all(entry in text for entry in shown)  # every person of the screen's page, whole
    screen_only = ["新增人员", "姓名或手机号", "所在组织", "全部角色"]
    assert [word for word in SCREEN_ONLY + screen_only if word in text] == []
