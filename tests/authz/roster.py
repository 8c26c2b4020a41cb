"""The roster import (/admin/roster): admins only."""
from . import Case, post

CASES = {
    "roster.check": [Case("/admin/roster/{batch}", "302 403 403 403 403 200 302")],
    "roster.commit": [post("/admin/roster/{batch}/commit", "302 403 403 403 403 302 302")],
    "roster.passwords_file": [
        Case("/admin/roster/{committed}/passwords.xlsx", "302 403 403 403 403 200 302"),
    ],
    "roster.problems_file": [
        Case("/admin/roster/{batch}/problems.xlsx", "302 403 403 403 403 200 302"),
    ],
    "roster.result": [Case("/admin/roster/{committed}/result", "302 403 403 403 403 200 302")],
    "roster.template": [Case("/admin/roster/template.xlsx", "302 403 403 403 403 200 302")],
    "roster.upload": [
        Case("/admin/roster/", "302 403 403 403 403 200 302"),
        post("/admin/roster/", "302 403 403 403 403 200 302"),
    ],
}
