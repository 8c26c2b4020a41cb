"""The judges' phone pages (app/results/judge_views.py): no account decides, only the judge
link. Opening it works for whoever holds it; none of the seven visitors opened it first, so
the judge's pages refuse them all, staff too (a phone holding the link:
tests/test_results_judge_access.py)."""
from . import Case, post

CASES = {
    "judge.open_link": [Case("/j/{judge_token}", "302 302 302 302 302 302 302")],
    "judge.home": [Case("/judge", "200 200 200 200 200 200 200")],
    "judge.entries": [Case("/judge/{judge}", "403 403 403 403 403 403 403")],
    "judge.score": [
        Case("/judge/{judge}/entries/{entry}", "403 403 403 403 403 403 403"),
        post("/judge/{judge}/entries/{entry}", "403 403 403 403 403 403 403",
             **{"c-1": "50", "c-2": "30"}),
    ],
    "judge.forget": [post("/judge/{judge}/forget", "302 302 302 302 302 302 302")],
}
