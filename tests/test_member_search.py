"""One member search (app/org/search.py) behind every search box: the member list, the
walk-in page, the scanner's expected list (page and API), proxy registration.

Issue 8, finding 1: a masked phone (139****5678) could be recovered by searching runs of
its digits. Now nobody but an admin finds a member by digits it was not shown: only the
last four or the whole number match; searches stay inside the searcher's scope and are
rate-limited."""
import re
from datetime import timedelta

import pytest

from app import create_app
from app.checkin import service as checkin
from app.checkin.models import Checkin
from app.extensions import db, limiter
from app.org import search
from app.registration import queries, signup
from app.timeutil import utcnow

from .conftest import TEST_PASSWORD
from .event_factories import make_event, session_rows

PHONE = "13912345678"  # shown to non-admins as 139****5678
SHOWN_END, WHOLE = PHONE[-4:], PHONE


def every_digit_query(phone=PHONE):
    """Every run of the phone's digits (every window of every length, every prefix)."""
    return sorted({phone[i:j] for i in range(len(phone)) for j in range(i + 1, len(phone) + 1)})


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def scene(factory):
    class Scene:
        pass

    s = Scene()
    s.committee = factory.branch(name="机关党委", kind="committee")
    s.one = factory.branch(name="第一党支部", parent=s.committee)
    s.two = factory.branch(name="第二党支部", parent=s.committee)
    s.organizer = factory.member(name="组织者", branch=s.committee, role="organizer")
    s.admin = factory.member(name="管理员", branch=s.committee, role="admin")
    s.secretary = factory.member(name="一支书记", branch=s.one, role="secretary")
    s.target = factory.member(name="目标人", branch=s.one, phone=PHONE)
    s.stranger = factory.member(name="外支部人", branch=s.two, phone="13987654321")
    start = (utcnow() + timedelta(minutes=30)).replace(microsecond=0)
    s.event = make_event(s.organizer, sessions=session_rows(1, start=start), publish=True,
                         title="支部学习", branch=s.one, allow_walk_in=True)
    s.session = s.event.sessions[0]
    for member in (s.target, s.stranger):
        signup.register(s.organizer, s.event.id, member.id)
    return s


def logged_in(app, member):
    client = app.test_client()
    response = client.post("/login", data={"phone": member.phone, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def with_link(app, scene):
    client = app.test_client()
    _, token = checkin.create_scanner_link(scene.organizer, scene.event, "东门志愿者")
    assert client.get(f"/checkin/link/{token}").status_code == 302
    return client


def finds(client, url, name):
    """Whether the page or JSON at ``url`` lists ``name`` (never a 500)."""
    response = client.get(url)
    assert response.status_code in (200, 400), (url, response.status_code)
    if response.is_json:
        return name in {item["name"] for item in response.get_json().get("items", [])}
    return re.search(rf">\s*{re.escape(name)}\s*<", text(response)) is not None  # a listed name


def matching_queries(client, url_for_q, name):
    return {q for q in every_digit_query() if finds(client, url_for_q(q), name)}


# ------------------------------------------------------------------ the phone rule

def test_a_secretary_learns_no_hidden_digit_from_the_member_list(app, scene):
    client = logged_in(app, scene.secretary)
    found = matching_queries(client, lambda q: f"/admin/members?q={q}", "目标人")
    assert found == {SHOWN_END, WHOLE}
    assert "139****5678" in text(client.get("/admin/members?q=5678"))
    assert "目标人" not in text(client.get("/admin/members?q=2345"))  # not its last four
    refused = text(client.get("/admin/members?q=123456"))
    assert "按手机号查找，请输入号码的后 4 位，或完整的 11 位号码。" in refused


def test_a_secretary_learns_no_hidden_digit_from_the_walk_in_search(app, scene):
    client = logged_in(app, scene.secretary)
    url = f"/checkin/sessions/{scene.session.id}/walkin?q="
    assert matching_queries(client, lambda q: url + q, "目标人") == {SHOWN_END, WHOLE}


def test_a_scanner_link_learns_no_hidden_digit_from_the_expected_list(app, scene):
    client = with_link(app, scene)
    api = f"/api/v1/sessions/{scene.session.id}/expected?q="
    assert matching_queries(client, lambda q: api + q, "目标人") == {SHOWN_END, WHOLE}
    page = f"/checkin/sessions/{scene.session.id}/scan?q="
    assert matching_queries(client, lambda q: page + q, "目标人") == {SHOWN_END, WHOLE}
    refused = client.get(api + "123456")
    assert refused.status_code == 400 and refused.get_json()["code"] == "search_phone_digits"
    (hit,) = client.get(api + SHOWN_END).get_json()["items"]
    assert hit["phone"] == "139****5678"


def test_an_admin_still_finds_a_member_by_middle_digits(app, scene):
    client = logged_in(app, scene.admin)
    assert finds(client, "/admin/members?q=2345", "目标人")
    assert finds(client, f"/checkin/sessions/{scene.session.id}/walkin?q=2345", "目标人")
    assert finds(client, f"/api/v1/sessions/{scene.session.id}/expected?q=2345", "目标人")
    assert PHONE in text(client.get("/admin/members?q=2345"))


def test_names_are_searched_as_before(app, scene):
    client = logged_in(app, scene.secretary)
    assert finds(client, "/admin/members?q=目标", "目标人")
    assert finds(client, "/admin/members?q=目 标 人", "目标人")  # spaces in a Chinese name
    assert not finds(client, "/admin/members?q=%25", "目标人")  # LIKE wildcards are literal


# ------------------------------------------------------------------ the scope rule

def test_a_secretary_finds_no_member_of_another_branch(app, scene):
    client = logged_in(app, scene.secretary)
    for q in ("外支部人", "外支部", "4321", "13987654321"):
        assert not finds(client, f"/checkin/sessions/{scene.session.id}/walkin?q={q}", "外支部人")
        assert not finds(client, f"/admin/members?q={q}", "外支部人")
        # the event's expected list: registrations of the own subtree only
        assert not finds(client, f"/api/v1/sessions/{scene.session.id}/expected?q={q}",
                         "外支部人")
    assert finds(client, f"/api/v1/sessions/{scene.session.id}/expected?q=目标人", "目标人")
    # An organizer searches every branch; a scanner link the session's whole list.
    organizer = logged_in(app, scene.organizer)
    assert finds(organizer, f"/checkin/sessions/{scene.session.id}/walkin?q=外支部人", "外支部人")
    assert finds(with_link(app, scene), f"/api/v1/sessions/{scene.session.id}/expected?q=外支部人",
                 "外支部人")


def test_a_secretary_cannot_walk_in_a_member_of_another_branch(app, scene, factory):
    outsider = factory.member(name="不在本支部", branch=scene.two)
    client = logged_in(app, scene.secretary)
    response = client.post(f"/checkin/sessions/{scene.session.id}/walkin",
                           data={"member_id": outsider.id, "nonce": "w-out"})
    assert "没有权限进行此操作" in text(response)
    assert "不在本支部" not in text(response)
    assert not queries.active_registrations(scene.event.id, [outsider.id])
    assert db.session.query(Checkin).count() == 0


def test_a_scanner_link_searches_only_its_sessions_expected_list(app, scene):
    with pytest.raises(ValueError):
        search.search_members(search.SCANNER_LINK, "目标人")  # no base list: refused
    client = with_link(app, scene)
    other = make_event(scene.organizer, publish=True, title="别的活动")
    assert client.get(f"/api/v1/sessions/{other.sessions[0].id}/expected?q=目标人"
                      ).status_code == 403


def test_a_refused_phone_query_on_the_proxy_page_lists_nobody(app, scene):
    client = logged_in(app, scene.secretary)
    response = client.get(f"/manage/events/{scene.event.id}/proxy?q=2345")
    assert response.status_code == 200 and "目标人" not in text(response)
    assert "目标人" in text(client.get(f"/manage/events/{scene.event.id}/proxy?q=5678"))


# ------------------------------------------------------------------ the rate limit

@pytest.fixture
def limited_app(app):
    """A second app on the same database, with rate limits on (5 searches a minute)."""
    yield create_app({
        "APP_ENV": "testing", "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True,
        "SEARCH_RATE_LIMIT": "5 per minute", "LOGIN_RATE_LIMIT": "100 per minute",
        "PUBLIC_BASE_URL": "http://testserver",
    })
    # The limiter is one object shared by every app: switch it off again for the suite.
    limiter.enabled = app.config["RATELIMIT_ENABLED"]


def test_searches_are_rate_limited_per_searcher_across_search_boxes(limited_app, scene):
    client = logged_in(limited_app, scene.secretary)
    api = f"/api/v1/sessions/{scene.session.id}/expected?q="
    walkin = f"/checkin/sessions/{scene.session.id}/walkin?q="
    statuses = [client.get(api + "目标").status_code for _ in range(3)]
    statuses += [client.get(walkin + "目标").status_code for _ in range(2)]
    assert statuses == [200] * 5
    refused = client.get(api + "目标")
    assert refused.status_code == 429
    assert refused.get_json()["error"] == {"code": "too_many_requests",
                                           "message": "操作太频繁，请稍等一会儿再试。"}
    assert client.get(walkin + "目标").status_code == 429
    assert client.get("/admin/members?q=目标").status_code == 429
    proxy = f"/manage/events/{scene.event.id}/proxy"
    assert client.get(proxy + "?q=目标").status_code == 429
    # Opening a page without a search is not a search.
    assert client.get(f"/checkin/sessions/{scene.session.id}/walkin").status_code == 200
    assert "目标人" in text(client.get(proxy))
    # Another searcher has a budget of their own, a scanner link too.
    assert logged_in(limited_app, scene.organizer).get(api + "目标").status_code == 200
    assert with_link(limited_app, scene).get(api + "目标").status_code == 200
