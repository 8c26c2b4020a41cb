"""Staff pages for the branch tree, members and the audit log (skeleton, to be filled)."""
from flask import Blueprint

from app.auth.permissions import admin_required, staff_required

bp = Blueprint("org", __name__, url_prefix="/admin")


@bp.route("/members")
@staff_required
def members():
    return "members"


@bp.route("/branches")
@admin_required
def branches():
    return "branches"


@bp.route("/audit")
@admin_required
def audit_log():
    return "audit"
