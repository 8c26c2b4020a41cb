"""Report downloads that show they are under way (static/js/downloads.js), on a 360 px phone
under the app's Content-Security-Policy: a tap on 「下载统计表（PDF）」 says 「正在生成 PDF…」,
counts the seconds, ignores a second tap and saves the file under the server's name; a
refused file shows the server's Chinese message, a broken one a plain one; inside WeChat
the link downloads as a plain link."""
from urllib.parse import urlsplit

import pytest
import time_machine
from playwright.sync_api import expect

from .conftest import PHONE, fits, log_in
from .stats_world import AFTER, small_world
from .test_browser_csp import clean, watch

pytestmark = [pytest.mark.browser]

YEAR = "from=2026-01-01&to=2026-12-31"
PDF_FILE = "**/stats/branches.pdf*"


@pytest.fixture
def world(org, factory):
    with time_machine.travel(AFTER, tick=True):
        yield small_world(org, factory)


@pytest.fixture
def stats_page(org, world, small_phone):
    """The organizer's 参与统计 for 2026 on a 360 px phone, watched for CSP violations."""
    with time_machine.travel(AFTER, tick=True):
        watch(small_phone)
        log_in(small_phone, org.organizer)
        small_phone.goto(f"/stats?{YEAR}")
        yield small_phone


def test_a_pdf_shows_the_seconds_then_downloads_under_the_servers_name(stats_page):
    page = stats_page
    with time_machine.travel(AFTER, tick=True):
        held, asked = [], []
        page.on("request", lambda request: "/stats/branches.pdf" in request.url
                and asked.append(request.url))
        page.route(PDF_FILE, lambda route: held.append(route))  # answered below, when we say
        button = page.get_by_role("link", name="下载统计表（PDF）")
        line = page.locator(".download-status")
        expect(line).to_have_attribute("role", "status")
        expect(line).to_have_attribute("aria-live", "polite")

        button.click()
        expect(line).to_have_text("正在生成 PDF…")
        expect(button).to_have_attribute("aria-disabled", "true")
        expect(page.get_by_role("link", name="CSV")).to_have_attribute("aria-disabled", "true")
        expect(line).to_have_text("正在生成 PDF，已用 1 秒…", timeout=3000)
        button.click(force=True)  # the impatient second tap (aria-disabled: forced)
        page.get_by_role("link", name="Excel").click(force=True)
        fits(page, 360)
        page.shot("downloads-generating-360")
        assert len(held) == 1 and len(asked) == 1

        with page.expect_download() as info:
            held[0].continue_()
        download = info.value
        assert download.suggested_filename == "参与统计-2026年.pdf"
        with open(download.path(), "rb") as saved:
            assert saved.read(4) == b"%PDF"
        expect(line).to_have_text("已生成，正在下载")
        expect(button).not_to_have_attribute("aria-disabled", "true")
        assert urlsplit(page.url).path == "/stats"  # the page stayed
        fits(page, 360)
        clean(page)


def test_a_refused_file_shows_the_servers_message(stats_page):
    page = stats_page
    with time_machine.travel(AFTER, tick=True):
        button = page.get_by_role("link", name="下载统计表（PDF）")
        button.evaluate("a => { a.href = a.href.replace(/from=[^&]*/, 'from=2026-12-31')"
                        ".replace(/to=[^&]*/, 'to=2026-01-01'); }")
        button.click()
        line = page.locator(".download-status")
        expect(line).to_have_text("开始日期 2026-12-31 晚于结束日期 2026-01-01，请调换或重新选择。")
        expect(line).to_have_class("download-status no-print is-error")
        expect(button).not_to_have_attribute("aria-disabled", "true")
        fits(page, 360)
        page.shot("downloads-refused-360")
        clean(page)


def test_a_server_error_or_a_lost_network_says_so_in_chinese(stats_page):
    page = stats_page
    with time_machine.travel(AFTER, tick=True):
        line = page.locator(".download-status")
        button = page.get_by_role("link", name="下载统计表（PDF）")
        page.route(PDF_FILE, lambda route: route.fulfill(status=502, body="Bad Gateway",
                                                         content_type="text/plain"))
        button.click()
        expect(line).to_have_text("生成失败，请稍后再试")
        page.unroute(PDF_FILE)
        page.route(PDF_FILE, lambda route: route.abort("internetdisconnected"))
        button.click()
        expect(line).to_have_text("网络中断，请稍后再试")
        expect(button).not_to_have_attribute("aria-disabled", "true")
        page.unroute(PDF_FILE)
        page.route(PDF_FILE, lambda route: route.fulfill(
            status=500, content_type="application/json",
            json={"result": "error", "error": {"code": "server_error", "message": "系统暂时无法完成这个操作。"}}))
        button.click()
        expect(line).to_have_text("系统暂时无法完成这个操作。")


def test_inside_wechat_the_link_stays_a_plain_download(org, world, browser, live_server):
    agent = ("Mozilla/5.0 (Linux; Android 13; V2217A) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/116.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F37) WeChat/arm64")
    context = browser.new_context(**{**PHONE, "viewport": {"width": 360, "height": 740}},
                                  user_agent=agent, base_url=live_server)
    try:
        page = context.new_page()
        with time_machine.travel(AFTER, tick=True):
            log_in(page, org.organizer)
            page.goto(f"/stats?{YEAR}")
            with page.expect_download() as info:
                page.get_by_role("link", name="下载统计表（PDF）").click()
            assert info.value.suggested_filename == "参与统计-2026年.pdf"
            expect(page.locator(".download-status")).to_have_count(0)
    finally:
        context.close()
