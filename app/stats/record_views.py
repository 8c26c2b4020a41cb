"""Pages of each member's statistics (the member half of issue 11): 我的学习档案
(/my/record), a member's record for staff (/stats/members/<id>), the reminder list of
members below the yearly target (/stats/below-target), the hours targets
(/stats/targets), and their exports. Reads are in records.py, below_target.py,
target_settings.py and record_files.py."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.permissions import staff_required
from app.errors import DomainError
from app.extensions import db
from app.forms import place_error
from app.org.models import Member

from . import below_target as below
from . import periods, record_files, records, target_settings
from . import targets as targets_module
from .record_forms import TargetsForm

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


@bp.route("/my/record.<fmt>")
@login_required
def mine_export(fmt):
    return _export(_me(), fmt)


@bp.route("/stats/members/<int:member_id>/record.<fmt>")
@staff_required
def member_export(member_id, fmt):
    return _export(_member(member_id), fmt)


def _export(member, fmt):
    if fmt not in FORMATS:
        abort(404)
    year, alert = _year()
    if alert:
        flash(alert, "error")
        return redirect(url_for(".mine") if member.id == _me().id
                        else url_for(".member", member_id=member.id))
    return record_files.record_file(_me(), member, year, fmt).response("record")


# ------------------------------------------------------------ below target

def _below_target_request():
    """(BelowTarget or None, alert, branch_id asked for) of the query string; a bad date
    or branch is a Chinese alert over an empty list, a branch out of scope a 403."""
    try:
        period = periods.parse_period(request.args)
        branch_id = below.parse_branch_id(request.args.get("branch"))
        scope = below.scope_for(_me(), branch_id)
    except DomainError as error:
        if error.code in ("forbidden", "not_found"):
            abort(error.http_status)
        return None, error.message, None
    return below.below_target(period, scope), None, branch_id


@bp.route("/stats/below-target")
@staff_required
def below_target():
    """学时未达标提醒: who still needs 学时 this year, by branch then name."""
    found, alert, branch_id = _below_target_request()
    page = render_template("stats/below_target.html", found=found, alert=alert,
                           branch_id=branch_id, branches=below.branch_choices(_me()),
                           args={key: request.args.get(key, "") for key in ("from", "to")})
    return page, (200 if alert is None else 400)


@bp.route("/stats/below-target.<fmt>")
@staff_required
def below_target_export(fmt):
    if fmt not in FORMATS:
        abort(404)
    found, alert, _ = _below_target_request()
    if alert:
        flash(alert, "error")
        return redirect(url_for(".below_target"))
    return record_files.below_target_file(_me(), found, fmt).response("below-target")


# ------------------------------------------------------------ hours targets

@bp.route("/stats/targets", methods=["GET", "POST"])
@staff_required
def targets():
    """年度学时目标: organizers and admins set each group's target per year."""
    if not target_settings.may_set(_me()):
        abort(403)
    form = TargetsForm()
    alert = None
    if form.validate_on_submit():
        try:
            year = target_settings.check_year(form.year_value())
            hours = {"member": target_settings.parse_hours(form.member.data, "member"),
                     "cadre": target_settings.parse_hours(form.cadre.data, "cadre")}
            target_settings.set_targets(_me(), year, hours)
        except DomainError as error:
            alert = place_error(form, error)
        else:
            flash(f"已保存{year}年的学时目标。", "success")
            return redirect(url_for(".targets"))
    this = records.this_year()
    return render_template("stats/targets.html", form=form, alert=alert, this_year=this,
                           overview=target_settings.overview(range(this - 1, this + 3)),
                           defaults={group: targets_module.default_hours(group)
                                     for group in targets_module.GROUPS})
