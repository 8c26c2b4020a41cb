"""Pages of each member's statistics (the member half of issue 11): 我的学习档案
(/my/record), a member's record for staff (/stats/members/<id>), the reminder list of
members below the yearly target (/stats/below-target), the hours targets
(/stats/targets), and their exports. Reads are in records.py, below_target.py,
target_settings.py and record_files.py."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.permissions import staff_required
from app.errors import DomainError
from app.extensions import db
from app.org.models import Member

from . import records

bp = Blueprint("records", __name__)

FORMATS = ("xlsx", "csv", "pdf")


def _me():
    return current_user._get_current_object()


def _year():
    """(year, alert): the ?year= asked for, or this year and the Chinese message why not."""
    try:
        return records.parse_year(request.args.get("year")), None
    except DomainError as error:
        return records.this_year(), error.message


def _member(member_id):
    member = db.session.get(Member, member_id)
    if member is None:
        abort(404)
    if not records.may_view(_me(), member):
        abort(403)
    return member


def _record_page(member, own):
    year, alert = _year()
    record = records.member_record(member, year)
    page = render_template("stats/record.html", record=record, own=own, alert=alert,
                           years=range(records.this_year(), records.this_year() - 5, -1))
    return page, (200 if alert is None else 400)


@bp.route("/my/record")
@login_required
def mine():
    """我的学习档案."""
    return _record_page(_me(), own=True)


@bp.route("/stats/members/<int:member_id>")
@staff_required
def member(member_id):
    """A member's learning record, for staff who see the member."""
    return _record_page(_member(member_id), own=False)


def _download(document, fallback):
    response = Response(document.data, mimetype=document.mimetype)
    response.headers["Content-Disposition"] = document.disposition(fallback)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/my/record.<fmt>")
@login_required
def mine_export(fmt):
    return _export(_me(), fmt)


@bp.route("/stats/members/<int:member_id>/record.<fmt>")
@staff_required
def member_export(member_id, fmt):
    return _export(_member(member_id), fmt)


def _export(member, fmt):
    from . import record_files

    if fmt not in FORMATS:
        abort(404)
    year, alert = _year()
    if alert:
        flash(alert, "error")
        return redirect(url_for(".mine") if member.id == _me().id
                        else url_for(".member", member_id=member.id))
    return _download(record_files.record_file(_me(), member, year, fmt), "record")
