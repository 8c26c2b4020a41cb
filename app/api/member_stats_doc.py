"""The OpenAPI part of GET /api/v1/stats/members/{member_id} (member_stats.py), merged
into openapi_document()."""
from app.stats.records import MAX_YEAR, MIN_YEAR
from app.web import MAX_ID

ERROR_CODES = {"record_bad_year": 400}

_STATES = ["present", "late", "left_early", "on_leave", "absent", "walk_in"]
_TIME = {"type": "string", "format": "date-time"}

SCHEMAS = {
    "MemberRecord": {
        "type": "object",
        "required": ["member", "year", "group", "hours", "target", "remaining", "reached",
                     "sessions", "certificates", "upcoming"],
        "description": "学时 hours = credit hours of the year's sessions where present (and "
                       "checked out where required), counted in the (local) year each session "
                       "took place; target: the yearly target of the member's group (member 党员, "
                       "cadre 支部书记、支委委员); remaining = max(0, target − hours).",
        "properties": {
            "member": {"type": "object", "required": ["id", "name", "branch"],
                       "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                      "branch": {"type": "string"}}},
            "year": {"type": "integer"},
            "group": {"type": "string", "enum": ["member", "cadre"]},
            "hours": {"type": "number"}, "target": {"type": "number"},
            "remaining": {"type": "number"}, "reached": {"type": "boolean"},
            "sessions": {"type": "array", "items": {"$ref": "#/components/schemas/RecordSession"},
                         "description": "Sessions of the year that have started, newest first."},
            "certificates": {"type": "array", "items": {
                "type": "object", "required": ["id", "kind", "serial", "event"],
                "properties": {"id": {"type": "integer"}, "kind": {"type": "string"},
                               "serial": {"type": "string"}, "event": {"type": "string"}}}},
            "upcoming": {"type": "array", "items": {
                "type": "object",
                "required": ["registration_id", "event_id", "event", "status", "next_start"],
                "properties": {"registration_id": {"type": "integer"},
                               "event_id": {"type": "integer"}, "event": {"type": "string"},
                               "status": {"type": "string"}, "next_start": _TIME}}},
        },
    },
    "RecordSession": {
        "type": "object",
        "required": ["registration_id", "event_id", "event", "kind", "session_id", "session",
                     "starts_at", "ends_at", "status", "status_label", "hours", "credit_hours",
                     "backfilled", "correction"],
        "properties": {
            "registration_id": {"type": "integer"}, "event_id": {"type": "integer"},
            "event": {"type": "string"}, "kind": {"type": "string"},
            "session_id": {"type": "integer"}, "session": {"type": "string"},
            "starts_at": _TIME, "ends_at": _TIME,
            "status": {"type": "string", "enum": _STATES},
            "status_label": {"type": "string", "example": "迟到（补录）"},
            "hours": {"type": "number", "description": "学时 earned in this session."},
            "credit_hours": {"type": "number", "description": "The session's 学时."},
            "backfilled": {"type": "boolean"},
            "correction": {"type": "object", "nullable": True,
                           "required": ["id", "status"],
                           "properties": {"id": {"type": "integer"},
                                          "status": {"type": "string",
                                                     "enum": ["pending", "accepted",
                                                              "declined", "withdrawn"]}}},
        },
    },
}


def paths(error_response, login):
    return {
        "/stats/members/{member_id}": {
            "get": {
                "operationId": "memberRecord",
                "summary": "学习档案: a member's 学时 of a year against the target, each session",
                "description": "The member themselves, or staff who see the member "
                               "(organizers and admins: everyone; a branch secretary: the "
                               "members of the own subtree). No ranking of anyone.",
                "security": login,
                "parameters": [
                    {"name": "member_id", "in": "path", "required": True,
                     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
                    {"name": "year", "in": "query", "required": False,
                     "description": "Default: this (local) year.",
                     "schema": {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}},
                ],
                "responses": {
                    "200": {"description": "The record.", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/MemberRecord"}}}},
                    "400": error_response("A year that is not four digits from "
                                          f"{MIN_YEAR} to {MAX_YEAR}.", ["record_bad_year"]),
                    "401": error_response("Not logged in.", ["login_required"]),
                    "403": error_response("Another member's record, outside the caller's "
                                          "scope; or the initial password is not changed yet.",
                                          ["forbidden", "password_change_required"]),
                    "404": error_response("No such member.", ["not_found"]),
                },
            },
        },
    }
