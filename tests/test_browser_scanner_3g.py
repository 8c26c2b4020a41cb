"""Scan to result on a slow phone (issue 12, item 10): Chromium throttled to 3G (400 kbps
each way, 400 ms round trip) with a 4x slower CPU, its fake camera filming a blank
picture for five seconds and then a ticket's QR. The page itself notes when the camera
first shows the code (a frame whose middle turns dark) and when the result banner says
签到成功 with the present counter moved; the two must be under 1 s apart.

With BENCH_REPORT_DIR set (make bench) it also writes its figure as a fragment for
docs/BENCHMARKS.md."""
import os
import re
import sys
from pathlib import Path

import pytest
import qrcode
from PIL import Image
from playwright.sync_api import expect

from app.checkin import service as checkin

from .conftest import phone_with_camera
from .event_factories import attendee, open_event

pytestmark = pytest.mark.browser

WIDTH, HEIGHT, FPS = 320, 240, 15
BLANK_SECONDS, CODE_SECONDS = 5, 5
THREE_G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8,
           "uploadThroughput": 400_000 / 8}
CPU_SLOWDOWN = 4
TARGET_MS = 1000

# Runs in the page before its own scripts: watches the camera's picture for the first
# dark frame (the code appears), then the banner and the counter.
WATCH = """
(() => {
  const marks = window.__scanMarks = {};
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 8;
  const context = canvas.getContext('2d', {willReadFrequently: true});
  function look() {
    const video = document.getElementById('camera-video');
    if (video && video.readyState >= 2 && marks.shown === undefined) {
      const w = video.videoWidth, h = video.videoHeight;
      context.drawImage(video, w / 2 - h / 4, h / 4, h / 2, h / 2, 0, 0, 8, 8);
      const pixels = context.getImageData(0, 0, 8, 8).data;
      let sum = 0;
      for (let i = 0; i < pixels.length; i += 4) sum += pixels[i];
      if (sum / 64 < 200) marks.shown = performance.now();
    }
    if (marks.done === undefined) requestAnimationFrame(look);
  }
  requestAnimationFrame(look);
  const fetch = window.fetch;
  window.fetch = function (url, options) {
    const scan = String(url).endsWith("/scans") && marks.sent === undefined;
    if (scan) marks.sent = performance.now();
    const answer = fetch.apply(this, arguments);
    if (scan) answer.then(() => { marks.answered = performance.now(); }, () => {});
    return answer;
  };
  new MutationObserver(() => {
    const banner = document.getElementById('scan-result');
    const present = document.getElementById('count-present');
    if (marks.banner === undefined && banner && banner.textContent.includes('签到成功')) {
      marks.banner = performance.now();
    }
    if (marks.counter === undefined && present && present.textContent.trim() === '1') {
      marks.counter = performance.now();
    }
    if (marks.banner !== undefined && marks.counter !== undefined) marks.done = true;
  }).observe(document, {subtree: true, childList: true, characterData: true});
})();
"""


def write_blank_then_code(path, text):
    """A y4m film: BLANK_SECONDS of a white picture, then CODE_SECONDS of the QR of
    ``text`` (Chromium plays it in a loop)."""
    qr = qrcode.QRCode(border=4, box_size=6, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    side = 200
    picture = qr.make_image(fill_color="black", back_color="white").get_image().convert("L")
    picture = picture.resize((side, side), Image.NEAREST)
    code = Image.new("L", (WIDTH, HEIGHT), 255)
    code.paste(picture, ((WIDTH - side) // 2, (HEIGHT - side) // 2))
    chroma = bytes([128]) * ((WIDTH // 2) * (HEIGHT // 2) * 2)
    blank = bytes([255]) * (WIDTH * HEIGHT) + chroma
    shown = code.tobytes() + chroma
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in [blank] * (BLANK_SECONDS * FPS) + [shown] * (CODE_SECONDS * FPS):
            out.write(b"FRAME\n")
            out.write(frame)


def write_fragment(folder, ms, page_ms):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import fragment

    report = fragment.Fragment(
        "bench_scanner_3g", "Scan to result on 3G",
        "The organizer's scanner page in Chromium (390x844 phone, fake camera, SQLite live "
        "server) with network emulation 400 kbps down and up, 400 ms round trip, and the CPU "
        f"{CPU_SLOWDOWN}x slower; timed in the page from the first camera frame showing the "
        "ticket's QR to the banner 签到成功 with the present counter at 1.",
        source="tests/test_browser_scanner_3g.py")
    report.row("scan to result (banner and counter)", f"{ms:.0f} ms", f"< {TARGET_MS} ms",
               ms < TARGET_MS)
    report.row("the scanner page loading on the same 3G (not a target)", f"{page_ms / 1000:.1f} s")
    report.write(folder)


def test_scan_to_result_under_a_second_on_3g_with_a_slow_cpu(browser, live_server, tmp_path, factory):
    committee = factory.branch(name="机关党委", kind="committee")
    branch = factory.branch(name="办公室党支部", parent=committee)
    organizer = factory.member(name="组织者", branch=committee, role="organizer")
    event = open_event(organizer, title="专题党课")
    session = event.sessions[0]
    attendee(factory, organizer, event, "王秀英", branch)
    _, _, code = attendee(factory, organizer, event, "李建国", branch)
    _, token = checkin.create_scanner_link(organizer, event, "东门志愿者")
    video = tmp_path / "camera.y4m"
    write_blank_then_code(video, checkin.ticket_url(code))

    with phone_with_camera(browser, live_server, video) as page:
        page.add_init_script(WATCH)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", THREE_G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.goto(f"/checkin/link/{token}")
        expect(page).to_have_url(re.compile(rf"/checkin/sessions/{session.id}/scan$"))
        page_ms = page.evaluate("() => performance.getEntriesByType('navigation').at(-1).duration")
        marks = {}
        for _ in range(300):  # polled from here: the page's CSP forbids wait_for_function's eval
            marks = page.evaluate("() => window.__scanMarks")
            if marks.get("done"):
                break
            page.wait_for_timeout(100)
        expect(page.locator("#scan-result")).to_contain_text("李建国")
        expect(page.locator("#count-present")).to_have_text("1")
        page.shot("scanner-3g")

    assert marks.get("shown") is not None, "the camera never showed the code to the page"
    ms = max(marks["banner"], marks["counter"]) - marks["shown"]
    print(f"\nscan to result on 3G with a {CPU_SLOWDOWN}x slower CPU: {ms:.0f} ms "
          f"(page loaded in {page_ms / 1000:.1f} s); marks in ms: {marks}")
    if os.environ.get("BENCH_REPORT_DIR"):
        write_fragment(os.environ["BENCH_REPORT_DIR"], ms, page_ms)
    assert ms < TARGET_MS, f"scan to result took {ms:.0f} ms"
