"""Static files: anyone.

Statuses in tests/authz ROLES order: anonymous, member, other_secretary, own_secretary,
organizer, admin, scanner_link."""
from . import Case

CASES = {
    "static": [Case("/static/js/forms.js", "200 200 200 200 200 200 200")],
}
