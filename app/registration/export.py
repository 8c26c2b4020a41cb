"""The registrant list as an Excel file (报名名单.xlsx).

Built with openpyxl's write-only mode, row by row from a streamed query, so a
list of several thousand registrations stays fast and small in memory. The
rows are exactly those of the staff page: same filters, same branch scope,
phone numbers masked unless the actor may see them in full.
"""
import io
import re
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from app.audit.service import record
from app.extensions import db
from app.org.scope import scope_branch, shown_phone
from app.timeutil import to_local
from app.txn import write_transaction

from . import service

SHEET_TITLE = "报名名单"
# (header, column width in characters)
COLUMNS = (
    ("序号", 6),
    ("姓名", 10),
    ("性别", 6),
    ("所在支部", 24),
    ("单位", 22),
    ("职务", 16),
    ("手机号码", 14),
    ("报名状态", 10),
    ("报名方式", 10),
    ("比赛项目", 24),
    ("报名时间", 17),
    ("备注", 30),
)
DATE_FORMAT = "yyyy-mm-dd hh:mm"
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def _text(sheet, value):
    """A text cell. openpyxl would store text starting with "=" as a formula; a name
    or unit typed that way must stay plain text."""
    if not (isinstance(value, str) and value.startswith("=")):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _remark(registration):
    if registration.status == "rejected" and registration.decision_reason:
        return f"未通过原因：{registration.decision_reason}"
    return registration.decision_reason or ""


def _rows(actor, event, filters):
    """(registration, item names) for every registration in the actor's scope, streamed."""
    scope = scope_branch(actor)
    query = service.registrants(event.id, scope_branch=scope, **filters)
    item_names = {item.id: item.name for item in event.items}
    result = db.session.scalars(query.execution_options(yield_per=1000))
    for registration in result:
        names = [item_names.get(ri.item_id, "") for ri in registration.items if ri.active]
        yield registration, "、".join(n for n in names if n)


def build_workbook(actor, event, filters=None):
    """The .xlsx bytes and the number of registrations written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    for index, (_header, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EEEEEE")
    centered = Alignment(horizontal="center", vertical="center")
    header = []
    for title, _width in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill, cell.alignment = bold, fill, centered
        header.append(cell)
    sheet.append(header)

    count = 0
    for count, (registration, items) in enumerate(_rows(actor, event, filters or {}), start=1):
        member = registration.member
        phone = shown_phone(actor, member)
        created = WriteOnlyCell(sheet, value=to_local(registration.created_at).replace(tzinfo=None))
        created.number_format = DATE_FORMAT
        sheet.append([
            count,
            _text(sheet, member.name),
            member.gender_label,
            _text(sheet, registration.branch.name),
            _text(sheet, member.unit),
            _text(sheet, member.position),
            phone,  # text, so Excel keeps all 11 digits
            registration.status_label,
            registration.source_label,
            _text(sheet, items),
            created,
            _text(sheet, _remark(registration)),
        ])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), count


def export_registrants(actor, event, filters=None):
    """Build the export and log who took which list: (bytes, filename, row count)."""
    data, count = build_workbook(actor, event, filters)
    with write_transaction():
        record(actor, "registration.export", event, rows=count,
               filters={k: v for k, v in (filters or {}).items() if v})
    return data, filename_for(event), count


def filename_for(event):
    title = _UNSAFE_FILENAME.sub("", event.title).strip() or "活动"
    return f"{title[:60]}-报名名单.xlsx"


def content_disposition(filename, fallback="registrants.xlsx"):
    """An attachment header every browser reads: an ASCII name plus the RFC 5987 UTF-8 name."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
