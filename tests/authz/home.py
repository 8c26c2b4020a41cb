"""The member's home and 我的活动."""
from . import Case

CASES = {
    "home.index": [Case("/", "302 200 200 200 200 200 302")],
    "home.my_events": [Case("/my/events", "302 200 200 200 200 200 302")],
}
