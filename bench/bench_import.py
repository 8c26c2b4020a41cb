"""Roster import benchmark: a realistic 20,000-row XLSX, checked and committed.

    .venv/bin/python bench/bench_import.py                    # 20,000 rows, fresh SQLite database
    .venv/bin/python bench/bench_import.py --rows 2000        # the quick pass CI runs
    .venv/bin/python bench/bench_import.py --database-url postgresql://postgres@127.0.0.1:5432/bench
    BENCH_DATABASE_URL=postgresql://... .venv/bin/python bench/bench_import.py

A PostgreSQL database given here is WIPED (schema public dropped and rebuilt): use a
database of its own. Three passes, each timed through the same functions the pages use:

1. first import: validate (read, check, store the ImportBatch) and commit: every row new;
2. re-import of a file where a tenth of the people changed (updates, unchanged rows) and
   a tenth were deactivated before (reactivation);
3. validation of a file with a problem in every fifth row (the problem list path).

Prints the timings and the peak memory (max RSS) and exits 1 when a validate + commit
pass takes longer than --target seconds (default 60).
"""
import argparse
import io
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import fragment  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.org.models import Branch, Member  # noqa: E402
from app.org.passwords import set_own_password  # noqa: E402
from app.org.roster.batches import commit_batch, create_batch  # noqa: E402
from app.org.roster.columns import COLUMNS  # noqa: E402

COMMITTEES = ["市发展和改革委员会机关党委", "市财政局机关党委", "市人力资源和社会保障局机关党委",
              "市住房和城乡建设局机关党委", "市交通运输局机关党委"]
BRANCHES = ["办公室党支部", "综合科党支部", "规划科党支部", "财务科党支部", "法规科党支部",
            "信息中心党支部", "执法支队党支部", "离退休干部党支部"]
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝")
GIVEN = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林文建国志海峰亮成东晨芳娜敏静丽艳娟霞秀燕玲桂丹萍红梅琳婷雪慧莉倩颖洁佳璐瑶雯欣怡悦蕾晶月莹"
STATUSES = ["中共党员"] * 14 + ["中共预备党员", "共青团员", "群众", "群众", "民盟盟员", "九三学社社员"]
RANKS = ["正处级", "副处级", "一级调研员", "正科级", "副科级", "一级主任科员", "二级主任科员",
         "四级主任科员", "一级科员", "二级科员", "工勤人员", ""]
POSITIONS = ["科员", "副科长", "科长", "主任科员", "干事", "副处长", "处长", ""]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows per file (default 20000)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="PostgreSQL URL (wiped!); default a fresh SQLite file")
    parser.add_argument("--target", type=float, default=60.0,
                        help="seconds a validate + commit pass may take (default 60)")
    parser.add_argument("--seed", type=int, default=2026)
    fragment.add_options(parser)
    return parser.parse_args()


def make_app(url, workdir):
    if not url:
        url = f"sqlite:///{workdir}/bench.db"
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    app = create_app({"APP_ENV": "testing", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
    return app, url


def build_tree():
    """Five committees with eight branches each; the branch names repeat across committees."""
    labels = []
    for committee_name in COMMITTEES:
        committee = Branch(name=committee_name, kind="committee", path="")
        db.session.add(committee)
        db.session.flush()
        committee.path = f"/{committee.id}/"
        for name in BRANCHES:
            branch = Branch(name=name, kind="branch", parent=committee, path="")
            db.session.add(branch)
            db.session.flush()
            branch.path = f"{committee.path}{branch.id}/"
            labels.append(f"{committee_name}/{name}")  # path form: the names repeat
    admin = Member(name="管理员", phone="13900000000", branch=committee, role="admin",
                   political_status="01")
    set_own_password(admin, "Admin1234")
    db.session.add(admin)
    db.session.commit()
    return admin.id, labels


def people(rng, count, labels):
    phones = rng.sample(range(13_000_000_000, 19_999_999_999), count)
    out = []
    for phone in phones:
        out.append([
            rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < .7 else ""),
            rng.choice("男女"),
            f"{rng.randint(1960, 2001)}-{rng.randint(1, 12):02d}",
            str(phone) if rng.random() < .8 else phone,  # some as numbers, as Excel stores them
            rng.choice(labels),
            rng.choice(["办公室", "综合科", "规划科", "财务科", "信息中心"]),
            rng.choice(POSITIONS),
            rng.choice(RANKS),
            rng.choice(STATUSES),
            "",
            "",
        ])
    return out


def xlsx(rows, title=True):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    if title:
        sheet.append(["2026年度党员花名册"])
    sheet.append([header for _, header in COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label, func, *args):
    start = time.perf_counter()
    value = func(*args)
    seconds = time.perf_counter() - start
    print(f"  {label:<34} {seconds:7.2f} s   peak RSS {peak_mb():6.0f} MB")
    return value, seconds


def main():
    args = parse_args()
    report = fragment.Fragment(
        "bench_import", "Roster import",
        f"{args.rows:,} rows of an XLSX roster (five 机关党委, forty 党支部), the functions the "
        "import pages call; target: validate + commit of a pass within "
        f"{args.target:.0f} s.")
    failures = []
    for url in fragment.database_urls(args, "import"):
        failures += run(args, url, report)
    report.row("peak RSS (whole run)", f"{peak_mb():.0f} MB")
    report.write(args.report)
    print(f"peak RSS {peak_mb():.0f} MB")
    if failures:
        print("OVER TARGET: " + "; ".join(failures))
        return 1
    print("OK: within target")
    return 0


def run(args, url, report):
    rng = random.Random(args.seed)
    failures = []
    database = fragment.database_label(url)
    with tempfile.TemporaryDirectory() as workdir:
        app, url = make_app(url, workdir)
        with app.app_context():
            dialect = db.engine.dialect.name
            print(f"Roster import benchmark: {args.rows} rows, {dialect}, target {args.target:.0f} s")
            admin_id, labels = build_tree()
            admin = db.session.get(Member, admin_id)
            rows = people(rng, args.rows, labels)

            first, _ = timed("build XLSX", xlsx, rows)
            print(f"  file size {len(first) / 1024 / 1024:.1f} MB")

            def passes(name, data, expect):
                print(name)
                batch, validate_s = timed("validate (read, check, store)", create_batch,
                                          admin, data, "bench.xlsx")
                assert batch.error_count == 0, batch.summary["problems"][:3]
                result, commit_s = timed("commit (re-check, write)", commit_batch,
                                         admin, batch.id)
                counts = result.counts
                print(f"  counts {counts}")
                for key, value in expect.items():
                    assert counts[key] == value, (key, counts[key], value)
                total = validate_s + commit_s
                print(f"  validate + commit {total:.2f} s")
                report.row(f"{name}: validate / commit", f"{validate_s:.2f} s / {commit_s:.2f} s",
                           f"≤ {args.target:.0f} s together", total <= args.target, database)
                if total > args.target:
                    failures.append(f"{name}: {total:.1f} s > {args.target:.0f} s")

            passes("1. first import (all new)", first, {"new": args.rows})

            # Deactivate a tenth, change a tenth: reactivations, updates and unchanged rows.
            tenth = max(1, args.rows // 10)
            deactivate = [str(row[3]) for row in rows[:tenth]]
            db.session.execute(sa.update(Member).where(Member.phone.in_(deactivate))
                               .values(active=False))
            db.session.commit()
            for row in rows[tenth:2 * tenth]:
                row[6] = "调研员" if row[6] != "调研员" else "科员"
            second = xlsx(rows)
            passes("2. re-import (updates, reactivations)", second,
                   {"new": 0, "reactivated": tenth, "updated": tenth,
                    "unchanged": args.rows - 2 * tenth})

            print("3. validation of a file with many problems")
            for index, row in enumerate(rows):
                if index % 5 == 0:
                    row[3] = "1380000"  # too short
            bad, bad_s = timed("validate", create_batch, admin, xlsx(rows), "bad.xlsx")
            print(f"  {bad.error_count} problems, {len(bad.summary['problems'])} kept for the page")
            report.row(f"3. validate, {bad.error_count:,} problems", f"{bad_s:.2f} s",
                       database=database)
            db.session.remove()
        with app.app_context():
            db.engine.dispose()
    return failures


if __name__ == "__main__":
    sys.exit(main())
