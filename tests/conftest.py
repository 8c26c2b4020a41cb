"""Test set-up shared by the whole suite: the app and its database, isolation between
tests, the factories, the test organisations, logged-in clients and browser pages.

The schema is built once per run by the real migrations, on SQLite (a temp file) or on
PostgreSQL when TEST_DATABASE_URL is set. Each test starts from empty tables: after every
test the rows of each table that has any are deleted (no rollback tricks), so tests that
go through a live server or several processes see committed data like production does.
"""
import contextlib
import contextvars
import logging
import os
import re
import threading
from functools import partial

import pytest
import qrcode
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from PIL import Image
from werkzeug.serving import make_server

from app import create_app
from app.audit.models import AuditLog
from app.extensions import db, limiter
from app.org import passwords
from app.org.models import Member

from .event_factories import attendee, open_event
from .factories import ORGS, TEST_PASSWORD, Factory

TEST_CONFIG = {
    "APP_ENV": "testing",
    "SECRET_KEY": "test-secret-key",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "PUBLIC_BASE_URL": "http://testserver",
    "SERVER_NAME": None,
}


class IsolatedClient(FlaskClient):
    """Runs each request outside the test's app context, as a real server would:
    its own app context, ``g``, login state and database session."""

    def open(self, *args, **kwargs):
        if has_app_context():
            # End the test's own transaction first, like a separate process would see it:
            # what the test wrote is visible to the request, and what the test reads
            # afterwards is loaded fresh (and no stale SQLite read snapshot is held).
            db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


def _database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith(
            "postgresql://") else url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


# ------------------------------------------------------------------ reading rows and pages

@contextlib.contextmanager
def count_statements():
    """``with count_statements() as seen:`` collects the SQL statements run inside (not
    BEGIN/COMMIT/ROLLBACK/PRAGMA), for tests that a page's queries do not grow with rows."""
    seen = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def count(model, *where):
    """How many rows of ``model`` match ``where``, as committed now."""
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def audit_entries(action):
    """The audit log rows of ``action``, oldest first."""
    return db.session.scalars(
        sa.select(AuditLog).filter_by(action=action).order_by(AuditLog.id)).all()


def body_text(response):
    """A response's body as text."""
    return response.get_data(as_text=True)


def error_at(html, field_id):
    """The Chinese message shown at the field with this id (the macro's ``<id>-error``)."""
    match = re.search(rf'id="{re.escape(field_id)}-error">([^<]+)<', html)
    return match.group(1) if match else None


def visible_text(html):
    """The page's words, tags dropped and whitespace squeezed, for "does it say ..." checks."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def static_url(app, filename):
    """The URL pages give a static file: ``/static/<filename>?v=<hash of its content>``."""
    from flask import url_for

    with app.test_request_context():
        return url_for("static", filename=filename)


def member_by_phone(phone):
    db.session.expire_all()
    return db.session.scalar(sa.select(Member).filter_by(phone=phone))


# ------------------------------------------------------------------ app and isolation

@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = _database_url(tmp_path_factory)
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    app.test_client_class = IsolatedClient
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app_with(app):
    """``app_with(SETTING=value, ...)``: another app on the same database with these
    settings over the tests' own, its client isolated like ``app``'s. Rate limits on
    start from empty counters; the shared limiter is switched back after the test."""
    enabled = limiter.enabled

    def make(**config):
        other = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI":
                            app.config["SQLALCHEMY_DATABASE_URI"], **config})
        other.test_client_class = IsolatedClient
        return other

    yield make
    # The one Limiter object serves every app, and init_app switched it on for all of them.
    limiter.enabled = enabled


@pytest.fixture
def app_on():
    """``app_on(url, migrate=True)``: another app with the test settings on a database of
    its own (a SQLite file under tmp_path, a restored backup, one that cannot be reached),
    its schema made by the migrations unless ``migrate=False``. Its engine is closed after
    the test; the tables of such a database are not emptied (the test owns the file)."""
    enabled = limiter.enabled
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level  # a production app sets up logging
    made = []

    def make(url, migrate=True, **config):
        other = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **config})
        other.test_client_class = IsolatedClient
        made.append(other)
        if migrate:
            with other.app_context():
                upgrade()
        return other

    yield make
    limiter.enabled = enabled
    root.handlers[:], root.level = handlers, level
    for other in made:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture
def strict_app(app_with):
    """A second app on the same database, with CSRF protection and rate limits switched
    on (3 logins per minute)."""
    return app_with(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True,
                    LOGIN_RATE_LIMIT="3 per minute")


def _empty_tables():
    """Delete the rows of every table that has any, children first, in one transaction;
    on PostgreSQL also restart the id sequences, as TRUNCATE ... RESTART IDENTITY did.

    Asking the database which tables have rows also sees what a live server or another
    process wrote. TRUNCATE of every table cost about 0.3 s per test on PostgreSQL; the
    DELETE of the few rows a test leaves costs milliseconds on both databases."""
    tables = db.metadata.sorted_tables
    with db.engine.begin() as conn:
        written = conn.execute(sa.select(*(
            sa.exists(sa.select(sa.literal(1)).select_from(table)).label(f"t{n}")
            for n, table in enumerate(tables)))).one()
        for table, has_rows in reversed(list(zip(tables, written, strict=True))):
            if has_rows:
                conn.execute(table.delete())
        # The deletes above mark their events stale (triggers, migration 0011): forget them.
        conn.execute(sa.text("DELETE FROM presence_stale"))
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT " + ", ".join(
                f"setval(pg_get_serial_sequence('{table.name}', '{table.autoincrement_column.name}'),"
                " 1, false)" for table in tables if table.autoincrement_column is not None)))


@pytest.fixture(autouse=True)
def app_context(app):
    with app.app_context():
        yield
        db.session.remove()
        _empty_tables()


# ------------------------------------------------------------------ factories and people

@pytest.fixture(scope="session", autouse=True)
def test_password_hash():
    """scrypt of TEST_PASSWORD, made once per run and given to every factory member.

    Checking a password against that one hash is remembered as well: its answer for a
    given password cannot change, and computing it again for each login cost a large part
    of a second. Every other hash (a password a test sets through the app or with
    ``factory.member(password=...)``, the unknown-phone dummy) is checked by scrypt."""
    password_hash = passwords.hash_password(TEST_PASSWORD)
    real_check = passwords.check_password_hash
    answers = {}

    def check(pwhash, password):
        if pwhash != password_hash:
            return real_check(pwhash, password)
        if password not in answers:
            answers[password] = real_check(pwhash, password)
        return answers[password]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "check_password_hash", check)
        yield password_hash


@pytest.fixture
def factory(app, test_password_hash):
    return Factory(password=TEST_PASSWORD, password_hash=test_password_hash)


@pytest.fixture
def org(request, factory):
    """The test organisation its module asks for with ``pytestmark = pytest.mark.org(name)``
    (one of tests/factories.py ORGS), ``two_branches`` when it asks for none."""
    marker = request.node.get_closest_marker("org")
    return ORGS[marker.args[0] if marker else "two_branches"](factory)


@pytest.fixture
def scene(org, factory):
    """``org`` (two_branches) with a published event whose check-in is open now (``event``,
    its ``session``) and two people with tickets: 王秀英 of 第一党支部 (``alice``,
    ``alice_reg``, ``alice_code``) and 李建国 of 第二党支部 (``bob``, ``bob_reg``, ``bob_code``)."""
    org.event = open_event(org.organizer)
    org.session = org.event.sessions[0]
    org.alice, org.alice_reg, org.alice_code = attendee(factory, org.organizer, org.event, "王秀英", org.one)
    org.bob, org.bob_reg, org.bob_code = attendee(factory, org.organizer, org.event, "李建国", org.two)
    return org


# ------------------------------------------------------------------ clients

def _log_in_client(client, member, password=TEST_PASSWORD):
    response = client.post("/login", data={"phone": member.phone, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def client_for(app, member):
    """A new test client of ``app``, logged in as ``member`` (None: not logged in)."""
    client = app.test_client()
    return client if member is None else _log_in_client(client, member)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(client):
    """Log ``client`` in as ``member`` (whose password is TEST_PASSWORD)."""

    return partial(_log_in_client, client)


@pytest.fixture
def as_user(app):
    """A logged-in test client for ``member`` (one client per member)."""
    return lambda member: client_for(app, member)


@pytest.fixture
def admin_client(org, login):
    """``client`` logged in as the organisation's admin."""
    return login(org.admin)


@pytest.fixture(scope="session")
def live_server(app):
    """The app served over HTTP on a free port, for browser tests."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


# ------------------------------------------------------------------ browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
SCREENSHOTS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "test-output", "screenshots")
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN"}


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"Debian's chromium is missing at {CHROMIUM}: run `make test` as root or apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(context, timeout):
    """A page of ``context`` with ``page.shot(name)`` saving a full-page screenshot."""
    context.set_default_timeout(timeout)
    page = context.new_page()

    def shot(name):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)

    page.shot = shot
    return page


@pytest.fixture
def phone(browser, live_server):
    """A page in a phone-sized (390x844) touch browser, with ``phone.goto('/path')``
    relative to the live server and ``phone.shot(name)`` saving a screenshot."""
    context = browser.new_context(**PHONE, base_url=live_server)
    yield _new_page(context, timeout=10_000)
    context.close()


SMALL_PHONE = {**PHONE, "viewport": {"width": 360, "height": 740}}


@pytest.fixture
def small_phone(browser, live_server):
    """Like ``phone``, on the narrowest phone the member pages are made for: 360x740."""
    context = browser.new_context(**SMALL_PHONE, base_url=live_server)
    yield _new_page(context, timeout=10_000)
    context.close()


@pytest.fixture
def desktop(browser, live_server):
    """A 1280x720 page (an office PC, a projector), like ``phone`` otherwise."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN",
                                  base_url=live_server)
    yield _new_page(context, timeout=15_000)
    context.close()


CAMERA_WIDTH, CAMERA_HEIGHT = 640, 480


def write_y4m(path, text):
    """One 640x480 frame (4:2:0) of a white picture with the QR of ``text`` in the middle,
    for --use-file-for-fake-video-capture (Chromium shows it over and over)."""
    qr = qrcode.QRCode(border=4, box_size=8, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    picture = qr.make_image(fill_color="black", back_color="white").get_image().convert("L")
    side = 300  # inside qr-scanner's default scan region (the middle 2/3 of the short side)
    picture = picture.resize((side, side), Image.NEAREST)
    frame = Image.new("L", (CAMERA_WIDTH, CAMERA_HEIGHT), 255)
    frame.paste(picture, ((CAMERA_WIDTH - side) // 2, (CAMERA_HEIGHT - side) // 2))
    chroma = bytes([128]) * ((CAMERA_WIDTH // 2) * (CAMERA_HEIGHT // 2))
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{CAMERA_WIDTH} H{CAMERA_HEIGHT} F30:1 Ip A1:1 C420jpeg\n".encode())
        out.write(b"FRAME\n")
        out.write(frame.tobytes())  # Y
        out.write(chroma)  # U
        out.write(chroma)  # V


@contextlib.contextmanager
def phone_with_camera(browser, base_url, video):
    """A phone-sized page in a Chromium of its own whose camera films ``video`` (a .y4m
    file that exists before the first goto; ``page.video_file``). Shares only the
    Playwright driver with ``browser``; the page's console lines are kept on
    ``page.console_lines``."""
    chromium = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ])
    context = chromium.new_context(**PHONE, base_url=base_url, permissions=["camera"])
    page = _new_page(context, timeout=15_000)
    page.video_file = video
    page.console_lines = []
    page.on("console", lambda message: page.console_lines.append(message.text))
    try:
        yield page
    finally:
        context.close()
        chromium.close()


@pytest.fixture
def camera_phone(browser, live_server, tmp_path):
    """A phone whose camera films ``tmp_path/camera.y4m`` (write it before the first goto)."""
    video = tmp_path / "camera.y4m"
    video.write_bytes(b"")
    with phone_with_camera(browser, live_server, video) as page:
        yield page


def log_in(page, member, password=TEST_PASSWORD):
    """Sign ``member`` in through the login page the browser ``page`` shows (a new, blank
    page opens it first) and wait until the app has moved on from it."""
    if page.url == "about:blank":
        page.goto("/login")
    page.get_by_label("手机号").fill(member.phone)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login" not in url)


def fits(page, width):
    """Nothing on the page is wider than ``width`` (no sideways scrolling)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture
def fresh():
    """Call before reading rows a browser or another process has changed."""

    def refresh():
        db.session.rollback()
        db.session.expire_all()

    return refresh
