"""The OpenAPI 3 document of API v1, served at GET /api/v1/openapi.json.

Kept as a Python dict next to the views; tests/test_api.py checks that every API
route is listed here and every listed path exists.
"""
import re

from app.checkin.constants import CHECKIN_REFUSALS
from app.checkin.scanning import MAX_AGE_SECONDS
from app.errors import MESSAGES
from app.stats import openapi as stats_openapi
from app.web import MAX_ID

from . import member_stats_doc

# perform_checkin's codes, in the order they are checked (result "refused", or
# "duplicate" for already_checked_in / already_checked_out); expired_code is for self
# check-in only.
SCAN_CODES = tuple(code for code in CHECKIN_REFUSALS if code != "expired_code")
# Codes of error answers (result "error"): the request itself was not carried out.
ERROR_CODES = {
    "api_bad_json": 400, "api_bad_field": 400, "csrf_invalid": 400, "bad_request": 400,
    "login_required": 401, "forbidden": 403, "password_change_required": 403,
    "scanner_link_invalid": 403,
    "scanner_link_other_event": 403, "not_found": 404, "method_not_allowed": 405,
    "event_cancelled": 409, "search_phone_digits": 400, "too_many_requests": 429,
    "input_nul": 400, "server_error": 500,
    **stats_openapi.ERROR_CODES,
    **member_stats_doc.ERROR_CODES,
}
# Text with something in it besides white space (what Python's str.strip() removes): the
# same pattern, \\uXXXX escapes and all, in this document and in the API's parser.
_SPACES = "".join(f"\\u{code:04x}" for code in range(0x10000) if chr(code).isspace())
NOT_BLANK = re.compile(f"[^{_SPACES}]")
MAX_QUERY_LENGTH = 50
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
NONCE = {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,64}$",
         "description": "Client-made id of this scan (a UUID)."}
AGE = {"type": "number", "minimum": 0, "maximum": MAX_AGE_SECONDS,
       "description": "Seconds since the scan happened (a resent, queued scan); default 0. "
                      "Counted back no further than `opened`; ignored without it."}
OPENED = {"type": "string", "minLength": 1, "maxLength": 200,
          "description": "The scanner page's `data-opened`: when it was opened, signed by the "
                         "server. A queued scan is never dated before it."}


def _codes_table(codes):
    return "\n".join(f"- `{code}`: {MESSAGES[code]}" for code in codes)


def _error_response(description, codes):
    return {
        "description": f"{description}\n\n{_codes_table(codes)}",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _session_param():
    return {"name": "session_id", "in": "path", "required": True,
            "description": "场次 (EventSession) id", "schema": dict(ID)}


# Every POST carries the CSRF token of the browser session (it is not a credential: a
# missing or wrong one is a 400, csrf_invalid).
_CSRF_HEADER = {"name": "X-CSRFToken", "in": "header", "required": True,
                "description": "CSRF token of this browser session (GET /csrf-token).",
                "schema": {"type": "string", "minLength": 1}}


_DENIED = {
    "401": _error_response("Not logged in and no scanner link in this browser session.",
                           ["login_required"]),
    "403": _error_response(
        "Logged in but may not manage this event (a member, or a secretary of another "
        "branch), or the scanner link was revoked, has expired or is for another event.",
        ["forbidden", "scanner_link_invalid", "scanner_link_other_event"]),
    "404": _error_response("No such session.", ["not_found"]),
}
_WRITE_ERRORS = {
    "400": _error_response("Malformed body (not a JSON object, a field of the wrong type) or a "
                           "missing/wrong CSRF token. Nothing was recorded.",
                           ["api_bad_json", "api_bad_field", "csrf_invalid"]),
    **_DENIED,
    "409": _error_response("The event was cancelled; nothing was recorded.",
                           ["event_cancelled"]),
}
_SCAN_OK = {
    "description": (
        "The scan was decided and recorded (one Checkin row), or — for a nonce seen before — "
        "the first answer is returned again and nothing is written. Refusals are answers too "
        "(HTTP 200, result `refused`).\n\n" + _codes_table(SCAN_CODES)),
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ScanResult"}}},
}
# A staff login (its session cookie, or the remember cookie alone, as WeChat's webview
# keeps only that one), or a scanner link opened in this browser (the session cookie).
_LOGIN = [{"session": []}, {"remember": []}]


def openapi_document():
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "党建活动报名签到系统 API",
            "version": "1",
            "description": (
                "On-site check-in for the scanner page and the live board.\n\n"
                "**Who may call**: a logged-in staff member who may manage the session's event "
                "(organizers and admins: every event; a branch secretary: events of the own "
                "subtree), or a browser that opened a scanner link (`/checkin/link/<token>`) for "
                "that event, until the link expires or is revoked.\n\n"
                "**CSRF**: every POST sends the page's CSRF token in an `X-CSRFToken` header "
                "(GET /api/v1/csrf-token returns a fresh one for this browser session).\n\n"
                "**Scan times**: a queued scan's `age` counts back no further than `opened`, the "
                "moment the scanner page was opened, as signed by the server.\n\n"
                "**Retries**: send a client-made `nonce` with each scan; sending the same scan "
                "again (after a timeout or from an offline queue) returns the first answer and "
                "records nothing new. A queued scan also sends `age`, the seconds since it was "
                "scanned, so it is dated when it happened.\n\n"
                "**Errors** are JSON `{error: {code, message}}` with a Chinese message (the same "
                "`code` and `message` also stand at the top level beside `result: \"error\"`); "
                "a server error adds `request_id`, the id of its lines in the server log."),
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {
                "session": {
                    "type": "apiKey", "in": "cookie", "name": "session",
                    "description": "Flask session cookie: a staff login, or a scanner link "
                                   "opened in this browser."},
                "remember": {
                    "type": "apiKey", "in": "cookie", "name": "remember_token",
                    "description": "Flask-Login's remember cookie of a staff login (valid until "
                                   "that login is logged out, or REMEMBER_DAYS)."},
            },
            "schemas": {
                **stats_openapi.SCHEMAS,
                "ScanRequest": {
                    "type": "object", "required": ["code"],
                    "properties": {
                        "code": {"type": "string", "minLength": 1, "maxLength": 1000,
                                 "pattern": NOT_BLANK.pattern,
                                 "description": "The ticket code (10 characters, case and "
                                                "spaces ignored) or the ticket URL read from "
                                                "its QR (…/t/<code>).",
                                 "example": "K7QX3MZ9PA"},
                        "kind": {"type": "string", "enum": ["entry", "exit"],
                                 "default": "entry", "description": "entry 签到, exit 签退"},
                        "nonce": NONCE, "age": AGE, "opened": OPENED,
                    },
                },
                "ManualCheckinRequest": {
                    "type": "object", "required": ["registration_id"],
                    "properties": {
                        "registration_id": {**ID, "description":
                                            "From GET /sessions/{session_id}/expected."},
                        "kind": {"type": "string", "enum": ["entry", "exit"],
                                 "default": "entry"},
                        "nonce": NONCE, "age": AGE, "opened": OPENED,
                    },
                },
                "ScanResult": {
                    "type": "object",
                    "required": ["result", "code", "message", "member", "at", "first_at"],
                    "properties": {
                        "result": {"type": "string", "enum": ["ok", "duplicate", "refused"],
                                   "description": "ok 成功 (green), duplicate 重复 (amber), "
                                                  "refused 不能签到 (red)"},
                        "code": {"type": "string", "nullable": True, "enum": [*SCAN_CODES, None],
                                 "description": "null when ok; else why (see the list above)."},
                        "message": {"type": "string", "description": "Chinese, for people.",
                                    "example": "签到成功"},
                        "member": {"nullable": True, "allOf": [
                            {"$ref": "#/components/schemas/MemberBrief"}],
                            "description": "null when the ticket is unknown."},
                        "at": {"type": "string", "format": "date-time", "nullable": True,
                               "description": "When this scan was recorded (UTC)."},
                        "first_at": {"type": "string", "format": "date-time", "nullable": True,
                                     "description": "For a duplicate: the first successful "
                                                    "scan of this kind (UTC)."},
                    },
                },
                "MemberBrief": {
                    "type": "object", "required": ["name", "branch"],
                    "properties": {"name": {"type": "string"},
                                   "branch": {"type": "string",
                                              "description": "The branch kept on the "
                                                             "registration."}},
                },
                "Summary": {
                    "type": "object",
                    "required": ["expected", "present", "on_leave", "absent", "late", "walk_in",
                                 "backfilled", "rate", "by_branch"],
                    "description": "DESIGN §3: 应到 expected = confirmed registrations "
                                   "(including invited, excluding walk-ins); 请假 on_leave = "
                                   "expected with approved leave covering the session (and not "
                                   "present); 实到 present = expected with a successful entry; "
                                   "缺席 absent = expected − on_leave − present; 到会率 rate = "
                                   "present ÷ (expected − on_leave), null when that is 0; 迟到 "
                                   "late = present whose first entry was after start + grace; "
                                   "列席 walk_in = walk-ins present (members and guests not on "
                                   "the roster), outside the rate; 补录 backfilled = present "
                                   "whose first entry was a back-fill.",
                    "properties": {
                        "expected": {"type": "integer"}, "present": {"type": "integer"},
                        "on_leave": {"type": "integer"}, "absent": {"type": "integer"},
                        "late": {"type": "integer"}, "walk_in": {"type": "integer"},
                        "backfilled": {"type": "integer"},
                        "rate": {"type": "number", "nullable": True, "example": 0.8571},
                        "by_branch": {"type": "array",
                                      "items": {"$ref": "#/components/schemas/BranchSummary"}},
                    },
                },
                "BranchSummary": {
                    "type": "object",
                    "required": ["branch", "expected", "present", "on_leave", "absent",
                                 "backfilled"],
                    "properties": {"branch": {"type": "string"},
                                   "expected": {"type": "integer"},
                                   "present": {"type": "integer"},
                                   "on_leave": {"type": "integer"},
                                   "absent": {"type": "integer"},
                                   "backfilled": {"type": "integer"}},
                },
                "ExpectedMember": {
                    "type": "object",
                    "properties": {
                        "registration_id": {"type": "integer"},
                        "name": {"type": "string"},
                        "branch": {"type": "string"},
                        "phone": {"type": "string", "description": "Masked: 138****0001."},
                        "checked_in": {"type": "boolean"},
                        "checked_in_at": {"type": "string", "format": "date-time",
                                          "nullable": True},
                        "checked_out": {"type": "boolean"},
                        "backfilled": {"type": "boolean",
                                       "description": "The entry was a back-fill (补录) from "
                                                      "a paper list."},
                        "on_leave": {"type": "boolean",
                                     "description": "Approved leave covers this session "
                                                    "(and not checked in)."},
                        "walk_in": {"type": "boolean", "description": "列席, not expected."},
                    },
                },
                "ExpectedList": {
                    "type": "object", "required": ["q", "items", "more"],
                    "properties": {
                        "q": {"type": "string"},
                        "items": {"type": "array", "maxItems": 20,
                                  "items": {"$ref": "#/components/schemas/ExpectedMember"}},
                        "more": {"type": "boolean",
                                 "description": "More than 20 matched: type more of the name."},
                    },
                },
                **member_stats_doc.SCHEMAS,
                "Error": {
                    "type": "object", "required": ["error", "result", "code", "message"],
                    "properties": {
                        "error": {
                            "type": "object", "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string", "enum": sorted(ERROR_CODES)},
                                "message": {"type": "string", "description": "Chinese, for people."},
                                "request_id": {"type": "string",
                                               "description": "server_error only: its log lines' id."},
                            },
                        },
                        "result": {"type": "string", "enum": ["error"]},
                        "code": {"type": "string", "enum": sorted(ERROR_CODES)},
                        "message": {"type": "string", "description": "Chinese, for people."},
                        "request_id": {"type": "string"},
                    },
                },
            },
        },
        "paths": {
            **stats_openapi.paths(_error_response, _DENIED, _LOGIN),
            **member_stats_doc.paths(_error_response, _LOGIN),
            "/sessions/{session_id}/scans": {
                "post": {
                    "operationId": "scanTicket",
                    "summary": "扫票签到/签退: check a ticket in (or out) for a session",
                    "description": "Runs perform_checkin(method=\"ticket_scan\"). Every call "
                                   "with a new nonce records one Checkin row, refusals too.",
                    "security": _LOGIN,
                    "parameters": [_session_param(), _CSRF_HEADER],
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/ScanRequest"}}}},
                    "responses": {"200": _SCAN_OK, **_WRITE_ERRORS},
                },
            },
            "/sessions/{session_id}/checkins": {
                "post": {
                    "operationId": "manualCheckin",
                    "summary": "手工签到: check in someone found by name or phone",
                    "description": "Runs perform_checkin(method=\"manual\", registration_id=…); "
                                   "recorded in the audit log. Same answers as a scan.",
                    "security": _LOGIN,
                    "parameters": [_session_param(), _CSRF_HEADER],
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/ManualCheckinRequest"}}}},
                    "responses": {"200": _SCAN_OK, **_WRITE_ERRORS},
                },
            },
            "/sessions/{session_id}/summary": {
                "get": {
                    "operationId": "sessionSummary",
                    "summary": "应到/实到/请假/缺席/迟到/列席 of a session, in total and per branch",
                    "security": _LOGIN,
                    "parameters": [_session_param()],
                    "responses": {
                        "200": {"description": "The session's numbers.", "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Summary"}}}},
                        **_DENIED,
                    },
                },
            },
            "/sessions/{session_id}/expected": {
                "get": {
                    "operationId": "searchExpected",
                    "summary": "Search the session's expected people by name or phone digits",
                    "description": "Confirmed registrations of the event whose member's name "
                                   "contains `q`, or whose phone ends with `q` (exactly 4 "
                                   "digits) or is `q` (all 11 digits); an admin may give any "
                                   "digits of the phone. A staff member finds the registrations "
                                   "of their own scope (a secretary: the own branch subtree), a "
                                   "scanner link the session's whole expected list. Not yet "
                                   "checked in first; at most 20. An empty `q` gives an empty "
                                   "list. Rate-limited per searcher (SEARCH_RATE_LIMIT, default "
                                   "60 per minute, shared with the other member searches).",
                    "security": _LOGIN,
                    "parameters": [
                        _session_param(),
                        {"name": "q", "in": "query", "required": False,
                         "description": "Part of the name, or the last 4 phone digits.",
                         "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
                         "example": "0001"},
                    ],
                    "responses": {
                        "200": {"description": "Matches.", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/ExpectedList"}}}},
                        "400": _error_response("Phone digits this searcher may not search by "
                                               "(neither the last 4 nor all 11).",
                                               ["search_phone_digits"]),
                        **_DENIED,
                        "429": _error_response("Too many searches in a minute.",
                                               ["too_many_requests"]),
                    },
                },
            },
            "/csrf-token": {
                "get": {
                    "operationId": "csrfToken",
                    "summary": "A CSRF token for this browser session",
                    "security": [],
                    "responses": {"200": {"description": "The token.", "content": {
                        "application/json": {"schema": {
                            "type": "object", "required": ["csrf_token"],
                            "properties": {"csrf_token": {"type": "string"}}}}}}},
                },
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI 3 document.",
                                          "content": {"application/json": {}}}},
                },
            },
        },
    }
