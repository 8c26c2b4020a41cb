"""deploy/nginx-site.conf in a real nginx (issue 12, item 6): TLS, the redirect from HTTP,
gzip, static files served from disk with the app's cache rules, and the request id passed
to the app. Only the addresses, ports and paths of the sample are replaced."""
import gzip
import logging
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import log_in

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
YEAR = "public, max-age=31536000, immutable"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_config(tmp_path, app_address, http_port, https_port):
    """The sample site with this machine's addresses, ports and paths."""
    text = (ROOT / "deploy" / "nginx-site.conf").read_text()
    replacements = [
        ("server 127.0.0.1:8000;", f"server {app_address};"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("/etc/ssl/dangjian/fullchain.pem", str(tmp_path / "cert.pem")),
        ("/etc/ssl/dangjian/privkey.pem", str(tmp_path / "key.pem")),
        ("root /srv/dangjian;", f"root {ROOT};"),
        ("/var/log/nginx/", f"{tmp_path}/"),
    ]
    for old, new in replacements:
        assert old in text, f"deploy/nginx-site.conf no longer has {old!r}"
        text = text.replace(old, new)
    return "\n".join(line for line in text.splitlines() if "listen [::]" not in line)


@pytest.fixture
def nginx(tmp_path, live_server):
    """nginx with deploy/nginx-site.conf in front of the live server: (http, https) base URLs."""
    if not Path(NGINX).exists():
        message = "nginx is missing: run `make test` as root or apt-get install nginx"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=dangjian.example.gov.cn", "-keyout", tmp_path / "key.pem",
                    "-out", tmp_path / "cert.pem"], check=True, capture_output=True)
    http_port, https_port = free_port(), free_port()
    (tmp_path / "site.conf").write_text(
        site_config(tmp_path, live_server.removeprefix("http://"), http_port, https_port))
    temp_paths = "\n".join(f"{kind}_temp_path {tmp_path}/{kind};"
                           for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(f"""
        pid {tmp_path}/nginx.pid;
        error_log {tmp_path}/error.log;
        events {{}}
        http {{
            include /etc/nginx/mime.types;
            default_type application/octet-stream;
            {temp_paths}
            include {tmp_path}/site.conf;
        }}""")
    command = [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"]
    checked = subprocess.run([*command[:-2], "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(command, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        yield f"http://127.0.0.1:{http_port}", f"https://127.0.0.1:{https_port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetch(url, **headers):
    """(status, headers, body) of a GET through nginx; no redirect is followed."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), NoRedirect())
    request = urllib.request.Request(url, headers={"Host": "dangjian.example.gov.cn", **headers})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def nginx_log(tmp_path, waiting_for):
    """nginx's access log once it holds ``waiting_for`` (nginx writes it after answering)."""
    deadline = time.monotonic() + 5
    while waiting_for not in (text := (tmp_path / "dangjian.access.log").read_text()):
        assert time.monotonic() < deadline, text
        time.sleep(0.02)
    return text


def app_lines(caplog):
    return [r for r in caplog.records if r.name == "app.request"]


def test_nginx_serves_the_app_over_tls_with_gzip_and_a_request_id(nginx, caplog, tmp_path):
    caplog.set_level(logging.INFO, logger="app.request")
    http, https = nginx

    status, headers, _ = fetch(http + "/events?q=1")
    assert status == 301
    assert headers["Location"] == "https://dangjian.example.gov.cn/events?q=1"

    status, headers, body = fetch(https + "/login", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "登录" in gzip.decompress(body).decode()
    request_id = headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)  # nginx's $request_id, kept by the app
    (line,) = [r for r in app_lines(caplog) if " /login " in r.getMessage()]
    assert line.request_id == request_id
    assert '"GET /login" 200 ' in nginx_log(tmp_path, f"rid={request_id}")
    fetch(https + "/events?q=13812345678")
    access_log = nginx_log(tmp_path, '"GET /events" 302 ')
    assert "13812345678" not in access_log  # the query string stays out of the log

    status, headers, body = fetch(https + "/healthz")
    assert status == 200 and b'"migrations":"current"' in body.replace(b" ", b"")


def test_nginx_serves_static_files_from_disk_with_the_apps_cache_rules(nginx, caplog):
    caplog.set_level(logging.INFO, logger="app.request")
    _, https = nginx
    _, _, body = fetch(https + "/login")
    css = re.search(rb'href="(/static/css/app\.css\?v=[0-9a-f]{12})"', body).group(1).decode()
    before = len(app_lines(caplog))

    status, headers, body = fetch(https + css, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Cache-Control"] == YEAR
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == (ROOT / "static" / "css" / "app.css").read_bytes()

    assert fetch(https + "/static/js/menu.js")[1]["Cache-Control"] == "no-cache"
    worker = fetch(https + "/static/vendor/qr-scanner-1.4.2/qr-scanner-worker.min.js")
    assert worker[0] == 200 and worker[1]["Cache-Control"] == YEAR
    assert len(app_lines(caplog)) == before  # the app never saw a static request
    # nginx resolves the dots (to /app/config.py, the app's 404): no code file is served.
    assert fetch(https + "/static/../app/config.py")[0] == 404


@pytest.mark.browser
def test_a_phone_logs_in_and_browses_through_nginx(nginx, browser, org, factory):
    _, https = nginx
    member = factory.member("王秀英", branch=org.one)
    context = browser.new_context(base_url=https, ignore_https_errors=True,
                                  viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto("/login")
        log_in(page, member)
        page.goto("/events")
        assert page.get_by_role("heading").first.is_visible()
        assert page.evaluate(
            "getComputedStyle(document.querySelector('.topbar')).backgroundColor") != "rgba(0, 0, 0, 0)"
    finally:
        context.close()


def test_gunicorn_with_the_sample_settings_logs_one_line_per_request_with_its_id(app, tmp_path):
    """deploy/gunicorn.conf.py in a real gunicorn, as a production start (APP_ENV=production):
    the request log on stderr, each line with its id, and no second access-log line."""
    port = free_port()
    env = {**os.environ, "APP_ENV": "production", "SECRET_KEY": "x" * 40,
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"}
    log = open(tmp_path / "gunicorn.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, headers, body = fetch(f"http://127.0.0.1:{port}/healthz",
                                              **{"X-Request-ID": "probe-00000001"})
                break
            except OSError:
                assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert status == 200 and headers["X-Request-ID"] == "probe-00000001"
        fetch(f"http://127.0.0.1:{port}/login")
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
    output = (tmp_path / "gunicorn.log").read_text()
    requests = [line for line in output.splitlines() if " app.request " in line]
    assert len(requests) == 2, output
    assert "INFO app.request [probe-00000001] request GET /healthz 200 " in requests[0]
    assert re.search(r"\[[0-9a-f]{32}\] request GET /login 200 ", requests[1])
    assert "RATELIMIT_STORAGE_URI is memory://" in output  # the warning of a production start
    assert '"GET /login' not in output  # gunicorn's own access log is off


def test_the_readme_production_section_names_every_file_of_deploy_and_they_name_each_other():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Production"):readme.index("## Command line")]
    for path in (ROOT / "deploy").iterdir():
        assert f"deploy/{path.name}" in section, path.name
    unit = (ROOT / "deploy" / "dangjian.service").read_text()
    assert "--config deploy/gunicorn.conf.py wsgi:app" in unit
    assert "ExecStart=/srv/dangjian/deploy/backup.sh" in (ROOT / "deploy" / "dangjian-backup.service").read_text()
    bind = re.search(r'"GUNICORN_BIND", "([^"]+)"', (ROOT / "deploy" / "gunicorn.conf.py").read_text())
    assert f"server {bind.group(1)};" in (ROOT / "deploy" / "nginx-site.conf").read_text()


def test_the_nightly_backup_script_backs_up_the_configured_database(app, factory, tmp_path):
    factory.member("王秀英")
    env = {**os.environ, "APP_ENV": "testing", "SECRET_KEY": "x" * 40,
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "BACKUP_DIR": str(tmp_path)}
    old = tmp_path / "dangjian-20250101-023000.db"
    old.write_bytes(b"a backup 40 days old")
    os.utime(old, (time.time() - 40 * 86400,) * 2)

    done = subprocess.run(["deploy/backup.sh"], cwd=ROOT, env=env, capture_output=True, text=True)

    assert done.returncode == 0, done.stdout + done.stderr
    (made,) = tmp_path.glob("dangjian-2*")  # the old one is gone, one new one is there
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(made) as copy:
            assert copy.execute("SELECT name FROM member").fetchall() == [("王秀英",)]
    else:
        listing = subprocess.run(["pg_restore", "--list", str(made)], capture_output=True, text=True)
        assert listing.returncode == 0 and "TABLE DATA public member" in listing.stdout
