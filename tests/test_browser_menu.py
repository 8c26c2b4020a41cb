"""The top menu on a 360 px phone, for each role: nothing wider than the screen, every
page of the menu reachable (in the bar, or under 「管理」 once it is open), tap targets of
at least 44 px, and 修改密码 and 退出 always there."""
import pytest
from playwright.sync_api import expect

from .conftest import log_in

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 360, 740
BAR = ["首页", "活动", "修改密码"]
STAFF = ["活动管理", "报名管理", "人员"]
ADMIN = STAFF + ["组织架构", "导入花名册", "操作日志"]
GROUP = {"member": [], "secretary": STAFF, "organizer": STAFF, "admin": ADMIN}


def on_screen(locator):
    """Visible, inside the 360 px width, and at least 44 px tall."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    assert box["height"] >= 44, box


@pytest.mark.parametrize("role", ["member", "secretary", "organizer", "admin"])
def test_every_menu_item_is_reachable_at_360_px(small_phone, factory, role):
    page = small_phone
    committee = factory.branch(name="市发展和改革委员会机关党委", kind="committee")
    branch = factory.branch(name="办公室党支部", parent=committee)
    person = factory.member(name="欧阳建国", branch=branch if role in ("member", "secretary")
                            else committee, role=role)
    log_in(page, person)

    nav = page.get_by_role("navigation", name="主菜单")
    expect(nav).to_be_visible()
    assert nav.evaluate("el => el.scrollWidth") <= WIDTH
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    for label in BAR:
        on_screen(nav.get_by_role("link", name=label, exact=True))
    on_screen(page.get_by_role("button", name="退出"))
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 17

    group = GROUP[role]
    manage = nav.locator("summary", has_text="管理")
    if not group:
        expect(manage).to_have_count(0)
        page.shot(f"menu-{role}")
        return
    for label in group:  # folded away until 管理 is opened
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_hidden()
    page.shot(f"menu-{role}")
    on_screen(manage)
    manage.tap()
    for label in group:
        on_screen(nav.get_by_role("link", name=label, exact=True))
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.shot(f"menu-{role}-open")

    # A tap elsewhere folds it again; a page from the group marks 管理 as where one is.
    # (below the open list, which grows with the menu: a fixed spot may fall on it)
    opened = nav.locator(".navgroup-list").bounding_box()
    page.touchscreen.tap(20, opened["y"] + opened["height"] + 20)
    expect(nav.get_by_role("link", name=group[-1], exact=True)).to_be_hidden()
    manage.tap()
    nav.get_by_role("link", name=group[-1], exact=True).tap()
    expect(page.get_by_role("heading", name=group[-1])).to_be_visible()
    expect(nav.locator("summary.is-current")).to_have_text("管理")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_the_menu_opens_without_javascript(browser, live_server, factory):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT},
                                  java_script_enabled=False, base_url=live_server)
    page = context.new_page()
    admin = factory.member(name="管理员", role="admin")
    log_in(page, admin)
    nav = page.get_by_role("navigation", name="主菜单")
    expect(nav.get_by_role("link", name="操作日志")).to_be_hidden()
    nav.locator("summary", has_text="管理").click()
    nav.get_by_role("link", name="操作日志").click()
    expect(page.get_by_role("heading", name="操作日志")).to_be_visible()
    context.close()
