"""Roster import pages (skeleton, to be filled)."""
from flask import Blueprint

from app.auth.permissions import admin_required

bp = Blueprint("roster", __name__, url_prefix="/admin/roster")


@bp.route("/")
@admin_required
def upload():
    return "upload"
