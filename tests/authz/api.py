"""JSON API v1 (app/api): staff who manage the session's event or a scanner link; JSON 401/403."""
from . import Case, post

CASES = {
    "api.csrf_token": [Case("/api/v1/csrf-token", "200 200 200 200 200 200 200")],
    "api.expected": [Case("/api/v1/sessions/{session}/expected", "401 403 403 200 200 200 200")],
    "api.manual_checkin": [
        post("/api/v1/sessions/{session}/checkins", "401 403 403 400 400 400 400"),
    ],
    "api.openapi": [Case("/api/v1/openapi.json", "200 200 200 200 200 200 200")],
    "api.scan": [post("/api/v1/sessions/{session}/scans", "401 403 403 400 400 400 400")],
    "api.summary": [Case("/api/v1/sessions/{session}/summary", "401 403 403 200 200 200 200")],
}
