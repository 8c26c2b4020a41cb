"""The registrant list as an Excel file (报名名单.xlsx).

Written by app.exports (write-only mode), row by row from a streamed query, so a
list of several thousand registrations stays fast and small in memory. The
rows are exactly those of the staff page: same filters, same branch scope,
phone numbers masked unless the actor may see them in full.
"""
from urllib.parse import quote

from app.audit.service import record
from app.exports import Column, safe_filename, xlsx_bytes
from app.extensions import db
from app.org.scope import scope_branch, shown_phone
from app.txn import write_transaction

from . import addons, queries

SHEET_TITLE = "报名名单"
COLUMNS = (
    Column("序号", "int", width=6),
    Column("姓名", width=10),
    Column("性别", width=6),
    Column("所在支部", width=24),
    Column("单位", width=22),
    Column("职务", width=16),
    Column("手机号码", width=14),  # text, so Excel keeps all 11 digits
    Column("报名状态", width=10),
    Column("报名方式", width=10),
    Column("比赛项目", width=24),
    Column("报名时间", "datetime"),
    Column("备注", width=30),
)


def _remark(registration):
    if registration.status == "rejected" and registration.decision_reason:
        return f"未通过原因：{registration.decision_reason}"
    return registration.decision_reason or ""


def _rows(actor, event, filters):
    """(registration, item names) for every registration in the actor's scope, streamed."""
    scope = scope_branch(actor)
    query = queries.registrants(event.id, scope_branch=scope, **filters)
    item_names = {item.id: item.name for item in event.items}
    result = db.session.scalars(query.execution_options(yield_per=1000))
    for registration in result:
        names = [item_names.get(ri.item_id, "") for ri in registration.items if ri.active]
        yield registration, "、".join(n for n in names if n)


def _sheet_row(actor, number, registration, items, extra):
    member = registration.member
    return (number, member.name, member.gender_label, registration.branch.name, member.unit,
            member.position, shown_phone(actor, member), registration.status_label,
            registration.source_label, items, registration.created_at, _remark(registration),
            *extra.row(registration.id))


def build_workbook(actor, event, filters=None):
    """The .xlsx bytes and the number of registrations written. Features above add
    columns through registration.addons (checkin: attendance once sessions started)."""
    count = 0
    extra = addons.extra_columns(event)
    columns = COLUMNS + tuple(Column(header, kind) for header, kind in extra.headers)

    def sheet_rows():
        nonlocal count
        for count, (registration, items) in enumerate(_rows(actor, event, filters or {}),
                                                      start=1):
            yield _sheet_row(actor, count, registration, items, extra)

    return xlsx_bytes(columns, sheet_rows(), sheet=SHEET_TITLE), count


def export_registrants(actor, event, filters=None):
    """Build the export and log who took which list: (bytes, filename, row count)."""
    data, count = build_workbook(actor, event, filters)
    with write_transaction():
        record(actor, "registration.export", event, rows=count,
               filters={k: v for k, v in (filters or {}).items() if v})
    return data, filename_for(event), count


def filename_for(event):
    return f"{safe_filename(event.title, '活动')}-报名名单.xlsx"


def content_disposition(filename, fallback="registrants.xlsx"):
    """An attachment header every browser reads: an ASCII name plus the RFC 5987 UTF-8 name."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
