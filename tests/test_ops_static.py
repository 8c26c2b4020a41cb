"""Static files (issue 12, item 7): fingerprinted URLs with a year's cache lifetime, gzip
when the app serves them itself, and a repeat visit that fetches no static file again."""
import gzip
import hashlib
import logging
import re
from pathlib import Path

import pytest

from app.ops.static import file_hash

from .conftest import body_text, count_statements, log_in
from .event_factories import attendee, open_event

STATIC = Path(__file__).resolve().parent.parent / "static"
YEAR = "public, max-age=31536000, immutable"
STATIC_URL = re.compile(r'(?:src|href|data-legacy-src)="(/static/[^"]+)"')


def content_hash(name):
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def static_urls(html):
    return STATIC_URL.findall(html)


def test_every_static_url_on_a_page_carries_the_hash_of_the_files_content(client, login, factory):
    login(factory.member())
    for path in ("/", "/events", "/my/events"):
        urls = static_urls(body_text(client.get(path, follow_redirects=True)))
        assert "/static/css/app.css?v=" + content_hash("css/app.css") in urls
        for url in urls:
            name, _, version = url.removeprefix("/static/").partition("?v=")
            assert version == content_hash(name), url


def test_the_scanner_and_its_decoder_are_fingerprinted(client, login, org):
    event = open_event(org.organizer)
    login(org.organizer)
    urls = static_urls(body_text(client.get(f"/checkin/sessions/{event.sessions[0].id}/scan")))
    assert f"/static/vendor/qr-scanner-1.4.2/qr-scanner.umd.min.js?v={content_hash('vendor/qr-scanner-1.4.2/qr-scanner.umd.min.js')}" in urls
    assert any(url.startswith("/static/vendor/qr-scanner-1.4.2/qr-scanner.legacy.min.js?v=") for url in urls)
    assert any(url.startswith("/static/js/scanner/camera.js?v=") for url in urls)


def test_a_fingerprinted_file_is_cached_for_a_year_and_a_bare_or_stale_one_is_revalidated(client):
    version = content_hash("js/menu.js")
    assert client.get(f"/static/js/menu.js?v={version}").headers["Cache-Control"] == YEAR
    assert client.get("/static/js/menu.js").headers["Cache-Control"] == "no-cache"
    assert client.get("/static/js/menu.js?v=000000000000").headers["Cache-Control"] == "no-cache"


def test_a_vendored_library_is_cached_for_a_year_even_without_a_hash(client):
    # qr-scanner imports its decoder by a relative URL, which cannot carry a hash; a
    # library's folder is named by its version, so its files never change in place.
    response = client.get("/static/vendor/qr-scanner-1.4.2/qr-scanner-worker.min.js")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == YEAR


def test_a_changed_file_gets_a_new_url(app, client, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    (tmp_path / "site.js").write_text("console.log(1);\n")
    with app.test_request_context():
        first = file_hash("site.js")
        (tmp_path / "site.js").write_text("console.log(22);\n")
        second = file_hash("site.js")
        assert file_hash("missing.js") is None
    assert first != second
    assert client.get(f"/static/site.js?v={second}").headers["Cache-Control"] == YEAR
    assert client.get(f"/static/site.js?v={first}").headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("name", ["css/app.css", "js/scanner.js",
                                  "vendor/qr-scanner-1.4.2/qr-scanner-worker.min.js"])
def test_text_files_go_out_gzipped_to_a_client_that_accepts_it(client, name):
    original = (STATIC / name).read_bytes()
    url = f"/static/{name}?v={content_hash(name)}"

    zipped = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    plain = client.get(url)

    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == original
    assert int(zipped.headers["Content-Length"]) == len(zipped.data) < len(original) / 2
    assert "Content-Encoding" not in plain.headers and plain.data == original
    for response in (zipped, plain):
        assert "Accept-Encoding" in response.headers["Vary"]
        assert "Cookie" not in response.headers["Vary"]


def test_a_client_that_refuses_gzip_gets_the_plain_file(client):
    response = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in response.headers
    assert response.data == (STATIC / "css/app.css").read_bytes()


def test_an_unchanged_file_is_answered_304(client):
    url = f"/static/css/app.css?v={content_hash('css/app.css')}"
    for headers in ({}, {"Accept-Encoding": "gzip"}):
        etag = client.get(url, headers=headers).headers["ETag"]
        again = client.get(url, headers={**headers, "If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""


def test_a_static_file_costs_a_logged_in_member_no_query_and_no_cookie(client, login, factory):
    login(factory.member())
    with count_statements() as seen:
        response = client.get(f"/static/css/app.css?v={content_hash('css/app.css')}")
    assert response.status_code == 200
    assert seen == []
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("path", ["/static/../app/config.py", "/static/%2e%2e/wsgi.py",
                                  "/static/css/", "/static/nothing.css"])
def test_nothing_outside_the_static_folder_is_served(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.browser
def test_a_repeat_visit_fetches_no_static_file_again(phone, org, factory, caplog):
    """A member opens the site, then the event list, an event, the ticket and 我的活动:
    after the first page, not one static file reaches the server (not even a 304)."""
    caplog.set_level(logging.INFO, logger="app.request")
    event = open_event(org.organizer)
    member, _registration, code = attendee(factory, org.organizer, event, "王秀英", org.one)

    def static_requests():
        return [r.getMessage() for r in caplog.records
                if r.name == "app.request" and " /static/" in r.getMessage()]

    log_in(phone, member)
    phone.goto("/")
    first_visit = static_requests()
    assert any("/static/css/app.css" in line for line in first_visit)

    for path in ("/events", f"/events/{event.id}", f"/t/{code}", "/my/events", "/"):
        phone.goto(path)
        assert phone.locator("link[rel=stylesheet]").count() >= 1
    phone.get_by_role("link", name="活动").first.click()
    phone.wait_for_load_state()

    assert static_requests() == first_visit
    # The styles did apply from the cache: the page's red accent is there.
    assert phone.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor") != "rgba(0, 0, 0, 0)"
