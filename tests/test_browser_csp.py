"""The pages that run scripts work under the Content-Security-Policy the app sends
(app/security.py: scripts from the site's own files only, no inline script, no eval): the
scanner with its camera decoding a ticket, the live board, the self check-in screen, an
event page where a member registers, and the registrant list with the 「管理」 menu. The
test fails on any CSP violation or script error."""
from datetime import timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from app.checkin import service as checkin
from app.registration import signup
from app.security import CONTENT_SECURITY_POLICY
from app.timeutil import utcnow

from .conftest import log_in, phone_with_camera, write_y4m
from .event_factories import make_event, session_rows

pytestmark = pytest.mark.browser

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""


def watch(page):
    """Record CSP violations (as events and as console errors) and uncaught script errors."""
    page.problems = []
    page.add_init_script(WATCH)
    page.on("console", lambda m: m.type == "error" and "Content Security Policy" in m.text
            and page.problems.append(m.text))
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    return page


def clean(page):
    assert page.evaluate("document.documentElement.classList.contains('js')")  # forms.js ran
    assert page.problems + page.evaluate("window.__csp") == []


@pytest.fixture
def scene(factory):
    committee = factory.branch(name="机关党委", kind="committee")
    branch = factory.branch(name="办公室党支部", parent=committee)
    organizer = factory.member(name="组织者", branch=committee, role="organizer")
    start = (utcnow() - timedelta(minutes=5)).replace(microsecond=0)
    event = make_event(organizer, sessions=session_rows(1, start=start), publish=True,
                       title="学习贯彻党的二十届四中全会精神专题党课")
    alice = factory.member(name="王秀英", branch=branch)
    alice_reg = signup.register(organizer, event.id, member_id=alice.id)
    return SimpleNamespace(organizer=organizer, event=event, branch=branch, alice_reg=alice_reg,
                           code=checkin.ticket_for(alice_reg).code)


def test_scanner_decodes_a_ticket_under_the_policy(browser, live_server, scene, tmp_path):
    video = tmp_path / "camera.y4m"
    write_y4m(video, checkin.ticket_url(scene.code))
    _, token = checkin.create_scanner_link(scene.organizer, scene.event, "东门志愿者")
    with phone_with_camera(browser, live_server, video) as page:
        watch(page)
        opened = page.goto(f"/checkin/link/{token}")  # the scanner, after a redirect
        assert opened.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        expect(page.locator("#scan-result")).to_contain_text("签到成功")  # camera, worker, API
        expect(page.locator("#count-present")).to_have_text("1")
        page.locator("#search-input").fill("王秀英")
        expect(page.locator("#search-results")).to_contain_text("已签到")
        clean(page)


def test_staff_pages_run_their_scripts_under_the_policy(browser, live_server, scene):
    organizer, event = scene.organizer, scene.event
    session = event.sessions[0]
    context = browser.new_context(viewport={"width": 1280, "height": 720}, base_url=live_server)
    context.set_default_timeout(10_000)
    page = watch(context.new_page())
    page.goto(f"/checkin/sessions/{session.id}/board")
    log_in(page, organizer)
    expect(page.locator("#board")).to_have_attribute("data-ready", "1")
    checkin.perform_checkin(session.id, method="manual", registration_id=scene.alice_reg.id,
                            operator=organizer)
    expect(page.locator(".board-big[data-field=present]")).to_have_text("1", timeout=12_000)
    clean(page)

    page.goto(f"/checkin/sessions/{session.id}/self")
    expect(page.locator("#selfscreen")).to_have_attribute("data-ready", "1")
    expect(page.locator("#selfscreen-qr svg")).to_be_visible()
    clean(page)

    page.goto(f"/manage/events/{event.id}/registrants")
    expect(page.get_by_text("王秀英").first).to_be_visible()
    nav = page.get_by_role("navigation", name="主菜单")
    nav.locator("summary", has_text="管理").click()
    expect(nav.get_by_role("link", name="报名管理")).to_be_visible()
    page.locator("main").click(position={"x": 5, "y": 300})  # menu.js folds it again
    expect(nav.get_by_role("link", name="报名管理")).to_be_hidden()
    clean(page)
    context.close()


def test_member_registers_on_the_event_page_under_the_policy(phone, live_server, scene, factory):
    member = factory.member(name="李建国", branch=scene.branch)
    watch(phone)
    phone.goto(f"{live_server}/events/{scene.event.id}")
    log_in(phone, member)
    phone.get_by_role("button", name="报名", exact=True).tap()
    expect(phone.get_by_role("status").filter(has_text="报名成功")).to_be_visible(timeout=10_000)
    expect(phone.get_by_text("已报名").first).to_be_visible()
    phone.wait_for_load_state("load")
    clean(phone)
