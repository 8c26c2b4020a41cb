"""Reports benchmark: the real 签到表 path (the query, the 拼音 order, the PDF) for a
2,000-person session, on a fresh database.

    .venv/bin/python bench/bench_reports.py            # 2,000 people; also signatures, reports, memory
    .venv/bin/python bench/bench_reports.py --quick    # the quick pass CI runs (make bench-quick)
    .venv/bin/python bench/bench_reports.py --database-url postgresql://postgres@127.0.0.1:5432/bench

A PostgreSQL database given here is WIPED (schema public dropped and rebuilt by the
migrations): use a database of its own. The people (eight branches under a committee,
with 指定参加, leave and check-ins for a tenth each) are inserted in bulk; then it times
``report_files.build_sign_in_sheet()`` (what /checkin/sessions/<id>/sheet.pdf runs, less the
audit row): before the session (blank 签名 cells), on fresh tables and again after ANALYZE
(the attendance joins need planner statistics, see bench/README.md), and in the full pass
the session's attendance report as PDF and XLSX, the sheet after a 签名签到 session with a
signature in every row, and the traced memory peak at 1x and 2x the people.

Exits 1 when the 2,000-person sheet takes more than --target seconds (2); the quick pass
fails only when 3x off, since CI shares the machine.
"""
import argparse
import io
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench_import  # noqa: E402  (its app on a fresh database)
import bench_printing  # noqa: E402  (its traced())
import fragment  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from world import organisation  # noqa: E402

from app.checkin import report_files, signatures  # noqa: E402
from app.checkin.models import Checkin, CheckinSignature  # noqa: E402
from app.events.models import Event, EventSession  # noqa: E402
from app.extensions import db  # noqa: E402
from app.org.models import Member  # noqa: E402
from app.registration.models import Leave, Registration  # noqa: E402
from app.timeutil import utcnow  # noqa: E402

BRANCHES = ["办公室党支部", "综合科党支部", "规划科党支部", "财务科党支部", "法规科党支部",
            "信息中心党支部", "执法支队党支部", "离退休干部党支部"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林文建国志海峰亮成东晨芳娜敏静丽艳娟喆堃赟珺昇彧"
POSITIONS = ["科员", "副科长", "科长", "主任科员", "干事", "副处长", "处长", "四级主任科员"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the sheet only (CI)")
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="PostgreSQL URL (wiped!); default a fresh SQLite file")
    parser.add_argument("--target", type=float, default=2.0,
                        help="seconds the 2,000-person sheet may take (default 2)")
    fragment.add_options(parser)
    return parser.parse_args()


def make_app(url, workdir):
    return bench_import.make_app(url, workdir)[0]


def signature_pngs(count=20):
    """A few drawn signatures, cleaned as the app keeps them."""
    rng = random.Random(7)
    out = []
    for _ in range(count):
        image = Image.new("RGBA", (600, 220), (0, 0, 0, 0))
        points = [(40 + i * 70, rng.randint(40, 180)) for i in range(8)]
        ImageDraw.Draw(image).line(points, fill=(0, 0, 0, 255), width=6)
        data = io.BytesIO()
        image.save(data, "PNG")
        out.append(signatures.clean_signature(data.getvalue()))
    return out


def populate(people, seed=2026):
    """A committee with eight branches, ``people`` members, an event with one session that
    began an hour ago, every member registered; a tenth 指定参加, on leave and checked in."""
    rng = random.Random(seed)
    committee, branches, organizer = organisation("市财政局机关党委", BRANCHES, "13900000000")
    start = (utcnow() - timedelta(hours=1)).replace(microsecond=0)
    event = Event(title="2026年度支部书记培训班", kind="training", organizer_branch_id=committee.id,
                  place="市委党校报告厅", status="published", created_by_id=organizer.id,
                  published_at=start - timedelta(days=7), eligibility={})
    event.sessions = [EventSession(title="第一讲 开班式", starts_at=start, ends_at=start + timedelta(hours=3),
                                   credit_hours=3, signature_required=True)]
    db.session.add(event)
    db.session.flush()
    members = [{"name": rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                "phone": str(13000000000 + n), "branch_id": branches[n % len(branches)].id,
                "position": rng.choice(POSITIONS), "political_status": "01"} for n in range(people)]
    db.session.execute(sa.insert(Member), members)
    ids = db.session.scalars(sa.select(Member.id).where(Member.phone != "13900000000")
                             .order_by(Member.id)).all()
    branch_of = {member_id: branches[n % len(branches)].id for n, member_id in enumerate(ids)}
    db.session.execute(sa.insert(Registration), [
        {"event_id": event.id, "member_id": member_id, "status": "confirmed",
         "source": "invited" if n % 10 == 3 else "self", "branch_id": branch_of[member_id]}
        for n, member_id in enumerate(ids)])
    registrations = db.session.scalars(sa.select(Registration.id).order_by(Registration.id)).all()
    session = event.sessions[0]
    db.session.execute(sa.insert(Leave), [
        {"registration_id": rid, "session_id": session.id, "reason": "出差", "status": "approved",
         "requested_by_id": organizer.id} for n, rid in enumerate(registrations) if n % 10 == 5])
    db.session.execute(sa.insert(Checkin), [
        {"session_id": session.id, "registration_id": rid, "kind": "entry", "method": "ticket_scan",
         "at": start - timedelta(minutes=rng.randint(0, 30)), "result": "ok", "late": False}
        for n, rid in enumerate(registrations) if n % 10 == 7])
    db.session.commit()
    return session.id, registrations, start


def sign_everyone(session_id, registrations, start):
    """Every expected person checked in with a signature (a 签名签到 session, afterwards)."""
    pngs = signature_pngs()
    done = set(db.session.scalars(sa.select(Checkin.registration_id).where(Checkin.session_id == session_id)))
    on_leave = set(db.session.scalars(sa.select(Leave.registration_id)))
    db.session.execute(sa.insert(Checkin), [
        {"session_id": session_id, "registration_id": rid, "kind": "entry", "method": "self_scan",
         "at": start, "result": "ok", "late": False}
        for rid in registrations if rid not in done and rid not in on_leave])
    rows = db.session.execute(sa.select(Checkin.id).where(Checkin.session_id == session_id)).scalars().all()
    db.session.execute(sa.insert(CheckinSignature), [
        {"checkin_id": checkin_id, "image": pngs[n % len(pngs)][0], "width": pngs[n % len(pngs)][1],
         "height": pngs[n % len(pngs)][2]} for n, checkin_id in enumerate(rows)])
    db.session.commit()
    return len(rows)


def analyze():
    """Planner statistics, as a database in use has them (PostgreSQL's autovacuum; SQLite
    only when someone runs ANALYZE or PRAGMA optimize)."""
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()


def timed(function):
    db.session.expire_all()
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def sheet(session_id):
    session = db.session.get(EventSession, session_id)
    return report_files.build_sign_in_sheet(session, None, "pinyin")[0]


def describe(pdf):
    return f"{len(PdfReader(io.BytesIO(pdf)).pages):4d} pages  {len(pdf) / 1e6:5.2f} MB"


def traced(function):
    return bench_printing.traced(function)[1]


def run(app, people, quick, frag=None, database=""):
    frag = frag or fragment.Fragment("bench_reports", "")
    with app.app_context():
        session_id, registrations, start = populate(people)
        sheet(session_id)  # warm-up: fonts, the 拼音 table
        pdf, seconds = timed(lambda: sheet(session_id))
        print(f"   签到表, {people} people, before the session   {seconds:6.2f} s  {describe(pdf)}"
              "  (fresh tables: no planner statistics)")
        analyze()
        pdf, analysed = timed(lambda: sheet(session_id))
        print(f"   the same after ANALYZE                     {analysed:6.2f} s  {describe(pdf)}")
        target = 2.0 * people / 2000
        frag.row(f"签到表, {people:,} people, fresh tables", f"{seconds:.2f} s", f"≤ {target:g} s",
                   seconds <= target, database)
        frag.row("the same after ANALYZE", f"{analysed:.2f} s", database=database)
        if quick:
            return seconds
        (report, _), report_seconds = timed(lambda: report_files.build_session_report(
            db.session.get(EventSession, session_id), None, "pdf"))
        print(f"   attendance report, PDF                     {report_seconds:6.2f} s  {describe(report)}")
        (book, _), book_seconds = timed(lambda: report_files.build_session_report(
            db.session.get(EventSession, session_id), None, "xlsx"))
        print(f"   attendance report, XLSX                    {book_seconds:6.2f} s  {len(book) / 1e6:5.2f} MB")
        frag.row("session attendance report, PDF / XLSX",
                   f"{report_seconds:.2f} s / {book_seconds:.2f} s", database=database)
        peak = traced(lambda: sheet(session_id))
        print(f"   签到表 traced memory peak                   {peak / 1e6:6.1f} MB")
        signed = sign_everyone(session_id, registrations, start)
        analyze()
        pdf, signed_seconds = timed(lambda: sheet(session_id))
        print(f"   签到表 with {signed} signatures              {signed_seconds:6.2f} s  {describe(pdf)}")
        frag.row(f"签到表 with {signed:,} signatures, after ANALYZE", f"{signed_seconds:.2f} s",
                   database=database)
        peak = traced(lambda: sheet(session_id))
        print(f"   签到表 with signatures, traced memory peak  {peak / 1e6:6.1f} MB")
        return seconds


def main():
    args = parse_args()
    print(f"Reports benchmark{' (quick)' if args.quick else ''}")
    report = fragment.Fragment(
        "bench_reports", "Reports",
        f"A committee with eight branches, {args.people:,} members registered for a session that "
        "began an hour ago (a tenth 指定参加, a tenth on leave, a tenth checked in), bulk-inserted; "
        "the 签到表 through the real path" + (" (quick pass: the sheet only, target 3x loose)."
                                           if args.quick else "."))
    seconds = 0.0
    for url in fragment.database_urls(args, "reports"):
        with tempfile.TemporaryDirectory() as workdir:
            seconds = max(seconds, run(make_app(url, workdir), args.people, args.quick, report,
                                       fragment.database_label(url)))
    with tempfile.TemporaryDirectory() as workdir:
        if not args.quick:
            os.makedirs(f"{workdir}/x2")
            app = make_app(None, f"{workdir}/x2")
            with app.app_context():
                session_id, _, _ = populate(args.people * 2, seed=11)
                sheet(session_id)
                peak = traced(lambda: sheet(session_id))
                print(f"   签到表, {args.people * 2} people, traced memory peak   {peak / 1e6:6.1f} MB")
                report.row(f"tracemalloc peak of the 签到表, {args.people * 2:,} people",
                           f"{peak / 1e6:.1f} MB", database="SQLite")
    report.write(args.report)
    slack = 3 if args.quick else 1
    limit = args.target * slack * args.people / 2000
    if seconds > limit:
        print(f"TOO SLOW: the {args.people}-person 签到表 took {seconds:.2f} s (limit {limit:.1f} s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
