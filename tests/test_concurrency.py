"""Capacity and waitlist under load: the app under gunicorn (several processes),
200 members registering at once for 50 places, on whichever database the suite uses."""
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.events import service as events
from app.extensions import db
from app.registration.models import Registration
from app.timeutil import utcnow

from .http_client import Browser, gunicorn

pytestmark = pytest.mark.slow


def quick_login_members(factory, branch, count):
    """Members whose (initial) password checks with an HMAC, not scrypt, so 200 logins are fast."""
    members = []
    for n in range(count):
        member = factory.member(name=f"并发{n}", branch=branch, initial=True)
        member.must_change_password = False
        members.append(member)
    db.session.commit()
    return members


def test_200_concurrent_registrations_for_50_places(app, factory):
    committee = factory.branch(name="机关党委", kind="committee")
    branch = factory.branch(name="第一党支部", parent=committee)
    organizer = factory.member(name="组织者", branch=committee, role="organizer")
    start = utcnow() + timedelta(days=3)
    event = events.create_event(
        organizer, {"title": "专题党课", "kind": "lecture", "organizer_branch_id": committee.id,
                    "capacity": 50, "waitlist_enabled": True},
        [{"starts_at": start, "ends_at": start + timedelta(hours=2), "credit_hours": 2}])
    events.publish_event(organizer, event)
    event_id = event.id
    members = quick_login_members(factory, branch, 200)
    credentials = [(m.phone, m.test_initial_password) for m in members]
    doubled = set(range(0, 200, 10))  # these 20 tap twice at the same instant

    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=4, threads=8) as base:
        browsers = []
        for phone, password in credentials:
            browser = Browser(base)
            browser.login(phone, password)
            browser.token = browser.csrf(f"/events/{event_id}")
            browsers.append(browser)
        jobs = [b for n, b in enumerate(browsers) for _ in range(2 if n in doubled else 1)]
        barrier = threading.Barrier(len(jobs))

        def fire(browser):
            barrier.wait()
            status, body, headers = browser.post(f"/events/{event_id}/register",
                                                  {"csrf_token": browser.token})
            return status, headers.get("Location", "")

        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            results = list(pool.map(fire, jobs))

    assert len(results) == 220
    assert all(status == 302 and f"/events/{event_id}" in location
               for status, location in results), sorted({r[0] for r in results})

    db.session.rollback()
    rows = db.session.execute(
        sa.select(Registration.id, Registration.member_id, Registration.status, Registration.created_at)
        .where(Registration.event_id == event_id).order_by(Registration.id)).all()
    assert len(rows) == 200  # nobody twice, nobody lost
    assert len({row.member_id for row in rows}) == 200
    confirmed = [row for row in rows if row.status == "confirmed"]
    waitlisted = [row for row in rows if row.status == "waitlisted"]
    assert len(confirmed) == 50 and len(waitlisted) == 150
    # First come, first served: every place went to someone ahead of everyone waiting.
    assert max(r.id for r in confirmed) < min(r.id for r in waitlisted)
    assert max(r.created_at for r in confirmed) <= min(r.created_at for r in waitlisted)
