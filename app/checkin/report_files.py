"""The printed lists and attendance reports as files, and the record of who took which.

- 签到表 (sign-in sheet) of a session, PDF: printed before the session to be signed with
  a pen (rows of 12 mm), or after a 签名签到 session with each signature and its time.
- Attendance report of a session: PDF, XLSX, CSV: each expected person's times, 迟到,
  早退, 请假, 缺席, 补录 and 学时; totals in all and per branch; walk-ins (列席) apart.
- Attendance report of an event: PDF, XLSX, CSV: each expected person's status in each
  session and 学时; totals per session and per branch (person-sessions, 人次).

Data comes from reports.py (all numbers from attendance.py); PDFs are drawn by
app.printing, spreadsheets written by app.exports. Each ``*_file(actor, ...)`` checks the
actor's scope (reports.report_scope), builds the file and records the download in the
audit log; the ``build_*`` functions only build (the benchmark times them).
"""
from dataclasses import dataclass

from flask import Response

from app import exports, printing
from app.audit.service import record
from app.exports import Column as XColumn
from app.printing import Column, Group, ImageCell, Table
from app.registration.export import content_disposition
from app.timeutil import utcnow
from app.txn import write_transaction

from . import reports, signatures

MARK = "√"
MIMETYPES = {"pdf": "application/pdf", "xlsx": exports.XLSX_MIMETYPE, "csv": exports.CSV_MIMETYPE}
SHEET_ROW_MM = 12  # room for a pen signature


@dataclass
class Document:
    data: bytes
    filename: str
    fmt: str
    rows: int

    @property
    def mimetype(self):
        return MIMETYPES[self.fmt]

    def disposition(self, fallback):
        return content_disposition(self.filename, fallback=f"{fallback}.{self.fmt}")

    def response(self, fallback):
        """The download: its type, its file name (``fallback`` for old browsers), no-store."""
        return Response(self.data, mimetype=self.mimetype, headers={
            "Content-Disposition": self.disposition(fallback), "Cache-Control": "no-store"})


def _rate(value):
    return "—" if value is None else f"{value * 100:.1f}%"


def _hours(value):
    return f"{value:g}"


def record_download(actor, event, report, fmt, rows, scope, **details):
    with write_transaction():
        record(actor, "checkin.report", event, report=report, format=fmt, rows=rows,
               branch_id=scope.id if scope is not None else None, **details)


def filename_for(event, *parts, fmt):
    name = "-".join([exports.safe_filename(event.title, "活动"),
                     *(exports.safe_filename(part) for part in parts if part)])
    return f"{name}.{fmt}"


# ------------------------------------------------------------------ 签到表

SHEET_COLUMNS = [Column("序号", 0.55, "center"), Column("姓名", 1.25), Column("所在支部", 2.0),
                 Column("职务", 1.3), Column("签名", 2.2, "center"), Column("备注", 1.5)]


def _sheet_row(number, person, row, session, signed):
    remarks = []
    if person.invited:
        remarks.append("指定参加")
    if row.on_leave:
        remarks.append("请假")
    image = signed.get(person.registration_id)
    entered = reports.local_time(row.entry_at, session)
    if row.backfilled:
        remarks.append("补录")
    elif entered and image is None:  # came without an electronic signature: say when
        remarks.append(f"{entered} 签到{'（迟到）' if row.late else ''}")
    elif image is not None and row.late:
        remarks.append("迟到")
    sign = ImageCell(image[0], entered) if image is not None else None
    return (number, person.name, person.branch_name, person.position, sign, "；".join(remarks))


def _grouped(listed, make_row):
    """Rows of a printed table with a Group row per branch; numbers run across groups."""
    rows, number = [], 0
    for branch, members in reports.groups(listed):
        rows.append(Group(f"{branch}（{len(members)}人）"))
        for person in members:
            number += 1
            rows.append(make_row(number, person))
    return rows


def build_sign_in_sheet(session, scope=None, order="pinyin", now=None, out=None):
    """The 签到表 PDF of ``session`` inside ``scope`` (bytes, or written to ``out``).
    Returns (pdf bytes or None, number of expected people)."""
    now = now or utcnow()
    expected, came_along = reports.split(reports.people([session.id], scope, order=order, who="both"))
    signed = signatures.images(session.id)
    sid = session.id

    def row(number, person):
        return _sheet_row(number, person, person.rows[sid], session, signed)

    _, total = reports.session_totals(session, scope)
    figures = [("应到", total["expected"]), ("请假", total["on_leave"])]
    if reports.started(session, now):
        figures.append(("已签到", total["present"]))
    if total["walk_in"]:
        figures.append(("列席", total["walk_in"]))
    tables = [Table(SHEET_COLUMNS, _grouped(expected, row), row_height=SHEET_ROW_MM,
                    empty_text="（本场次暂无应到人员）")]
    if came_along:
        tables.append(Table(SHEET_COLUMNS, _grouped(came_along, row), caption="列席人员",
                            row_height=SHEET_ROW_MM))
    tables.append(Table.summary(figures))
    pdf = printing.table_pdf(
        title="签到表", info=reports.session_info(session, scope), tables=tables,
        printed_at=reports.printed_at(now), out=out,
        footer=f"{session.event.title} · {reports.session_name(session)}")
    return pdf, len(expected)


def sign_in_sheet_file(actor, session, branch_id=None, order="pinyin"):
    """The 签到表 for ``actor`` (scope checked), recorded in the audit log."""
    event = session.event
    scope = reports.report_scope(actor, event, branch_id)
    order = order if order in reports.ORDERS else "pinyin"
    pdf, count = build_sign_in_sheet(session, scope, order)
    record_download(actor, event, "sheet", "pdf", count, scope, session_id=session.id, order=order)
    return Document(pdf, filename_for(event, reports.session_name(session), "签到表", fmt="pdf"),
                    "pdf", count)


# ------------------------------------------------------------------ session report

def _session_rows(listed, session):
    """(person, row, values) of a session report; values as numbers and local times."""
    for person in listed:
        row = person.rows[session.id]
        yield person, row, {
            "entry": reports.local_time(row.entry_at, session),
            "exit": reports.local_time(row.exit_at, session),
            "reason": (row.entry_reason or "补录") if row.backfilled else "",
            "hours": float(row.credit_hours or 0),
        }


def _session_pdf(session, scope, expected, walk_ins, per_branch, total, now):
    def row(number, person):
        r = person.rows[session.id]
        values = next(_session_rows([person], session))[2]
        return (number, person.name, person.position, values["entry"], values["exit"],
                MARK if r.present and r.late else "", MARK if r.present and r.left_early else "",
                MARK if r.on_leave else "", MARK if r.absent else "", values["reason"],
                _hours(values["hours"]))

    columns = [Column("序号", 0.5, "center"), Column("姓名", 1.1), Column("职务", 1.1),
               Column("签到时间", 0.95, "center"), Column("签退时间", 0.95, "center"),
               Column("迟到", 0.5, "center"), Column("早退", 0.5, "center"),
               Column("请假", 0.5, "center"), Column("缺席", 0.5, "center"),
               Column("补录原因", 2.0), Column("学时", 0.55, "center")]
    tables = [Table(columns, _grouped(expected, row), font_size=10, empty_text="（本场次暂无应到人员）"),
              Table.summary(_figures(total)),
              _branch_table(per_branch)]
    if walk_ins:
        tables.append(_walk_in_table(session, walk_ins))
    return printing.table_pdf(title="出勤报告", info=reports.session_info(session, scope),
                              tables=tables, landscape=True, printed_at=reports.printed_at(now),
                              footer=f"{session.event.title} · {reports.session_name(session)}")


def _figures(total):
    return [("应到", total["expected"]), ("实到", total["present"]), ("请假", total["on_leave"]),
            ("缺席", total["absent"]), ("迟到", total["late"]), ("早退", total["left_early"]),
            ("列席", total["walk_in"]), ("到会率", _rate(total["rate"]))]


def _branch_table(per_branch, caption="各支部出勤", hours=False):
    columns = [Column("支部", 2.6), *(Column(label, 0.7, "center") for label in
               ("应到", "实到", "请假", "缺席", "迟到", "早退", "到会率"))]
    if hours:
        columns.append(Column("学时", 0.7, "center"))
    rows = []
    for branch, numbers in per_branch:
        if not numbers["expected"]:
            continue  # a branch of walk-ins only: counted apart
        values = [branch.name, numbers["expected"], numbers["present"], numbers["on_leave"],
                  numbers["absent"], numbers["late"], numbers["left_early"],
                  _rate(numbers["rate"])]
        rows.append(values + ([_hours(numbers["hours"])] if hours else []))
    return Table(columns, rows, caption=caption, font_size=10)


def _walk_in_table(session, walk_ins):
    columns = [Column("序号", 0.5, "center"), Column("姓名", 1.2), Column("所在支部", 2.2),
               Column("签到时间", 1.0, "center"), Column("签退时间", 1.0, "center"),
               Column("学时", 0.6, "center")]
    rows = [(number, person.name, person.branch_name, values["entry"], values["exit"],
             _hours(values["hours"]))
            for number, (person, _, values) in enumerate(_session_rows(walk_ins, session), 1)]
    return Table(columns, rows, caption="列席人员（不计入应到和到会率）", font_size=10)


SESSION_XLSX = [XColumn("序号", "int", 6), XColumn("姓名", width=10), XColumn("所在支部", width=20),
                XColumn("职务", width=12), XColumn("签到时间", "datetime"), XColumn("签退时间", "datetime"),
                XColumn("迟到", "int", 6), XColumn("早退", "int", 6), XColumn("请假", "int", 6),
                XColumn("缺席", "int", 6), XColumn("补录原因", width=20), XColumn("学时", "float", 6)]
SUMMARY_XLSX = [XColumn("支部", width=24), *(XColumn(label, "int", 8) for label in
                ("应到", "实到", "请假", "缺席", "迟到", "早退", "列席")), XColumn("到会率", "percent")]


def _session_sheet_rows(expected, session):
    """Rows of the detail sheet (numbers as numbers, times as times) and a 合计 row: the
    sums of the columns above it."""
    sums = [0, 0, 0, 0, 0.0]
    for number, (person, row, values) in enumerate(_session_rows(expected, session), 1):
        flags = [int(row.present and row.late), int(row.present and row.left_early),
                 int(row.on_leave), int(row.absent)]
        sums = [a + b for a, b in zip(sums, [*flags, values["hours"]], strict=True)]
        yield (number, person.name, person.branch_name, person.position, row.entry_at, row.exit_at,
               *flags, values["reason"], values["hours"])
    yield ("合计", "", "", "", None, None, *sums[:4], "", sums[4])


def _summary_rows(per_branch, total):
    for branch, numbers in per_branch:
        yield (branch.name, numbers["expected"], numbers["present"], numbers["on_leave"],
               numbers["absent"], numbers["late"], numbers["left_early"], numbers["walk_in"],
               numbers["rate"])
    yield ("合计", total["expected"], total["present"], total["on_leave"], total["absent"],
           total["late"], total["left_early"], total["walk_in"], total["rate"])


def _session_title(session, scope):
    lines = [f"{session.event.title} 出勤报告",
             f"{reports.session_name(session)} · {reports.when(session)} · "
             f"{session.effective_place or ''}".rstrip(" ·")]
    if scope is not None:
        lines.append(f"范围：{reports.scope_label(scope)}")
    return lines


def build_session_report(session, scope, fmt, now=None):
    """(bytes, rows) of the attendance report of one session in ``fmt`` (pdf, xlsx, csv)."""
    now = now or utcnow()
    reports.require_started(session, now)
    expected, walk_ins = reports.split(reports.people([session.id], scope, who="both"))
    per_branch, total = reports.session_totals(session, scope)
    if fmt == "pdf":
        return _session_pdf(session, scope, expected, walk_ins, per_branch, total, now), len(expected)
    title = _session_title(session, scope)
    rows = _session_sheet_rows(expected, session)
    if fmt == "csv":
        return exports.csv_bytes(SESSION_XLSX, rows, title=title), len(expected)
    workbook = exports.new_workbook()
    exports.add_sheet(workbook, "出勤明细", SESSION_XLSX, rows, title=title)
    exports.add_sheet(workbook, "汇总", SUMMARY_XLSX, _summary_rows(per_branch, total), title=title)
    if walk_ins:
        exports.add_sheet(workbook, "列席人员", SESSION_XLSX[:6] + SESSION_XLSX[-1:], (
            (number, person.name, person.branch_name, person.position, row.entry_at, row.exit_at,
             values["hours"])
            for number, (person, row, values) in enumerate(_session_rows(walk_ins, session), 1)),
            title=title)
    return exports.workbook_bytes(workbook), len(expected)


def session_report_file(actor, session, fmt, branch_id=None):
    event = session.event
    scope = reports.report_scope(actor, event, branch_id)
    data, count = build_session_report(session, scope, fmt)
    record_download(actor, event, "session_report", fmt, count, scope, session_id=session.id)
    return Document(data, filename_for(event, reports.session_name(session), "出勤报告", fmt=fmt),
                    fmt, count)


# ------------------------------------------------------------------ event report

def _event_pdf(event, scope, sessions, matrix, per_session, per_branch, total, now):
    names = [reports.session_name(s) for s in sessions]
    columns = [Column("序号", 0.5, "center"), Column("姓名", 1.1),
               *(Column(name, 0.9, "center") for name in names),
               Column("出席场次", 0.7, "center"), Column("学时", 0.6, "center")]
    by_person = {person.registration_id: (cells, came, hours) for person, cells, came, hours in matrix}

    def row(number, person):
        cells, came, hours = by_person[person.registration_id]
        return (number, person.name, *cells, came, _hours(hours))

    session_columns = [Column("场次", 1.4), Column("时间", 2.2),
                       *(Column(label, 0.6, "center") for label in
                         ("应到", "实到", "请假", "缺席", "迟到", "早退", "到会率"))]
    session_rows = []
    for session, numbers in per_session:
        head = [reports.session_name(session), reports.when(session)]
        if numbers is None:
            session_rows.append(head + ["—", "未开始", "—", "—", "—", "—", "—"])
        else:
            session_rows.append(head + [numbers["expected"], numbers["present"], numbers["on_leave"],
                                        numbers["absent"], numbers["late"], numbers["left_early"],
                                        _rate(numbers["rate"])])
    tables = [Table(columns, _grouped([person for person, *_ in matrix], row), font_size=10,
                    empty_text="（暂无应到人员）"),
              Table(session_columns, session_rows, caption="各场次出勤", font_size=10),
              _branch_table(per_branch, caption="各支部出勤（人次，已开始的场次）", hours=True),
              Table.summary(_figures(total), caption="合计（人次，已开始的场次）")]
    return printing.table_pdf(title="出勤报告", info=reports.event_info(event, scope), tables=tables,
                              landscape=True, printed_at=reports.printed_at(now), footer=event.title)


def build_event_report(event, scope, fmt, now=None):
    """(bytes, rows) of the attendance report of a whole event in ``fmt``."""
    now = now or utcnow()
    reports.require_sessions(event)
    sessions, matrix = reports.event_matrix(event, scope, now)
    per_session, per_branch, total = reports.event_totals(event, scope, now)
    if fmt == "pdf":
        return (_event_pdf(event, scope, sessions, matrix, per_session, per_branch, total, now),
                len(matrix))
    title = [f"{event.title} 出勤报告", reports.event_when(event)]
    if scope is not None:
        title.append(f"范围：{reports.scope_label(scope)}")
    columns = [XColumn("序号", "int", 6), XColumn("姓名", width=10), XColumn("所在支部", width=20),
               XColumn("职务", width=12), *(XColumn(reports.session_name(s), width=10) for s in sessions),
               XColumn("出席场次", "int", 8), XColumn("学时", "float", 6)]
    rows = [(number, person.name, person.branch_name, person.position, *cells, came, hours)
            for number, (person, cells, came, hours) in enumerate(matrix, 1)]
    if fmt == "csv":
        return exports.csv_bytes(columns, rows, title=title), len(matrix)
    workbook = exports.new_workbook()
    exports.add_sheet(workbook, "出勤情况", columns, rows, title=title)
    session_columns = [XColumn("场次", width=12), XColumn("时间", width=28),
                       *(XColumn(label, "int", 8) for label in
                         ("应到", "实到", "请假", "缺席", "迟到", "早退", "列席")),
                       XColumn("到会率", "percent")]
    exports.add_sheet(workbook, "各场次", session_columns, [
        (reports.session_name(s), reports.when(s),
         *((t["expected"], t["present"], t["on_leave"], t["absent"], t["late"], t["left_early"],
            t["walk_in"], t["rate"]) if t is not None else (None, "未开始", *(None,) * 6)))
        for s, t in per_session], title=title)
    exports.add_sheet(workbook, "各支部（人次）", SUMMARY_XLSX, _summary_rows(per_branch, total),
                      title=title)
    return exports.workbook_bytes(workbook), len(matrix)


def event_report_file(actor, event, fmt, branch_id=None):
    scope = reports.report_scope(actor, event, branch_id)
    data, count = build_event_report(event, scope, fmt)
    record_download(actor, event, "event_report", fmt, count, scope)
    return Document(data, filename_for(event, "出勤报告", fmt=fmt), fmt, count)
