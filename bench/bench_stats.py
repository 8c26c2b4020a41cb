"""Statistics benchmark (issue 11, item 13): a district's year of participation.

    .venv/bin/python bench/bench_stats.py                # full size, SQLite (a fresh file)
    .venv/bin/python bench/bench_stats.py --both         # SQLite, then PostgreSQL
    .venv/bin/python bench/bench_stats.py --quick        # the small pass CI runs (checks only)
    .venv/bin/python bench/bench_stats.py --database-url postgresql://postgres@127.0.0.1:5432/bench_stats
    .venv/bin/python bench/bench_stats.py --both --report bench/out   # writes bench/out/bench_stats.md

Full size: 50,000 members in 1,011 branches (a district committee, 10 机关党委, 100 党总支,
900 党支部: four levels), 2,000 events a year for 3 years (a session or three each, a
tenth needing check-out), about 780,000 registrations (a quarter 指定参加, some walk-ins,
3 % on leave) and about 1,000,000 check-in rows (duplicates, refusals, exits, back-fills),
a twentieth of the members moving branch in the middle of the year timed (registrations
before the move keep the old branch). Rows are inserted in bulk, the triggers of migration
0011 marking every event stale; the presence facts are then built from scratch (timed, as
the first statistics read after the migration does), then ANALYZE.

Timed, as the pages call them:
1. the year's branch table with roll-up, every branch (app/stats/branches.py
   branch_table), the first call and the best of three; target < 0.3 s on PostgreSQL,
   < 0.6 s on SQLite;
2. one member's year (the attendance rows of their registrations and their 学时), the
   reads of a learning record; target < 50 ms;
3. the year's table as XLSX and as PDF (app/stats/exports.py), for "exports in seconds".

Correctness checks (every pass, CI's quick one too): the root row's 参与人次 equals a plain
count of first successful entries of expected registrations in the year, its 参与人数 the
distinct members among them (members who moved came with two branches); its 党员数 a
plain count of memberships overlapping the year; additive numbers of the branches one
level down add up to the root's; nobody counts more people than members... Exits 1 on a
failed check, or (full size only) a missed target.

A PostgreSQL database given here is WIPED (schema public dropped and rebuilt by the
migrations): use a database of its own (``--both`` uses bench_stats on 127.0.0.1, created
if missing).
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench_import  # noqa: E402  (its app on a fresh database)
import sqlalchemy as sa  # noqa: E402

from app.checkin.attendance import attendance_rows  # noqa: E402
from app.checkin.models import Checkin  # noqa: E402
from app.events.models import Event, EventSession  # noqa: E402
from app.extensions import db  # noqa: E402
from app.org.models import Branch, Member, Membership  # noqa: E402
from app.registration.models import Leave, Registration  # noqa: E402
from app.stats import facts  # noqa: E402
from app.stats.branches import branch_table  # noqa: E402
from app.stats.exports import build_branch_table  # noqa: E402
from app.stats.periods import Filters, Period  # noqa: E402

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/bench_stats"
KINDS = ["training", "lecture", "warning_education", "contest", "sports", "other"]
CHUNK = 20_000
BLANK_CHECKIN = {"late": False, "code": None, "reason": ""}  # executemany wants one shape
FULL = {"committees": 10, "generals": 10, "branches": 9, "members": 50_000,
        "events_per_year": 2_000, "years": 3, "per_event": 130}
QUICK = {"committees": 3, "generals": 3, "branches": 4, "members": 2_000,
         "events_per_year": 80, "years": 2, "per_event": 40}
TARGETS = {"sqlite": 0.6, "postgresql": 0.3}
MEMBER_TARGET = 0.05


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small data, checks only (CI)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="PostgreSQL URL (wiped!); default a fresh SQLite file")
    parser.add_argument("--both", action="store_true",
                        help=f"SQLite, then PostgreSQL ({PG_DEFAULT} unless --database-url)")
    parser.add_argument("--report", help="write DIR/bench_stats.md (a BENCHMARKS.md fragment)")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


# ------------------------------------------------------------------ data

def _insert(table, rows):
    for start in range(0, len(rows), CHUNK):
        db.session.execute(table.insert(), rows[start:start + CHUNK])


class Counter:
    def __init__(self):
        self.value = 0

    def __call__(self):
        self.value += 1
        return self.value


def local(day, hour, minute=0):
    from app.timeutil import local_zone
    return datetime(day.year, day.month, day.day, hour, minute,
                    tzinfo=local_zone()).astimezone(timezone.utc)


def generate(shape, rng, first_year):
    """Insert the district; returns counts of what was written."""
    counts = {}
    branch_rows, leaves_by_committee = [], []
    next_branch = Counter()
    root = next_branch()
    branch_rows.append({"id": root, "name": "区委直属机关工委", "kind": "committee",
                        "parent_id": None, "path": f"/{root}/", "sort_order": 0})
    for c in range(shape["committees"]):
        cid = next_branch()
        branch_rows.append({"id": cid, "name": f"第{c + 1}机关党委", "kind": "committee",
                            "parent_id": root, "path": f"/{root}/{cid}/", "sort_order": c})
        leaves = []
        for g in range(shape["generals"]):
            gid = next_branch()
            gpath = f"/{root}/{cid}/{gid}/"
            branch_rows.append({"id": gid, "name": f"第{c + 1}委第{g + 1}党总支",
                                "kind": "general_branch", "parent_id": cid, "path": gpath,
                                "sort_order": g})
            for b in range(shape["branches"]):
                bid = next_branch()
                branch_rows.append({"id": bid, "name": f"第{c + 1}委{g + 1}总支第{b + 1}党支部",
                                    "kind": "branch", "parent_id": gid,
                                    "path": f"{gpath}{bid}/", "sort_order": b})
                leaves.append(bid)
        leaves_by_committee.append(leaves)
    _insert(Branch.__table__, branch_rows)
    counts["branches"] = len(branch_rows)

    all_leaves = [leaf for leaves in leaves_by_committee for leaf in leaves]
    member_rows, membership_rows = [], []
    by_committee = [[] for _ in leaves_by_committee]
    member_branch, moved_from = {}, {}
    since = date(first_year - 1, 1, 1)
    for n in range(1, shape["members"] + 1):
        committee = rng.randrange(len(leaves_by_committee))
        branch = rng.choice(leaves_by_committee[committee])
        role = "secretary" if n % 60 == 0 else "member"
        member_rows.append({"id": n, "name": f"成员{n}", "phone": f"1{n:010d}", "branch_id": branch,
                            "role": role, "political_status": "01", "committee": n % 25 == 0,
                            "active": True, "login_token": f"{n:016x}"})
        if n % 20 == 0:  # moved in the middle of the year timed: came with both branches
            old = rng.choice(all_leaves)
            moved = date(first_year + shape["years"] - 1, 7, 1)
            moved_from[n] = (old, moved)
            membership_rows.append({"member_id": n, "branch_id": old, "started_on": since,
                                    "ended_on": moved})
            membership_rows.append({"member_id": n, "branch_id": branch, "started_on": moved,
                                    "ended_on": None})
        else:
            membership_rows.append({"member_id": n, "branch_id": branch, "started_on": since,
                                    "ended_on": None})
        by_committee[committee].append(n)
        member_branch[n] = branch
    admin = shape["members"] + 1
    member_rows.append({"id": admin, "name": "管理员", "phone": "13900000000", "branch_id": root,
                        "role": "admin", "political_status": "01", "committee": False,
                        "active": True, "login_token": "a" * 16})
    _insert(Member.__table__, member_rows)
    _insert(Membership.__table__, membership_rows)
    counts["members"] = len(member_rows) - 1
    del member_rows, membership_rows

    event_rows, session_rows = [], []
    reg_rows, leave_rows, checkin_rows = [], [], []
    next_event, next_session, next_reg, next_checkin = Counter(), Counter(), Counter(), Counter()
    totals = {"events": 0, "sessions": 0, "registrations": 0, "leaves": 0, "checkins": 0}

    def flush(final=False):
        for table, rows, key in ((Event.__table__, event_rows, "events"),
                                 (EventSession.__table__, session_rows, "sessions"),
                                 (Registration.__table__, reg_rows, "registrations"),
                                 (Leave.__table__, leave_rows, "leaves"),
                                 (Checkin.__table__, checkin_rows, "checkins")):
            if rows and (final or len(checkin_rows) >= 5 * CHUNK):
                _insert(table, rows)
                totals[key] += len(rows)
                rows.clear()

    for year in range(first_year, first_year + shape["years"]):
        for _ in range(shape["events_per_year"]):
            eid = next_event()
            committee = rng.randrange(len(by_committee))
            day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            event_rows.append({"id": eid, "title": f"活动{eid}", "kind": rng.choice(KINDS),
                               "organizer_branch_id": root + 1 + committee * (
                                   1 + shape["generals"] * (1 + shape["branches"])),
                               "status": "published", "created_by_id": admin,
                               "published_at": local(day, 8) - timedelta(days=10)})
            sessions = []
            for s in range(rng.choice([1, 1, 1, 2, 3])):
                sid = next_session()
                start = local(day + timedelta(days=s), 9 if s % 2 == 0 else 14)
                checkout = rng.random() < 0.1
                session_rows.append({"id": sid, "event_id": eid, "title": f"第{s + 1}场",
                                     "starts_at": start, "ends_at": start + timedelta(hours=3),
                                     "credit_hours": rng.choice([1.0, 2.0, 3.0]),
                                     "grace_minutes": 10, "checkout_required": checkout})
                sessions.append((sid, start, checkout))
            pool = by_committee[committee]
            for member in rng.sample(pool, min(len(pool), shape["per_event"])):
                rid = next_reg()
                roll = rng.random()
                status = "cancelled" if roll < 0.04 else "confirmed"
                source = "walk_in" if roll > 0.96 else ("invited" if roll > 0.7 else "self")
                branch = member_branch[member]
                if member in moved_from and day < moved_from[member][1]:
                    branch = moved_from[member][0]  # registered before the move
                reg_rows.append({"id": rid, "event_id": eid, "member_id": member, "status": status,
                                 "source": source, "branch_id": branch})
                if source != "walk_in" and rng.random() < 0.03:
                    leave_rows.append({"registration_id": rid, "reason": "出差",
                                       "status": "approved", "requested_by_id": member})
                    continue
                for sid, start, checkout in sessions:
                    if rng.random() > (0.98 if source == "walk_in" else 0.85):
                        continue
                    minutes = rng.choice([-20, -10, -5, 0, 5, 15, 30])
                    method = "backfill" if rng.random() < 0.03 else "ticket_scan"
                    at = start + timedelta(minutes=minutes)
                    checkin_rows.append({**BLANK_CHECKIN, "id": next_checkin(), "session_id": sid,
                                         "registration_id": rid, "kind": "entry",
                                         "method": method, "at": at, "result": "ok",
                                         "late": method != "backfill" and minutes > 10})
                    if rng.random() < 0.05:  # the same ticket scanned again
                        checkin_rows.append({**BLANK_CHECKIN, "id": next_checkin(), "session_id": sid,
                                             "registration_id": rid, "kind": "entry",
                                             "method": "ticket_scan",
                                             "at": at + timedelta(seconds=20),
                                             "result": "duplicate", "code": "already_checked_in"})
                    if checkout and rng.random() < 0.9:
                        checkin_rows.append({**BLANK_CHECKIN, "id": next_checkin(), "session_id": sid,
                                             "registration_id": rid, "kind": "exit",
                                             "method": "ticket_scan",
                                             "at": start + timedelta(minutes=rng.choice(
                                                 [150, 175, 180, 185])), "result": "ok"})
                if rng.random() < 0.01:  # a scan refused (a ticket of another event)
                    sid, start, _ = sessions[0]
                    checkin_rows.append({**BLANK_CHECKIN, "id": next_checkin(), "session_id": sid,
                                         "registration_id": None, "kind": "entry",
                                         "method": "ticket_scan", "at": start,
                                         "result": "refused", "code": "unknown_code"})
            flush()
    flush(final=True)
    counts.update(totals)
    if db.engine.dialect.name == "postgresql":
        for table in (model.__tablename__ for model in (
                Branch, Member, Membership, Event, EventSession, Registration, Leave, Checkin)):
            db.session.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"))
    db.session.commit()
    return counts


def analyze():
    """Planner statistics; on PostgreSQL also VACUUM, as autovacuum would have by the time
    anyone reads: the facts' rebuild left two million deleted stale markers in the heap."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
        return
    with db.engine.begin() as conn:
        conn.execute(sa.text("ANALYZE"))


# ------------------------------------------------------------------ checks

def check(table, period):
    """Plain SQL counts of the root row, and sums one level down; returns problems."""
    problems = []
    root, total = table.rows[0], table.rows[0].numbers
    start = datetime.combine(period.start, datetime.min.time(), tzinfo=Period(
        period.start, period.end).starts_at.tzinfo)
    end = period.ends_at
    year_sessions = sa.select(EventSession.id).where(EventSession.starts_at >= start,
                                                     EventSession.starts_at < end)
    first_entries = (sa.select(Checkin.registration_id, Checkin.session_id)
                     .where(Checkin.kind == "entry", Checkin.result == "ok",
                            Checkin.session_id.in_(year_sessions))
                     .distinct().subquery())
    presences = db.session.scalar(
        sa.select(sa.func.count()).select_from(first_entries)
        .join(Registration, Registration.id == first_entries.c.registration_id)
        .where(Registration.status == "confirmed", Registration.source != "walk_in"))
    if total["presences"] != presences:
        problems.append(f"root 参与人次 {total['presences']} != plain count {presences}")
    people = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Registration.member_id))).select_from(first_entries)
        .join(Registration, Registration.id == first_entries.c.registration_id)
        .where(Registration.status == "confirmed", Registration.source != "walk_in"))
    if total["people"] != people:
        problems.append(f"root 参与人数 {total['people']} != plain count {people}")
    members = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Membership.member_id)))
        .where(Membership.started_on <= period.end,
               sa.or_(Membership.ended_on.is_(None), Membership.ended_on >= period.start)))
    if total["members"] != members:
        problems.append(f"root 党员数 {total['members']} != plain count {members}")
    below = [row for row in table.rows if row.depth == 1]
    for key in ("presences", "expected", "present", "on_leave", "absent"):
        if sum(row.numbers[key] for row in below) != total[key]:
            problems.append(f"{key}: the committees do not add up to the root")
    if abs(sum(row.numbers["hours"] for row in below) - total["hours"]) > 0.01:
        problems.append("hours: the committees do not add up to the root")
    for row in table.rows:
        n = row.numbers
        if n["people"] > n["members"] + 0 and row.depth == 0:
            problems.append(f"{root.branch.name}: more people than members")
        if n["expected"] != n["present"] + n["on_leave"] + n["absent"]:
            problems.append(f"{row.branch.name}: expected != present + on leave + absent")
    if total["presences"] == 0:
        problems.append("no presences at all: the data did not load")
    return problems


# ------------------------------------------------------------------ timing

def timed(function, repeat=3):
    times, result = [], None
    for _ in range(repeat):
        db.session.expire_all()
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return result, times


def member_year(member_id, period):
    """A learning record's reads for one member and year: their attendance rows (status,
    hours per session) and their total 学时."""
    regs = sa.select(Registration.id).where(Registration.member_id == member_id)
    rows = attendance_rows(registrations=regs, any_status=True)
    found = db.session.execute(
        sa.select(rows).where(rows.c.starts_at >= period.starts_at,
                              rows.c.starts_at < period.ends_at)).all()
    return found, sum(row.credit_hours for row in found)


def run(url, args, workdir):
    shape = QUICK if args.quick else FULL
    rng = random.Random(args.seed)
    app, url = bench_import.make_app(url, workdir)
    dialect = "postgresql" if url.startswith("postgresql") else "sqlite"
    with app.app_context():
        this_year = datetime.now(timezone.utc).year
        first_year = this_year - shape["years"]
        started = time.perf_counter()
        counts = generate(shape, rng, first_year)
        load = time.perf_counter() - started
        # The bulk load marked every event stale (triggers); the first statistics read
        # builds the presence facts, as the first one after migration 0011 does.
        started = time.perf_counter()
        facts.refresh()
        build = time.perf_counter() - started
        analyze()
        year = this_year - 1
        period = Period.year(year)
        filters = Filters(period)
        table, table_times = timed(lambda: branch_table(filters))
        member_id = 20  # a member who moved that year... or the year before
        (_, hours), member_times = timed(lambda: member_year(member_id, period))
        _, export_times = timed(lambda: build_branch_table(filters, None, "xlsx"), repeat=1)
        _, pdf_times = timed(lambda: build_branch_table(filters, None, "pdf"), repeat=1)
        problems = check(table, period)
        version = db.session.scalar(sa.text(
            "select version()" if dialect == "postgresql" else "select sqlite_version()"))
    return {"dialect": dialect, "version": version, "counts": counts, "load": load, "build": build,
            "year": year, "table": table_times, "member": member_times,
            "export": export_times[0], "pdf": pdf_times[0], "problems": problems, "rows": len(table.rows),
            "root": table.rows[0].numbers}


def ensure_pg_database(url):
    name = url.rsplit("/", 1)[1]
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name],
                   capture_output=True, check=False)


def verdict(value, target):
    return "ok" if value <= target else "MISSED"


def report(results, args, out):
    shape = QUICK if args.quick else FULL
    lines = ["## Statistics (`bench_stats.py`)", "",
             f"{'Quick pass' if args.quick else 'District scale'}: {shape['members']:,} members, "
             f"{results[0]['counts']['branches']:,} branches in 4 levels, "
             f"{shape['events_per_year']:,} events a year for {shape['years']} years, "
             f"{results[0]['counts']['registrations']:,} registrations, "
             f"{results[0]['counts']['checkins']:,} check-in rows; databases: "
             + ", ".join(f"{r['dialect']} {r['version'].split(' on ')[0]}" for r in results) + ".",
             "",
             "| figure | database | first | best of 3 | target | verdict |",
             "|---|---|---|---|---|---|"]
    for r in results:
        target = TARGETS[r["dialect"]]
        lines.append(f"| year's branch table, {r['rows']:,} rows with roll-up | {r['dialect']} | "
                     f"{r['table'][0]:.3f} s | {min(r['table']):.3f} s | < {target} s | "
                     f"{verdict(min(r['table']), target)} |")
        lines.append(f"| one member's year (rows and 学时) | {r['dialect']} | "
                     f"{r['member'][0] * 1000:.1f} ms | {min(r['member']) * 1000:.1f} ms | "
                     f"< {MEMBER_TARGET * 1000:.0f} ms | {verdict(min(r['member']), MEMBER_TARGET)} |")
        lines.append(f"| year's table as XLSX | {r['dialect']} | {r['export']:.2f} s | | | |")
        lines.append(f"| year's table as PDF (A4 landscape) | {r['dialect']} | {r['pdf']:.2f} s "
                     "| | | |")
        lines.append(f"| loading the data (bulk insert) | {r['dialect']} | "
                     f"{r['load']:.0f} s | | | |")
        lines.append(f"| building the presence facts from scratch (facts.refresh()) | "
                     f"{r['dialect']} | {r['build']:.1f} s | | | |")
    lines.append("")
    lines.append("Correctness checks: " + ("all passed." if not any(
        r["problems"] for r in results) else "; ".join(p for r in results for p in r["problems"])))
    text = "\n".join(lines) + "\n"
    if out:
        os.makedirs(out, exist_ok=True)
        Path(out, "bench_stats.md").write_text(text, encoding="utf-8")
    return text


def main():
    args = parse_args()
    urls = [None]
    if args.both:
        urls = [None, args.database_url or PG_DEFAULT]
    elif args.database_url:
        urls = [args.database_url]
    results = []
    for url in urls:
        if url and url.startswith("postgresql") and args.both:
            ensure_pg_database(url)
        with tempfile.TemporaryDirectory() as workdir:
            result = run(url, args, workdir)
        results.append(result)
        r = result
        print(f"[{r['dialect']}] loaded {r['counts']} in {r['load']:.1f} s; facts built in "
              f"{r['build']:.1f} s")
        print(f"[{r['dialect']}] branch table {r['year']}: "
              + ", ".join(f"{t:.3f} s" for t in r["table"])
              + "; member year: " + ", ".join(f"{t * 1000:.1f} ms" for t in r["member"])
              + f"; XLSX {r['export']:.2f} s; PDF {r['pdf']:.2f} s")
        print(f"[{r['dialect']}] root: members {r['root']['members']}, people "
              f"{r['root']['people']}, presences {r['root']['presences']}, hours "
              f"{r['root']['hours']}")
        for problem in r["problems"]:
            print(f"[{r['dialect']}] CHECK FAILED: {problem}")
    print(report(results, args, args.report))
    failed = any(r["problems"] for r in results)
    if not args.quick:
        failed = failed or any(min(r["table"]) > TARGETS[r["dialect"]]
                               or min(r["member"]) > MEMBER_TARGET for r in results)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
