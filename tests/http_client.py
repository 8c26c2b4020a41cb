"""A tiny cookie-keeping HTTP client (standard library only) and a gunicorn runner,
for tests that drive the app as real separate processes."""
import contextlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One user's cookie jar; get() and post() return (status, body text, headers)."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.headers

    def get(self, path):
        return self._open(urllib.request.Request(self.base_url + path))

    def post(self, path, data):
        body = urllib.parse.urlencode(data, doseq=True).encode()
        return self._open(urllib.request.Request(self.base_url + path, data=body))

    def csrf(self, path):
        status, body, _ = self.get(path)
        match = CSRF_RE.search(body)
        assert match, f"no CSRF token on {path} ({status})"
        return match.group(1)

    def login(self, phone, password):
        token = self.csrf("/login")
        status, body, _ = self.post("/login", {"csrf_token": token, "phone": phone,
                                               "password": password})
        assert status == 302, body[:500]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_url, workers=4, threads=4, env=None, log_name="gunicorn.log"):
    """Serve the app under gunicorn (separate processes) on a free port; yields the base URL.
    ``env``: more environment for the app (it wins over the defaults here)."""
    port = free_port()
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "RATELIMIT_ENABLED": "false",
        **(env or {}),
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads",
               str(threads), "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--error-logfile", "-",
               "--timeout", "120", "wsgi:app"]
    log_path = ROOT / "test-output" / log_name  # the server's errors, when a test fails
    log_path.parent.mkdir(exist_ok=True)
    log = open(log_path, "wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/login", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start:\n{log_path.read_text()}") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
