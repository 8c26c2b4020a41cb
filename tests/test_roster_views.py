"""Roster import pages: upload → check → commit → result, downloads, limits and permissions."""
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app import create_app
from app.audit.models import AuditLog
from app.extensions import db
from app.org.models import ImportBatch, Member
from app.org.passwords import pending_initial_password

from .conftest import body_text as page
from .conftest import count, member_by_phone
from .factories import csv_file, person, xlsx_file

pytestmark = pytest.mark.org("roster")


def upload(client, data, filename="花名册.xlsx"):
    return client.post("/admin/roster/", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def only_batch():
    db.session.expire_all()
    return db.session.scalar(sa.select(ImportBatch))


def test_upload_page_offers_the_template_and_the_steps(admin_client):
    html = page(admin_client.get("/admin/roster/"))
    assert "导入花名册" in html
    assert 'href="/admin/roster/template.xlsx"' in html
    for step in ("1 上传", "2 检查", "3 导入"):
        assert step in html
    response = admin_client.get("/admin/roster/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.data)).sheetnames == ["花名册", "说明"]


def test_two_step_import_and_initial_passwords_that_log_in(admin_client, app, org):
    data = xlsx_file([person("张三", "13811110001"), person("李四", "13811110002", "第二党支部")])
    response = upload(admin_client, data)
    assert response.status_code == 302
    batch = only_batch()
    assert response.headers["Location"].endswith(f"/admin/roster/{batch.id}")
    assert count(Member) == 1  # checked, nothing written yet

    html = page(admin_client.get(f"/admin/roster/{batch.id}"))
    assert "总行数" in html and "新增" in html and "有问题" in html
    assert "确认导入" in html
    assert f'action="/admin/roster/{batch.id}/commit"' in html

    response = admin_client.post(f"/admin/roster/{batch.id}/commit")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/roster/{batch.id}/result")
    assert count(Member) == 3
    assert count(AuditLog, AuditLog.action == "member.import") == 1

    html = page(admin_client.get(f"/admin/roster/{batch.id}/result"))
    assert "导入完成" in html
    password = pending_initial_password(member_by_phone("13811110001"))
    assert password in html and "13811110001" in html and "第一党支部" in html
    # The password shown works: first login goes to the password change.
    member_client = app.test_client()
    response = member_client.post("/login", data={"phone": "13811110001", "password": password})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/password")

    download = admin_client.get(f"/admin/roster/{batch.id}/passwords.xlsx")
    assert download.status_code == 200
    assert download.headers["Cache-Control"] == "no-store"
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(download.data)).active.iter_rows()]
    assert ["张三", "13811110001", "第一党支部", password] in rows
    assert rows[0] == ["姓名", "手机号码", "所在支部", "初始密码"]

    # The check page of a committed batch leads to its result; a second commit is refused.
    assert admin_client.get(f"/admin/roster/{batch.id}").headers["Location"].endswith("/result")
    response = admin_client.post(f"/admin/roster/{batch.id}/commit", follow_redirects=True)
    assert "这批数据已经导入过了。" in page(response)
    assert count(Member) == 3


def test_changed_password_shows_in_the_result_instead_of_the_initial_one(admin_client, org):
    upload(admin_client, xlsx_file([person("张三", "13811110001")]))
    batch = only_batch()
    admin_client.post(f"/admin/roster/{batch.id}/commit")
    zhang = member_by_phone("13811110001")
    zhang.password_hash = "own"
    db.session.commit()
    assert "已自行设置密码" in page(admin_client.get(f"/admin/roster/{batch.id}/result"))


def test_problems_are_listed_and_nothing_can_be_committed(admin_client, org):
    data = xlsx_file([person("张三", "1381111"), person("李四", "13811110002", "第一党支部"),
                      person("王五", "13811110003", political_status="外星人")])
    upload(admin_client, data)
    batch = only_batch()
    html = page(admin_client.get(f"/admin/roster/{batch.id}"))
    assert "文件中有 3 处问题" in html
    assert "第2行" in html and "手机号码应为以 1 开头的 11 位数字。" in html
    assert "第3行" in html and "请写明上级，如「机关第一党委/第一党支部」" in html
    assert "第4行" in html and "「外星人」不是可选的政治面貌" in html
    assert "1381111" in html  # the value as it was (admins see full phones)
    assert "确认导入" not in html
    assert "上传修改后的文件" in html

    response = admin_client.post(f"/admin/roster/{batch.id}/commit", follow_redirects=True)
    assert "文件中有 3 处问题" in page(response)
    assert count(Member) == 1
    assert count(AuditLog) == 0


def test_many_problems_show_the_first_200_and_offer_the_full_list(admin_client, org):
    rows = [person(f"人员{i}", "12345") for i in range(450)]
    upload(admin_client, xlsx_file(rows))
    batch = only_batch()
    html = page(admin_client.get(f"/admin/roster/{batch.id}"))
    assert html.count("<tr>") == 201  # header + 200 problems
    assert "另有 250 处未列出" in html
    response = admin_client.get(f"/admin/roster/{batch.id}/problems.xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.data)).active.max_row == 451


@pytest.mark.parametrize("data,filename,message", [
    (b"", "empty.xlsx", "文件中没有人员数据"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00\xff" * 300, "photo.xlsx", "无法读取该文件"),
    ("姓名,手机号码\n张三,13811110001\n".encode(), "a.csv", "缺少 性别、出生年月、所在支部"),
])
def test_a_file_that_is_no_roster_gets_a_message_and_stores_nothing(admin_client, data, filename,
                                                                   message):
    response = upload(admin_client, data, filename)
    assert response.status_code == 200
    assert message in page(response)
    assert count(ImportBatch) == 0


def test_upload_without_a_file_asks_for_one(admin_client):
    response = admin_client.post("/admin/roster/", data={}, content_type="multipart/form-data")
    assert "请选择要上传的花名册文件。" in page(response)


def test_a_50_mb_upload_is_refused_with_413_and_writes_nothing(admin_client):
    data = b"0" * (50 * 1024 * 1024)
    response = upload(admin_client, data, "huge.xlsx")
    assert response.status_code == 413
    assert "文件太大" in page(response)
    assert "10 MB" in page(response)
    assert count(ImportBatch) == 0


def test_a_50_mb_upload_is_refused_with_csrf_protection_on_too(tmp_path):
    """In production CSRFProtect reads the form before the view: still a 413 page."""
    app = create_app({"APP_ENV": "testing", "SECRET_KEY": "x", "WTF_CSRF_ENABLED": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/unused.db"})
    response = app.test_client().post(
        "/admin/roster/", data={"file": (io.BytesIO(b"0" * (50 * 1024 * 1024)), "huge.xlsx")},
        content_type="multipart/form-data")
    assert response.status_code == 413
    assert "文件太大" in page(response)


@pytest.mark.parametrize("role", ["member", "secretary", "organizer"])
def test_only_admins_may_import_or_see_passwords(org, factory, login, role):
    batch = ImportBatch(created_by_id=org["admin"].id, status="committed", new_member_ids=[])
    db.session.add(batch)
    db.session.commit()
    client = login(factory.member("普通用户", branch=org["c1_first"], role=role))
    for url in ("/admin/roster/", "/admin/roster/template.xlsx", f"/admin/roster/{batch.id}",
                f"/admin/roster/{batch.id}/result", f"/admin/roster/{batch.id}/passwords.xlsx",
                f"/admin/roster/{batch.id}/problems.xlsx"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/admin/roster/{batch.id}/commit").status_code == 403
    response = upload(client, xlsx_file([person()]))
    assert response.status_code == 403
    assert count(ImportBatch) == 1


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/admin/roster/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_batch_is_404(admin_client):
    assert admin_client.get("/admin/roster/999").status_code == 404
    assert admin_client.get("/admin/roster/999/result").status_code == 404
    assert admin_client.post("/admin/roster/999/commit").status_code == 404


def test_recent_imports_are_listed_on_the_upload_page(admin_client, org):
    upload(admin_client, xlsx_file([person()]), "三月花名册.xlsx")
    html = page(admin_client.get("/admin/roster/"))
    assert "最近的导入" in html and "三月花名册.xlsx" in html and "待确认" in html


# ------------------------------------------------- no live formula in any file we write

FORMULA = '=HYPERLINK("http://x/","点我")'


def plain_text_cells(data, text, sheet=None):
    """The cells of an XLSX file that show ``text``; each must be text, never a formula."""
    workbook = load_workbook(io.BytesIO(data))
    rows = (workbook[sheet] if sheet else workbook.active).iter_rows()
    cells = [cell for row in rows for cell in row if cell.value == text]
    assert cells, f"{text} not in the file"
    for cell in cells:
        assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    return cells


def test_a_name_typed_as_a_formula_is_plain_text_in_the_passwords_file(admin_client, org):
    row = [str(value) for value in person(FORMULA, "13811110001")]
    upload(admin_client, csv_file([row]), "花名册.csv")
    batch = only_batch()
    assert batch.error_count == 0, batch.summary["problems"]
    admin_client.post(f"/admin/roster/{batch.id}/commit")
    assert member_by_phone("13811110001").name == FORMULA
    download = admin_client.get(f"/admin/roster/{batch.id}/passwords.xlsx")
    assert [cell.coordinate for cell in plain_text_cells(download.data, FORMULA)] == ["A2"]


def test_a_value_typed_as_a_formula_is_plain_text_in_the_problem_list(admin_client, org):
    upload(admin_client, csv_file([[str(v) for v in person("张三", "13811110001", FORMULA)]]),
           "花名册.csv")
    batch = only_batch()
    assert batch.error_count == 1
    download = admin_client.get(f"/admin/roster/{batch.id}/problems.xlsx")
    assert "C2" in [cell.coordinate for cell in plain_text_cells(download.data, FORMULA)]


def test_a_branch_named_like_a_formula_is_plain_text_in_the_template(admin_client, org, factory):
    factory.branch(FORMULA, parent=org["c1"])
    download = admin_client.get("/admin/roster/template.xlsx")
    assert plain_text_cells(download.data, FORMULA, sheet="说明")
