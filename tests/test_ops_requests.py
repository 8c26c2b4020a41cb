"""Production operations (issue 12, item 6): one log line per request with a request id,
the id on the 500 page, and GET /healthz for the proxy."""
import logging

import pytest

from app.ops.request_log import RequestIdFilter

from .conftest import body_text, count_statements


@pytest.fixture
def request_lines(caplog):
    """The request log lines written during the test (logger ``app.request``)."""
    caplog.set_level(logging.INFO, logger="app.request")
    return lambda: [r for r in caplog.records if r.name == "app.request"]


def test_every_request_writes_one_line_with_its_id_and_answers_with_the_id(
        client, login, org, factory, request_lines):
    member = factory.member("李建国", branch=org.one)
    login(member)
    before = len(request_lines())

    response = client.get("/events?q=13812345678")

    lines = request_lines()[before:]
    assert len(lines) == 1
    line = lines[0]
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32
    assert line.request_id == request_id
    message = line.getMessage()
    assert message.startswith("request GET /events 200 ")
    assert f"user={member.id} " in message
    assert "13812345678" not in message  # a searched phone number stays out of the log
    assert "ms " in message


def test_an_anonymous_request_is_logged_without_a_user(client, request_lines):
    response = client.get("/login")
    (line,) = request_lines()
    assert "user=- " in line.getMessage()
    assert line.request_id == response.headers["X-Request-ID"]


@pytest.mark.parametrize("incoming, kept", [
    ("0f4c9a4e2b7d4c1e9a0b1c2d3e4f5a6b", True),  # nginx's $request_id
    ("req-2026.11.27_0001", True),
    ("short", False),
    ("x" * 65, False),
    ("bad id with spaces", False),
    ("<b>0123456789</b>", False),
    ("tab\there-0123456789", False),
])
def test_the_proxys_request_id_is_kept_only_when_it_looks_like_one(client, incoming, kept):
    response = client.get("/login", headers={"X-Request-ID": incoming})
    answered = response.headers["X-Request-ID"]
    assert (answered == incoming) is kept
    assert len(answered) == 32 or kept


def test_two_requests_get_two_ids(client):
    assert client.get("/login").headers["X-Request-ID"] != client.get("/login").headers["X-Request-ID"]


def test_a_server_error_shows_its_request_id_and_logs_the_traceback_with_it(
        app, client, caplog, monkeypatch):
    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setitem(app.view_functions, "home.index", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production
    caplog.handler.addFilter(RequestIdFilter())

    response = client.get("/", headers={"X-Request-ID": "nginx-0000000000001234"})

    assert response.status_code == 500
    page = body_text(response)
    assert "系统出错了" in page
    assert "错误编号：<span class=\"request-id\">nginx-0000000000001234</span>" in page
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and errors[0].exc_info[0] is RuntimeError
    assert errors[0].request_id == "nginx-0000000000001234"


def test_an_api_server_error_answers_json_with_its_request_id(app, client, monkeypatch):
    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setitem(app.view_functions, "api.openapi", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)

    response = client.get("/api/v1/openapi.json", headers={"X-Request-ID": "nginx-0000000000005678"})

    assert response.status_code == 500
    error = response.get_json()["error"]
    assert error["code"] == "server_error"
    assert error["request_id"] == "nginx-0000000000005678"
    assert "系统" in error["message"]


def test_an_api_refusal_names_its_code_and_message_under_error(client):
    error = client.get("/api/v1/no-such-thing").get_json()["error"]
    assert error == {"code": "not_found", "message": error["message"]} and error["message"]


def test_other_error_pages_show_no_request_id(client):
    assert "错误编号" not in body_text(client.get("/no-such-page"))


def test_healthz_answers_ok_when_the_database_is_reachable_and_migrated(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    report = response.get_json()
    assert report["status"] == "ok"
    assert report["database"] == "ok"
    assert report["migrations"] == "current"
    assert report["revision"] == report["expected"] and report["expected"]


def test_healthz_answers_503_for_a_database_behind_this_codes_migrations(app_on, tmp_path):
    from flask_migrate import upgrade

    old = app_on(f"sqlite:///{tmp_path / 'old.db'}", migrate=False)
    client = old.test_client()
    assert client.get("/healthz").get_json()["migrations"] == "none"
    with old.app_context():
        upgrade(revision="0002")

    response = client.get("/healthz")

    assert response.status_code == 503
    report = response.get_json()
    assert report["status"] == "error"
    assert (report["database"], report["migrations"], report["revision"]) == ("ok", "behind", ["0002"])
    with old.app_context():
        upgrade()
    assert client.get("/healthz").status_code == 200


def test_healthz_answers_503_for_a_database_migrated_by_newer_code(app_on, tmp_path):
    import sqlite3

    newer = app_on(f"sqlite:///{tmp_path / 'newer.db'}")
    with sqlite3.connect(tmp_path / "newer.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")

    response = newer.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_json()["migrations"] == "unknown"


def test_healthz_answers_503_when_the_database_cannot_be_reached(app_on, tmp_path):
    unreachable = app_on(f"sqlite:///{tmp_path}/no/such/folder/app.db", migrate=False)

    response = unreachable.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable",
                                   "expected": response.get_json()["expected"]}
    assert "folder" not in body_text(response)  # no path, host or error text


def test_healthz_loads_no_user_for_a_logged_in_client(client, login, factory):
    login(factory.member())
    with count_statements() as seen:
        assert client.get("/healthz").status_code == 200
    assert not [s for s in seen if "member" in s]
