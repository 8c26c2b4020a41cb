"""Request plumbing shared by every page: numbers from URLs and query strings that
the database can hold, so an absurd id or page number is a 404 or a default, never a 500;
and the rate limit of the member-search endpoints."""
from urllib.parse import urlsplit

from flask import Request, abort, current_app, request, session
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from .extensions import limiter

MAX_ID = 2**31 - 1  # INTEGER columns on SQLite and PostgreSQL alike


def parse_id(text):
    """An id typed or posted as text: ASCII digits up to MAX_ID, else None. (str.isdigit()
    also accepts 「²」 and 「١٢」, which int() then refuses.)"""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def safe_next(target):
    """``target`` when it is a path on this site, else None: never another site, also not
    through 「//host」 or 「/\\host」 (browsers read a backslash as a slash)."""
    if (not target or not target.startswith("/") or target.startswith("//") or "\\" in target
            or urlsplit(target).netloc):
        return None
    return target


def id_arg(name):
    """An optional id in the query string (``?branch=12``): None when absent or blank,
    404 when it is not an id."""
    value = request.args.get(name, "")
    if not value:
        return None
    number = parse_id(value)
    if number is None:
        abort(404)
    return number


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


def carries_login():
    """Whether this request may come from a logged-in member: its session names one, or
    it carries a remember cookie. False means current_user is anonymous, known without
    loading anything (a scanner link's phone, a visitor)."""
    cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return "_user_id" in session or cookie in request.cookies


def install(app):
    app.request_class = AppRequest
    app.url_map.converters["int"] = BoundedIntConverter


def searcher_key():
    """Who is searching: the logged-in member, else the client's address."""
    if current_user.is_authenticated:
        return f"member:{current_user.id}"
    return f"address:{get_remote_address()}"


def _search_limits():
    config = current_app.config
    return f"{config['SEARCH_RATE_LIMIT']};{config['SEARCH_HOURLY_LIMIT']}"


def search_rate_limit(key_func=None):
    """Rate-limit a member-search endpoint: SEARCH_RATE_LIMIT and SEARCH_HOURLY_LIMIT per
    searcher, one budget shared by every search box (a request without ``q`` is not
    counted). The hourly cap stretches guessing a masked phone's four hidden digits by
    whole-number searches (10,000 tries) to over a day. ``key_func`` tells searchers apart
    where a login does not (a scanner link)."""
    return limiter.shared_limit(
        _search_limits, scope="member_search",
        key_func=key_func or searcher_key,
        exempt_when=lambda: not (request.args.get("q") or "").strip())
