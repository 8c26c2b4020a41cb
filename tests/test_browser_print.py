"""List pages print cleanly from the browser: Chromium prints the registrant list and the
audit log to PDF (as Ctrl+P would); the PDF's text holds the table (its header row on
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
from .event_factories import make_event

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
