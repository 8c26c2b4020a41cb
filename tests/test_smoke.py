def test_login_page_is_chinese(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "登录" in response.get_data(as_text=True)


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_member_logs_in_and_sees_home(client, factory, login):
    member = factory.member(name="李四")
    login(member)
    page = client.get("/").get_data(as_text=True)
    assert "李四，您好" in page
