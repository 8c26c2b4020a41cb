"""Static files: fingerprinted URLs, a year's cache lifetime, gzip.

Every ``url_for('static', filename=...)`` gets ``?v=`` and a hash of the file's content (a
``url_defaults`` hook, so the one way templates already write a static URL is the helper,
and no template can forget it). A request carrying the file's current hash is answered
with a year's cache lifetime (``immutable``): a repeat visit fetches nothing, and a changed
file has a new URL. Without a hash, or with a stale one, the answer must be revalidated
(``no-cache`` with an ETag), as before. Files under ``vendor/<library>-<version>/`` never
change in place (a new version is a new folder), so they are cached for a year too:
qr-scanner imports its decoder by a relative URL that cannot carry a hash.

When the client accepts gzip, text files (CSS, JavaScript, SVG, JSON) go out compressed.
nginx does all this itself in production (deploy/nginx-site.conf serves /static/ with the
same rules); this is for ``make run`` and small sites without a proxy.

Process state, and why it cannot disagree between processes: the hash of each file is
kept with the file's size and modification time and computed again when they change; the
compressed bytes are kept per content hash. Both are functions of the files alone.

    file_hash(filename) -> str | None     the fingerprint of static/<filename>
    install(app)                          the url_defaults hook and the static view
"""
import gzip
import hashlib
import mimetypes
import os
from functools import lru_cache

from flask import abort, current_app, request, send_file
from flask.sessions import SecureCookieSessionInterface
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

YEAR = 365 * 24 * 3600
IMMUTABLE_FOLDERS = ("vendor/",)
COMPRESSIBLE = {"application/javascript", "text/javascript", "text/css", "image/svg+xml",
                "application/json", "text/plain", "text/html"}
MIN_GZIP_BYTES = 512  # smaller files gain less than the header costs

_hashes: dict[str, tuple[int, int, str]] = {}  # path -> (size, mtime_ns, hash)


def _path(filename):
    path = safe_join(current_app.static_folder, filename)
    return path if path is not None and os.path.isfile(path) else None


def _hash_of(path):
    stat = os.stat(path)
    known = _hashes.get(path)
    if known is not None and known[:2] == (stat.st_size, stat.st_mtime_ns):
        return known[2]
    with open(path, "rb") as file:
        digest = hashlib.sha256(file.read()).hexdigest()[:12]
    _hashes[path] = (stat.st_size, stat.st_mtime_ns, digest)
    return digest


def file_hash(filename):
    """The content fingerprint of static/``filename``; None when there is no such file."""
    path = _path(filename)
    return None if path is None else _hash_of(path)


@lru_cache(maxsize=128)
def _gzipped(path, digest):
    """The gzip of the file whose content hash is ``digest`` (the key: a changed file is
    compressed again, never served stale)."""
    with open(path, "rb") as file:
        return gzip.compress(file.read(), compresslevel=6, mtime=0)


def _fingerprint(endpoint, values):
    if endpoint == "static" and "v" not in values:
        digest = file_hash(values.get("filename", ""))
        if digest is not None:
            values["v"] = digest


def serve_static(filename):
    """The static view: cache lifetime by fingerprint, gzip when accepted."""
    path = _path(filename)
    if path is None:
        abort(404)
    digest = _hash_of(path)
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    compress = (mimetype in COMPRESSIBLE and os.path.getsize(path) >= MIN_GZIP_BYTES
                and request.accept_encodings["gzip"] > 0)  # "gzip;q=0" refuses it
    if compress:
        response = Response(_gzipped(path, digest), mimetype=mimetype)
        response.headers["Content-Encoding"] = "gzip"
        response.set_etag(digest + "-gz")
    else:
        response = send_file(path, mimetype=mimetype, etag=digest, conditional=False)
    response.vary.add("Accept-Encoding")
    if request.args.get("v") == digest or filename.startswith(IMMUTABLE_FOLDERS):
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request, accept_ranges=not compress)


# The scan API (issue 12): a scan that changed nothing in the session does not sign and
# send it again; the cookie lasts PERMANENT_SESSION_LIFETIME (31 days) from when the scanner
# link was opened, longer than any link is valid, and the scanner page's GETs refresh it.
UNSIGNED_ENDPOINTS = frozenset({"api.scan"})


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a static file never saves one (nor
    does an unchanged scan: UNSIGNED_ENDPOINTS).

    Flask-Login touches the session after every request, and a touched session adds
    ``Vary: Cookie``: browsers would then fetch a cached file again whenever the cookie
    changes (after logging in, after any flash message). A static file neither reads nor
    writes the session."""

    def save_session(self, app, session, response):
        if request.endpoint == "static":
            return
        if request.endpoint in UNSIGNED_ENDPOINTS and not session.modified:
            return  # the cookie the phone has stays good: no new signature per scan
        super().save_session(app, session, response)


def install(app):
    app.url_defaults(_fingerprint)
    app.view_functions["static"] = serve_static
    app.session_interface = SessionInterface()
