"""Staff pages: the branch tree and members.

Each view parses, authorizes, calls one service function and renders. A refused
operation (DomainError) is shown at its form field, or as the page's alert.
"""
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from app.auth.permissions import (
    admin_required,
    can_see_member,
    require,
    staff_required,
)
from app.errors import DomainError
from app.forms import place_error
from app.web import search_rate_limit

from . import search, service
from .forms import (
    BranchCreateForm,
    BranchEditForm,
    BranchMoveForm,
    MemberForm,
    MemberSearchForm,
    parent_choices,
)

bp = Blueprint("org", __name__, url_prefix="/admin")


def _or_404(getter, item_id):
    try:
        return getter(item_id)
    except DomainError:
        abort(404)


def _button_action(operation, target, done_message, done_url, page):
    """A POST button with no fields (deactivate, reactivate): do it and go on to
    ``done_url``, or show the refusal on ``page``."""
    try:
        operation(current_user, target)
    except DomainError as exc:
        return page(target, alert=exc.message)
    flash(done_message, "success")
    return redirect(done_url)


# ---------------------------------------------------------------- branches

def _tree_url(branch):
    """The tree page, scrolled to ``branch``."""
    return url_for(".branches", _anchor=f"b-{branch.id}")


@bp.route("/branches")
@admin_required
def branches():
    return render_template("org/branches.html", roots=service.branch_tree())


@bp.route("/branches/new", methods=["GET", "POST"])
@admin_required
def branch_new():
    form = BranchCreateForm()
    form.parent_id.choices = parent_choices()
    if not form.is_submitted():
        form.parent_id.data = request.args.get("parent", type=int)
    alert = None
    if form.validate_on_submit():
        try:
            branch = service.create_branch(
                current_user, form.name.data, form.kind.data, form.parent_id.data,
                form.sort_order.data,
            )
        except DomainError as exc:
            alert = place_error(form, exc)
        else:
            flash(f"已新建「{branch.name}」。", "success")
            return redirect(_tree_url(branch))
    return render_template("org/branch_new.html", form=form, alert=alert)


def _branch_page(branch, edit_form=None, move_form=None, alert=None):
    if edit_form is None:
        edit_form = BranchEditForm(formdata=None, obj=branch)
    if move_form is None:
        move_form = BranchMoveForm(formdata=None, parent_id=branch.parent_id)
        move_form.parent_id.choices = parent_choices(branch)
    node = service.branch_tree(root=branch)[0]
    return render_template(
        "org/branch_edit.html", branch=branch, node=node, edit_form=edit_form,
        move_form=move_form, alert=alert,
    )


@bp.route("/branches/<int:branch_id>", methods=["GET", "POST"])
@admin_required
def branch_edit(branch_id):
    branch = _or_404(service.get_branch, branch_id)
    form = BranchEditForm(obj=branch)
    alert = None
    if form.validate_on_submit():
        try:
            service.update_branch(
                current_user, branch, form.name.data, form.kind.data, form.sort_order.data
            )
        except DomainError as exc:
            alert = place_error(form, exc)
        else:
            flash(f"「{branch.name}」已保存。", "success")
            return redirect(_tree_url(branch))
    return _branch_page(branch, edit_form=form, alert=alert)


@bp.post("/branches/<int:branch_id>/move")
@admin_required
def branch_move(branch_id):
    branch = _or_404(service.get_branch, branch_id)
    form = BranchMoveForm()
    form.parent_id.choices = parent_choices(branch)
    alert = None
    if form.validate_on_submit():
        try:
            service.move_branch(current_user, branch, form.parent_id.data)
        except DomainError as exc:
            alert = place_error(form, exc)
        else:
            flash(f"已移动「{branch.name}」。", "success")
            return redirect(_tree_url(branch))
    return _branch_page(branch, move_form=form, alert=alert)


@bp.post("/branches/<int:branch_id>/deactivate")
@admin_required
def branch_deactivate(branch_id):
    branch = _or_404(service.get_branch, branch_id)
    return _button_action(service.deactivate_branch, branch, f"已停用「{branch.name}」。",
                          _tree_url(branch), _branch_page)


@bp.post("/branches/<int:branch_id>/reactivate")
@admin_required
def branch_reactivate(branch_id):
    branch = _or_404(service.get_branch, branch_id)
    return _button_action(service.reactivate_branch, branch, f"已重新启用「{branch.name}」。",
                          _tree_url(branch), _branch_page)


# ----------------------------------------------------------------- members

@bp.route("/members")
@staff_required
@search_rate_limit()
def members():
    form = MemberSearchForm(request.args)
    form.set_branches(service.branch_choices(current_user, active_only=False))
    form.validate()
    filters = {
        "q": form.value("q") or "",
        "branch_id": form.value("branch_id"),
        "role": form.value("role") or "",
        "status": form.value("status", "active"),
    }
    problem = search.query_problem(current_user, filters["q"])
    if problem is not None:
        place_error(form, problem)  # and the list below is empty
    pagination = service.search_members(
        current_user, page=request.args.get("page", 1, type=int), **filters
    )
    return render_template("org/members.html", form=form, pagination=pagination,
                           filters={k: v for k, v in filters.items() if v})


def _member_in_scope(member_id):
    member = _or_404(service.get_member, member_id)
    require(can_see_member(current_user, member))
    return member


def _member_page(member, alert=None):
    return render_template("org/member_detail.html", member=member,
                           trail=service.branch_trail(member.branch), alert=alert)


def _password_page(member, password, created):
    """The one-time initial password, rendered once and never cached (no flash cookie)."""
    response = make_response(render_template(
        "org/member_password.html", member=member, password=password, created=created
    ))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/members/<int:member_id>")
@staff_required
def member_detail(member_id):
    return _member_page(_member_in_scope(member_id))


@bp.route("/members/new", methods=["GET", "POST"])
@admin_required
def member_new():
    form = MemberForm()
    form.setup(service.branch_choices(current_user))
    alert = None
    if form.validate_on_submit():
        try:
            member, password = service.create_member(current_user, form.member_data())
        except DomainError as exc:
            alert = place_error(form, exc)
        else:
            return _password_page(member, password, created=True)
    return render_template("org/member_form.html", form=form, member=None, alert=alert)


@bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
@admin_required
def member_edit(member_id):
    member = _member_in_scope(member_id)
    form = MemberForm(obj=member)
    form.setup(service.branch_choices(current_user), member)
    alert = None
    if form.validate_on_submit():
        try:
            service.update_member(current_user, member, form.member_data(posted_only=True))
        except DomainError as exc:
            alert = place_error(form, exc)
        else:
            if member.id == current_user.id:
                login_user(member, remember=True)  # a changed phone or role signed out this session
            flash(f"「{member.name}」的信息已保存。", "success")
            if not current_user.is_staff:
                return redirect(url_for("home.index"))
            return redirect(url_for(".member_detail", member_id=member.id))
    return render_template("org/member_form.html", form=form, member=member, alert=alert)


@bp.post("/members/<int:member_id>/deactivate")
@admin_required
def member_deactivate(member_id):
    member = _member_in_scope(member_id)
    return _button_action(service.deactivate_member, member, f"已停用「{member.name}」。",
                          url_for(".member_detail", member_id=member.id), _member_page)


@bp.post("/members/<int:member_id>/reactivate")
@admin_required
def member_reactivate(member_id):
    member = _member_in_scope(member_id)
    return _button_action(service.reactivate_member, member, f"已重新启用「{member.name}」。",
                          url_for(".member_detail", member_id=member.id), _member_page)


@bp.post("/members/<int:member_id>/reset-password")
@admin_required
def member_reset_password(member_id):
    member = _member_in_scope(member_id)
    try:
        password = service.reset_password(current_user, member)
    except DomainError as exc:
        return _member_page(member, alert=exc.message)
    return _password_page(member, password, created=False)
