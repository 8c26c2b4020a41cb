"""Page weight: the bytes a phone downloads, gzip-compressed as nginx sends them.

    .venv/bin/python bench/bench_pages.py            # the demo data, then a busy member
    .venv/bin/python bench/bench_pages.py --quick    # the demo data only (make bench-quick, CI)

Targets (issue 12, item 9): a member page on a first visit (its HTML and every stylesheet
and script it loads) at most 30 KB; the scanner page with its assets and the QR decoder
at most 80 KB; on a repeat visit no static file is fetched again (every asset URL is
fingerprinted and cached for a year). Sizes do not depend on the machine, so the quick
pass checks the targets too and exits 1 when one is missed.

Member pages: 首页 (/), 活动 (/events), an event, the ticket (/t/<code>) and every page
under /my/ that takes no argument (我的活动, and 我的学习档案 once it exists), for the
demo member 陈思远. The scanner is the organizer's page for one session; its decoder
(qr-scanner-worker.min.js) is what qr-scanner imports when the camera starts, counted
always although Chrome on Android decodes with its BarcodeDetector instead. Old WebViews
load qr-scanner's legacy build in place of the regular one; that variant is shown apart.

Each size is gzip level 5 (deploy/nginx-site.conf's gzip_comp_level) of the bytes the app
answers; the app's own gzip of static files (level 6, `make run`) is no larger.
"""
import argparse
import gzip
import re
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import fragment  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.checkin.service import ticket_for  # noqa: E402
from app.demo import seed_events  # noqa: E402
from app.events import service as events  # noqa: E402
from app.events.models import Event  # noqa: E402
from app.extensions import db  # noqa: E402
from app.org.demo import seed as seed_organisation  # noqa: E402
from app.org.models import Branch, Member  # noqa: E402
from app.registration import signup  # noqa: E402
from app.registration.models import Registration  # noqa: E402
from app.timeutil import utcnow  # noqa: E402

MEMBER_TARGET = 30 * 1024
SCANNER_TARGET = 80 * 1024
MEMBER_PHONE, ORGANIZER_PHONE, PASSWORD = "13900000004", "13900000002", "demo1234"
ASSET = re.compile(r'<(?:script|link)\b[^>]*?(?:src|href)="(/static/[^"]+)"')
LEGACY = re.compile(r'data-legacy-src="(/static/[^"]+)"')
DECODER = "/static/vendor/qr-scanner-1.4.2/qr-scanner-worker.min.js"
REGULAR_BUILD = "qr-scanner.umd.min.js"
YEAR = "max-age=31536000"


def gzipped(data):
    return len(gzip.compress(data, compresslevel=5, mtime=0))


@dataclass
class Page:
    name: str
    path: str
    html: int = 0
    assets: dict = field(default_factory=dict)  # URL -> gzip bytes
    refetched: list = field(default_factory=list)  # assets a repeat visit would fetch again

    @property
    def first_visit(self):
        return self.html + sum(self.assets.values())


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the demo data only (CI)")
    fragment.add_options(parser)  # --both is moot: the sizes do not depend on the database
    return parser.parse_args()


def make_app(workdir):
    app = create_app({"APP_ENV": "testing", "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/pages.db"})
    with app.app_context():
        upgrade()
        seed_organisation()
        seed_events()
    return app


def member_registration(member):
    """A confirmed registration of ``member`` for an upcoming event (registered now if none)."""
    registration = db.session.scalar(
        db.select(Registration).join(Event).where(
            Registration.member_id == member.id, Registration.status == "confirmed",
            Event.status == "published").order_by(Registration.id))
    if registration is None:
        for event in events.listed_events():
            try:
                registration = signup.register(member, event.id)
            except Exception as error:  # a refused registration: try the next event
                if not hasattr(error, "code"):
                    raise
                continue
            if registration.status == "confirmed":
                break
    return registration


def add_busy_member(member, count=40):
    """``count`` more published events, ``member`` registered for each: a long event list
    and a full 我的活动."""
    organizer = db.session.scalar(db.select(Member).filter_by(phone=ORGANIZER_PHONE))
    committee = db.session.scalar(db.select(Branch).filter_by(kind="committee").order_by(Branch.id))
    start = (utcnow() + timedelta(days=20)).replace(minute=0, second=0, microsecond=0)
    for n in range(count):
        begins = start + timedelta(days=n)
        event = events.create_event(organizer, {
            "title": f"学习贯彻专题党课（第{n + 1}期）", "kind": "lecture",
            "organizer_branch_id": committee.id, "place": "机关大楼三楼报告厅",
            "registration_opens_at": utcnow() - timedelta(days=1), "capacity": 200,
            "summary": "围绕党的创新理论开展专题学习，结合本单位实际交流研讨。"},
            [{"title": "", "starts_at": begins, "ends_at": begins + timedelta(hours=2),
              "credit_hours": 2, "place": "机关大楼三楼报告厅"}])
        events.publish_event(organizer, event)
        signup.register(member, event.id)


def measure(client, name, path):
    """The page and its assets, as a first and as a repeat visit would fetch them."""
    response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    html = response.get_data()
    page = Page(name, path, html=gzipped(html))
    text = html.decode()
    for url in ASSET.findall(text):
        asset(client, page, url)
    return page, text


def asset(client, page, url):
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    page.assets[url] = gzipped(response.get_data())
    if YEAR not in response.headers.get("Cache-Control", ""):
        page.refetched.append(url)


def logged_in(app, phone):
    client = app.test_client()
    response = client.post("/login", data={"phone": phone, "password": PASSWORD})
    assert response.status_code == 302, "demo login failed"
    return client


def member_pages(app, client):
    with app.app_context():
        member = db.session.scalar(db.select(Member).filter_by(phone=MEMBER_PHONE))
        registration = member_registration(member)
        event_id, code = registration.event_id, ticket_for(registration).code
        db.session.commit()
        mine = sorted(str(rule) for rule in app.url_map.iter_rules()
                      if str(rule).startswith("/my/") and not rule.arguments
                      and "GET" in rule.methods)
    paths = [("首页", "/"), ("活动", "/events"), ("活动详情", f"/events/{event_id}"),
             ("电子票", f"/t/{code}")] + [(None, path) for path in mine]
    pages = []
    for name, path in paths:
        page, text = measure(client, name, path)
        if name is None:  # a page under /my/: its title names it
            page.name = f"{re.search(r'<title>([^<·]+)', text).group(1).strip()} ({path})"
        pages.append(page)
    return pages


def scanner_pages(app, client):
    with app.app_context():
        event = events.listed_events()[0]
        session_id = event.sessions[0].id
    page, text = measure(client, "扫码签到", f"/checkin/sessions/{session_id}/scan")
    asset(client, page, DECODER)
    legacy = Page("扫码签到（旧版 WebView）", page.path, html=page.html,
                  assets={url: size for url, size in page.assets.items() if REGULAR_BUILD not in url})
    for url in LEGACY.findall(text):
        asset(client, legacy, url)
    return [page, legacy]


def pad(text, width):
    """``text`` padded to ``width`` columns, a CJK character taking two."""
    return text + " " * (width - sum(2 if unicodedata.east_asian_width(c) in "WF" else 1
                                     for c in text))


def report(title, pages, target):
    print(f"\n{title} (gzip level 5; target {target // 1024} KB on a first visit)")
    print(f"  {pad('page', 26)} {'HTML':>8} {'assets':>8} {'first visit':>12} {'repeat':>8}  static refetched")
    failures = []
    for page in pages:
        kb = lambda n: f"{n / 1024:.1f} KB"  # noqa: E731
        print(f"  {pad(page.name, 26)} {kb(page.html):>8} {kb(sum(page.assets.values())):>8} "
              f"{kb(page.first_visit):>12} {kb(page.html):>8}  {len(page.refetched)}")
        if page.first_visit > target:
            failures.append(f"{page.name} ({page.path}): {page.first_visit / 1024:.1f} KB > "
                            f"{target // 1024} KB")
        failures += [f"{page.name}: {url} is not cached for a year" for url in page.refetched]
    return failures


def assets_table(pages):
    sizes = {}
    for page in pages:
        sizes.update(page.assets)
    print("\nAssets (gzip level 5)")
    for url, size in sorted(sizes.items(), key=lambda item: -item[1]):
        print(f"  {size / 1024:6.1f} KB  {url.split('?')[0]}")


def weigh(frag, pages, target, case):
    """One row per page: first visit against the target, and what a repeat visit fetches."""
    for page in pages:
        repeat = f"{page.html / 1024:.1f} KB" + (f" + {len(page.refetched)} static refetched"
                                                 if page.refetched else "")
        frag.row(f"{page.name} ({case}): first visit / repeat visit",
                 f"{page.first_visit / 1024:.1f} KB / {repeat}",
                 f"≤ {target // 1024} KB first, no static again" if target else "",
                 None if target is None else page.first_visit <= target and not page.refetched)


def main():
    args = parse_args()
    failures = []
    with tempfile.TemporaryDirectory() as workdir:
        app = make_app(workdir)
        member_client = logged_in(app, MEMBER_PHONE)
        members = member_pages(app, member_client)
        scanner = scanner_pages(app, logged_in(app, ORGANIZER_PHONE))
        failures += report("Member pages, demo data", members, MEMBER_TARGET)
        failures += report("Scanner", scanner[:1], SCANNER_TARGET)
        report("Scanner on an old WebView (not a target)", scanner[1:], SCANNER_TARGET)
        frag = fragment.Fragment(
            "bench_pages", "Page weight",
            "SQLite, the demo organisation, the demo member 陈思远 and the organizer's scanner; "
            "gzip level 5 (what deploy/nginx-site.conf sends). A first visit is the HTML with "
            "every stylesheet and script it loads; a repeat visit fetches only the HTML when "
            "every asset is cached for a year. Sizes do not depend on the machine.")
        weigh(frag, members, MEMBER_TARGET, "demo data")
        weigh(frag, scanner[:1], SCANNER_TARGET, "with the decoder")
        weigh(frag, scanner[1:], None, "legacy build, not a target")
        if not args.quick:
            with app.app_context():
                add_busy_member(db.session.scalar(db.select(Member).filter_by(phone=MEMBER_PHONE)))
            busy = member_pages(app, member_client)
            failures += report("Member pages, 40 more events, all registered", busy, MEMBER_TARGET)
            weigh(frag, busy, MEMBER_TARGET, "40 more events, all registered")
            assets_table(members + scanner)
        frag.write(args.report)
    print("\n" + ("MISSED:\n  " + "\n  ".join(failures) if failures else "All targets met."))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
