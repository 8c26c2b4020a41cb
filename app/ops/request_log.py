"""One log line per request, each with a request id.

The id is the proxy's ``X-Request-ID`` when it looks like one (nginx's ``$request_id`` is 32
hex digits; we take 8 to 64 letters, digits, ``-``, ``_`` and ``.``), otherwise a new random
one: a header a client made up can neither forge a log line nor grow it without bound. The
id goes back in the response's ``X-Request-ID``, into every log record written while the
request runs (``%(request_id)s``), and onto the 500 page, so a member's screenshot leads
to the log line and its traceback.

The line: ``request GET /events 200 5123B 12.4ms user=17 ip=10.0.0.5``. The path is
logged without its query string, which can hold a searched name or phone number.

    request_id() -> str             the current request's id ("-" outside a request)
    install(app)                    the hooks, the template global, the log handler
"""
import logging
import re
import secrets
import time

from flask import g, has_request_context, request

SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

log = logging.getLogger("app.request")


def request_id():
    """The current request's id, made on first use ("-" outside a request)."""
    if not has_request_context():
        return "-"
    if "request_id" not in g:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if SANE_ID.fullmatch(incoming) else secrets.token_hex(16)
    return g.request_id


class RequestIdFilter(logging.Filter):
    """Gives every record a ``request_id`` attribute for the format."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


def _start():
    g.request_started = time.perf_counter()
    request_id()


def _finish(response):
    started = g.pop("request_started", None)
    took = f"{(time.perf_counter() - started) * 1000:.1f}ms" if started is not None else "-"
    size = response.content_length  # None for a streamed body (never read it here)
    user = getattr(g.get("_login_user"), "id", None)  # only if the request loaded it
    rid = request_id()
    log.info("request %s %s %s %s %s user=%s ip=%s", request.method, request.path,
             response.status_code, "-" if size is None else f"{size}B", took,
             user or "-", request.remote_addr or "-", extra={"request_id": rid})
    response.headers["X-Request-ID"] = rid
    return response


def install(app):
    # First of all before_request hooks: one that answers early (a rate limit, a forced
    # password change) must not leave a request without its start time.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)
    app.add_template_global(request_id)
    _configure_logging(app)


def _configure_logging(app):
    """Records go to stderr (journald under systemd) with their request id. Tests keep
    pytest's own capture; a second app in one process adds no second handler."""
    if app.testing:
        return
    root = logging.getLogger()
    if any(isinstance(f, RequestIdFilter) for h in root.handlers for f in h.filters):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    app.logger  # noqa: B018  (created now, it sees the root handler and adds none of its own)
