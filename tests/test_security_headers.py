"""Security headers on every kind of answer (issue 8, findings 6 and 17): HTML pages for
anyone, members and staff, the public verification and judges' pages, redirects, error
pages (the 500 page too), JSON, downloads (PDF, XLSX, CSV) and static files.
tests/test_browser_csp.py runs the pages with scripts under the header the app sends."""
import pytest

from app.certificates import issuing
from app.certificates.models import Certificate
from app.extensions import db
from app.results import judging, setup
from app.security import CONTENT_SECURITY_POLICY

from .conftest import client_for
from .event_factories import backfill, item_rows, make_contest, make_finished, signed_up

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def directives(policy):
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


# Pages whose address carries a secret (a verification code, a judge's link) send no
# Referer at all, which is stricter than the default.
NO_REFERRER = {"public verification", "judge link", "judge page"}


def assert_hardened(response, what=""):
    expected = {**EXPECTED, "Referrer-Policy": "no-referrer"} if what in NO_REFERRER else EXPECTED
    for name, value in expected.items():
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
    """``scene`` with an admin, a finished training (``finished``) with a completion
    certificate of 王秀英 (``certificate``) and a
    judge's link (``judge``, ``judge_link``) for a contest item."""
    scene.admin = factory.member(name="管理员", branch=scene.committee, role="admin")
    scene.finished = finished = make_finished(scene.organizer, sessions=1)
    backfill(scene.organizer, signed_up(scene.organizer, finished, scene.alice), finished.sessions)
    issuing.issue(scene.organizer, finished.id, "completion")
    scene.certificate = db.session.scalar(db.select(Certificate))
    contest = make_contest(scene.organizer, kind="contest", title="演讲比赛",
                           items=item_rows("主题演讲"), publish=True)
    talk = contest.items[0]
    setup.save_setup(scene.organizer, talk.id, method="judged",
                     criteria=[{"name": "内容", "max_x100": 10000, "weight_x100": 100}])
    scene.judge, token = judging.add_judge(scene.organizer, talk.id, "王老师")
    scene.judge_link = f"/j/{token}"
    return scene


def server_error(app, monkeypatch):
    """The 500 page, as production shows it (exceptions not propagated)."""
    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setitem(app.view_functions, "home.index", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    return app.test_client().get("/")


def answers(app, scene, monkeypatch):
    """(what, response) for one answer of each kind."""
    anonymous = app.test_client()
    judge_phone = app.test_client()
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
        ("签到表 PDF", staff.get(f"/checkin/sessions/{session}/sheet.pdf")),
        ("CSV export", staff.get(f"/checkin/sessions/{scene.finished.sessions[0].id}/report.csv")),
        ("certificate PDF", member.get(f"/my/certificates/{scene.certificate.id}/pdf")),
        ("public verification", anonymous.get(f"/verify/{scene.certificate.code}")),
        ("judge link", judge_phone.get(scene.judge_link)),
        ("judge page", judge_phone.get(f"/judge/{scene.judge.id}")),
        ("500 page", server_error(app, monkeypatch)),
    ]


def test_every_kind_of_answer_carries_the_security_headers(app, people, monkeypatch):
    seen = answers(app, people, monkeypatch)
    assert [response.status_code for _, response in seen] == [
        200, 302, 404, 405, 200, 200, 401, 200, 200, 403, 200, 200, 200, 200, 200, 200,
        200, 200, 200, 200, 302, 200, 500]
    types = {what: response.mimetype for what, response in seen}
    assert types["签到表 PDF"] == types["certificate PDF"] == "application/pdf"
    assert types["CSV export"] == "text/csv"
    assert types["500 page"] == "text/html"
    for what, response in seen:
        try:
            assert_hardened(response, what)
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
