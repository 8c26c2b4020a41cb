"""Member records benchmark (issue 11, item 13, the member half): one member's 学习档案
and the list of members below the yearly target, on district-scale data.

    .venv/bin/python bench/bench_records.py              # district scale, SQLite
    .venv/bin/python bench/bench_records.py --both       # SQLite, then PostgreSQL
    .venv/bin/python bench/bench_records.py --quick      # small, correctness checks only (CI)
    .venv/bin/python bench/bench_records.py --database-url postgresql://postgres@127.0.0.1:5432/bench_records
    .venv/bin/python bench/bench_records.py --report bench/out   # also writes bench/out/bench_records.md

A PostgreSQL database given here is WIPED (schema public dropped and rebuilt by the
migrations): use a database of its own (``--both`` uses bench_records, created if missing).

The district: 50,000 members in 1,000 branches of a 4-level tree (1 > 9 > 90 > 900), a
branch secretary and two committee members per 党支部, 2 % of members moved branch in
2025; 2,000 events a year for 2024–2026 (1 to 3 sessions, 1–3 学时, a tenth needing a
check-out, some across New Year), about 130 registrations each (a tenth 指定参加), 2 %
approved leave, and about 1,000,000 check-in rows (entries, exits, late ones, duplicates
and refused scans). Rows are inserted in bulk; the plain reading of who earned what is
kept while generating, and the checks compare the app's numbers with it.

Timed (each after ANALYZE): ``records.member_record(member, 2026)`` for 20 members (the
page's reads; target under 50 ms), and ``below_target.below_target(2026)`` for the whole
district and for one 9-branch-wide subtree. Exits 1 when a check fails, or (full pass) when
the median record takes more than --target ms.
"""
import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench_import  # noqa: E402  (its app on a fresh database)
import sqlalchemy as sa  # noqa: E402

from app.checkin.models import Checkin  # noqa: E402
from app.events.models import Event, EventSession  # noqa: E402
from app.extensions import db  # noqa: E402
from app.org.models import Branch, Member, Membership  # noqa: E402
from app.registration.models import Leave, Registration  # noqa: E402
from app.stats import below_target, periods, records  # noqa: E402

YEARS = (2024, 2025, 2026)
KINDS = ("training", "lecture", "warning_education", "contest", "sports", "other")
LOCAL = timezone(timedelta(hours=8))  # APP_TIMEZONE default, Asia/Shanghai
CHUNK = 20_000
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/bench_records"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small data, checks only (CI)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="PostgreSQL URL (wiped!); default a fresh SQLite file")
    parser.add_argument("--both", action="store_true", help="SQLite, then PostgreSQL")
    parser.add_argument("--report", help="write <DIR>/bench_records.md")
    parser.add_argument("--target", type=float, default=50.0,
                        help="milliseconds the median member record may take (default 50)")
    return parser.parse_args()


class Shape:
    def __init__(self, quick):
        self.members = 2_000 if quick else 50_000
        self.fanout = (3, 3, 4) if quick else (9, 10, 10)  # 1 > 9 > 90 > 900
        self.events_per_year = 60 if quick else 2_000
        self.per_event = 60 if quick else 130

    def describe(self):
        branches = 1 + self.fanout[0] * (1 + self.fanout[1] * (1 + self.fanout[2]))
        return (f"{self.members:,} members, {branches:,} branches in a 4-level tree, "
                f"{self.events_per_year:,} events a year for {len(YEARS)} years")


class Writer:
    """Bulk inserts with ids of our own, a chunk at a time."""

    def __init__(self):
        self.rows = {}
        self.counts = {}

    def add(self, model, row):
        batch = self.rows.setdefault(model, [])
        batch.append(row)
        if len(batch) >= CHUNK:
            self.flush(model)

    ORDER = (Branch, Member, Membership, Event, EventSession, Registration, Leave, Checkin)

    def flush(self, model=None):
        """Insert what is waiting of ``model`` and of the tables it refers to (all: None)."""
        last = self.ORDER.index(model) if model else len(self.ORDER) - 1
        for each in self.ORDER[:last + 1]:
            batch = self.rows.get(each)
            if batch:
                db.session.execute(sa.insert(each.__table__), batch)
                self.counts[each.__tablename__] = self.counts.get(each.__tablename__, 0) + len(batch)
                batch.clear()


def utc(day, hour, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL).astimezone(timezone.utc)


def generate(shape, seed=2026):
    """Insert the district; return the plain reading: {(member_id, year): 学时},
    {member_id: group}, the branch ids by level."""
    rng = random.Random(seed)
    out = Writer()
    ids = {"branch": 0}
    levels = [[], [], [], []]

    def branch(name, kind, parent):
        ids["branch"] += 1
        bid = ids["branch"]
        path = (parent[1] if parent else "/") + f"{bid}/"
        out.add(Branch, {"id": bid, "name": name, "kind": kind, "parent_id": parent[0] if parent else None,
                         "path": path, "sort_order": 0, "active": True})
        return bid, path

    root = branch("市直机关工委", "committee", None)
    levels[0].append(root)
    for a in range(shape.fanout[0]):
        committee = branch(f"第{a + 1}机关党委", "committee", root)
        levels[1].append(committee)
        for b in range(shape.fanout[1]):
            general = branch(f"第{a + 1}-{b + 1}党总支", "general_branch", committee)
            levels[2].append(general)
            for c in range(shape.fanout[2]):
                levels[3].append(branch(f"第{a + 1}-{b + 1}-{c + 1}党支部", "branch", general))
    out.flush(Branch)

    leaves = levels[3]
    group = {}
    home = {}
    moved_on = date(2025, 7, 1)
    for mid in range(1, shape.members + 1):
        bid = leaves[(mid - 1) % len(leaves)][0]
        nth = (mid - 1) // len(leaves)
        role = "secretary" if nth == 0 else ("organizer" if mid == 2 else "member")
        committee = nth in (1, 2)
        group[mid] = "cadre" if role == "secretary" or committee else "member"
        moves = nth > 3 and rng.random() < 0.02
        now_bid = leaves[rng.randrange(len(leaves))][0] if moves else bid
        home[mid] = now_bid
        out.add(Member, {"id": mid, "name": f"党员{mid}", "phone": str(13000000000 + mid),
                         "branch_id": now_bid, "role": role, "committee": committee,
                         "political_status": "01", "active": True,
                         "login_token": f"{mid:016x}", "must_change_password": False})
        if moves and now_bid != bid:
            out.add(Membership, {"member_id": mid, "branch_id": bid, "started_on": date(2020, 1, 1),
                                 "ended_on": moved_on})
            out.add(Membership, {"member_id": mid, "branch_id": now_bid, "started_on": moved_on,
                                 "ended_on": None})
        else:
            out.add(Membership, {"member_id": mid, "branch_id": bid, "started_on": date(2020, 1, 1),
                                 "ended_on": None})
    out.flush(Member)
    out.flush(Membership)

    # members by 党委 (level 1), the registrants of the events it organises
    committee_of = {bid: int(path.split("/")[2]) for bid, path in leaves}
    committees = [bid for bid, _ in levels[1]]
    by_committee = {}
    for mid, bid in home.items():
        by_committee.setdefault(committee_of[bid], []).append(mid)

    earned = {}
    ids.update(event=0, session=0, registration=0, checkin=0)
    organizer = 2
    for year in YEARS:
        for _ in range(shape.events_per_year):
            ids["event"] += 1
            eid = ids["event"]
            committee = rng.choice(committees)
            day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            if rng.random() < 0.005:
                day = date(year, 12, 31)  # a class across New Year
            count = rng.choices((1, 2, 3), (7, 2, 1))[0]
            out.add(Event, {"id": eid, "title": f"{year}年活动{eid}", "kind": rng.choice(KINDS),
                            "organizer_branch_id": committee, "status": "published",
                            "created_by_id": organizer, "published_at": utc(day, 8) - timedelta(days=20),
                            "eligibility": {}, "completion_ratio": 0.75})
            sessions = []
            for n in range(count):
                ids["session"] += 1
                when = day + timedelta(days=n)
                hour = 19 if (when.month, when.day) == (12, 31) else 9
                starts = utc(when, hour)
                credit = rng.choice((1.0, 1.5, 2.0, 3.0))
                checkout = rng.random() < 0.1
                sessions.append((ids["session"], starts, credit, checkout))
                out.add(EventSession, {"id": ids["session"], "event_id": eid, "title": f"第{n + 1}场",
                                       "starts_at": starts, "ends_at": starts + timedelta(hours=2),
                                       "credit_hours": credit, "grace_minutes": 10,
                                       "checkout_required": checkout})
            people = rng.sample(by_committee[committee], min(shape.per_event, len(by_committee[committee])))
            for mid in people:
                ids["registration"] += 1
                rid = ids["registration"]
                status = "confirmed" if rng.random() < 0.97 else "cancelled"
                out.add(Registration, {"id": rid, "event_id": eid, "member_id": mid, "status": status,
                                       "source": "invited" if rng.random() < 0.1 else "self",
                                       "branch_id": home[mid]})
                leave_for = rng.randrange(count) if rng.random() < 0.02 else None
                if leave_for is not None:
                    out.add(Leave, {"registration_id": rid, "session_id": sessions[leave_for][0],
                                    "reason": "公务", "status": "approved", "requested_by_id": mid})
                for n, (sid, starts, credit, checkout) in enumerate(sessions):
                    if n == leave_for or rng.random() < 0.1:
                        continue  # on leave, or absent
                    roll = rng.random()
                    late = roll < 0.05
                    at = starts + timedelta(minutes=25 if late else -5)
                    entries = [("entry", "ok", at, late)]
                    if roll > 0.99:  # a refused scan first, then the good one
                        entries.insert(0, ("entry", "refused", at - timedelta(days=1), False))
                    elif roll > 0.98:  # a duplicate after
                        entries.append(("entry", "duplicate", at + timedelta(minutes=1), False))
                    out_at = starts + timedelta(hours=2)
                    exited = checkout and rng.random() < 0.85
                    if exited:
                        entries.append(("exit", "ok", out_at, False))
                    for kind, result, when_at, is_late in entries:
                        ids["checkin"] += 1
                        out.add(Checkin, {"id": ids["checkin"], "session_id": sid, "registration_id": rid,
                                          "kind": kind, "method": "ticket_scan", "at": when_at,
                                          "result": result, "late": is_late,
                                          "code": None if result == "ok" else "already_checked_in"})
                    if status == "confirmed" and (not checkout or exited):
                        local_year = starts.astimezone(LOCAL).year
                        earned[(mid, local_year)] = earned.get((mid, local_year), 0.0) + credit
        out.flush()
    out.flush()
    db.session.commit()
    return earned, group, levels, out.counts


def analyze():
    with db.engine.begin() as conn:
        conn.execute(sa.text("ANALYZE"))


def timed(function, *args):
    start = time.perf_counter()
    value = function(*args)
    return (time.perf_counter() - start) * 1000, value


def run(url, shape, quick, target, workdir):
    app, url = bench_import.make_app(url, workdir)
    name = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    figures, failures = {}, []
    with app.app_context():
        start = time.perf_counter()
        earned, group, levels, counts = generate(shape)
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                for table in ("branch", "member", "event", "event_session", "registration", "checkin"):
                    conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                         f"(SELECT max(id) FROM {table}))"))
        analyze()
        figures["generate"] = time.perf_counter() - start
        figures["counts"] = counts
        rng = random.Random(7)
        sample = rng.sample(range(1, shape.members + 1), 20)
        config_targets = {"member": 32.0, "cadre": 56.0}
        # correctness: each sampled member's 学时 per year, against the plain reading
        for mid in sample:
            member = db.session.get(Member, mid)
            for year in YEARS:
                found = records.member_record(member, year)
                want = round(earned.get((mid, year), 0.0), 2)
                if abs(found.hours - want) > 1e-6:
                    failures.append(f"member {mid} {year}: {found.hours} 学时, expected {want}")
                if found.target != config_targets[group[mid]]:
                    failures.append(f"member {mid}: target {found.target}")
        whole = below_target.below_target(periods.Period.year(2026))
        listed = {row.member_id: row.hours for row in whole.rows}
        for mid in sample:
            below = earned.get((mid, 2026), 0.0) < config_targets[group[mid]]
            if below != (mid in listed):
                failures.append(f"member {mid}: listed below target = {mid in listed}")
        # timings, warm
        member = db.session.get(Member, sample[0])
        records.member_record(member, 2026)
        times = []
        for mid in sample:
            member = db.session.get(Member, mid)
            ms, _ = timed(records.member_record, member, 2026)
            times.append(ms)
        figures["record_median"] = statistics.median(times)
        figures["record_max"] = max(times)
        figures["below_all"], _ = timed(below_target.below_target, periods.Period.year(2026))
        subtree = db.session.get(Branch, levels[1][0][0])
        figures["below_subtree"], found = timed(below_target.below_target,
                                                periods.Period.year(2026), subtree)
        figures["below_rows"] = len(whole.rows)
        figures["subtree_rows"] = len(found.rows)
    if not quick and figures["record_median"] > target:
        failures.append(f"{name}: median record {figures['record_median']:.1f} ms > {target} ms")
    return name, figures, failures


def report(results, shape, target, path):
    lines = ["## Member records (`bench_records.py`)", "",
             f"{', '.join(name for name, _ in results)}; {shape.describe()}; "
             + "; ".join(f"{name}: {f['counts'].get('checkin', 0):,} check-in rows, "
                         f"{f['counts'].get('registration', 0):,} registrations"
                         for name, f in results) + ".", "",
             "| figure | " + " | ".join(name for name, _ in results) + " | target | verdict |",
             "|---|" + "---|" * len(results) + "---|---|"]

    def row(label, key, unit="ms", goal=None):
        values = [f[key] for _, f in results]
        shown = " | ".join(f"{value:.1f} {unit}" if unit else f"{value:,}" for value in values)
        verdict = "" if goal is None else ("ok" if all(v <= goal for v in values) else "over")
        lines.append(f"| {label} | {shown} | {'' if goal is None else f'< {goal:g} ms'} | {verdict} |")

    row("one member's record, 2026 (median of 20)", "record_median", goal=target)
    row("one member's record, 2026 (slowest of 20)", "record_max")
    row("below target, whole district, 2026", "below_all")
    row("below target, one 党委 subtree, 2026", "below_subtree")
    row("members listed below target (district)", "below_rows", unit="")
    row("data generation and ANALYZE", "generate", unit="s")
    text = "\n".join(lines) + "\n"
    if path:
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, "bench_records.md"), "w", encoding="utf-8") as handle:
            handle.write(text)
    return text


def ensure_database(url):
    """Create the PostgreSQL database of ``url`` if it does not exist."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main():
    args = parse_args()
    shape = Shape(args.quick)
    urls = [None] if not args.database_url else [args.database_url]
    if args.both:
        urls = [None, args.database_url or PG_DEFAULT]
    results, failures = [], []
    for url in urls:
        if url:
            ensure_database(url)
        with tempfile.TemporaryDirectory() as workdir:
            name, figures, failed = run(url, shape, args.quick, args.target, workdir)
        print(f"{name}: record median {figures['record_median']:.1f} ms, "
              f"max {figures['record_max']:.1f} ms; below target (district) "
              f"{figures['below_all']:.0f} ms, one subtree {figures['below_subtree']:.0f} ms; "
              f"generated in {figures['generate']:.0f} s {figures['counts']}")
        results.append((name, figures))
        failures += failed
    print(report(results, shape, args.target, args.report))
    for failure in failures:
        print("FAIL", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
