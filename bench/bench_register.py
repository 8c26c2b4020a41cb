"""Registration burst: 1,000 logged-in members register at once for 100 places, spread over
two app instances (issue 12, item 5).

    .venv/bin/python bench/bench_register.py            # 1,000 members, SQLite file
    .venv/bin/python bench/bench_register.py --both     # SQLite, then PostgreSQL (make bench)
    .venv/bin/python bench/bench_register.py --quick    # 200 members for 20 places (CI)
    .venv/bin/python bench/bench_register.py --database-url postgresql://postgres@127.0.0.1:5432/bench_register
    .venv/bin/python bench/bench_register.py --report bench/out   # also write bench/out/bench_register.md

A PostgreSQL database given here is WIPED. Real HTTP: two gunicorn instances (separate
process groups, each --workers 2 --threads 8 by default) on one database; every member logs
in first (an initial password, an HMAC check, so logins are cheap), reads the event page for
its CSRF token, then all POST /events/<id>/register at one barrier, alternating instances.

Checks (always, the quick pass too): exactly CAPACITY confirmed, the rest waitlisted, no
member twice, every answer the redirect a member sees (no error), and the arrival order:
the order the server admitted them is the order the event row's lock was granted, which
signup.register() records as created_at (taken under the lock) and the id (assigned under
the lock); every confirmed registration comes before every waitlisted one in that order,
and created_at never goes back as the id grows.

Times: drain = from the barrier to the last answer (client side), and the server's own
span (first to last created_at). Exits 1 on a failed check; with --target (seconds) also
when the drain takes longer (not in the quick pass: CI shares the machine).
"""
import argparse
import http.cookiejar
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import fragment  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from bench_import import make_app  # noqa: E402
from world import organisation  # noqa: E402

from app.events import service as events  # noqa: E402
from app.extensions import db  # noqa: E402
from app.org.models import Member  # noqa: E402
from app.org.passwords import set_initial_password  # noqa: E402
from app.registration.models import Registration  # noqa: E402
from app.timeutil import utcnow  # noqa: E402
from tests.http_client import Browser, gunicorn  # noqa: E402

NAME = Path(__file__).stem


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 members for 20 places (CI)")
    parser.add_argument("--members", type=int, help="default 1000 (quick 200)")
    parser.add_argument("--capacity", type=int, help="default a tenth of the members")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="PostgreSQL URL (wiped!); default a fresh SQLite file")
    parser.add_argument("--target", type=float, default=3.0, help="drain target in seconds")
    fragment.add_options(parser)
    args = parser.parse_args(argv)
    args.members = args.members or (200 if args.quick else 1000)
    args.capacity = args.capacity or args.members // 10
    return args


def seed(count, capacity):
    """A committee, a branch, an organizer, ``count`` members on initial passwords and a
    published event with ``capacity`` places and a waitlist; returns (event_id, logins)."""
    committee, [branch], organizer = organisation("机关党委", ["第一党支部"], "13900000001")
    set_initial_password(organizer)
    logins = []
    members = []
    for n in range(count):
        member = Member(name=f"党员{n:04d}", phone=f"1380000{n:04d}", branch=branch,
                        political_status="01")
        logins.append((member.phone, set_initial_password(member)))
        member.must_change_password = False
        members.append(member)
    db.session.add_all(members)
    db.session.commit()
    start = utcnow() + timedelta(days=3)
    event = events.create_event(
        organizer, {"title": "专题党课", "kind": "lecture", "organizer_branch_id": committee.id,
                    "capacity": capacity, "waitlist_enabled": True},
        [{"starts_at": start, "ends_at": start + timedelta(hours=2), "credit_hours": 2}])
    events.publish_event(organizer, event)
    db.session.commit()
    return event.id, logins


def session_cookies(app, logins):
    """The session cookie of each member after a login, made in-process: start_login()
    (the LoginSession row the real login writes) and login_user(), the cookie signed with
    the app's key. A login through the form costs a scrypt (about 80 ms) by design, which
    would make the set-up of 1,000 logins take minutes; one login per member through the
    form is covered by the tests."""
    from flask import session
    from flask_login import login_user

    from app.auth.sessions import start_login

    serializer = app.session_interface.get_signing_serializer(app)
    members = {m.phone: m for m in db.session.scalars(sa.select(Member))}
    cookies = []
    for phone, _ in logins:
        member = members[phone]
        start_login(member)
        with app.test_request_context("/login", method="POST"):
            login_user(member)
            cookies.append(serializer.dumps(dict(session)))
    return app.config["SESSION_COOKIE_NAME"], cookies


def with_cookie(browser, name, value):
    host = browser.base_url.split("//", 1)[1].split(":")[0]
    browser.jar.set_cookie(http.cookiejar.Cookie(
        0, name, value, None, False, host, False, False, "/", True, False, None, False, None,
        None, {}))
    return browser


def burst(app, bases, event_id, logins):
    """Log everyone in, then fire every registration at one barrier; returns
    (drain seconds, [(status, location)])."""
    name, cookies = session_cookies(app, logins)

    def prepare(job):
        n, cookie = job
        browser = with_cookie(Browser(bases[n % len(bases)]), name, cookie)
        browser.token = browser.csrf(f"/events/{event_id}")
        return browser

    with ThreadPoolExecutor(max_workers=32) as pool:
        browsers = list(pool.map(prepare, enumerate(cookies)))
    barrier = threading.Barrier(len(browsers) + 1)
    done = []

    def fire(browser):
        barrier.wait()
        status, _, headers = browser.post(f"/events/{event_id}/register",
                                          {"csrf_token": browser.token})
        done.append(time.perf_counter())
        return status, headers.get("Location", "")

    with ThreadPoolExecutor(max_workers=len(browsers)) as pool:
        futures = [pool.submit(fire, browser) for browser in browsers]
        barrier.wait()
        started = time.perf_counter()
        results = [future.result() for future in futures]
    return max(done) - started, results


def check(event_id, count, capacity, results):
    """The correctness checks; returns (problems, server span seconds)."""
    problems = []
    bad = [r for r in results if not (r[0] == 302 and f"/events/{event_id}" in r[1])]
    if bad:
        problems.append(f"{len(bad)} answers were not the redirect to the event: {sorted(set(bad))[:5]}")
    db.session.rollback()
    rows = db.session.execute(
        sa.select(Registration.id, Registration.member_id, Registration.status,
                  Registration.created_at)
        .where(Registration.event_id == event_id).order_by(Registration.id)).all()
    if len(rows) != count or len({r.member_id for r in rows}) != count:
        problems.append(f"{len(rows)} registrations of {len({r.member_id for r in rows})} members, "
                        f"expected {count}")
    confirmed = [r for r in rows if r.status == "confirmed"]
    waitlisted = [r for r in rows if r.status == "waitlisted"]
    if len(confirmed) != capacity or len(waitlisted) != count - capacity:
        problems.append(f"{len(confirmed)} confirmed, {len(waitlisted)} waitlisted; expected "
                        f"{capacity} and {count - capacity}")
    if confirmed and waitlisted and not (
            max(r.id for r in confirmed) < min(r.id for r in waitlisted)
            and max(r.created_at for r in confirmed) <= min(r.created_at for r in waitlisted)):
        problems.append("a waitlisted member was admitted before a confirmed one")
    if any(a.created_at > b.created_at for a, b in zip(rows, rows[1:], strict=False)):
        problems.append("created_at goes back as the id grows: not the order of admission")
    span = (rows[-1].created_at - rows[0].created_at).total_seconds() if rows else 0.0
    return problems, span


def run_one(url, args, workdir):
    label = "PostgreSQL" if url else "SQLite (one file, WAL)"
    app, url = make_app(url, workdir)
    with app.app_context():
        event_id, logins = seed(args.members, args.capacity)
        with ExitStack() as stack:
            bases = [stack.enter_context(gunicorn(
                url, workers=args.workers, threads=args.threads,
                env={"SECRET_KEY": "bench"}, log_name=f"bench-register-{n}.log")) for n in range(2)]
            drain, results = burst(app, bases, event_id, logins)
        problems, span = check(event_id, args.members, args.capacity, results)
    print(f"{label}: {args.members} members, {args.capacity} places, 2 instances x "
          f"{args.workers} workers x {args.threads} threads: drain {drain:.2f} s "
          f"(server span {span:.2f} s)" + ("" if not problems else "\n  " + "\n  ".join(problems)))
    return {"database": label, "drain": drain, "span": span, "problems": problems}


def main(argv=None):
    args = parse_args(argv)
    report = fragment.Fragment(
        NAME, "Registration burst",
        f"{args.members:,} logged-in members register at one barrier for {args.capacity} places "
        f"over 2 gunicorn instances ({args.workers} workers x {args.threads} threads each) on one "
        "database, real HTTP from one client process on the same machine; checks: exactly "
        f"{args.capacity} confirmed, {args.members - args.capacity} waitlisted in the order the "
        "server admitted them (event lock: created_at and id), no member twice, 0 errors."
        + (" Quick pass: no timing target." if args.quick else ""))
    outcomes = []
    for url in fragment.database_urls(args, "register"):
        with tempfile.TemporaryDirectory() as workdir:
            outcome = run_one(url, args, workdir)
        outcomes.append(outcome)
        report.row("drain: barrier to the last answer", f"{outcome['drain']:.2f} s",
                   "" if args.quick else f"≤ {args.target:g} s",
                   None if args.quick else outcome["drain"] <= args.target, outcome["database"])
        report.row("server span: first to last admission", f"{outcome['span']:.2f} s",
                   database=outcome["database"])
        report.row("checks", "; ".join(outcome["problems"]) or "all exact",
                   met=not outcome["problems"], database=outcome["database"])
    report.write(args.report)
    failed = any(o["problems"] for o in outcomes) or (
        not args.quick and any(o["drain"] > args.target for o in outcomes))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
