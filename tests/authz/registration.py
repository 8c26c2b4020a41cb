"""Registering (members, for themselves) and the staff registration pages (/manage)."""
from . import Case, post

CASES = {
    "registration.cancel": [
        post("/registrations/{registration}/cancel", "302 302 403 403 403 403 302"),
    ],
    "registration.event_detail": [Case("/events/{event}", "302 200 200 200 200 200 302")],
    "registration.event_list": [Case("/events", "302 200 200 200 200 200 302")],
    "registration.leave": [
        Case("/registrations/{registration}/leave", "302 200 403 403 403 403 302"),
        post("/registrations/{registration}/leave", "302 200 403 403 403 403 302"),
    ],
    "registration.register": [
        Case("/events/{event}/register", "302 302 302 302 302 302 302"),
        post("/events/{event}/register", "302 302 302 302 302 302 302"),
    ],
    "registration_admin.approve": [
        post("/manage/events/{event}/registrants/{registration}/approve", "302 403 404 302 302 302 302"),
    ],
    "registration_admin.cancel": [
        post("/manage/events/{event}/registrants/{registration}/cancel", "302 403 404 302 302 302 302"),
    ],
    "registration_admin.decide_leave": [
        # The secretary of another branch may not decide it (403); the own branch's secretary
        # approves it, after which the others are told it is decided already (302).
        post("/manage/leaves/{leave}/decide", "302 403 403 302 302 302 302", decision="approve"),
    ],
    "registration_admin.export_registrants": [
        Case("/manage/events/{event}/registrants.xlsx", "302 403 404 200 200 200 302"),
    ],
    "registration_admin.index": [Case("/manage", "302 403 200 200 200 200 302")],
    "registration_admin.leaves": [Case("/manage/leaves", "302 403 200 200 200 200 302")],
    "registration_admin.proxy": [
        Case("/manage/events/{event}/proxy", "302 403 404 200 200 200 302"),
        post("/manage/events/{event}/proxy", "302 403 404 200 200 200 302"),
    ],
    "registration_admin.registrants": [
        Case("/manage/events/{event}/registrants", "302 403 404 200 200 200 302"),
    ],
    "registration_admin.reject": [
        post("/manage/events/{event}/registrants/{registration}/reject", "302 403 404 200 200 200 302"),
    ],
    "registration_admin.teams": [
        Case("/manage/events/{event}/teams", "302 403 404 200 200 200 302"),
        post("/manage/events/{event}/teams", "302 403 404 200 200 200 302"),
    ],
}
