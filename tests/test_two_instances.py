"""Two app instances on one database (issue 12, items 3 and 4): two gunicorn process groups
(real sockets, two workers each) share the suite's database (PostgreSQL, or one SQLite
file: two instances on one file is a real small-site deployment) and Redis for the rate
limits. Registrations, scans and certificate issuing are spread over both at once: the
counts are exact, nothing is written twice, and what one instance knows (a login, a
CSRF token, a run of wrong passwords) the other knows too."""
import re
import secrets
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.certificates.models import Certificate
from app.checkin import attendance
from app.checkin.models import Checkin
from app.events import service as events
from app.extensions import db
from app.registration.models import Registration
from app.timeutil import utcnow

from .event_factories import backfill, make_finished, signed_up
from .http_client import Browser, gunicorn
from .test_api import bulk_attendees, json_post, scans_url

pytestmark = pytest.mark.slow

REDIS = "redis://127.0.0.1:6379/0"
MEMBERS, PLACES = 40, 15


@pytest.fixture(scope="module")
def two_instances(app):
    """The base URLs of two gunicorn instances on the suite's database, rate limits on and
    kept in Redis (the production set-up that issue 12 asks to hold across instances)."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
    except OSError:
        pytest.fail("Redis is not answering on 127.0.0.1:6379 (apt-get install redis-server); "
                    "this test keeps the two instances' rate limits there")
    env = {"RATELIMIT_ENABLED": "true", "RATELIMIT_STORAGE_URI": REDIS}
    with ExitStack() as stack:
        yield [stack.enter_context(gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=2,
                                            threads=4, env=env, log_name=f"two-instances-{n}.log"))
               for n in range(2)]


def on(browser, base):
    """The same browser (its cookies) talking to another instance."""
    browser.base_url = base
    return browser


def form_token(browser, path):
    status, page, _ = browser.get(path)
    assert status == 200, (path, status, page[:300])
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def meta_token(browser, path):
    status, page, _ = browser.get(path)
    assert status == 200, (path, status, page[:300])
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def test_two_instances_share_logins_places_scans_certificates_and_rate_limits(
        app, org, factory, two_instances):
    first, second = two_instances
    start = utcnow() + timedelta(days=3)
    event = events.create_event(
        org.organizer, {"title": "专题党课", "kind": "lecture", "organizer_branch_id": org.committee.id,
                        "capacity": PLACES, "waitlist_enabled": True},
        [{"starts_at": start, "ends_at": start + timedelta(hours=2), "credit_hours": 2}])
    events.publish_event(org.organizer, event)
    members = [factory.member(name=f"党员{n}", branch=org.one) for n in range(MEMBERS)]
    checking = make_finished(org.organizer, title="党务知识培训班", sessions=2)
    learners = [factory.member(name=f"学员{n}", branch=org.two) for n in range(8)]
    for learner in learners:
        backfill(org.organizer, signed_up(org.organizer, checking, learner), checking.sessions)
    live = events.create_event(
        org.organizer, {"title": "主题党日", "kind": "lecture", "organizer_branch_id": org.committee.id},
        [{"starts_at": utcnow() + timedelta(minutes=20), "ends_at": utcnow() + timedelta(hours=2),
          "credit_hours": 2}])
    events.publish_event(org.organizer, live)
    codes = bulk_attendees(live, org.one, 30)
    event_id, checking_id, session_id = event.id, checking.id, live.sessions[0].id
    db.session.commit()

    # A login made on one instance works on the other (signed cookie, login row in the database).
    organizer = Browser(first)
    organizer.login(org.organizer.phone, factory.password)
    staff = [organizer, Browser(second)]
    staff[1].jar = organizer.jar
    staff[1].opener = organizer.opener
    for browser in staff:
        browser.token = meta_token(browser, f"/checkin/sessions/{session_id}/scan")

    # Members log in on one instance and register through the other, all at once.
    def log_in(job):
        n, phone = job
        browser = Browser(two_instances[n % 2])
        browser.login(phone, factory.password)
        on(browser, two_instances[(n + 1) % 2])
        browser.token = form_token(browser, f"/events/{event_id}")
        return browser

    with ThreadPoolExecutor(max_workers=8) as pool:
        browsers = list(pool.map(log_in, enumerate(m.phone for m in members)))
    scans = [(code, n) for n in range(2) for code in codes]  # every ticket once on each instance
    cert_tokens = [form_token(b, f"/manage/events/{checking_id}/certificates") for b in staff]

    jobs = ([("register", b) for b in browsers] + [("scan", s) for s in scans]
            + [("issue", n % 2) for n in range(6)])
    barrier = threading.Barrier(len(jobs))

    def fire(job):
        kind, what = job
        barrier.wait()
        if kind == "register":
            status, _, headers = what.post(f"/events/{event_id}/register", {"csrf_token": what.token})
            return kind, status, headers.get("Location", "")
        if kind == "scan":
            code, n = what
            status, data = json_post(staff[n], scans_url(session_id),
                                     {"code": code, "kind": "entry", "nonce": f"{code}-{n}"},
                                     staff[n].token)
            return kind, status, data.get("result")
        status, _, headers = staff[what].post(
            f"/manage/events/{checking_id}/certificates/issue",
            {"csrf_token": cert_tokens[what], "kind": "completion"})
        return kind, status, headers.get("Location", "")

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        answers = list(pool.map(fire, jobs))

    registered = [a for a in answers if a[0] == "register"]
    assert all(status == 302 and f"/events/{event_id}" in where for _, status, where in registered)
    scanned = sorted(result for kind, status, result in answers if kind == "scan" and status == 200)
    assert scanned == ["duplicate"] * 30 + ["ok"] * 30
    issued = [a for a in answers if a[0] == "issue"]
    assert all(status == 302 and "/certificates" in where for _, status, where in issued)

    db.session.rollback()
    rows = db.session.execute(
        sa.select(Registration.member_id, Registration.status, Registration.created_at, Registration.id)
        .where(Registration.event_id == event_id).order_by(Registration.id)).all()
    assert len(rows) == MEMBERS and len({r.member_id for r in rows}) == MEMBERS
    confirmed = [r for r in rows if r.status == "confirmed"]
    waitlisted = [r for r in rows if r.status == "waitlisted"]
    assert len(confirmed) == PLACES and len(waitlisted) == MEMBERS - PLACES
    assert max(r.id for r in confirmed) < min(r.id for r in waitlisted)

    checkins = db.session.execute(
        sa.select(Checkin.result, sa.func.count()).where(Checkin.session_id == session_id)
        .group_by(Checkin.result)).all()
    assert dict(checkins) == {"ok": 30, "duplicate": 30}
    assert attendance.session_summary(live.sessions[0])["present"] == 30

    certificates = db.session.execute(
        sa.select(Certificate.member_id, Certificate.serial).where(Certificate.event_id == checking_id)).all()
    assert len(certificates) == len(learners)  # six clicks on two instances, each person once
    assert {c.member_id for c in certificates} == {m.id for m in learners}
    assert len({c.serial for c in certificates}) == len(learners)


def test_wrong_passwords_count_across_both_instances(app, factory, two_instances):
    """Five wrong passwords for one phone, spread over both instances, close the door on
    both: the counter lives in Redis, not in one process."""
    member = factory.member(name="限流测试", phone=f"139{secrets.randbelow(10 ** 8):08d}")
    db.session.commit()
    browsers = [Browser(base) for base in two_instances]
    for n in range(5):
        browser = browsers[n % 2]
        status, page, _ = browser.post("/login", {"csrf_token": browser.csrf("/login"),
                                                  "phone": member.phone, "password": "wrong-password"})
        assert status == 200 and "手机号或密码不正确" in page, page[:300]
    for browser in browsers:  # even the right password now waits, on either instance
        status, page, _ = browser.post("/login", {"csrf_token": browser.csrf("/login"),
                                                  "phone": member.phone, "password": factory.password})
        assert status == 429 and "分钟" in page
