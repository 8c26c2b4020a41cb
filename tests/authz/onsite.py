"""On-site pages: tickets, self check-in, the board, back-fill, walk-ins."""
from . import Case, post

CASES = {
    "onsite.backfill": [
        Case("/checkin/sessions/{session}/backfill", "302 403 403 200 200 200 302"),
        post("/checkin/sessions/{session}/backfill", "302 403 403 200 200 200 302"),
    ],
    "onsite.board": [Case("/checkin/sessions/{session}/board", "302 403 403 200 200 200 302")],
    "onsite.my_ticket": [Case("/my/tickets/{registration}", "302 302 403 403 403 403 302")],
    "onsite.self_checkin": [Case("/s/{session}/{slot}", "302 200 200 200 200 200 302")],
    "onsite.self_code": [
        Case("/checkin/sessions/{session}/self/code", "401 403 403 200 200 200 401"),
    ],
    "onsite.self_screen": [Case("/checkin/sessions/{session}/self", "302 403 403 200 200 200 302")],
    "onsite.ticket": [
        Case("/t/{ticket}", "200 200 200 200 200 200 200"),
        post("/t/{ticket}", "403 403 403 400 400 400 403"),
    ],
    "onsite.walkin": [
        Case("/checkin/sessions/{session}/walkin", "302 403 403 200 200 200 302"),
        post("/checkin/sessions/{session}/walkin", "302 403 403 200 200 200 302"),
    ],
}
