"""Statistics (app/stats/views.py and GET /api/v1/stats/branches): staff read their scope;
the world's event is organised by 第一党支部, so the other branch's secretary may not
filter by it or read its summary."""
from . import Case

CASES = {
    "stats.branches": [
        Case("/stats", "302 403 200 200 200 200 302"),
        Case("/stats?event={event}", "302 403 403 200 200 200 302"),
    ],
    "stats.branches_file": [Case("/stats/branches.xlsx", "302 403 200 200 200 200 302")],
    "stats.event": [Case("/stats/events/{event}", "302 403 403 200 200 200 302")],
    "stats.event_file": [
        Case("/stats/events/{event}/summary.csv", "302 403 403 200 200 200 302"),
    ],
    "api.stats_branches": [
        Case("/api/v1/stats/branches", "401 403 200 200 200 200 401"),
        Case("/api/v1/stats/branches?event={event}", "401 403 403 200 200 200 401"),
    ],
}
