"""Roster import pages (admins only): 1 上传 → 2 检查 → 3 导入, and the files to download.

The views only parse the request and call app.org.roster; every rule lives there.
"""
import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from app.auth.permissions import admin_required
from app.errors import DomainError
from app.exports import XLSX_MIMETYPE

from .roster.batches import (
    batch_state,
    commit_batch,
    create_batch,
    get_batch,
    recent_batches,
    state_message,
)
from .roster.columns import MAX_ROWS
from .roster.files import batch_passwords_xlsx, batch_problems_xlsx, template_xlsx
from .roster.initial_passwords import initial_password_page
from .roster_forms import ConfirmForm, UploadForm

bp = Blueprint("roster", __name__, url_prefix="/admin/roster")


@bp.after_request
def no_store(response):
    # Problem lists hold full phone numbers and result pages hold initial passwords.
    response.headers["Cache-Control"] = "no-store"
    return response


def _batch_or_404(batch_id):
    try:
        return get_batch(batch_id)
    except DomainError:
        abort(404)


def _xlsx(data, name):
    return send_file(io.BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=name)


@bp.route("/", methods=["GET", "POST"])
@admin_required
def upload():
    form = UploadForm()
    error = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            batch = create_batch(current_user, upload.read(), upload.filename or "")
        except DomainError as exc:
            error = exc.message
        else:
            return redirect(url_for("roster.check", batch_id=batch.id))
    return render_template("roster/upload.html", form=form, error=error,
                           recent=recent_batches(), state_of=batch_state,
                           max_rows=MAX_ROWS)


@bp.route("/template.xlsx")
@admin_required
def template():
    return _xlsx(template_xlsx(), "花名册模板.xlsx")


@bp.route("/<int:batch_id>")
@admin_required
def check(batch_id):
    batch = _batch_or_404(batch_id)
    state = batch_state(batch)
    if state == "committed":
        return redirect(url_for("roster.result", batch_id=batch.id))
    return render_template("roster/check.html", batch=batch, state=state,
                           summary=batch.summary, notice=state_message(batch),
                           form=ConfirmForm())


@bp.route("/<int:batch_id>/commit", methods=["POST"])
@admin_required
def commit(batch_id):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        commit_batch(current_user, batch_id)
    except DomainError as exc:
        if exc.code == "not_found":
            abort(404)
        flash(exc.message, "error")
        return redirect(url_for("roster.check", batch_id=batch_id))
    return redirect(url_for("roster.result", batch_id=batch_id))


@bp.route("/<int:batch_id>/problems.xlsx")
@admin_required
def problems_file(batch_id):
    try:
        data = batch_problems_xlsx(batch_id)
    except DomainError as exc:
        if exc.code == "not_found":
            abort(404)
        flash(exc.message, "error")
        return redirect(url_for("roster.check", batch_id=batch_id))
    return _xlsx(data, f"花名册问题清单-{batch_id}.xlsx")


@bp.route("/<int:batch_id>/result")
@admin_required
def result(batch_id):
    batch = _batch_or_404(batch_id)
    if batch.status != "committed":
        return redirect(url_for("roster.check", batch_id=batch.id))
    passwords = initial_password_page(batch, page=request.args.get("page", 1, type=int))
    return render_template("roster/result.html", batch=batch, summary=batch.summary,
                           passwords=passwords)


@bp.route("/<int:batch_id>/passwords.xlsx")
@admin_required
def passwords_file(batch_id):
    try:
        data = batch_passwords_xlsx(current_user, _batch_or_404(batch_id))
    except DomainError:
        abort(404)
    return _xlsx(data, f"初始密码-{batch_id}.xlsx")
