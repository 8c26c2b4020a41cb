"""Roster import rules (app.org.roster): reading files, checking rows, writing all or nothing.

The files are built with openpyxl (tests/factories.py) and str.encode().
"""
import io
import zipfile
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
import time_machine
from openpyxl import Workbook, load_workbook

from app.audit.models import AuditLog
from app.errors import DomainError
from app.extensions import db
from app.org.models import ImportBatch, Member
from app.org.passwords import check_member_password, pending_initial_password
from app.org.roster import batches, checking
from app.org.roster.batches import BATCH_TTL, batch_state, commit_batch, create_batch, get_batch
from app.org.roster.checking import SHOWN_PROBLEMS, check_roster
from app.org.roster.columns import MAX_ROWS
from app.org.roster.files import batch_problems_xlsx, passwords_xlsx, template_xlsx
from app.org.roster.reading import read_roster

from .conftest import count, member_by_phone
from .factories import ROSTER_HEADER as HEADER
from .factories import csv_file, person, xlsx_file

pytestmark = pytest.mark.org("roster")


def problems_of(check):
    return {(p.row, p.column, p.code) for p in check.problems}


def check_file(data, filename="花名册.xlsx"):
    return check_roster(read_roster(data, filename))


def refused(data, filename="花名册.xlsx"):
    with pytest.raises(DomainError) as caught:
        read_roster(data, filename)
    return caught.value


def imported(admin, data, filename="花名册.xlsx"):
    """Validate and commit like the pages do; returns the ImportResult."""
    batch = create_batch(admin, data, filename)
    assert batch.error_count == 0, batch.summary["problems"]
    return commit_batch(admin, batch.id)


# ------------------------------------------------------------------------ happy path

def test_valid_roster_imports_new_members_with_initial_passwords(org):
    data = xlsx_file([
        person("张三", "13811110001", "第二党支部", gender="男", birth_date="1985-03",
               rank="正科级", political_status="中共党员", role="支部书记"),
        person("李四", "13811110002", "机关第二党委/第一党支部", gender="女",
               birth_date=datetime(1990, 7, 15), political_status="共青团员",
               development_stage="入党积极分子", rank="", role=""),
    ])
    result = imported(org["admin"], data)

    assert result.counts["new"] == 2 and result.counts["updated"] == 0
    zhang, li = member_by_phone("13811110001"), member_by_phone("13811110002")
    assert result.new_member_ids == [zhang.id, li.id]
    assert (zhang.name, zhang.gender, zhang.birth_date, zhang.branch_id) == (
        "张三", "M", date(1985, 3, 1), org["c1_second"].id)
    assert (zhang.rank, zhang.political_status, zhang.role) == ("正科级", "01", "secretary")
    assert (li.gender, li.birth_date, li.branch_id) == ("F", date(1990, 7, 15), org["c2_first"].id)
    assert (li.political_status, li.development_stage, li.role) == ("03", "activist", "member")
    for member in (zhang, li):
        assert member.active and member.must_change_password and member.password_hash is None
        password = pending_initial_password(member)
        assert password and check_member_password(member, password)
    assert zhang.login_token != li.login_token


def test_validate_writes_only_the_batch_and_commit_writes_one_audit_row(org):
    data = xlsx_file([person()])
    batch = create_batch(org["admin"], data, "二月花名册.xlsx")

    assert (batch.status, batch.row_count, batch.error_count) == ("validated", 1, 0)
    assert batch.file_data == data
    assert count(Member) == 1  # the admin only
    assert count(AuditLog) == 0

    commit_batch(org["admin"], batch.id)
    db.session.expire_all()
    batch = db.session.get(ImportBatch, batch.id)
    assert batch.status == "committed" and batch.committed_at is not None
    assert batch.file_data is None
    assert len(batch.new_member_ids) == 1
    entry = db.session.scalar(sa.select(AuditLog).filter_by(action="member.import"))
    assert entry.actor_id == org["admin"].id
    assert (entry.target_type, entry.target_id) == ("import_batch", batch.id)
    assert entry.details["filename"] == "二月花名册.xlsx"
    assert (entry.details["new"], entry.details["updated"], entry.details["rows"]) == (1, 0, 1)


# ------------------------------------------------------------------- row problems

def test_every_bad_cell_is_reported_by_row_and_column(org):
    data = xlsx_file([
        person("甲", "1381111000"),  # row 2: 10 digits
        person("乙", "13811110002", "不存在的党支部"),  # row 3
        person("丙", "13811110003"),  # row 4
        person("丁", "13811110003"),  # row 5: same phone as row 4
        person("戊", "13811110005", birth_date="1985-13"),  # row 6
        person("己", "13811110006", political_status="外星人"),  # row 7
        person("", "", ""),  # row 8: missing all required (other cells filled)
        person("庚", "13811110008", gender="未知", rank="处长", role="超级用户",
               development_stage="预备"),  # row 9
        person("辛", "22811110009"),  # row 10: does not start with 1[3-9]
    ])
    check = check_file(data)

    assert problems_of(check) == {
        (2, "手机号码", "import_row_bad_phone"),
        (3, "所在支部", "import_row_unknown_branch"),
        (5, "手机号码", "import_row_duplicate_phone"),
        (6, "出生年月", "import_row_bad_date"),
        (7, "政治面貌", "import_row_bad_choice"),
        (8, "姓名", "import_row_required"),
        (8, "手机号码", "import_row_required"),
        (8, "所在支部", "import_row_required"),
        (9, "性别", "import_row_bad_choice"),
        (9, "职级", "import_row_bad_choice"),
        (9, "角色", "import_row_bad_choice"),
        (9, "发展阶段", "import_row_bad_choice"),
        (10, "手机号码", "import_row_bad_phone"),
    }
    by_key = {(p.row, p.column): p for p in check.problems}
    assert by_key[(5, "手机号码")].message == "与第 4 行的手机号码重复。"
    assert by_key[(7, "政治面貌")].value == "外星人"
    assert "「外星人」不是可选的政治面貌" in by_key[(7, "政治面貌")].message
    assert by_key[(8, "姓名")].message == "姓名不能为空。"
    assert by_key[(3, "所在支部")].value == "不存在的党支部"
    assert check.counts["problem_rows"] == 8
    assert check.counts["new"] == 1  # 丙 (row 4) is fine


def test_full_width_digits_and_stray_spaces_are_normalised(org):
    data = xlsx_file([person(" 张　三 ", "１３８ １１１１ ０００１", " 机关第一党委 / 第二党支部 ",
                             birth_date="１９８５年３月", political_status=" 中共党员 ",
                             unit="  市财政局   办公室 ")])
    check = check_file(data)
    assert check.ok, check.problems
    (row,) = check.new
    assert row["name"] == "张三"
    assert row["phone"] == "13811110001"
    assert row["branch_id"] == org["c1_second"].id
    assert row["birth_date"] == date(1985, 3, 1)
    assert row["unit"] == "市财政局 办公室"


def test_ambiguous_branch_asks_for_the_path_form(org):
    check = check_file(xlsx_file([person(branch="第一党支部")]))
    (problem,) = check.problems
    assert (problem.row, problem.column, problem.code) == (2, "所在支部", "import_row_ambiguous_branch")
    assert problem.message == ("有 2 个组织都叫「第一党支部」，请写明上级，如「机关第一党委/第一党支部」"
                               "（各组织的写法见模板的「说明」页）。")


@pytest.mark.parametrize("text,key", [
    ("机关第一党委/第一党支部", "c1_first"),
    ("机关党委/机关第二党委/第一党支部", "c2_first"),
    ("机关第二党委／第一党支部", "c2_first"),  # full-width slash
    ("第二党支部", "c1_second"),  # a unique name needs no path
])
def test_path_form_names_a_branch(org, text, key):
    check = check_file(xlsx_file([person(branch=text)]))
    assert check.ok, check.problems
    assert check.new[0]["branch_id"] == org[key].id


def test_wrong_path_and_inactive_branch_are_errors(org):
    check = check_file(xlsx_file([
        person(phone="13811110001", branch="机关第二党委/第二党支部"),
        person(phone="13811110002", branch="已撤销党支部"),
    ]))
    assert problems_of(check) == {(2, "所在支部", "import_row_unknown_branch"),
                                  (3, "所在支部", "import_row_branch_inactive")}
    assert check.problems[1].message == "组织「已撤销党支部」已停用。"


def test_formula_cell_is_refused_at_its_row_and_column(org):
    def formulas(sheet):
        sheet["D2"] = '="1381111"&"0001"'
        sheet["A3"] = "=UPPER(\"li\")"

    check = check_file(xlsx_file([person(), person("李四", "13811110002")], before=formulas))
    assert problems_of(check) == {(2, "手机号码", "import_row_formula"),
                                  (3, "姓名", "import_row_formula")}
    assert check.problems[0].message == "是公式，请粘贴为数值。"
    assert check.problems[0].value.startswith("=")


def test_excel_dates_numbers_and_error_cells(org):
    def cells(sheet):
        sheet["C2"] = datetime(1985, 3, 12)  # an Excel date cell
        sheet["D2"] = 13811110001  # a phone Excel stored as a number
        sheet["C3"] = 31120  # a date cell that lost its format: Excel's day number, 1985-03-14
        sheet["D3"] = 13811110002.0
        sheet["C4"] = 198503  # typed as a number: 1985-03
        sheet["D5"] = "#N/A"
        sheet["D5"].data_type = "e"

    check = check_file(xlsx_file([person(phone=""), person("李四", ""), person("王五", "13811110003"),
                                  person("赵六", "")], before=cells))
    assert problems_of(check) == {(5, "手机号码", "import_row_excel_error")}
    first, second, third = check.new
    assert (first["phone"], first["birth_date"]) == ("13811110001", date(1985, 3, 12))
    assert (second["phone"], second["birth_date"]) == ("13811110002", date(1985, 3, 14))
    assert third["birth_date"] == date(1985, 3, 1)


def test_phone_in_scientific_notation_gets_its_own_hint(org):
    check = check_file(csv_file([person(phone="1.38111E+10")]), "a.csv")
    assert problems_of(check) == {(2, "手机号码", "import_row_phone_scientific")}


def test_import_keeps_at_least_one_admin(org):
    admin = org["admin"]
    data = xlsx_file([person(admin.name, admin.phone, "机关党委", role="党员")])
    check = check_file(data)
    assert problems_of(check) == {(2, "角色", "import_row_last_admin")}
    # Another admin in the same file makes it fine.
    data = xlsx_file([person(admin.name, admin.phone, "机关党委", role="党员"),
                      person("新管理员", "13811110002", role="管理员")])
    assert check_file(data).ok


# --------------------------------------------------------------- files and headers

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_the_encodings_excel_writes(org, encoding):
    data = csv_file([person("张三", "13811110001", "机关第一党委/第一党支部", unit="发改委办公室"),
                     person("欧阳娜娜", "13811110002", "第二党支部")], encoding=encoding)
    if encoding == "utf-8-sig":
        assert data.startswith(b"\xef\xbb\xbf")
    check = check_file(data, "花名册.csv")
    assert check.ok, check.problems
    assert [row["name"] for row in check.new] == ["张三", "欧阳娜娜"]
    assert check.new[0]["unit"] == "发改委办公室"


def test_tab_separated_utf16_from_excel_unicode_text(org):
    text = "\t".join(HEADER) + "\r\n" + "\t".join(str(v) for v in person()) + "\r\n"
    check = check_file(text.encode("utf-16"), "花名册.txt")
    assert check.ok and check.new[0]["name"] == "张三"


def test_merged_title_row_above_the_header_is_accepted(org):
    data = xlsx_file([person()], title="机关第一党委2026年党员花名册", merge_title=True)
    table = read_roster(data, "a.xlsx")
    assert table.header_row == 2
    check = check_roster(table)
    assert check.ok
    assert check.new[0]["name"] == "张三"


def test_header_further_down_with_blank_rows_and_notes(org):
    def notes(sheet):
        sheet.insert_rows(1, amount=4)
        sheet["A1"] = "填报单位：机关第一党委"
        sheet["A3"] = "填报日期：2026年11月"

    data = xlsx_file([person(), [None] * 11, person("李四", "13811110002")], before=notes)
    table = read_roster(data)
    assert table.header_row == 5
    assert [number for number, _ in table.rows] == [6, 8]  # blank row 7 skipped, numbers kept


def test_the_roster_sheet_is_found_behind_a_cover_sheet(org):
    def cover(sheet):
        front = sheet.parent.create_sheet("封面", 0)
        front["A1"] = "机关第一党委党员花名册"
        front["A3"] = "报送时间：2026年11月"

    table = read_roster(xlsx_file([person()], before=cover))
    assert table.header_row == 1 and len(table.rows) == 1


def test_merged_header_is_refused_naming_the_missing_columns(org):
    def merge(sheet):  # 姓名 merged over 性别, 手机号码 over 所在支部: two headers lost
        sheet["B1"] = None
        sheet.merge_cells("A1:B1")
        sheet["E1"] = None
        sheet.merge_cells("D1:E1")

    error = refused(xlsx_file([person()], before=merge))
    assert error.code == "import_bad_header"
    assert error.message == "表头不符合模板：缺少 性别、所在支部。请下载模板，并保留第一行的列名。"


def test_missing_columns_are_named(org):
    header = [h for h in HEADER if h not in ("职级", "角色")]
    rows = [[v for h, v in zip(HEADER, person(), strict=True) if h in header]]
    error = refused(csv_file(rows, header=header), "a.csv")
    assert error.code == "import_bad_header"
    assert "缺少 职级、角色" in error.message


def test_header_aliases_and_required_marks(org):
    header = ["姓名*", "性别", "出生日期", "手机号*", "所在党支部*", "工作单位", "职务", "职级",
              "政治面貌", "发展阶段", "角色(选填)"]
    check = check_file(csv_file([person()], header=header), "a.csv")
    assert check.ok and check.new[0]["phone"] == "13811110001"


@pytest.mark.parametrize("data,filename,code", [
    (b"", "a.xlsx", "import_empty"),
    (b"  \r\n", "a.csv", "import_empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "photo.xlsx", "import_bad_file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "photo.csv", "import_bad_file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "old.xls", "import_bad_file"),
    (b"PK\x03\x04 truncated zip", "a.xlsx", "import_bad_file"),
])
def test_files_that_are_no_roster(org, data, filename, code):
    assert refused(data, filename).code == code


def test_zip_that_is_not_a_workbook_and_workbooks_without_a_roster(org):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert refused(out.getvalue()).code == "import_bad_file"

    empty = Workbook()
    buffer = io.BytesIO()
    empty.save(buffer)
    assert refused(buffer.getvalue()).code == "import_empty"

    header_only = xlsx_file([])
    assert refused(header_only).code == "import_empty"

    other = xlsx_file([["一月", 1200, 300]], header=["月份", "收入", "支出"])
    error = refused(other)
    assert error.code == "import_bad_header"
    assert "缺少 姓名、性别、出生年月、手机号码、所在支部" in error.message


def test_too_many_rows_are_refused_with_the_count(org):
    rows = [person(f"人员{i}", f"138{i:08d}") for i in range(MAX_ROWS + 1)]
    error = refused(csv_file(rows), "big.csv")
    assert error.code == "import_too_many_rows"
    assert error.message == (f"一次最多导入 {MAX_ROWS} 行，本文件有 {MAX_ROWS + 1} 行，"
                             "请分批导入。")


def test_the_template_has_the_headers_notes_and_dropdowns(org):
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    sheet, notes = workbook["花名册"], workbook["说明"]
    assert [cell.value for cell in sheet[1]] == [
        "姓名", "性别", "出生年月", "手机号码", "所在支部", "单位", "职务", "职级", "政治面貌",
        "发展阶段", "角色"]
    columns = {notes.cell(1, c).value: [notes.cell(r, c).value for r in range(2, notes.max_row + 1)
                                        if notes.cell(r, c).value]
               for c in range(1, 7)}
    assert "中共党员" in columns["政治面貌"] and "群众" in columns["政治面貌"]
    assert columns["发展阶段"] == ["入党申请人", "入党积极分子", "发展对象"]
    assert "支部书记" in columns["角色"]
    assert "一级主任科员" in columns["职级"]
    # Active branches only, each named so the import finds it: paths where names repeat.
    assert sorted(columns["所在支部"]) == sorted([
        "机关党委", "机关第一党委", "机关第二党委", "机关第一党委/第一党支部", "第二党支部",
        "机关第二党委/第一党支部"])
    assert "填写说明" in [cell.value for cell in notes["H"]]
    # 姓名、手机号码、所在支部 must be filled in: their headers are red, the others are not.
    red = {cell.value for cell in sheet[1] if cell.fill.fgColor.rgb.endswith("B71C1C")}
    assert red == {"姓名", "手机号码", "所在支部"}
    assert sheet["A1"].font.color.rgb.endswith("FFFFFF") and sheet["A1"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["D"].number_format == "@"  # a typed phone stays text
    validated = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    assert {"B2", "E2", "H2", "I2", "J2", "K2"} <= validated
    # The template itself reads as a roster with no rows yet.
    assert refused(template_xlsx()).code == "import_empty"


# ------------------------------------------------------------------- re-import

def test_reimport_updates_by_phone_and_leaves_the_password(org, factory):
    member = factory.member("张三", branch=org["c1_first"], phone="13811110001",
                            political_status="13", rank="科员")
    token = member.login_token
    unchanged = factory.member("李四", branch=org["c1_second"], phone="13811110002",
                               gender="F", birth_date=date(1990, 1, 1), unit="办公室",
                               position="科员", rank="一级科员", political_status="01")
    data = xlsx_file([
        person("张三丰", "13811110001", "机关第二党委/第一党支部", rank="正科级",
               political_status="中共预备党员"),
        person("李四", "13811110002", "第二党支部", gender="女", birth_date="1990-01"),
        person("王五", "13811110003"),
    ])
    check = check_file(data)
    assert [w.code for w in check.warnings] == ["import_row_name_changed"]
    assert "已属于「张三」，导入后姓名将改为「张三丰」" in check.warnings[0].message

    result = imported(org["admin"], data)
    assert {k: result.counts[k] for k in ("new", "updated", "reactivated", "unchanged")} == {
        "new": 1, "updated": 1, "reactivated": 0, "unchanged": 1}
    member = member_by_phone("13811110001")
    assert (member.name, member.branch_id, member.rank, member.political_status) == (
        "张三丰", org["c2_first"].id, "正科级", "02")
    assert check_member_password(member, factory.password)  # password untouched
    assert member.login_token == token  # role unchanged: still signed in
    assert result.new_member_ids == [member_by_phone("13811110003").id]
    assert member_by_phone("13811110002").updated_at == unchanged.updated_at


def test_reimport_reactivates_and_a_role_change_signs_out(org, factory):
    gone = factory.member("赵六", branch=org["c1_first"], phone="13811110001", active=False)
    promoted = factory.member("钱七", branch=org["c1_first"], phone="13811110002")
    token = promoted.login_token
    data = xlsx_file([person("赵六", "13811110001"), person("钱七", "13811110002", role="支部书记")])
    result = imported(org["admin"], data)

    assert (result.counts["reactivated"], result.counts["updated"]) == (1, 1)
    assert member_by_phone(gone.phone).active
    assert check_member_password(member_by_phone(gone.phone), factory.password)
    again = member_by_phone(promoted.phone)
    assert again.role == "secretary" and again.login_token != token


# ----------------------------------------------------------------- all or nothing

def test_a_failure_during_commit_writes_nothing(org, factory, monkeypatch):
    existing = factory.member("张三", branch=org["c1_first"], phone="13811110001")
    data = xlsx_file([person("张三丰", "13811110001")] +
                     [person(f"新人{i}", f"1381111{i:04d}") for i in range(2, 50)])
    batch = create_batch(org["admin"], data, "a.xlsx")

    def fail(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(batches, "_update_members", fail)  # after the inserts
    with pytest.raises(RuntimeError):
        commit_batch(org["admin"], batch.id)

    assert count(Member) == 2  # the admin and 张三, nobody new
    assert member_by_phone(existing.phone).name == "张三"
    assert count(AuditLog) == 0
    db.session.expire_all()
    batch = db.session.get(ImportBatch, batch.id)
    assert batch.status == "validated" and batch.file_data == data and batch.new_member_ids == []
    monkeypatch.undo()
    assert commit_batch(org["admin"], batch.id).counts["new"] == 48  # still committable


def test_a_phone_taken_after_the_check_writes_nothing(org, factory, monkeypatch):
    data = xlsx_file([person(f"新人{i}", f"1381111{i:04d}") for i in range(1, 30)])
    batch = create_batch(org["admin"], data, "a.xlsx")
    factory.member("别人", branch=org["c1_first"], phone="13811110029")
    # As if another process took the phone after this process checked the rows.
    monkeypatch.setattr(checking, "_existing_members", lambda: {})

    with pytest.raises(DomainError) as caught:
        commit_batch(org["admin"], batch.id)
    assert caught.value.code == "import_conflict"
    assert count(Member) == 2
    assert count(AuditLog) == 0
    assert db.session.get(ImportBatch, batch.id).status == "validated"


def test_commit_rechecks_against_the_database_as_it_is_now(org, factory):
    data = xlsx_file([person(branch="第二党支部"), person("李四", "13811110002")])
    batch = create_batch(org["admin"], data, "a.xlsx")
    org["c1_second"].active = False  # deactivated between the check and the commit
    db.session.commit()

    with pytest.raises(DomainError) as caught:
        commit_batch(org["admin"], batch.id)
    assert caught.value.code == "import_has_errors"
    assert count(Member) == 1
    db.session.expire_all()
    batch = db.session.get(ImportBatch, batch.id)
    assert batch.error_count == 1 and batch.status == "validated"
    assert batch.summary["problems"][0]["code"] == "import_row_branch_inactive"
    assert batch_state(batch) == "has_problems"


def test_a_phone_taken_after_the_check_becomes_an_update_once_the_admin_saw_it(org, factory):
    data = xlsx_file([person("张三", "13811110001")])
    batch = create_batch(org["admin"], data, "a.xlsx")
    factory.member("张三", branch=org["c1_first"], phone="13811110001")
    # The check showed a new member: the commit refuses to update one instead (issue 8,
    # finding 10) and keeps the new check for the page ...
    with pytest.raises(DomainError) as caught:
        commit_batch(org["admin"], batch.id)
    assert caught.value.code == "import_changed"
    assert count(Member) == 2 and get_batch(batch.id).summary["counts"]["updated"] == 1
    # ... which the admin commits after reading it.
    result = commit_batch(org["admin"], batch.id)
    assert (result.counts["new"], result.counts["updated"]) == (0, 1)
    assert count(Member) == 2


def test_a_batch_with_problems_cannot_be_committed(org):
    batch = create_batch(org["admin"], xlsx_file([person(phone="123")]), "a.xlsx")
    assert batch.error_count == 1
    with pytest.raises(DomainError) as caught:
        commit_batch(org["admin"], batch.id)
    assert caught.value.code == "import_has_errors"
    assert count(Member) == 1


def test_a_batch_commits_once(org):
    batch = create_batch(org["admin"], xlsx_file([person()]), "a.xlsx")
    commit_batch(org["admin"], batch.id)
    with pytest.raises(DomainError) as caught:
        commit_batch(org["admin"], batch.id)
    assert caught.value.code == "import_already_committed"
    assert count(Member) == 2


def test_an_old_batch_is_expired_and_its_bytes_purged(org):
    start = datetime(2026, 11, 26, 2, 0, tzinfo=timezone.utc)
    with time_machine.travel(start, tick=False):
        old = create_batch(org["admin"], xlsx_file([person()]), "a.xlsx")
    with time_machine.travel(start + BATCH_TTL + timedelta(minutes=1), tick=False):
        assert batch_state(get_batch(old.id)) == "expired"
        with pytest.raises(DomainError) as caught:
            commit_batch(org["admin"], old.id)
        assert caught.value.code == "import_expired"
        create_batch(org["admin"], xlsx_file([person()]), "b.xlsx")  # purges the old bytes
    assert count(Member) == 1
    db.session.expire_all()
    assert db.session.get(ImportBatch, old.id).file_data is None


def test_problem_list_keeps_the_first_200_and_the_file_has_all(org):
    rows = [person(f"人员{i}", f"1{i:05d}") for i in range(260)]  # every phone too short
    batch = create_batch(org["admin"], xlsx_file(rows), "a.xlsx")
    assert batch.error_count == 260
    assert len(batch.summary["problems"]) == SHOWN_PROBLEMS
    workbook = load_workbook(io.BytesIO(batch_problems_xlsx(batch.id)))
    sheet = workbook.active
    assert [c.value for c in sheet[1]] == ["行号", "列名", "原值", "说明"]
    assert sheet.max_row == 261
    assert [c.value for c in sheet[261]][:3] == ["第261行", "手机号码", "100259"]


def test_passwords_file_lists_new_members_until_they_set_their_own(org):
    result = imported(org["admin"], xlsx_file([person("张三", "13811110001"),
                                               person("李四", "13811110002")]))
    li = member_by_phone("13811110002")
    li.password_hash = "set-by-li"
    db.session.commit()
    sheet = load_workbook(io.BytesIO(passwords_xlsx(result.new_member_ids))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    zhang = member_by_phone("13811110001")
    assert rows == [["姓名", "手机号码", "所在支部", "初始密码"],
                    ["张三", "13811110001", "第一党支部", pending_initial_password(zhang)],
                    ["李四", "13811110002", "第一党支部", "已自行设置密码"]]
