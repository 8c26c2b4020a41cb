"""Certificates benchmark: issuing by rule, and one streamed PDF of an event's certificates.

    .venv/bin/python bench/bench_certificates.py            # 5,000 people, 5,000 pages
    .venv/bin/python bench/bench_certificates.py --quick    # 500: the quick pass (make bench-quick)
    .venv/bin/python bench/bench_certificates.py --database-url postgresql://postgres@127.0.0.1:5432/bench

A PostgreSQL database given here is WIPED (schema public dropped and rebuilt). The
attendance (members, registrations, four lessons of check-ins each) is bulk-inserted; what
is timed goes through the functions the pages call:

1. issuing: ``issuing.issue()`` for everyone: the completion rule over the attendance
   rows, serials, snapshots, one insert;
2. the event's PDF: ``documents.start_print()`` and every chunk of ``documents.stream_job()``
   (read the snapshots 100 at a time, draw, write the pages out, count progress in the job
   row), pages per second, beside a bare reportlab Canvas drawing similar pages with the
   same QR code in the same run;
3. memory: the tracemalloc peak of the streamed PDF for 10 pages and for all of them.

Exits 1 when the PDF runs below --rate-target pages/s (150); the quick pass only when 3x
off, since CI shares the machine.
"""
import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import fragment  # noqa: E402
import sqlalchemy as sa  # noqa: E402
import world  # noqa: E402
from bench_import import make_app  # noqa: E402
from bench_printing import Sink, traced  # noqa: E402
from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from app import printing  # noqa: E402
from app.certificates import documents, issuing  # noqa: E402
from app.checkin.models import Checkin  # noqa: E402
from app.events import service as events  # noqa: E402
from app.extensions import db  # noqa: E402
from app.org.models import Member  # noqa: E402
from app.printing import fonts  # noqa: E402
from app.registration.models import Registration  # noqa: E402
from app.timeutil import utcnow  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林文建国志海峰亮成东晨芳娜敏静丽艳娟霞秀燕玲"
BRANCHES = ["办公室党支部", "综合科党支部", "规划科党支部", "财务科党支部", "法规科党支部",
            "信息中心党支部", "执法支队党支部", "离退休干部党支部"]
BASE_URL = "https://dangjian.example.gov.cn"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 people (CI)")
    parser.add_argument("--people", type=int, help="people and pages (default 5000, quick 500)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="PostgreSQL URL (wiped!); default a fresh SQLite file")
    parser.add_argument("--rate-target", type=float, default=150.0)
    fragment.add_options(parser)
    return parser.parse_args()


def organisation():
    _, branches, organizer = world.organisation("机关党委", BRANCHES, "13900000002",
                                                password_hash="!", login_token="bench")
    db.session.commit()
    return organizer, branches


def finished_training(organizer, title, people, branches, phone_start):
    """A training of four 3-hour lessons that ended yesterday; ``people`` members came to
    all four lessons (every tenth to two: no completion). Bulk-inserted attendance."""
    start = (utcnow() - timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    event = events.create_event(organizer, {"title": title, "kind": "training",
                                            "organizer_branch_id": organizer.branch_id}, [
        {"title": f"第{n + 1}课", "starts_at": start + timedelta(days=n),
         "ends_at": start + timedelta(days=n, hours=3), "credit_hours": 3.0} for n in range(4)])
    events.publish_event(organizer, event)
    members = [{"name": SURNAMES[n % len(SURNAMES)] + GIVEN[n * 7 % len(GIVEN)] + GIVEN[n // 50 % len(GIVEN)],
                "phone": str(phone_start + n), "branch_id": branches[n % len(branches)].id, "role": "member",
                "political_status": "01", "active": True, "password_hash": "!", "login_token": f"b{n}",
                "must_change_password": False} for n in range(people)]
    member_ids = db.session.execute(sa.insert(Member).returning(Member.id), members).scalars().all()
    registrations = [{"event_id": event.id, "member_id": member_id, "status": "confirmed", "source": "proxy",
                      "branch_id": members[n]["branch_id"], "created_at": start, "updated_at": start}
                     for n, member_id in enumerate(member_ids)]
    registration_ids = db.session.execute(sa.insert(Registration).returning(Registration.id),
                                          registrations).scalars().all()
    checkins = [{"session_id": session.id, "registration_id": registration_id, "kind": "entry",
                 "method": "backfill", "at": session.starts_at, "result": "ok", "late": False,
                 "device": "", "reason": "根据纸质签到表补录", "scanned": ""}
                for n, registration_id in enumerate(registration_ids)
                for session in (event.sessions[:2] if n % 10 == 9 else event.sessions)]
    for chunk in range(0, len(checkins), 5000):
        db.session.execute(sa.insert(Checkin), checkins[chunk:chunk + 5000])
    db.session.commit()
    return event


def stream(organizer, event_id):
    job = documents.start_print(organizer, event_id, "completion")
    return sum(len(chunk) for chunk in documents.stream_job(job.id)), job.total


def bare(count):
    """Similar pages on a plain reportlab Canvas: title, a name, two lines, serial, QR."""
    canvas = Canvas(Sink(), pagesize=landscape(A4), pageCompression=1, initialFontName=fonts.MAIN)
    width, height = landscape(A4)
    for number in range(count):
        canvas.setFont(fonts.MAIN, 40)
        canvas.drawCentredString(width / 2, height - 48 * mm, "结  业  证  书")
        canvas.setFont(fonts.MAIN, 24)
        canvas.drawString(40 * mm, height - 80 * mm, f"{SURNAMES[number % len(SURNAMES)]}{GIVEN[number % len(GIVEN)]} 同志：")
        canvas.setFont(fonts.MAIN, 20)
        canvas.drawString(40 * mm, height - 95 * mm, "于2026年3月5日至3月8日参加「党务知识培训班」，完成学习 12 学时，")
        canvas.drawString(40 * mm, height - 105 * mm, "经考核合格，准予结业。")
        canvas.setFont(fonts.MAIN, 11)
        canvas.drawString(52 * mm, 40 * mm, f"证书编号：2026-JY-0001-{number:04d}")
        printing.draw_qr(canvas, f"{BASE_URL}/verify/K7{number:010d}", 24 * mm, 22 * mm, 24 * mm)
        canvas.showPage()
    canvas.save()


def main():
    args = parse_args()
    count = args.people or (500 if args.quick else 5000)
    report = fragment.Fragment(
        "bench_certificates", "Certificates",
        f"A finished training of four lessons, {count:,} people (every tenth at two lessons "
        "only), bulk-inserted; issuing and the streamed PDF through the functions the pages call"
        + (" (quick pass: the rate target 3x loose)." if args.quick else "."))
    slowest = None
    for url in fragment.database_urls(args, "certificates"):
        rate = run(args, url, count, report)
        slowest = rate if slowest is None else min(slowest, rate)
    report.write(args.report)
    slack = 3 if args.quick else 1
    if slowest < args.rate_target / slack:
        print(f"TOO SLOW: the certificates PDF ran at {slowest:.0f} pages/s")
        return 1
    return 0


def run(args, url, count, report):
    database = fragment.database_label(url)
    with tempfile.TemporaryDirectory() as workdir:
        app, _url = make_app(url, workdir)
        app.config["PUBLIC_BASE_URL"] = BASE_URL
        with app.test_request_context():
            fonts.register_fonts()
            organizer, branches = organisation()
            print(f"Certificates benchmark{' (quick)' if args.quick else ''}: {count} people, "
                  f"{db.engine.dialect.name}")
            started = time.perf_counter()
            small = finished_training(organizer, "十人培训班", 10, branches, 15_000_000_000)
            big = finished_training(organizer, "党务知识培训班", count, branches, 16_000_000_000)
            print(f"   set-up (bulk inserts)                  {time.perf_counter() - started:6.2f} s")
            # Planner statistics, as a database in use has them (PostgreSQL's autovacuum runs
            # after bulk changes): without them PostgreSQL plans the attendance join of issue()
            # by a scan per registration and ran for minutes at 5,000 people.
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()

            started = time.perf_counter()
            issued = issuing.issue(organizer, big.id, "completion")
            seconds = time.perf_counter() - started
            report.row(f"issue(): {issued.count:,} completion certificates", f"{seconds:.2f} s",
                       database=database)
            print(f"1. issue() for {count} people             {seconds:6.2f} s  {issued.count} certificates"
                  f" ({issued.first_serial} … {issued.last_serial})")
            issuing.issue(organizer, small.id, "completion")
            started = time.perf_counter()
            again = issuing.issue(organizer, big.id, "completion")
            print(f"   issue() again (nothing new)            {time.perf_counter() - started:6.2f} s  {again.count} certificates")

            stream(organizer, small.id)  # warm-up: fonts, caches
            started = time.perf_counter()
            size, pages = stream(organizer, big.id)
            seconds = time.perf_counter() - started
            rate = pages / seconds
            report.row(f"the event's PDF, {pages:,} pages, streamed", f"{rate:.0f} pages/s",
                       f"≥ {args.rate_target:.0f} pages/s", rate >= args.rate_target, database)
            print(f"2. the event's PDF, streamed             {seconds:6.2f} s  {pages} pages  {rate:5.0f} pages/s"
                  f"  {size / 1e6:.1f} MB")
            started = time.perf_counter()
            bare(pages)
            seconds = time.perf_counter() - started
            print(f"   bare reportlab Canvas + the same QR    {seconds:6.2f} s  {pages} pages  "
                  f"{pages / seconds:5.0f} pages/s")

            _, few = traced(lambda: stream(organizer, small.id))
            _, many = traced(lambda: stream(organizer, big.id))
            print(f"3. memory (tracemalloc peak)            10 pages {few / 1e6:5.1f} MB, "
                  f"{pages} pages {many / 1e6:5.1f} MB")
            report.row(f"tracemalloc peak: 10 / {pages:,} pages",
                       f"{few / 1e6:.1f} / {many / 1e6:.1f} MB", "flat", None, database)
    return rate


if __name__ == "__main__":
    sys.exit(main())
