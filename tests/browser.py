"""Steps the browser tests share."""
from .conftest import TEST_PASSWORD


def log_in(page, member, password=TEST_PASSWORD):
    """Sign ``member`` in through the login page (opened unless the page is already on it)
    and wait until the app has moved on from it."""
    if "/login" not in page.url:
        page.goto("/login")
    page.get_by_label("手机号").fill(member.phone)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login" not in url)
