"""Static files: anyone."""
from . import Case

CASES = {
    "static": [Case("/static/js/forms.js", "200 200 200 200 200 200 200")],
}
