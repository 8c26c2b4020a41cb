"""Devices a member has logged in on, so the login limits slow an attacker without
locking the owner out (issue 8, finding 8).

After a successful login the browser keeps a signed ``login_device`` cookie: a random
device id and a keyed tag of each phone that logged in there (at most five; the tags
do not show the phones). A login post for one of those phones is then counted against
that device rather than the network address: an attacker behind the same office
address who types wrong passwords for that phone does not slow its owner's phone down,
and the owner's device is not held to the address's limit for that phone.
"""
import hashlib
import hmac
import secrets

from flask import current_app, request
from flask_limiter.util import get_remote_address
from itsdangerous import BadData, URLSafeSerializer

COOKIE = "login_device"
MAX_PHONES = 5
LIFETIME = 365 * 86400


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="login-device")


def _tag(phone):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"login-device:" + phone.encode(), hashlib.sha256).hexdigest()[:16]


def _read():
    """(device id, phone tags) of this browser's cookie; (None, []) when it has none."""
    try:
        device, tags = _serializer().loads(request.cookies.get(COOKIE, ""))
    except (BadData, TypeError, ValueError):
        return None, []
    if not isinstance(device, str) or not isinstance(tags, list):
        return None, []
    return device, [tag for tag in tags if isinstance(tag, str)]


def known_device(phone):
    """This browser's device id if ``phone`` has logged in on it before, else None."""
    device, tags = _read()
    return device if phone and _tag(phone) in tags else None


def origin(phone):
    """Where a login post for ``phone`` comes from, for the limits: the device the phone
    logged in on before, else the client's address."""
    device = known_device(phone)
    return f"device:{device}" if device else f"address:{get_remote_address()}"


def remember_device(response, phone):
    """After ``phone`` logged in: keep it on this browser's device cookie."""
    device, tags = _read()
    tag = _tag(phone)
    tags = [t for t in tags if t != tag] + [tag]
    value = _serializer().dumps([device or secrets.token_urlsafe(12), tags[-MAX_PHONES:]])
    config = current_app.config
    response.set_cookie(COOKIE, value, max_age=LIFETIME, httponly=True, samesite="Lax",
                        secure=config["SESSION_COOKIE_SECURE"])
    return response
