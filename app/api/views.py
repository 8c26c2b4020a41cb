"""JSON API v1 for the scanner page (and the live board); documented at /api/v1/openapi.json.

Who may call the session endpoints is decided by one rule, checkin.scanning.scan_access():
a logged-in staff member who may manage the event, or a phone holding a valid scanner
link for it. Every POST carries the CSRF token in an ``X-CSRFToken`` header (the token
comes from the scanner page, or from GET /api/v1/csrf-token).

Every answer is JSON, errors included: ``{"result": "error", "code", "message"}`` with
a Chinese message, never an HTML page.
"""
import re

from flask import Blueprint, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from werkzeug.exceptions import HTTPException

from app.checkin import attendance
from app.checkin import service as checkin
from app.checkin.constants import CHECKIN_KINDS
from app.checkin.scanning import (
    MAX_AGE_SECONDS,
    clean_scanned,
    expected_members,
    scan_access,
    scan_time,
    search_limited,
)
from app.errors import HTTP_CODES, DomainError, error_body
from app.extensions import db
from app.stats import access as stats_access
from app.stats.branches import branch_table, branch_table_json
from app.stats.periods import parse_filters
from app.web import MAX_ID

from .openapi import MAX_QUERY_LENGTH, NOT_BLANK, openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_CODE_LENGTH = 1000  # a ticket URL is ~40 characters; anything longer is not a ticket
MAX_NONCE_LENGTH = 64
MAX_OPENED_LENGTH = 200
NONCE_RE = re.compile(rf"[A-Za-z0-9._:-]{{1,{MAX_NONCE_LENGTH}}}")


def _error(status, code, **params):
    response = jsonify(error_body(code, **params))
    response.status_code = status
    return response


@bp.errorhandler(DomainError)
def _refused(error):
    return _error(error.http_status, error.code, **error.params)


@bp.errorhandler(CSRFError)
def _csrf_error(error):
    return _error(400, "csrf_invalid")


@bp.errorhandler(HTTPException)
def _http_error(error):
    status = error.code or 500
    return _error(status, HTTP_CODES.get(status, "server_error"))


@bp.errorhandler(500)
def _server_error(error):
    db.session.rollback()
    return _error(500, "server_error")


@bp.after_request
def _no_store(response):
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# ------------------------------------------------------------------ parsing

def _body():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise DomainError("api_bad_json")
    return body


def _bad(field, why):
    raise DomainError("api_bad_field", field=field, name=field, why=why)


def _kind(body):
    kind = body.get("kind", "entry")
    if kind not in CHECKIN_KINDS:
        _bad("kind", "应为 entry（签到）或 exit（签退）。")
    return kind


def _nonce(body):
    if "nonce" not in body:
        return None
    nonce = body["nonce"]
    if not isinstance(nonce, str) or not NONCE_RE.fullmatch(nonce):
        _bad("nonce", f"应为 1 到 {MAX_NONCE_LENGTH} 个字母、数字或 - _ . :（如 UUID）。")
    return nonce


def _number(value):
    return not isinstance(value, bool) and isinstance(value, (int, float))


def _scanned_at(body, session_id):
    """When the scan happened (None: now): ``age`` seconds ago for a scan resent from the
    offline queue, never before the scanner page was opened (``opened``, signed by the
    server); see checkin.scanning.scan_time()."""
    age, opened = body.get("age", 0), body.get("opened", "")
    if not _number(age) or not 0 <= age <= MAX_AGE_SECONDS:
        _bad("age", f"应为 0 到 {MAX_AGE_SECONDS} 之间的秒数。")
    if not isinstance(opened, str) or len(opened) > MAX_OPENED_LENGTH or (
            "opened" in body and not opened):
        _bad("opened", "应为扫码页面给出的字符串。")
    return scan_time(session_id, age, opened or None)


def _code(body):
    code = body.get("code")
    if not isinstance(code, str) or not NOT_BLANK.search(code):
        _bad("code", "请填写票码或票面二维码的内容。")
    if len(code) > MAX_CODE_LENGTH:
        _bad("code", "内容太长，不是本系统的票码。")
    return clean_scanned(code)


def _registration_id(body):
    value = body.get("registration_id")
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 12.0 is the integer 12 in JSON
    if not _number(value) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        _bad("registration_id", "应为报名记录的编号（正整数）。")
    return value


def _query(name, max_length):
    text = request.args.get(name) or ""
    if len(text) > max_length:
        _bad(name, f"最多 {max_length} 个字。")
    return text.strip()


def _device():
    return request.headers.get("User-Agent", "")


# ------------------------------------------------------------------ routes

@bp.route("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.route("/csrf-token")
def csrf_token():
    """A fresh CSRF token for this browser session (the scanner asks for one when a
    long-open page's token no longer matches, e.g. after the session cookie was lost)."""
    return jsonify({"csrf_token": generate_csrf()})


@bp.route("/sessions/<int:session_id>/scans", methods=["POST"])
def scan(session_id):
    access = scan_access(session_id, write=True)
    body = _body()
    answer = checkin.perform_checkin(
        access.session.id, kind=_kind(body), method="ticket_scan", code=_code(body),
        nonce=_nonce(body), device=_device(), now=_scanned_at(body, access.session.id),
        **access.checkin_kwargs())
    return jsonify(answer.as_json())


@bp.route("/sessions/<int:session_id>/checkins", methods=["POST"])
def manual_checkin(session_id):
    access = scan_access(session_id, write=True)
    body = _body()
    answer = checkin.perform_checkin(
        access.session.id, kind=_kind(body), method="manual",
        registration_id=_registration_id(body), nonce=_nonce(body), device=_device(),
        now=_scanned_at(body, access.session.id), **access.checkin_kwargs())
    return jsonify(answer.as_json())


@bp.route("/sessions/<int:session_id>/summary")
def summary(session_id):
    access = scan_access(session_id)
    return jsonify(attendance.session_summary(access.session))


@bp.route("/sessions/<int:session_id>/expected")
@search_limited()
def expected(session_id):
    access = scan_access(session_id)
    q = _query("q", MAX_QUERY_LENGTH)
    items, more = expected_members(access, q)
    return jsonify({"q": q, "items": items, "more": more})


# ------------------------------------------------------------------ statistics

@bp.route("/stats/branches")
def stats_branches():
    """参与统计 of the caller's scope (app/stats): the page's table as JSON."""
    within = stats_access.branch_scope(current_user)
    filters = parse_filters(request.args, strict=True)
    event = stats_access.filtered_event(current_user, filters)
    return jsonify(branch_table_json(branch_table(filters, within), within, event))
