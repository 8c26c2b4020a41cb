"""flask import-members FILE [--commit] [--actor-phone] [--passwords]."""
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.audit.models import AuditLog
from app.extensions import db
from app.org.models import ImportBatch, Member
from app.org.passwords import pending_initial_password

from .conftest import count, member_by_phone
from .factories import csv_file, person, xlsx_file

pytestmark = pytest.mark.org("roster")


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        result = runner.invoke(args=["import-members", *map(str, args)])
        db.session.rollback()  # read what the command committed
        return result

    return invoke


@pytest.fixture
def good_file(tmp_path, org):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(xlsx_file([person("张三", "13811110001"), person("李四", "13811110002")]))
    return path


def test_without_commit_it_only_checks(run, good_file):
    result = run(good_file)
    assert result.exit_code == 0, result.output
    assert "共 2 行：新增 2，更新 0" in result.output
    assert "检查通过，未写入任何数据" in result.output
    assert count(Member) == 1
    assert count(ImportBatch) == 0


def test_problems_are_printed_by_row_and_column_and_exit_non_zero(run, tmp_path, org):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_file([person("张三", "138"), person("李四", "13811110002", "第一党支部"),
                               person("王五", "13811110002", "第二党支部")], encoding="gbk"))
    result = run(path, "--commit")
    assert result.exit_code != 0
    assert "第2行 手机号码：手机号码应为以 1 开头的 11 位数字。（原值：138）" in result.output
    assert "第3行 所在支部：有 2 个组织都叫「第一党支部」" in result.output
    assert "第4行 手机号码：与第 3 行的手机号码重复。" in result.output
    assert "文件中有 3 处问题" in result.output
    assert count(Member) == 1


def test_commit_writes_and_logs_without_an_actor(run, good_file):
    result = run(good_file, "--commit")
    assert result.exit_code == 0, result.output
    assert "已导入：新增 2，更新 0，重新启用 0，未变化 0。" in result.output
    assert count(Member) == 3
    entry = db.session.scalar(sa.select(AuditLog).filter_by(action="member.import"))
    assert entry.actor_id is None and entry.details["new"] == 2
    assert entry.details["filename"] == "花名册.xlsx"
    assert count(ImportBatch) == 0  # a batch needs its creator

    again = run(good_file, "--commit")
    assert "已导入：新增 0，更新 0，重新启用 0，未变化 2。" in again.output


def test_commit_with_actor_records_a_batch_and_writes_the_passwords(run, good_file, tmp_path, org):
    out = tmp_path / "初始密码.xlsx"
    result = run(good_file, "--commit", "--actor-phone", org["admin"].phone, "--passwords", out)
    assert result.exit_code == 0, result.output
    batch = db.session.scalar(sa.select(ImportBatch))
    assert batch.status == "committed" and len(batch.new_member_ids) == 2
    entry = db.session.scalar(sa.select(AuditLog).filter_by(action="member.import"))
    assert entry.actor_id == org["admin"].id and entry.target_id == batch.id
    sheet = load_workbook(io.BytesIO(out.read_bytes())).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    zhang = member_by_phone("13811110001")
    assert ["张三", "13811110001", "第一党支部", pending_initial_password(zhang)] in rows


def test_unknown_actor_and_unreadable_file_are_refused(run, good_file, tmp_path):
    result = run(good_file, "--commit", "--actor-phone", "13000000000")
    assert result.exit_code != 0 and "找不到手机号为 13000000000 的管理员" in result.output
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    result = run(empty)
    assert result.exit_code != 0 and "文件中没有人员数据" in result.output
    assert count(Member) == 1
