"""HTTP hardening every response and request goes through (issue 8, findings 3, 6, 7).

- ``TRUSTED_PROXIES`` (default 0): how many reverse proxies in front of the app may set
  ``X-Forwarded-For`` and ``X-Forwarded-Proto``. Werkzeug's ProxyFix then makes
  ``request.remote_addr`` the phone's own address (rate limits, the audit log) and
  ``request.is_secure`` true behind an HTTPS proxy (HSTS). With 0 nothing forwarded is
  believed: a client cannot pick its own address by sending the header.
- Security headers on every response: a Content-Security-Policy that runs scripts from
  the site's own files only, no framing, no MIME sniffing, a same-origin Referer, the
  camera for the site alone, and HSTS on HTTPS. A view may set its own Referrer-Policy
  (a scanner link's landing page sends none at all).
- JSON numbers must be finite: ``NaN``, ``Infinity`` and ``1e400`` are not JSON numbers a
  client may send, so every JSON body holding one is refused as malformed (400).

Why not Flask-Talisman: its last release (1.1.0) is from 2023, after the project moved to
a fork; this app needs one fixed policy without nonces, which is these few lines.
"""
import json
import math

from flask import request
from flask.json.provider import DefaultJSONProvider
from werkzeug.middleware.proxy_fix import ProxyFix

# Scripts from the site's own files only: no inline script, no eval. qr-scanner (vendored
# unchanged) starts its decoder as a Worker from a blob: URL, hence worker-src blob:.
# style-src keeps 'unsafe-inline': about thirty templates use style= attributes.
# img-src data: and blob: for QR codes drawn as data URLs and the photo of a ticket.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"


def install(app):
    """Wire the proxy setting, the headers and strict JSON into ``app``."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0,
                                x_port=0, x_prefix=0)
    app.json = StrictJSONProvider(app)
    app.after_request(add_security_headers)


def add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


class BadInput(ValueError):
    pass


def _refuse_constant(name):
    raise BadInput(f"{name} is not a JSON number")


def _finite_float(text):
    number = float(text)
    if not math.isfinite(number):
        raise BadInput(f"{text} is out of range")
    return number


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON with finite numbers only: a body holding NaN, Infinity or a number
    too large for a float is malformed, for request.get_json() everywhere."""

    def loads(self, s, **kwargs):
        kwargs.setdefault("parse_constant", _refuse_constant)
        kwargs.setdefault("parse_float", _finite_float)
        return json.loads(s, **kwargs)
