"""Security headers on every kind of answer (issue 8, findings 6 and 17): HTML pages for
anyone, members and staff, redirects, error pages, JSON, downloads and static files.
tests/test_browser_csp.py runs the pages with scripts under the header the app sends."""
import pytest

from app.security import CONTENT_SECURITY_POLICY

from .conftest import client_for

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def directives(policy):
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def assert_hardened(response):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (name, response.headers.get(name))
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["worker-src"] == ["'self'", "blob:"]  # qr-scanner's decoder
    assert "camera=(self)" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP


@pytest.fixture
def people(scene, factory):
    scene.admin = factory.member(name="管理员", branch=scene.committee, role="admin")
    return scene


def answers(app, scene):
    """(what, response) for one answer of each kind."""
    anonymous = app.test_client()
    member = client_for(app, scene.alice)
    staff = client_for(app, scene.organizer)
    admin = client_for(app, scene.admin)
    session, event = scene.session.id, scene.event.id
    return [
        ("login page", anonymous.get("/login")),
        ("redirect to login", anonymous.get("/my/events")),
        ("404 page", anonymous.get("/no-such-page")),
        ("405 page", anonymous.get("/logout")),
        ("static file", anonymous.get("/static/js/forms.js")),
        ("public JSON", anonymous.get("/api/v1/openapi.json")),
        ("JSON error", anonymous.get(f"/api/v1/sessions/{session}/summary")),
        ("member home", member.get("/")),
        ("ticket", member.get(f"/t/{scene.alice_code}")),
        ("403 page", member.get("/admin/members")),
        ("scanner", staff.get(f"/checkin/sessions/{session}/scan")),
        ("board", staff.get(f"/checkin/sessions/{session}/board")),
        ("JSON", staff.get(f"/api/v1/sessions/{session}/summary")),
        ("XLSX download", staff.get(f"/manage/events/{event}/registrants.xlsx")),
        ("admin page", admin.get("/admin/audit")),
        ("roster template", admin.get("/admin/roster/template.xlsx")),
    ]


def test_every_kind_of_answer_carries_the_security_headers(app, people):
    seen = answers(app, people)
    assert [response.status_code for _, response in seen] == [
        200, 302, 404, 405, 200, 200, 401, 200, 200, 403, 200, 200, 200, 200, 200, 200]
    for what, response in seen:
        try:
            assert_hardened(response)
        except AssertionError as error:
            raise AssertionError(f"{what}: {error}") from None
        response.close()


def test_the_policy_runs_no_inline_script_and_says_why_styles_are_open():
    policy = directives(CONTENT_SECURITY_POLICY)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] + policy["default-src"]
    # Styles keep 'unsafe-inline' (templates use style= attributes; docs/SECURITY.md).
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]


def test_a_scanner_links_landing_page_sends_no_referrer_at_all(app, scene):
    from app.checkin import service as checkin

    _, token = checkin.create_scanner_link(scene.organizer, scene.event, "东门")
    response = app.test_client().get(f"/checkin/link/{token}")
    assert response.headers["Referrer-Policy"] == "no-referrer"  # the token stays out of Referers


def test_hsts_over_https_only(app, app_with):
    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers
    direct = app.test_client().get("/login", base_url="https://dangjian.example.gov.cn")
    assert direct.headers["Strict-Transport-Security"] == "max-age=31536000"

    proxied = app_with(TRUSTED_PROXIES=1).test_client()
    https = proxied.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert https.headers["Strict-Transport-Security"] == "max-age=31536000"
    # Without a trusted proxy, a client's own X-Forwarded-Proto is not believed.
    spoofed = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers
