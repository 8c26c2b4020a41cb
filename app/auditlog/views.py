"""The audit log page (admins only): filter by group, newest first, 50 a page."""
from flask import Blueprint, render_template, request

from app.auth.permissions import admin_required

from .forms import AuditFilterForm
from .presenter import audit_log_page

bp = Blueprint("auditlog", __name__, url_prefix="/admin")


@bp.route("/audit")
@admin_required
def index():
    form = AuditFilterForm(request.args)
    form.validate()
    group = form.value("group") or ""
    pagination, rows = audit_log_page(group, page=request.args.get("page", 1, type=int))
    return render_template("auditlog/index.html", form=form, pagination=pagination, rows=rows,
                           filters={"group": group} if group else {})
