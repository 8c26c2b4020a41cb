"""GET /healthz for the proxy and the monitor: is the database reachable, and is its
schema the one this code's migrations make?

200 ``{"status": "ok", "database": "ok", "migrations": "current", ...}``; 503 otherwise,
with ``database: "unreachable"`` or ``migrations``: ``"none"`` (never migrated),
``"behind"`` (run ``flask db upgrade``) or ``"unknown"`` (a revision this code does not
have: newer code migrated the database). Answered without a login, a session or a
template; nothing in it names a host, a user or an error text.

    check() -> dict                          the answer above
    code_heads() -> tuple[str, ...]          the head revisions of this code's migrations
    migration_state(revisions) -> str        "current", "none", "behind" or "unknown"
"""
from functools import cache

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import Blueprint, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

bp = Blueprint("ops", __name__)


@cache
def _scripts(directory):
    # The migration files ship with the code: read once per process (a deploy restarts it).
    return ScriptDirectory(directory)


def _script_directory():
    return _scripts(current_app.extensions["migrate"].directory)


def code_heads():
    return tuple(sorted(_script_directory().get_heads()))


def migration_state(revisions):
    """How the database's revisions stand against this code's migrations."""
    revisions = tuple(sorted(revisions))
    if revisions == code_heads():
        return "current"
    if not revisions:
        return "none"
    scripts = _script_directory()
    try:
        known = all(scripts.get_revision(rev) is not None for rev in revisions)
    except CommandError:
        known = False
    return "behind" if known else "unknown"


def database_revisions(connection):
    return MigrationContext.configure(connection).get_current_heads()


def check():
    expected = list(code_heads())
    try:
        with db.engine.connect() as connection:
            revisions = list(database_revisions(connection))
    except SQLAlchemyError:
        return {"status": "error", "database": "unreachable", "expected": expected}
    state = migration_state(revisions)
    return {"status": "ok" if state == "current" else "error", "database": "ok",
            "migrations": state, "revision": sorted(revisions), "expected": expected}


@bp.get("/healthz")
def healthz():
    report = check()
    response = jsonify(report)
    response.status_code = 200 if report["status"] == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response
