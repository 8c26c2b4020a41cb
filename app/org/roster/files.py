"""The files the roster import hands out: the template to fill in, the initial passwords
of new members and the full problem list of a file. Written by app.exports, which keeps
every cell that looks like a formula (a name typed as ``=HYPERLINK(...)``) plain text."""
import itertools

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from app.audit.service import record
from app.errors import DomainError
from app.exports import Column, add_sheet, new_workbook, workbook_bytes, xlsx_bytes
from app.extensions import db
from app.txn import write_transaction

from ..constants import DEVELOPMENT_STAGES, GENDERS, POLITICAL_STATUSES, RANKS, ROLES
from ..models import ImportBatch
from .batches import is_expired
from .checking import BranchIndex, check_roster
from .columns import COLUMNS, HEADERS, MAX_ROWS, NOTES_SHEET, REQUIRED, TEMPLATE_SHEET
from .initial_passwords import initial_passwords
from .reading import read_roster

PASSWORD_COLUMNS = (Column("姓名", width=12), Column("手机号码", width=16),
                    Column("所在支部", width=30), Column("初始密码", width=14))
PROBLEM_COLUMNS = (Column("行号", width=10), Column("列名", width=12), Column("原值", width=24),
                   Column("说明", width=70))
TEMPLATE_WIDTHS = {"branch": 28, "unit": 22, "phone": 15}
# The template columns whose allowed values the notes sheet lists, in its column order.
LISTED = ("political_status", "development_stage", "role", "rank", "branch", "gender")


def passwords_xlsx(member_ids):
    """「初始密码」: name, phone, branch and initial password of each new member."""
    rows = ((row.name, row.phone, row.branch, row.password or "已自行设置密码")
            for row in initial_passwords(list(member_ids)))
    return xlsx_bytes(PASSWORD_COLUMNS, rows, sheet="初始密码")


def batch_passwords_xlsx(actor, batch):
    """The initial passwords file of a committed batch; who downloaded it, and when, is in
    the audit log (issue 8, finding 11)."""
    if batch.status != "committed":
        raise DomainError("not_found")
    member_ids = list(batch.new_member_ids or [])
    data = passwords_xlsx(member_ids)
    with write_transaction():
        record(actor, "member.initial_passwords_download", batch, filename=batch.filename,
               count=len(member_ids))
    return data


def problems_xlsx(data, filename):
    """Every problem of a file (the page shows only the first SHOWN_PROBLEMS)."""
    check = check_roster(read_roster(data, filename))
    rows = ((f"第{p.row}行", p.column, p.value, p.message) for p in check.problems)
    return xlsx_bytes(PROBLEM_COLUMNS, rows, sheet="问题清单")


def batch_problems_xlsx(batch_id):
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        raise DomainError("not_found")
    if batch.status == "committed" or batch.file_data is None or is_expired(batch):
        raise DomainError("import_expired")
    return problems_xlsx(batch.file_data, batch.filename)


def template_xlsx():
    """The roster template: the header row (required columns in red) with dropdowns, and
    a 说明 sheet of the allowed values and how to fill it in."""
    lists = {
        "political_status": [short for short, _ in POLITICAL_STATUSES.values()],
        "development_stage": list(DEVELOPMENT_STAGES.values()),
        "role": list(ROLES.values()),
        "rank": list(RANKS),
        "branch": BranchIndex().active_labels(),
        "gender": list(GENDERS.values()),
    }
    workbook = new_workbook()
    columns = [Column(header, width=TEMPLATE_WIDTHS.get(name, 12), required=name in REQUIRED)
               for name, header in COLUMNS]
    sheet = add_sheet(workbook, TEMPLATE_SHEET, columns, [])
    note_columns = [*(Column(HEADERS[name], width=30 if name == "branch" else 16)
                      for name in LISTED),
                    Column(""), Column(TEMPLATE_GUIDE[0], width=70)]
    add_sheet(workbook, NOTES_SHEET, note_columns,
              itertools.zip_longest(*(lists[name] for name in LISTED), (), TEMPLATE_GUIDE[1:]))
    fields = [name for name, _ in COLUMNS]
    for number, name in enumerate(LISTED, start=1):
        if lists[name]:
            sheet.data_validations.append(_dropdown(
                name, get_column_letter(number), len(lists[name]),
                get_column_letter(fields.index(name) + 1)))
    return workbook_bytes(workbook)


def _dropdown(name, notes_letter, count, target):
    """A dropdown for the template column ``target`` of the values in the notes sheet."""
    validation = DataValidation(
        type="list",
        formula1=f"'{NOTES_SHEET}'!${notes_letter}$2:${notes_letter}${count + 1}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="不在可选范围内",
        error=f"{HEADERS[name]}请从下拉列表中选择，可选值见「{NOTES_SHEET}」页。",
    )
    validation.add(f"{target}2:{target}{MAX_ROWS + 1}")
    return validation


TEMPLATE_GUIDE = (
    "填写说明",
    "1. 在「花名册」页从第 2 行起每人一行，不要改动第 1 行的列名。",
    "2. 姓名、手机号码、所在支部必须填写（表头为红色的列），其余可以留空。",
    "3. 手机号码填 11 位数字；同一手机号码在文件中只能出现一次。",
    "4. 出生年月写成 1985-03 或 1985-03-12，也可以是 Excel 日期。",
    "5. 所在支部填本页 E 列中的名称；重名的组织要写上级，如「机关第一党委/第一党支部」。",
    "6. 政治面貌、发展阶段、角色、职级请从下拉列表选择（见本页 A–D 列）；政治面貌留空按「群众」导入，角色留空按「党员/职工」导入。",
    "7. 不要使用公式，请复制后「选择性粘贴 → 数值」。",
    f"8. 一次最多导入 {MAX_ROWS} 人。已在系统中的手机号码按文件内容更新（密码不变，已停用的人员重新启用）；文件中没有的人员不受影响。",
)

