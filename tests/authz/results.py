"""Results (app/results/views.py): the staff pages of a sports meet's items, for those who
manage the event (a secretary: their own branch's meet); published results for members."""
from . import Case, post

SETUP = {"method": "judged", "drop_extremes": "y", "award_mode": "count",
         "criteria-0-name": "动作", "criteria-0-max": "60", "criteria-0-weight": "1",
         "criteria-1-name": "精神面貌", "criteria-1-max": "40", "criteria-1-weight": "1",
         "awards-0-label": "一等奖", "awards-0-span": "1", "points_factor": "1"}

CASES = {
    "results.event": [Case("/results/events/{meet}", "302 403 403 200 200 200 302")],
    "results.points": [
        Case("/results/events/{meet}/points", "302 403 403 200 200 200 302"),
        post("/results/events/{meet}/points", "302 403 403 302 302 302 302", points="9-7-5"),
    ],
    "results.item": [Case("/results/items/{item}", "302 403 403 200 200 200 302")],
    "results.item_setup": [
        Case("/results/items/{item}/setup", "302 403 403 200 200 200 302"),
        post("/results/items/{item}/setup", "302 403 403 302 302 302 302", **SETUP),
    ],
    "results.live": [Case("/results/items/{item}/live", "302 403 403 200 200 200 302")],
    "results.board": [Case("/results/items/{item}/board", "302 403 403 200 200 200 302")],
    "results.board_rows": [Case("/results/items/{item}/board/rows", "302 403 403 200 200 200 302")],
    "results.sync_entries": [post("/results/items/{item}/entries", "302 403 403 302 302 302 302")],
    "results.order": [
        post("/results/items/{item}/order", "302 403 403 302 302 302 302", **{"order-{entry}": "1"}),
    ],
    "results.save_marks": [
        post("/results/items/{track}/marks", "302 403 403 302 302 302 302",
             round="final", **{"mark-{track_entry}": "12.34"}),
    ],
    "results.change_state": [
        post("/results/items/{track}/lock", "302 403 403 302 302 302 302"),
    ],
    "results.judges": [
        Case("/results/items/{item}/judges", "302 403 403 200 200 200 302"),
        post("/results/items/{item}/judges", "302 403 403 302 302 302 302", name="李老师", hours="12"),
    ],
    "results.renew_judge": [
        post("/results/items/{item}/judges/{judge}/renew", "302 403 403 302 302 302 302", hours="12"),
    ],
    "results.revoke_judge": [
        post("/results/items/{item}/judges/{judge}/revoke", "302 403 403 302 302 302 302"),
    ],
    "results.published": [Case("/events/{meet}/results", "302 200 200 200 200 200 302")],
}
