"""An admin imports a roster on a phone: a file with a bad row is refused row by row,
then the corrected file is imported and the new members' initial passwords are shown."""
import re
from functools import partial

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.org.models import Member

from .factories import xlsx_file

pytestmark = pytest.mark.browser

HEADER = ["姓名", "性别", "出生年月", "手机号码", "所在支部", "单位", "职务", "职级", "政治面貌",
          "发展阶段", "角色"]


roster = partial(xlsx_file, header=HEADER)


def test_admin_imports_a_roster_with_an_error_row_then_a_clean_one(phone, factory, fresh, tmp_path):
    committee = factory.branch(name="市财政局机关党委", kind="committee")
    factory.branch(name="预算科党支部", parent=committee)
    admin = factory.member(name="管理员", branch=committee, role="admin")
    good = ["赵建国", "男", "1978-05", "13911110001", "预算科党支部", "市财政局", "科长", "正科级",
            "中共党员", "", ""]
    bad = ["钱丽", "女", "1990-13", "1391111000", "国库科党支部", "市财政局", "科员", "一级科员",
           "党员", "", ""]
    fixed = ["钱丽", "女", "1990-12", "13911110002", "预算科党支部", "市财政局", "科员", "一级科员",
             "中共党员", "", ""]
    broken_file = tmp_path / "花名册-有误.xlsx"
    broken_file.write_bytes(roster([good, bad]))
    clean_file = tmp_path / "花名册.xlsx"
    clean_file.write_bytes(roster([good, fixed]))

    phone.goto("/login")
    phone.get_by_label("手机号").fill(admin.phone)
    phone.get_by_label("密码").fill(factory.password)
    phone.get_by_role("button", name="登录").tap()
    phone.get_by_role("link", name="导入花名册").first.tap()
    expect(phone.get_by_role("heading", name="导入花名册")).to_be_visible()
    phone.shot("import-upload")

    phone.locator("input[type=file]").set_input_files(str(broken_file))
    phone.get_by_role("button", name="上传并检查").tap()
    expect(phone.get_by_role("heading", name="检查结果")).to_be_visible()
    problems = phone.get_by_role("heading", name="问题清单").locator("xpath=..")
    expect(problems).to_contain_text("第3行")
    expect(problems).to_contain_text("手机号码")
    expect(problems).to_contain_text("国库科党支部")
    expect(problems).to_contain_text("出生年月")
    expect(phone.get_by_role("button", name="确认导入")).to_have_count(0)
    phone.shot("import-check-errors")
    fresh()
    assert db.session.query(Member).count() == 1  # only the admin: nothing was written

    phone.get_by_role("link", name="上传修改后的文件").tap()
    phone.locator("input[type=file]").set_input_files(str(clean_file))
    phone.get_by_role("button", name="上传并检查").tap()
    expect(phone.get_by_role("button", name="确认导入")).to_be_visible()
    phone.shot("import-check-ok")
    phone.get_by_role("button", name="确认导入").tap()
    expect(phone.get_by_role("heading", name="导入完成")).to_be_visible()
    expect(phone.get_by_text("赵建国")).to_be_visible()
    phone.shot("import-result")

    passwords = phone.locator(".password").all_inner_texts()
    assert len(passwords) == 2 and all(re.fullmatch(r"[a-z2-9]{8}", p) for p in passwords)
    fresh()
    imported = {m.name: m for m in db.session.query(Member).filter(Member.role == "member")}
    assert set(imported) == {"赵建国", "钱丽"}
    assert imported["钱丽"].branch.name == "预算科党支部"
    assert imported["赵建国"].must_change_password
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
