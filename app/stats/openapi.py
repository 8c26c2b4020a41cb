"""The statistics part of the OpenAPI document (app/api/openapi.py merges it): paths,
schemas and error codes of GET /api/v1/stats/branches."""
from app.events.constants import EVENT_KINDS
from app.web import MAX_ID

from .periods import FIRST_YEAR, LAST_YEAR

ERROR_CODES = {
    "stats_bad_date": 400, "stats_date_out_of_range": 400, "stats_dates_reversed": 400,
    "stats_period_too_long": 400, "stats_unknown_kind": 400, "stats_bad_event": 400,
    "event_not_found": 404,
}

_RATE = {"type": "number", "nullable": True, "minimum": 0}
_COUNT = {"type": "integer", "minimum": 0}

SCHEMAS = {
    "BranchNumbers": {
        "type": "object",
        "description": "One branch with its whole subtree (DESIGN §3): members 党员数 "
                       "(members with a membership of the subtree overlapping the period, "
                       "each once); people 参与人数 (distinct members present at least once, "
                       "by the branch kept on the registration); participation_rate 参与率 = "
                       "people ÷ members; presences 参与人次; hours 学时; average_hours 人均学时 "
                       "= hours ÷ members; below_target 低于学时目标 (members whose 学时 in the "
                       "period fall short of the yearly targets of the years it touches); "
                       "expected/present/on_leave/absent and attendance_rate over every "
                       "registration; m_* and m_rate over 指定参加 (invited) registrations "
                       "only; by_kind 参与人次 per event kind. Only sessions that have started "
                       "count. Rates are ratios (0.5 = 50 %), null without a base.",
        "required": ["members", "people", "participation_rate", "presences", "hours",
                     "average_hours", "below_target", "expected", "present", "on_leave",
                     "absent", "attendance_rate", "m_expected", "m_present", "m_on_leave",
                     "m_absent", "m_rate", "by_kind"],
        "properties": {
            "members": _COUNT, "people": _COUNT, "participation_rate": _RATE,
            "presences": _COUNT, "hours": {"type": "number", "minimum": 0},
            "average_hours": {"type": "number", "nullable": True, "minimum": 0},
            "below_target": _COUNT, "expected": _COUNT, "present": _COUNT,
            "on_leave": _COUNT, "absent": _COUNT, "attendance_rate": _RATE,
            "m_expected": _COUNT, "m_present": _COUNT, "m_on_leave": _COUNT,
            "m_absent": _COUNT, "m_rate": _RATE,
            "by_kind": {"type": "object", "properties": {kind: _COUNT for kind in EVENT_KINDS}},
        },
    },
    "BranchStats": {
        "allOf": [{"$ref": "#/components/schemas/BranchNumbers"}, {
            "type": "object", "required": ["id", "name", "parent_id", "depth", "active"],
            "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"},
                "parent_id": {"type": "integer", "nullable": True,
                              "description": "The parent row (null for a top row)."},
                "depth": {"type": "integer", "minimum": 0}, "active": {"type": "boolean"},
            }}],
    },
    "BranchTable": {
        "type": "object", "required": ["period", "kind", "event", "scope", "total", "branches"],
        "properties": {
            "period": {"type": "object", "required": ["from", "to"], "properties": {
                "from": {"type": "string", "format": "date"},
                "to": {"type": "string", "format": "date"}}},
            "kind": {"type": "string", "nullable": True, "enum": [*EVENT_KINDS, None]},
            "event": {"type": "object", "nullable": True, "properties": {
                "id": {"type": "integer"}, "title": {"type": "string"}}},
            "scope": {"type": "object", "nullable": True,
                      "description": "A secretary's own branch (its subtree is the table); "
                                     "null for organizers and admins (every branch).",
                      "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
            "total": {"$ref": "#/components/schemas/BranchNumbers"},
            "branches": {"type": "array", "items": {"$ref": "#/components/schemas/BranchStats"},
                         "description": "In tree order (depth first)."},
        },
    },
}

_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


def paths(error_response, denied, login):
    """The paths, built with the main document's helpers."""
    return {
        "/stats/branches": {
            "get": {
                "operationId": "branchStats",
                "summary": "参与统计: participation per branch for a period, rolled up the tree",
                "description": "Organizers and admins read every branch; a branch secretary "
                               "the subtree of their own branch; members are refused (403). "
                               "The period is local calendar days, both included (default: "
                               f"this year); dates from {FIRST_YEAR} to {LAST_YEAR}, at most "
                               "10 years. An empty period is a table of zeros.",
                "security": login,
                "parameters": [
                    {"name": "from", "in": "query", "required": False, "schema": dict(_DATE),
                     "description": "First day (YYYY-MM-DD)."},
                    {"name": "to", "in": "query", "required": False, "schema": dict(_DATE),
                     "description": "Last day (YYYY-MM-DD)."},
                    {"name": "kind", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": list(EVENT_KINDS)},
                     "description": "Only events of this kind: "
                                    + "、".join(f"{k} {v}" for k, v in EVENT_KINDS.items())},
                    {"name": "event", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                     "description": "Only this event (one the caller follows)."},
                ],
                "responses": {
                    "200": {"description": "The table.", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/BranchTable"}}}},
                    "400": error_response("A malformed date, dates in the wrong order, a "
                                          "period too long, an unknown kind or event id.",
                                          [code for code, status in ERROR_CODES.items()
                                           if status == 400]),
                    "401": denied["401"],
                    "403": error_response("A member, or an event the caller does not follow.",
                                          ["forbidden"]),
                    "404": error_response("No such event.", ["event_not_found"]),
                },
            },
        },
    }
