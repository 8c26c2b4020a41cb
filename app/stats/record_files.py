"""A member's learning record and the below-target list as files: XLSX and CSV through
app.exports, PDF (A4 landscape, repeated header, page x of y) through app.printing.
Each ``*_file(actor, ...)`` builds the file from the same reads as the page and records
the download in the audit log; the view has checked the scope already."""
from app import exports, printing
from app.audit.service import record
from app.checkin.report_files import Document
from app.exports import Column as XColumn
from app.printing import Column, Table
from app.timeutil import format_local, utcnow
from app.txn import write_transaction

from .records import member_record

RECORD_COLUMNS = (("日期", "datetime", 17), ("活动", "text", 24), ("类型", "text", 8),
                  ("场次", "text", 10), ("状态", "text", 10), ("学时", "float", 6),
                  ("本场学时", "float", 8), ("补签申请", "text", 10))


def _hours(value):
    return f"{value:g}"


def record_rows(record):
    for line in record.lines:
        yield (line.starts_at, line.event_title, line.kind_label, line.session_title,
               line.word, line.hours, line.credit_hours,
               line.correction.status_label if line.correction is not None else "")


def record_title(record):
    member = record.member
    return [f"{member.name} {record.year}年学习档案",
            f"{member.branch.name}；学时 {_hours(record.hours)} / 年度目标 {_hours(record.target)}"
            f"{'（已达标）' if record.reached else f'（还差 {_hours(record.remaining)}）'}"]


def _build(title_lines, columns, rows, fmt, sheet, pdf_widths, info=()):
    rows = list(rows)
    if fmt == "xlsx":
        specs = [XColumn(header, kind, width) for header, kind, width in columns]
        return exports.xlsx_bytes(specs, rows, sheet=sheet, title=title_lines), len(rows)
    if fmt == "csv":
        specs = [XColumn(header, kind, width) for header, kind, width in columns]
        return exports.csv_bytes(specs, rows, title=title_lines), len(rows)
    pdf_columns = [Column(header, width=weight, align="right" if kind in ("float", "int") else "left")
                   for (header, kind, _), weight in zip(columns, pdf_widths, strict=True)]
    shown = [[format_local(value, "%Y-%m-%d %H:%M") if kind == "datetime"
              else (_hours(value) if kind == "float" else value)
              for (_, kind, _), value in zip(columns, row, strict=True)] for row in rows]
    data = printing.table_pdf(title=title_lines[0], info=[*title_lines[1:], *info],
                              tables=[Table(columns=pdf_columns, rows=shown)], landscape=True,
                              printed_at=format_local(utcnow(), "%Y-%m-%d %H:%M"))
    return data, len(rows)


def record_file(actor, member, year, fmt):
    """The record of ``member`` for ``year`` as ``fmt`` (xlsx, csv, pdf); audited."""
    found = member_record(member, year)
    title = record_title(found)
    data, rows = _build(title, RECORD_COLUMNS, record_rows(found), fmt, "学习档案",
                        (2.2, 4, 1.2, 1.6, 1.6, 0.8, 1, 1.2))
    with write_transaction():
        record(actor, "stats.record_export", member, format=fmt, year=year, rows=rows)
    filename = f"{exports.safe_filename(member.name, 'member')}{year}年学习档案.{fmt}"
    return Document(data, filename, fmt, rows)


BELOW_COLUMNS = (("所在组织", "text", 16), ("姓名", "text", 8), ("对象", "text", 10),
                 ("已获学时", "float", 8), ("目标学时", "float", 8), ("还差学时", "float", 8))


def below_target_title(found):
    scope = found.branch.name if found.branch is not None else "全部组织"
    return [f"学时未达标提醒名单（{found.period.label}）",
            f"范围：{scope}；统计时段：{found.period.label}；共 {len(found.rows)} 人；"
            "按组织、姓名排列，供提醒之用，不作排名"]


def below_target_file(actor, found, fmt):
    """The below-target list as ``fmt``; audited."""
    rows = [(row.branch, row.name, row.group_label, row.hours, row.target, row.remaining)
            for row in found.rows]
    data, count = _build(below_target_title(found), BELOW_COLUMNS, rows, fmt, "未达标提醒",
                         (3, 1.6, 2.4, 1, 1, 1))
    with write_transaction():
        record(actor, "stats.below_target_export", found.branch, format=fmt, rows=count,
               period=found.period.label)
    return Document(data, f"学时未达标提醒名单{found.period.label}.{fmt}".replace(" ", ""),
                    fmt, count)
