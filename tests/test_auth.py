"""Login, first-login password change, remember-me and safe redirects. The login limits
(which replaced the account lockout) are in tests/test_security_login.py."""
from app.extensions import db
from app.org.models import Member


def post_login(client, phone, password, **extra):
    return client.post("/login", data={"phone": phone, "password": password, **extra})


def test_wrong_password_and_unknown_phone_get_the_same_answer(client, factory):
    member = factory.member()
    wrong = post_login(client, member.phone, "nope12345").get_data(as_text=True)
    unknown = post_login(client, "13012345678", "nope12345").get_data(as_text=True)
    assert "手机号或密码不正确。" in wrong
    assert "手机号或密码不正确。" in unknown
    assert client.get("/").status_code == 302  # still logged out


def test_full_width_phone_with_spaces_logs_in(client, factory):
    factory.member(phone="13812345678")
    response = post_login(client, "１３８ １２３４ ５６７８", factory.password)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_inactive_member_cannot_log_in(client, factory):
    member = factory.member(active=False)
    response = post_login(client, member.phone, factory.password)
    assert "手机号或密码不正确。" in response.get_data(as_text=True)


def test_first_login_with_initial_password_must_change_it(client, factory):
    member = factory.member(initial=True)
    initial = member.test_initial_password
    response = post_login(client, member.phone, initial)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/password")
    # every other page sends the member back to the password form
    assert client.get("/").headers["Location"].startswith("/password")
    page = client.get("/password").get_data(as_text=True)
    assert "设置新密码" in page

    bad = {
        "short": ("abc123", "abc123", "至少需要 8 位"),
        "digits only": ("12345678", "12345678", "字母和数字"),
        "mismatch": ("abcd12345", "abcd123456", "两次输入的新密码不一致"),
        "same": (initial, initial, "字母和数字" if initial.isalpha() or initial.isdigit() else "不能与初始密码相同"),
    }
    for new, confirm, message in bad.values():
        text = client.post("/password", data={"current_password": initial, "new_password": new,
                                              "confirm_password": confirm}).get_data(as_text=True)
        assert message in text
    wrong_current = client.post("/password", data={"current_password": "x", "new_password": "newpass123",
                                                   "confirm_password": "newpass123"})
    assert "当前密码不正确" in wrong_current.get_data(as_text=True)

    done = client.post("/password", data={"current_password": initial, "new_password": "newpass123",
                                          "confirm_password": "newpass123"})
    assert done.status_code == 302
    assert client.get("/").status_code == 200  # still logged in on this device
    db.session.refresh(member)
    assert member.must_change_password is False and member.initial_password_salt is None

    other = member.phone
    client.post("/logout")
    assert "手机号或密码不正确" in post_login(client, other, initial).get_data(as_text=True)
    assert post_login(client, other, "newpass123").status_code == 302


def test_password_change_signs_out_other_devices(app, factory):
    member = factory.member()
    phone_a, phone_b = app.test_client(), app.test_client()
    for device in (phone_a, phone_b):
        assert post_login(device, member.phone, factory.password).status_code == 302
    phone_a.post("/password", data={"current_password": factory.password,
                                   "new_password": "another123", "confirm_password": "another123"})
    assert phone_a.get("/").status_code == 200
    assert phone_b.get("/").status_code == 302


def test_remember_me_cookie_keeps_the_member_logged_in(app, factory):
    member = factory.member()
    phone = app.test_client()
    response = post_login(phone, member.phone, factory.password, remember="y")
    cookie = phone.get_cookie("remember_token")
    assert cookie is not None and cookie.expires is not None
    # WeChat's webview drops the session cookie; the remember cookie alone logs in again.
    fresh = app.test_client()
    fresh.set_cookie("remember_token", cookie.value)
    assert fresh.get("/").status_code == 200
    assert response.status_code == 302


def test_deactivated_member_is_signed_out(app, factory, client):
    member = factory.member()
    post_login(client, member.phone, factory.password)
    member.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_login_returns_to_the_page_asked_for_but_never_offsite(client, factory):
    member = factory.member()
    response = post_login(client, member.phone, factory.password, next="/password")
    assert response.headers["Location"] == "/password"
    client.post("/logout")
    for evil in ("https://evil.example/x", "//evil.example/x", "/\\evil.example/x", "javascript:alert(1)"):
        response = post_login(client, member.phone, factory.password, next=evil)
        assert response.headers["Location"] == "/"
        client.post("/logout")


def test_login_page_carries_next_through_the_form(client):
    page = client.get("/login?next=/admin/members").get_data(as_text=True)
    assert "next=/admin/members" in page or "next=%2Fadmin%2Fmembers" in page


def test_logout_needs_post(client, factory, login):
    login(factory.member())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_member_is_refused_staff_pages_with_a_chinese_403(client, factory, login):
    login(factory.member())
    for url in ("/admin/members", "/admin/branches", "/admin/audit", "/admin/roster/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "没有权限" in response.get_data(as_text=True)


def test_unknown_page_is_a_chinese_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_passwords_are_hashed_with_scrypt(factory):
    member = factory.member()
    stored = db.session.get(Member, member.id).password_hash
    assert stored.startswith("scrypt:") and factory.password not in stored
