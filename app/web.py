"""Request plumbing shared by every page: numbers from URLs and query strings that
the database can hold, so an absurd id or page number is a 404 or a default, never a 500."""
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # INTEGER columns on SQLite and PostgreSQL alike


class BoundedIntConverter(IntegerConverter):
    """<int:id> in routes: larger than any id the database can hold means 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class BoundedArgs(ImmutableMultiDict):
    """request.args/.form where ``get(key, type=int)`` answers the default for a number
    outside 0..MAX_ID, as it does for text that is not a number."""

    def get(self, key, default=None, type=None):
        value = super().get(key, default, type)
        if type is int and isinstance(value, int) and not 0 <= value <= MAX_ID:
            return default
        return value


class AppRequest(Request):
    parameter_storage_class = BoundedArgs


def install(app):
    app.request_class = AppRequest
    app.url_map.converters["int"] = BoundedIntConverter
