"""The scanner pages and scanner links (app/checkin/views.py)."""
from . import Case, post

CASES = {
    "checkin.event_sessions": [Case("/checkin/events/{event}/scan", "302 403 403 302 302 302 302")],
    "checkin.forget_link": [post("/checkin/link/forget", "302 302 302 302 302 302 302")],
    "checkin.links": [
        Case("/checkin/events/{event}/links", "302 403 403 200 200 200 302"),
        post("/checkin/events/{event}/links", "302 403 403 302 302 302 302"),
    ],
    "checkin.open_link": [Case("/checkin/link/{token}", "302 302 302 302 302 302 302")],
    "checkin.revoke_link": [
        post("/checkin/events/{event}/links/{link}/revoke", "302 403 403 302 302 302 302"),
    ],
    "checkin.scanner": [
        Case("/checkin/sessions/{session}/scan", "302 403 403 200 200 200 200"),
        post("/checkin/sessions/{session}/scan", "302 403 403 200 200 200 200"),
    ],
}
