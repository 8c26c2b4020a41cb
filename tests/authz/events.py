"""Publishing events (/manage/events): staff who manage the event; a secretary their subtree."""
from . import Case, post

CASES = {
    "manage.cancel": [post("/manage/events/{event}/cancel", "302 403 403 422 422 422 302")],
    "manage.close": [post("/manage/events/{event}/close", "302 403 403 302 409 409 302")],
    "manage.detail": [Case("/manage/events/{event}", "302 403 403 200 200 200 302")],
    "manage.edit": [
        Case("/manage/events/{event}/edit", "302 403 403 200 200 200 302"),
        post("/manage/events/{event}/edit", "302 403 403 422 422 422 302"),
    ],
    "manage.events": [Case("/manage/events", "302 403 200 200 200 200 302")],
    "manage.invite": [
        Case("/manage/events/{event}/invite", "302 403 403 200 200 200 302"),
        post("/manage/events/{event}/invite", "302 403 403 302 302 302 302"),
    ],
    "manage.new": [
        Case("/manage/events/new", "302 403 200 200 200 200 302"),
        post("/manage/events/new", "302 403 422 422 422 422 302"),
    ],
    "manage.publish": [post("/manage/events/{event}/publish", "302 403 403 409 409 409 302")],
}
