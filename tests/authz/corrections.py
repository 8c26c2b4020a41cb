"""Corrections (申诉): the member asks from their record; staff decide on /corrections.
The world's session has not started, so the member's ask page says so (200) and asking is
refused at the page; a correction that does not exist is not found for everyone who may
reach the route (tests/test_corrections.py decides real ones, with their scope)."""
from . import Case, post

CASES = {
    "corrections.ask": [
        Case("/my/corrections/{registration}/{session}", "302 200 404 404 404 404 302"),
        post("/my/corrections/{registration}/{session}", "302 200 404 404 404 404 302",
             note="手机没电，没能扫码"),
    ],
    "corrections.withdraw": [
        post("/my/corrections/999999/withdraw", "302 404 404 404 404 404 302"),
    ],
    "corrections.index": [Case("/corrections", "302 403 200 200 200 200 302")],
    "corrections.decide": [
        post("/corrections/999999/decide", "302 403 404 404 404 404 302", decision="accept"),
    ],
}
