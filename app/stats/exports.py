"""The statistics tables as files: XLSX and CSV through app/exports.py, PDF through
app/printing (A4 landscape, the header repeated, 第 x 页 共 y 页).

``branch_table_file(actor, filters, fmt)`` and ``event_summary_file(actor, event, fmt,
branch_id)`` check the reader's scope (stats/access.py, checkin.reports.report_scope),
build the file from the same service the page reads and record the download in the
audit log. ``build_*`` only build (the benchmark times them).
"""
from flask import current_app

from app import exports, printing
from app.audit.service import record
from app.checkin.report_files import Document
from app.checkin.reports import report_scope, session_name
from app.exports import Column as XColumn
from app.printing import Column, Table
from app.timeutil import format_local, utcnow
from app.txn import write_transaction

from .access import branch_scope, filtered_event
from .branches import branch_table
from .events import event_summary

INDENT = "\u3000"


def _rate(value):
    return "—" if value is None else f"{value * 100:.1f}%"


def _number(value):
    return "—" if value is None else f"{value:g}"


# ------------------------------------------------------------------ the branch table

BRANCH_HEADERS = [
    ("组织", "text"), ("党员数", "int"), ("参与人数", "int"), ("参与率", "percent"),
    ("参与人次", "int"), ("学时", "float"), ("人均学时", "float"), ("低于学时目标", "int"),
    ("指定参加应到", "int"), ("指定参加实到", "int"), ("指定参加请假", "int"),
    ("指定参加缺席", "int"), ("指定参加到会率", "percent"),
]
BRANCH_KEYS = ["members", "people", "participation_rate", "presences", "hours", "average_hours",
               "below_target", "m_expected", "m_present", "m_on_leave", "m_absent", "m_rate"]


def _branch_rows(table):
    for row in table.rows:
        numbers = row.numbers
        yield ([INDENT * row.depth + row.branch.name, *(numbers[key] for key in BRANCH_KEYS),
                *(numbers["by_kind"][kind] for kind, _ in table.kinds)])


def branch_title(filters, event=None):
    org = current_app.config["ORG_NAME"]
    return [f"{org}党建活动参与统计", filters.description(event.title if event else None)]


def build_branch_table(filters, within, fmt, event=None, now=None):
    """(bytes, rows) of the branch table in ``fmt``."""
    table = branch_table(filters, within)
    kinds = [(f"参与人次·{label}", "int") for _, label in table.kinds]
    rows = list(_branch_rows(table))
    title = branch_title(filters, event)
    if within is not None:
        title[1] += f"；范围：{within.name}及下级组织"
    if fmt in ("xlsx", "csv"):
        columns = [XColumn(header, kind, 24 if kind == "text" else 0)
                   for header, kind in BRANCH_HEADERS + kinds]
        if fmt == "xlsx":
            return exports.xlsx_bytes(columns, rows, sheet="参与统计", title=title), len(rows)
        return exports.csv_bytes(columns, rows, title=title), len(rows)
    columns = [Column("组织", 3.0)] + [Column(header, 0.9, "center")
                                      for header, _ in (BRANCH_HEADERS + kinds)[1:]]
    shown = [[row[0], *(_rate(value) if kind == "percent" else _number(value)
                        for value, (_, kind) in zip(row[1:], (BRANCH_HEADERS + kinds)[1:],
                                                    strict=True))]
             for row in rows]
    pdf = printing.table_pdf(
        title=title[0], info=[title[1]],
        tables=[Table(columns, shown, font_size=8.5, empty_text="（无数据）")],
        landscape=True, printed_at=format_local(now or utcnow()))
    return pdf, len(rows)


def branch_table_file(actor, filters, fmt):
    within = branch_scope(actor)
    event = filtered_event(actor, filters)
    data, rows = build_branch_table(filters, within, fmt, event)
    with write_transaction():
        chosen = {"event_kind": filters.kind, "event_id": filters.event_id}
        record(actor, "stats.export", within, stats_table="branches", stats_format=fmt,
               stats_rows=rows, period=filters.period.label,
               **{key: value for key, value in chosen.items() if value})
    name = f"参与统计-{exports.safe_filename(filters.period.label)}.{fmt}"
    return Document(data, name, fmt, rows)


# ------------------------------------------------------------------ an event summary

SESSION_HEADERS = [("场次", "text"), ("应到", "int"), ("实到", "int"), ("请假", "int"),
                   ("缺席", "int"), ("迟到", "int"), ("早退", "int"), ("到会率", "percent")]
SESSION_KEYS = ["expected", "present", "on_leave", "absent", "late", "left_early", "rate"]


def _summary_rows(summary):
    """Rows of one sheet: the sessions, then the branches, then the absent members, each
    under a heading row (a spreadsheet has one header; the parts say what they are)."""
    for session, numbers in summary.per_session:
        label = session_name(session)
        if numbers is None:
            yield [label, None, "未开始", None, None, None, None, None]
        else:
            yield [label, *(numbers[key] for key in SESSION_KEYS)]
    yield ["合计（已开始的场次，人次）", *(summary.total[key] for key in SESSION_KEYS)]
    yield []
    yield ["各支部（人次）"]
    for branch, numbers in summary.per_branch:
        yield [branch.name, *(numbers[key] for key in SESSION_KEYS)]
    yield []
    yield [f"缺席人员（{len(summary.absent)} 人次）", "所在支部", "场次"]
    for name, branch_name, session in summary.absent:
        yield [name, branch_name, session_name(session)]


def build_event_summary(event, scope, fmt, now=None):
    summary = event_summary(event, scope, now)
    title = [f"{event.title} 出勤汇总",
             f"范围：{scope.name}及下级组织" if scope is not None else "范围：全部"]
    if fmt in ("xlsx", "csv"):
        columns = [XColumn(header, kind, 20 if kind == "text" else 0)
                   for header, kind in SESSION_HEADERS]
        rows = list(_summary_rows(summary))
        if fmt == "xlsx":
            return exports.xlsx_bytes(columns, rows, sheet="出勤汇总", title=title), len(rows)
        return exports.csv_bytes(columns, rows, title=title), len(rows)

    def shown(numbers):
        return [_rate(numbers[key]) if key == "rate" else numbers[key] for key in SESSION_KEYS]

    number_columns = [Column(header, 0.8, "center") for header, _ in SESSION_HEADERS[1:]]
    sessions = [[session_name(s), *(shown(n) if n else ["—", "未开始", "—", "—", "—", "—", "—"])]
                for s, n in summary.per_session]
    sessions.append(["合计（已开始的场次）", *shown(summary.total)])
    branches = [[branch.name, *shown(numbers)] for branch, numbers in summary.per_branch]
    absent = [[index, name, branch_name, session_name(session)]
              for index, (name, branch_name, session) in enumerate(summary.absent, 1)]
    pdf = printing.table_pdf(
        title=title[0], info=[title[1]], landscape=True, printed_at=format_local(now or utcnow()),
        tables=[Table([Column("场次", 3.0), *number_columns], sessions, caption="各场次",
                      font_size=9.5),
                Table([Column("支部", 3.0), *number_columns], branches, caption="各支部（人次）",
                      font_size=9.5, empty_text="（暂无应到人员）"),
                Table([Column("序号", 0.6, "center"), Column("姓名", 1.5), Column("所在支部", 3.0),
                       Column("场次", 3.0)], absent, caption="缺席人员", font_size=9.5,
                      empty_text="（无人缺席）")])
    return pdf, len(sessions) + len(branches) + len(absent)


def event_summary_file(actor, event, fmt, branch_id=None):
    scope = report_scope(actor, event, branch_id)
    data, rows = build_event_summary(event, scope, fmt)
    with write_transaction():
        record(actor, "stats.export", event, stats_table="event", stats_format=fmt,
               stats_rows=rows, **({"branch_id": scope.id} if scope is not None else {}))
    name = f"{exports.safe_filename(event.title, '活动')}-出勤汇总.{fmt}"
    return Document(data, name, fmt, rows)
