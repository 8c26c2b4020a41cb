"""A member's first login on a phone: initial password, new password, home page."""
import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.org.models import Member

pytestmark = pytest.mark.browser


def test_first_login_changes_password_and_lands_home(phone, factory, fresh):
    branch = factory.branch(name="办公室党支部")
    member = factory.member(name="王秀英", branch=branch, initial=True, phone="13812340001")

    phone.goto("/")
    expect(phone).to_have_url(re.compile(r"/login"))
    phone.get_by_label("手机号").fill("13812340001")
    phone.get_by_label("密码").fill("wrong-password1")
    phone.get_by_role("button", name="登录").tap()
    expect(phone.get_by_role("alert")).to_have_text("手机号或密码不正确。")
    phone.shot("login-error")

    phone.get_by_label("密码").fill(member.test_initial_password)
    phone.shot("login")
    phone.get_by_role("button", name="登录").tap()

    expect(phone.get_by_role("heading", name="设置新密码")).to_be_visible()
    phone.get_by_label("当前密码").fill(member.test_initial_password)
    phone.get_by_label("新密码（至少8位").fill("short")
    phone.get_by_label("再次输入新密码").fill("short")
    phone.get_by_role("button", name="保存新密码").tap()
    expect(phone.get_by_text("新密码至少需要 8 位。")).to_be_visible()
    phone.shot("change-password-error")

    phone.get_by_label("当前密码").fill(member.test_initial_password)
    phone.get_by_label("新密码（至少8位").fill("hongqi2026")
    phone.get_by_label("再次输入新密码").fill("hongqi2026")
    phone.shot("change-password")
    phone.get_by_role("button", name="保存新密码").tap()

    expect(phone.get_by_role("heading", name="王秀英，您好")).to_be_visible()
    expect(phone.get_by_text("密码已修改。")).to_be_visible()
    expect(phone.get_by_text("办公室党支部")).to_be_visible()
    phone.shot("home")

    fresh()
    stored = db.session.get(Member, member.id)
    assert stored.must_change_password is False and stored.password_hash

    # Nothing on the page is wider than the phone.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_login_page_fits_a_small_phone(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True,
                                  base_url=live_server)
    page = context.new_page()
    page.goto("/login")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    button = page.get_by_role("button", name="登录").bounding_box()
    assert button["height"] >= 44
    font = page.evaluate("getComputedStyle(document.body).fontSize")
    assert font == "17px"
    context.close()
