"""Check-in throughput: the scan API against the floor of a check-in, side by side (issue 12).

    .venv/bin/python bench/checkin.py                     # SQLite (a fresh file), full run
    .venv/bin/python bench/checkin.py --both --report bench/out   # SQLite and PostgreSQL (make bench)
    .venv/bin/python bench/checkin.py --quick             # small, correctness only (make bench-quick)
    .venv/bin/python bench/checkin.py --database-url postgresql://postgres@127.0.0.1:5432/bench_checkin

It serves the app (wsgi:app, APP_ENV=production) and the floor (bench/floor_app.py: one
indexed SELECT + INSERT + COMMIT) with the same gunicorn settings (2 sync workers) on the
same database, and drives both with wrk (-t2 -c16) through the real scan API: a volunteer's
phone holding a scanner link (session cookie + CSRF header), distinct tickets in a round.
Rounds alternate ours and the floor (the order flips every round); the figures are medians:

* new: every ticket once, in a session of its own per round (so tickets are new again);
* duplicate: the same tickets again in the session of a new round, with new nonces;
* resent: the very requests of a new round again (same nonces): the first answer, no write;
* floor: the floor app, the same requests;
* steady: about 100 scans/s (wrk with a per-connection pause), p50/p99.

After every round it checks in the database that each ticket has exactly one successful
entry, that a duplicate round wrote duplicates only and a resent round wrote nothing, and
that every answer was a 200 (exit 1 otherwise, quick pass included). Statements per scan
are counted in-process on the same database (COMMIT counted, BEGIN not). A PostgreSQL
database given to it is wiped. Targets: ours ÷ floor ≥ 0.5 for new scans on each database,
p99 < 50 ms at 100 scans/s (the full run exits 1 when one is missed).
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from world import organisation  # noqa: E402

from app import create_app  # noqa: E402
from app.checkin.models import Checkin, Ticket  # noqa: E402
from app.checkin.service import create_scanner_link, new_ticket_code  # noqa: E402
from app.events.models import Event, EventSession  # noqa: E402
from app.extensions import db  # noqa: E402
from app.org.models import Member  # noqa: E402
from app.registration.models import Registration  # noqa: E402
from app.timeutil import utcnow  # noqa: E402

SECRET = "bench-checkin-secret-key"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/bench_checkin"
RATIO_TARGET = 0.5
P99_TARGET_MS = 50.0
STEADY_RATE = 100
CONNECTIONS, THREADS = 16, 2


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="small rounds, correctness checks only, no thresholds (CI)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="PostgreSQL URL (wiped!); default a fresh SQLite file")
    parser.add_argument("--both", action="store_true",
                        help=f"SQLite, then PostgreSQL (--database-url or {DEFAULT_PG})")
    parser.add_argument("--report", metavar="DIR", help="write DIR/checkin.md (a fragment)")
    parser.add_argument("--rounds", type=int, help="rounds of each kind (default 5, quick 1)")
    parser.add_argument("--seconds", type=float, help="length of a wrk run (default 5, quick 1)")
    parser.add_argument("--tickets", type=int, help="tickets in the pool (default 12000, quick 1500)")
    return parser.parse_args()


# ------------------------------------------------------------------ databases

def sqlalchemy_url(url):
    return ("postgresql+psycopg://" + url[len("postgresql://"):]
            if url.startswith("postgresql://") else url)


def ensure_pg_database(url):
    """Create the benchmark's PostgreSQL database when it is missing."""
    engine = sa.create_engine(sqlalchemy_url(url.rsplit("/", 1)[0] + "/postgres"),
                              isolation_level="AUTOCOMMIT")
    name = url.rsplit("/", 1)[1]
    with engine.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def make_app(url):
    app = create_app({"APP_ENV": "development", "SECRET_KEY": SECRET,
                      "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url), "RATELIMIT_ENABLED": False})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
    return app


def populate(tickets, sessions):
    """A committee and a branch, an organizer, an event open for check-in now with
    ``sessions`` sessions, ``tickets`` confirmed registrations with tickets. Returns
    (event, session ids, ticket codes)."""
    committee, [branch], organizer = organisation("市财政局机关党委", ["第一党支部"], "13900000000")
    start = (utcnow() - timedelta(minutes=30)).replace(microsecond=0)
    event = Event(title="签到压力测试", kind="training", organizer_branch_id=committee.id,
                  place="报告厅", status="published", created_by_id=organizer.id,
                  published_at=start - timedelta(days=7), eligibility={})
    event.sessions = [EventSession(title=f"第{n + 1}场", starts_at=start,
                                   ends_at=start + timedelta(hours=6), credit_hours=1)
                      for n in range(sessions)]
    db.session.add(event)
    db.session.flush()
    db.session.execute(sa.insert(Member), [
        {"name": f"参会{n:05d}", "phone": str(13000000000 + n), "branch_id": branch.id,
         "political_status": "01"} for n in range(tickets)])
    ids = db.session.scalars(sa.select(Member.id).where(Member.id != organizer.id)
                             .order_by(Member.id)).all()
    db.session.execute(sa.insert(Registration), [
        {"event_id": event.id, "member_id": member_id, "status": "confirmed", "source": "self",
         "branch_id": branch.id} for member_id in ids])
    registrations = db.session.scalars(sa.select(Registration.id).order_by(Registration.id)).all()
    codes = set()
    while len(codes) < len(registrations):
        codes.add(new_ticket_code())
    codes = sorted(codes)
    db.session.execute(sa.insert(Ticket), [
        {"registration_id": rid, "code": code}
        for rid, code in zip(registrations, codes, strict=True)])
    db.session.commit()
    with db.engine.connect() as conn:  # planner statistics, as a database in use has them
        conn.execute(sa.text("ANALYZE"))
        conn.commit()
    return event, organizer, [s.id for s in event.sessions], codes


def phone_credentials(app, event, organizer):
    """A scanner link opened by a 'phone': its session cookie and CSRF token, made with the
    app's own secret (the served app has the same one)."""
    _, token = create_scanner_link(organizer, event, "压力测试")
    client = app.test_client()
    assert client.get(f"/checkin/link/{token}").status_code in (200, 302)
    csrf = client.get("/api/v1/csrf-token").get_json()["csrf_token"]
    cookie = client.get_cookie("session")
    return f"session={cookie.value}", csrf


def statements_per_scan(app, session_id, codes, cookie, csrf):
    """Statements a new scan, a duplicate and a resent nonce cost, in-process (COMMIT
    counted, BEGIN not)."""
    seen = []

    def statement(conn, cursor, text, *args):
        if not text.lstrip().upper().startswith(("BEGIN", "PRAGMA")):
            seen.append(text)

    def commit(conn):
        seen.append("COMMIT")

    client = app.test_client()
    client.set_cookie("session", cookie.split("=", 1)[1])
    counts = {}
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", statement)
        sa.event.listen(db.engine, "commit", commit)
        try:
            for label, nonce in (("new", "count-1"), ("duplicate", "count-2"),
                                 ("resent", "count-2")):
                seen.clear()
                response = client.post(f"/api/v1/sessions/{session_id}/scans",
                                       json={"code": codes[0], "nonce": nonce},
                                       headers={"X-CSRFToken": csrf})
                assert response.status_code == 200, response.get_data(as_text=True)
                counts[label] = len(seen)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", statement)
            sa.event.remove(db.engine, "commit", commit)
    return counts


# ------------------------------------------------------------------ servers

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with 2 sync workers serving ``target`` (wsgi:app or the floor)."""

    def __init__(self, target, url, workdir, name):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.ready = Path(workdir) / f"ready-{name}"
        self.ready.mkdir()
        env = {**os.environ, "APP_ENV": "production", "SECRET_KEY": SECRET,
               "DATABASE_URL": url, "PYTHONPATH": str(ROOT), "BENCH_READY_DIR": str(self.ready)}
        command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", "sync",
                   "--config", str(ROOT / "bench" / "gunicorn_bench.py"),
                   "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
                   "--pythonpath", str(ROOT / "bench"), target]
        self.log_path = Path(workdir) / f"{name}.log"
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT)

    def wait(self):
        """Until both workers have loaded their app (bench/gunicorn_bench.py)."""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and self.process.poll() is None:
            if len(list(self.ready.iterdir())) >= 2:
                return
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not start:\n{self.log_path.read_text()[-2000:]}")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


# ------------------------------------------------------------------ wrk

LUA = r"""
local codes = {}
for line in io.lines("%(codes)s") do codes[#codes + 1] = line end
local threads = {}
counter = 0  -- a global: done() reads it from every thread
local step = %(threads)d
function setup(thread)
  thread:set("tid", #threads)
  threads[#threads + 1] = thread
end
function init(args)
  counter = tid
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Cookie"] = "%(cookie)s"
  wrk.headers["X-CSRFToken"] = "%(csrf)s"
end
function request()
  local code = codes[(counter %% #codes) + 1]
  local lap = math.floor(counter / #codes)
  counter = counter + step
  -- past the end of the list: the same tickets again, with new nonces unless resending
  local nonce = "%(prefix)s-" .. code
  if lap > 0 and not %(resend)s then nonce = nonce .. "-" .. lap end
  return wrk.format(nil, "%(path)s", nil,
    '{"code":"' .. code .. '","kind":"entry","nonce":"' .. nonce .. '"}')
end
%(delay)s
function done(summary, latency, requests)
  local used = 0
  for _, t in ipairs(threads) do used = used + t:get("counter") end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%%d,"seconds":%%f,"p50":%%f,"p99":%%f,"non2xx":%%d,"errors":%%d,"sent":%%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout,
    math.floor(used / step)))
end
"""


def wrk(base, session_id, prefix, codes_file, cookie, csrf, seconds, workdir, pace_ms=0,
        connections=CONNECTIONS, resend=False):
    script = Path(workdir) / f"{prefix}-{session_id}.lua"
    script.write_text(LUA % {
        "codes": codes_file, "threads": THREADS, "cookie": cookie, "csrf": csrf,
        "path": f"/api/v1/sessions/{session_id}/scans", "prefix": prefix,
        "resend": "true" if resend else "false",
        "delay": f"function delay() return {pace_ms} end" if pace_ms else ""})
    done = subprocess.run(["wrk", "-t", str(THREADS), "-c", str(connections), "-d",
                           f"{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(script),
                           base], capture_output=True, text=True)
    out = done.stdout + done.stderr
    match = re.search(r"^RESULT (.*)$", out, re.M)
    if not match:
        raise SystemExit(f"wrk said:\n{out}")
    result = json.loads(match.group(1))
    result["rps"] = result["requests"] / result["seconds"]
    result["load"] = float(Path("/proc/loadavg").read_text().split()[0])
    return result


# ------------------------------------------------------------------ checks

def checked_in(session_id):
    """The codes of the tickets with a successful entry in the session."""
    db.session.rollback()
    return db.session.scalars(
        sa.select(Ticket.code).join(Checkin, Checkin.registration_id == Ticket.registration_id)
        .where(Checkin.session_id == session_id, Checkin.kind == "entry", Checkin.result == "ok")
        .order_by(Ticket.code)).all()


class Checks:
    """Exactly-once, read from the database after every round."""

    def fail(self, text):
        print("  FAIL:", text)
        self.failures.append(text)

    def __init__(self, base):
        self.failures = []
        self.base = base

    def settle(self):
        """Requests still queued at the server when wrk stopped are served after it: wait
        for a few requests sent after them (each worker's queue is first in, first out)."""
        for _ in range(4):
            with urllib.request.urlopen(self.base + "/healthz", timeout=60) as response:
                response.read()

    def counts(self, session_id):
        """The session's rows by result, once the requests still in flight when wrk
        stopped have been written (the counts hold still for a moment)."""
        self.settle()
        last = None
        for _ in range(100):
            db.session.rollback()
            now = dict(db.session.execute(
                sa.select(Checkin.result, sa.func.count()).where(Checkin.session_id == session_id)
                .group_by(Checkin.result)).all())
            if now == last:
                return now
            last = now
            time.sleep(0.5)
        return last

    @staticmethod
    def doubled(session_id):
        return db.session.scalar(sa.select(sa.func.count()).select_from(
            sa.select(Checkin.registration_id).where(
                Checkin.session_id == session_id, Checkin.kind == "entry", Checkin.result == "ok")
            .group_by(Checkin.registration_id).having(sa.func.count() > 1).subquery()))

    def answered(self, label, result):
        if result["non2xx"] or result["errors"]:
            self.fail(f"{label}: {result['non2xx']} non-2xx answers, {result['errors']} errors")

    def new_round(self, label, session_id, result, pool):
        counts = self.counts(session_id)
        rows, ok = sum(counts.values()), counts.get("ok", 0)
        if self.doubled(session_id):
            self.fail(f"{label}: a ticket has more than one successful entry")
        if counts.keys() - {"ok", "duplicate"}:
            self.fail(f"{label}: refusals {counts}")
        # wrk stops with up to `connections` requests in flight, which the server still writes
        if not 0 <= rows - result["requests"] <= CONNECTIONS:
            self.fail(f"{label}: {rows} rows for {result['requests']} answers")
        if ok != min(rows, pool):
            self.fail(f"{label}: {ok} successful entries for {rows} scans of {pool} tickets")
        return counts

    def duplicate_round(self, label, session_id, before, result):
        counts = self.counts(session_id)
        if counts.get("ok", 0) != before.get("ok", 0) or self.doubled(session_id):
            self.fail(f"{label}: successful entries changed {before} -> {counts}")
        added = counts.get("duplicate", 0) - before.get("duplicate", 0)
        if not 0 <= added - result["requests"] <= CONNECTIONS:
            self.fail(f"{label}: {added} duplicate rows for {result['requests']} answers")
        return counts

    def resent_round(self, label, session_id, before):
        counts = self.counts(session_id)
        if counts != before:
            self.fail(f"{label}: a resent nonce wrote {before} -> {counts}")


# ------------------------------------------------------------------ one database

def run_database(url, args, workdir):
    quick = args.quick
    rounds = args.rounds or (1 if quick else 5)
    seconds = args.seconds or (1.0 if quick else 5.0)
    pool = args.tickets or (1500 if quick else 12000)
    name = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"== {name}: {rounds} round(s) of {seconds:g} s, {pool} tickets, wrk -t{THREADS} "
          f"-c{CONNECTIONS}, 2 sync gunicorn workers")
    app = make_app(url)
    with app.app_context():
        event, organizer, sessions, codes = populate(pool, sessions=2 * rounds + 2)
        cookie, csrf = phone_credentials(app, event, organizer)
    codes_file = Path(workdir) / f"codes-{name}.txt"
    codes_file.write_text("\n".join(codes) + "\n")
    statements = statements_per_scan(app, sessions[-1], codes, cookie, csrf)
    print(f"  statements per scan (COMMIT counted): {statements}")
    ours_sessions, floor_sessions = sessions[:rounds], sessions[rounds:2 * rounds]
    steady_session = sessions[-2]

    checks = None
    figures = {"new": [], "duplicate": [], "resent": [], "floor": []}
    ours = Server("wsgi:app", url, workdir, f"app-{name}")
    floor = Server("floor_app:app", url, workdir, f"floor-{name}")
    try:
        ours.wait()
        floor.wait()
        checks = Checks(ours.base)
        # Warm up: every worker imports, connects and compiles its statements once.
        for server in (ours, floor):
            wrk(server.base, sessions[-1], f"warm{server.port}", codes_file, cookie, csrf, 1,
                workdir)
        with app.app_context():
            for r in range(rounds):
                sid, fsid = ours_sessions[r], floor_sessions[r]

                def run(kind, r=r, sid=sid, fsid=fsid):
                    if kind == "floor":
                        return wrk(floor.base, fsid, f"floor{r}", codes_file, cookie, csrf,
                                   seconds, workdir)
                    if kind == "new":
                        return wrk(ours.base, sid, f"new{r}", codes_file, cookie, csrf, seconds,
                                   workdir)
                    # again: the tickets (and, resent, the very nonces) of the new round
                    scanned = Path(workdir) / f"scanned-{name}-{r}.txt"
                    scanned.write_text("\n".join(checked_in(sid)) + "\n")
                    prefix = f"new{r}" if kind == "resent" else f"dup{r}"
                    return wrk(ours.base, sid, prefix, scanned, cookie, csrf, seconds, workdir,
                               resend=kind == "resent")

                order = ["new", "floor", "duplicate", "resent"] if r % 2 == 0 else \
                    ["floor", "new", "resent", "duplicate"]
                before = None
                for kind in order:
                    result = run(kind)
                    label = f"round {r + 1} {kind}"
                    checks.answered(label, result)
                    if kind == "new":
                        before = checks.new_round(label, sid, result, len(codes))
                        if result["sent"] > len(codes):
                            print(f"  note: {label} sent {result['sent']} scans for {len(codes)}"
                                  " tickets (some were duplicates); use --tickets")
                    elif kind == "duplicate":
                        before = checks.duplicate_round(label, sid, before, result)
                    elif kind == "resent":
                        checks.resent_round(label, sid, before)
                    figures[kind].append(result)
                    print(f"  {label:<22} {result['rps']:7.0f}/s  p50 {result['p50']:6.1f} ms"
                          f"  p99 {result['p99']:6.1f} ms  load {result['load']:.1f}")
            steady = wrk(ours.base, steady_session, "steady", codes_file, cookie, csrf,
                         seconds * 2, workdir, pace_ms=100, connections=10)
            checks.answered("steady", steady)
            checks.new_round("steady", steady_session, steady, len(codes))
            print(f"  steady                 {steady['rps']:7.0f}/s  p50 {steady['p50']:6.1f} ms"
                  f"  p99 {steady['p99']:6.1f} ms")
    finally:
        ours.stop()
        floor.stop()
        if checks is not None and checks.failures:
            for server in (ours, floor):
                print(f"  {server.log_path.name}:", server.log_path.read_text()[-1500:])

    def median(kind, key):
        return statistics.median(r[key] for r in figures[kind])

    summary = {"name": name, "statements": statements, "steady": steady,
               "load": statistics.median(r["load"] for rs in figures.values() for r in rs),
               "failures": checks.failures, "rounds": rounds, "seconds": seconds}
    for kind in figures:
        summary[kind] = {key: median(kind, key) for key in ("rps", "p50", "p99")}
    for kind in ("new", "duplicate", "resent"):
        # each round's run ÷ the floor run beside it (the machine's load changes between rounds)
        ratios = [ours["rps"] / floor["rps"]
                  for ours, floor in zip(figures[kind], figures["floor"], strict=True)]
        summary[kind].update(ratio=statistics.median(ratios), low=min(ratios), high=max(ratios))
    return summary


# ------------------------------------------------------------------ report

def verdict(ok):
    return "✓" if ok else "✗ missed"


def fragment(results):
    names = [r["name"] for r in results]
    head = "| | " + " | ".join(names) + " | target |\n|---|" + "---|" * (len(names) + 1) + "\n"

    def row(label, cells, target=""):
        return f"| {label} | " + " | ".join(cells) + f" | {target} |\n"

    lines = [row(f"{kind}: requests/s (p50 / p99 ms)", [
        f"{r[kind]['rps']:.0f} ({r[kind]['p50']:.1f} / {r[kind]['p99']:.1f})" for r in results])
        for kind in ("new", "duplicate", "resent", "floor")]
    lines.append(row("new ÷ floor: median of the rounds (lowest–highest)", [
        f"{r['new']['ratio']:.2f} ({r['new']['low']:.2f}–{r['new']['high']:.2f}) "
        f"{verdict(r['new']['ratio'] >= RATIO_TARGET)}" for r in results], f"≥ {RATIO_TARGET}"))
    lines += [row(f"{kind} ÷ floor", [
        f"{r[kind]['ratio']:.2f} ({r[kind]['low']:.2f}–{r[kind]['high']:.2f})" for r in results])
        for kind in ("duplicate", "resent")]
    lines.append(row(f"steady ~{STEADY_RATE}/s: achieved, p50 / p99 ms", [
        f"{r['steady']['rps']:.0f}/s, {r['steady']['p50']:.1f} / {r['steady']['p99']:.1f} "
        f"{verdict(r['steady']['p99'] < P99_TARGET_MS)}" for r in results],
        f"p99 < {P99_TARGET_MS:.0f} ms"))
    lines.append(row("statements: new / duplicate / resent (COMMIT counted)", [
        "{new} / {duplicate} / {resent}".format(**r["statements"]) for r in results],
        "≤ 6 / 4 / 1"))
    lines.append(row("exactly once after every round", [
        "✓" if not r["failures"] else f"✗ {len(r['failures'])} failures" for r in results]))
    lines.append(row("load average (1 min, median of rounds)", [f"{r['load']:.1f}" for r in results]))
    first = results[0]
    return ("## Check-in scans (bench/checkin.py)\n\n"
            f"{' and '.join(names)}; 2 sync gunicorn workers each for the app and the floor "
            f"(bench/floor_app.py: indexed SELECT + INSERT + COMMIT), wrk -t{THREADS} "
            f"-c{CONNECTIONS}, {first['rounds']} alternating rounds of {first['seconds']:g} s, "
            "medians (a ratio: of each round's run ÷ the floor run beside it); a scanner "
            "link's phone, distinct tickets.\n\n" + head + "".join(lines))


def main():
    args = parse_args()
    if shutil.which("wrk") is None:
        subprocess.run(["bash", str(ROOT / "scripts" / "ensure-bench-tools.sh")], check=False)
        if shutil.which("wrk") is None:
            raise SystemExit("wrk is needed (apt-get install -y wrk)")
    urls = []
    if args.both or not args.database_url:
        urls.append(None)
    if args.database_url or args.both:
        urls.append(args.database_url or DEFAULT_PG)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-checkin-") as workdir:
        for url in urls:
            if url is None:
                url = f"sqlite:///{workdir}/bench.db"
            else:
                ensure_pg_database(url)
            results.append(run_database(url, args, workdir))
    text = fragment(results)
    print()
    print(text)
    if args.report:
        Path(args.report).mkdir(parents=True, exist_ok=True)
        (Path(args.report) / "checkin.md").write_text(text)
    failed = any(r["failures"] for r in results)
    if not args.quick:
        failed = failed or any(r["new"]["ratio"] < RATIO_TARGET
                               or r["steady"]["p99"] >= P99_TARGET_MS for r in results)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
