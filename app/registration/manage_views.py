"""Staff pages for registrations: the registrant list and its Excel export, proxy
registration (支部代报), leave approval and teams.

Organizers and admins see every event and registration; a branch secretary sees
the registrations of their own branch subtree (the branch kept on the
registration), for events they manage and published events of the organisations
above them. Members get 403.
Each view parses, authorizes, calls one service function and renders; every
change goes through a registration service module, which writes the audit log.
"""
import sqlalchemy as sa
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.permissions import staff_required
from app.errors import DomainError
from app.events.models import Event
from app.events.service import can_manage, get_event, staff_sees_event, staff_visible_events
from app.extensions import db
from app.forms import place_error
from app.org.models import Branch
from app.org.scope import scope_branch
from app.org.service import branch_choices, member_names, search_members
from app.timeutil import utcnow
from app.web import search_rate_limit

from . import addons, decide, export, leave_requests, queries, signup, team_entries
from .constants import REGISTRATION_STATUSES, STATUS_BADGES
from .manage_forms import (
    ActionForm,
    LeaveDecisionForm,
    ProxyForm,
    ProxySearchForm,
    RegistrantFilterForm,
    RejectForm,
    TeamForm,
)
from .models import Registration, Team

bp = Blueprint("registration_admin", __name__, url_prefix="/manage")

PER_PAGE = 50
PROXY_PER_PAGE = 50
PROXY_MAX = 200  # members per proxy submission


@bp.context_processor
def _template_helpers():
    return {"STATUS_BADGES": STATUS_BADGES}


@bp.app_template_global()
def registrant_links(event):
    """Tabs features above add beside 报名名单 (registration.addons)."""
    return addons.extra_links(event)


# ------------------------------------------------------------ authorization

def _event_or_404(event_id):
    """An event the current staff member follows (events.service.staff_sees_event), or 404."""
    try:
        event = get_event(event_id)
    except DomainError:
        abort(404)
    if not staff_sees_event(current_user, event):
        abort(404)
    return event


def _refused(exc):
    """A DomainError as a page message; "forbidden" is a 403, never a message."""
    if exc.code == "forbidden":
        abort(403)
    return exc.message


# ---------------------------------------------------------------- landing

@bp.route("")
@staff_required
def index():
    page = request.args.get("page", 1, type=int)
    now = utcnow()
    pagination = db.paginate(
        queries.by_date(staff_visible_events(current_user), now)
        .options(sa.orm.selectinload(Event.sessions), sa.orm.selectinload(Event.items),
                 sa.orm.selectinload(Event.organizer_branch)),
        page=page, per_page=30, error_out=False)
    ids = [event.id for event in pagination.items]
    scope = scope_branch(current_user)
    return render_template(
        "registration/manage/index.html", pagination=pagination,
        pending=queries.pending_counts(ids, scope), leaves=queries.pending_leave_counts(ids, scope),
        leaves_total=queries.pending_leave_total(scope), can_manage=can_manage, now=now)


# ------------------------------------------------------------- registrants

def _filter_form(event, formdata):
    form = RegistrantFilterForm(formdata)
    form.setup(branch_choices(current_user, active_only=False),
               event.items if event.has_items else [])
    form.validate()
    return form


def _registrants_page(event, form, row_error=None, status=200):
    """The list page; ``row_error`` = (registration id, message) puts a refusal at its row."""
    scope = scope_branch(current_user)
    filters = form.filters()
    pagination = db.paginate(
        queries.registrants(event.id, scope_branch=scope, **filters),
        page=form.page_number(), per_page=PER_PAGE, error_out=False)
    counts = queries.scoped_status_counts(event.id, scope, filters["branch_id"], filters["item_id"])
    extra = addons.extra_columns(event, [r.id for r in pagination.items])
    return render_template(
        "registration/manage/registrants.html", event=event, form=form, pagination=pagination,
        extra=extra,
        counts=counts, total=sum(counts.values()), statuses=REGISTRATION_STATUSES,
        item_names={item.id: item.name for item in event.items},
        may_decide=can_manage(current_user, event), query_args=form.query_args(),
        row_error=row_error), status


@bp.route("/events/<int:event_id>/registrants")
@staff_required
def registrants(event_id):
    event = _event_or_404(event_id)
    return _registrants_page(event, _filter_form(event, request.args))


def _registration_of(event, registration_id):
    """A registration of ``event`` (else 404) inside the staff member's scope (else 403)."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    scope = scope_branch(current_user)
    if scope is not None and not registration.branch.is_in_subtree_of(scope):
        abort(403)
    return registration


def _registration_action(event_id, registration_id, operation, done):
    """Approve or cancel from a row: do it, then back to the same filtered page."""
    event = _event_or_404(event_id)
    registration = _registration_of(event, registration_id)
    form = _filter_form(event, request.form)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = registration.member.name
    try:
        operation(current_user, registration.id)
    except DomainError as exc:
        flash(f"{name}：{_refused(exc)}", "error")
        return redirect(url_for(".registrants", event_id=event.id, **form.query_args()))
    flash(done.format(name=name), "success")
    return redirect(url_for(".registrants", event_id=event.id, **form.query_args(),
                            _anchor=f"r-{registration.id}"))


@bp.post("/events/<int:event_id>/registrants/<int:registration_id>/approve")
@staff_required
def approve(event_id, registration_id):
    return _registration_action(event_id, registration_id, decide.approve,
                                "已通过{name}的报名。")


@bp.post("/events/<int:event_id>/registrants/<int:registration_id>/cancel")
@staff_required
def cancel(event_id, registration_id):
    return _registration_action(event_id, registration_id, decide.cancel,
                                "已取消{name}的报名。")


@bp.post("/events/<int:event_id>/registrants/<int:registration_id>/reject")
@staff_required
def reject(event_id, registration_id):
    event = _event_or_404(event_id)
    registration = _registration_of(event, registration_id)
    form = _filter_form(event, request.form)
    reject_form = RejectForm()
    if not reject_form.validate_on_submit():
        message = next(iter(reject_form.reason.errors), None)
        if message is None:
            abort(400)
        return _registrants_page(event, form, (registration.id, message), 200)
    try:
        decide.reject(current_user, registration.id, reject_form.reason.data)
    except DomainError as exc:
        return _registrants_page(event, form, (registration.id, _refused(exc)), 200)
    flash(f"已将{registration.member.name}的报名设为未通过，原因会告知本人。", "success")
    return redirect(url_for(".registrants", event_id=event.id, **form.query_args(),
                            _anchor=f"r-{registration.id}"))


@bp.route("/events/<int:event_id>/registrants.xlsx")
@staff_required
def export_registrants(event_id):
    event = _event_or_404(event_id)
    form = _filter_form(event, request.args)
    data, filename, _count = export.export_registrants(current_user, event, form.filters())
    response = make_response(data)
    response.headers["Content-Type"] = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = export.content_disposition(
        filename, fallback=f"registrants-{event.id}.xlsx")
    response.headers["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------ proxy

RESULT_TEXT = {"confirmed": "成功，已报名", "pending": "成功，待审核", "waitlisted": "已列入候补"}


@bp.route("/events/<int:event_id>/proxy", methods=["GET", "POST"])
@staff_required
@search_rate_limit()
def proxy(event_id):
    event = _event_or_404(event_id)
    search = ProxySearchForm(request.args).setup(branch_choices(current_user))
    search.validate()
    form = ProxyForm()
    results, alert = None, None
    if form.validate_on_submit():
        member_ids = list(dict.fromkeys(form.member_ids.data))
        if not member_ids:
            alert = "请先勾选要报名的人员。"
        elif len(member_ids) > PROXY_MAX:
            alert = f"一次最多为 {PROXY_MAX} 人报名，请分批提交。"
        else:
            results = _register_each(event, member_ids, form.item_ids.data)
    try:
        signup.check_window(event, utcnow())
        closed = None
    except DomainError as exc:
        closed = exc.message
    members = search_members(
        current_user, q=search.value("q") or "", branch_id=search.value("branch_id"),
        status="active", page=request.args.get("page", 1, type=int), per_page=PROXY_PER_PAGE)
    existing = queries.active_registrations(event.id, [m.id for m in members.items])
    reasons = {m.id: signup.ineligibility(event, m)
               for m in members.items if m.id not in existing}
    chosen_items = set(form.item_ids.data or []) if form.is_submitted() else set()
    return render_template(
        "registration/manage/proxy.html", event=event, search=search, form=form,
        members=members, existing=existing, reasons=reasons, results=results, alert=alert,
        closed=closed, chosen_items=chosen_items,
        filters={k: v for k, v in {"q": search.value("q"), "branch_id": search.value("branch_id")}
                 .items() if v})


def _register_each(event, member_ids, item_ids):
    """register() once per member: each is its own transaction, so one refusal
    (not eligible, already registered, full, out of scope) leaves the others done."""
    names = member_names(member_ids)
    results = []
    for member_id in member_ids:
        name = names.get(member_id, f"编号 {member_id}")
        try:
            registration = signup.register(current_user, event.id, member_id, item_ids=item_ids)
        except DomainError as exc:
            results.append({"name": name, "ok": False, "text": exc.message})
        else:
            results.append({"name": name, "ok": True, "status": registration.status,
                            "text": RESULT_TEXT.get(registration.status,
                                                    registration.status_label)})
    return results


# ------------------------------------------------------------------ leave

@bp.route("/leaves")
@staff_required
def leaves():
    scope = scope_branch(current_user)
    return render_template(
        "registration/manage/leaves.html", pending=queries.leaves_for(scope, pending=True),
        decided=queries.leaves_for(scope, pending=False, limit=30), form=LeaveDecisionForm(formdata=None))


@bp.post("/leaves/<int:leave_id>/decide")
@staff_required
def decide_leave(leave_id):
    form = LeaveDecisionForm()
    if not form.validate_on_submit():
        flash(next(iter(form.decision.errors or form.note.errors), "提交的内容有误。"), "error")
        return redirect(url_for(".leaves"))
    approved = form.decision.data == "approve"
    try:
        leave = leave_requests.decide_leave(current_user, leave_id, approved, form.note.data or "")
    except DomainError as exc:
        if exc.code == "not_found":
            abort(404)
        flash(_refused(exc), "error")
        return redirect(url_for(".leaves"))
    name = leave.registration.member.name
    flash(f"已{'批准' if approved else '不批准'}{name}的请假。", "success")
    return redirect(url_for(".leaves"))


# ------------------------------------------------------------------ teams

@bp.route("/events/<int:event_id>/teams", methods=["GET", "POST"])
@staff_required
def teams(event_id):
    event = _event_or_404(event_id)
    team_items = [item for item in event.items if item.is_team]
    if not team_items:
        return render_template("registration/manage/teams.html", event=event, team_items=[],
                               item=None)
    scope = scope_branch(current_user)
    allowed = dict(branch_choices(current_user))
    form = TeamForm()
    error = None
    if form.validate_on_submit():
        item = _team_item(team_items, form.int_value("item_id"))
        team, branch_id = _team_target(item, form.int_value("team_id"), form.int_value("branch_id"),
                                       scope)
        try:
            if branch_id is None:
                raise DomainError("team_branch_required")
            saved = team_entries.save_team(current_user, item.id, branch_id, form.name.data or "",
                                           form.members.data, team_id=team.id if team else None)
        except DomainError as exc:
            _refused(exc)  # "forbidden" is a 403
            error = place_error(form, exc)
        else:
            flash(f"已保存「{saved.name}」（{len(form.members.data)} 人）。", "success")
            return redirect(url_for(".teams", event_id=event.id, item=item.id,
                                    branch=saved.branch_id))
        editing, chosen = team, set(form.members.data)
    else:
        item = _team_item(team_items, request.args.get("item", type=int) or team_items[0].id)
        editing = None
        edit_id = request.args.get("edit", type=int)
        if edit_id:
            editing, branch_id = _team_target(item, edit_id, None, scope)
        else:
            branch_id = request.args.get("branch", type=int)
            if branch_id not in allowed:
                branch_id = current_user.branch_id if scope is not None else None
        chosen = {m.registration_id for m in editing.members if m.active} if editing else set()
        if editing is not None:
            form = TeamForm(formdata=None, name=editing.name)
    branch = db.session.get(Branch, branch_id) if branch_id else None
    candidates = queries.team_candidates(event, item, branch) if branch is not None else []
    existing = queries.teams_of(item, scope)
    taken = {m.registration_id: team.name for team in existing for m in team.members
             if m.active and (editing is None or team.id != editing.id)}
    return render_template(
        "registration/manage/teams.html", event=event, team_items=team_items, item=item,
        branch=branch, branch_options=branch_choices(current_user), form=form, error=error,
        editing=editing, chosen=chosen, candidates=candidates, teams=existing, taken=taken)


def _team_item(team_items, item_id):
    for item in team_items:
        if item.id == item_id:
            return item
    abort(404)


def _team_target(item, team_id, branch_id, scope):
    """(team being edited or None, its branch id). A team is changed for its own branch,
    and only by someone who sees that branch."""
    if not team_id:
        return None, branch_id
    team = db.session.get(Team, team_id)
    if team is None or team.item_id != item.id or not team.active:
        abort(404)
    if scope is not None and not team.branch.is_in_subtree_of(scope):
        abort(403)
    return team, team.branch_id
