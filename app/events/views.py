"""Staff pages that publish events: list, create, edit, publish, close, cancel, 指定参加.

Organizers and admins manage every event; a secretary those whose organizer branch
is in their own subtree (service.can_manage). Members get 403 everywhere here.
Each view parses, authorizes, calls one service function and renders; a refusal
(DomainError) is shown at its form field or as the page's alert.
"""
import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.permissions import require, staff_required
from app.errors import DomainError
from app.extensions import db
from app.org.service import branch_choices, branches_by_ids
from app.registration import event_changes, invitations, queries
from app.registration.constants import HOLDING_STATUSES
from app.timeutil import format_when

from . import eligibility, service
from .constants import EVENT_KINDS
from .forms import (
    CancelForm,
    EventFilterForm,
    EventForm,
    InviteForm,
    ItemRow,
    SessionRow,
    placeholder_rows,
    spec_error,
)
from .models import Event

bp = Blueprint("manage", __name__, url_prefix="/manage/events")

STATUS_BADGES = {
    "draft": "badge-blue",
    "published": "badge-green",
    "closed": "badge-amber",
    "cancelled": "badge-grey",
}
SAMPLE_SIZE = 20


@bp.context_processor
def _template_helpers():
    def status_badge(event):
        return STATUS_BADGES.get(event.status, "badge-grey")

    return {"status_badge": status_badge, "EVENT_KINDS": EVENT_KINDS}


def _managed_event(event_id):
    """The event, or 404; 403 unless the current user may manage it."""
    try:
        event = service.get_event(event_id)
    except DomainError:
        abort(404)
    require(service.can_manage(current_user, event))
    return event


# ------------------------------------------------------------------- list

@bp.route("")
@staff_required
def events():
    form = EventFilterForm(request.args)
    form.validate()
    filters = {"status": form.value("status"), "kind": form.value("kind")}
    query = service.manageable_events(current_user, **filters).options(
        sa.orm.selectinload(Event.sessions), sa.orm.joinedload(Event.organizer_branch))
    pagination = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=20,
                             error_out=False)
    counts = queries.status_counts([event.id for event in pagination.items])
    return render_template("events/manage/list.html", form=form, pagination=pagination,
                           counts=counts, filters={k: v for k, v in filters.items() if v})


# ------------------------------------------------------- create and edit

def _form_page(form, event=None, alert=None, status=200):
    return render_template(
        "events/manage/form.html", form=form, event=event, alert=alert,
        session_template=placeholder_rows(SessionRow, "sessions"),
        item_template=placeholder_rows(ItemRow, "items"),
        taken=queries.holding_count(event.id) if event else 0,
    ), status


def _setup(form, event=None):
    offered = branch_choices(current_user)
    form.set_organizers(offered, event.organizer_branch if event is not None else None)
    stored = (event.eligibility or {}).get("branch_ids", []) if event is not None else []
    missing = set(stored) - {branch_id for branch_id, _label in offered}
    kept = [(b.id, f"{b.name}（{'已停用' if not b.active else '不在您的管理范围内'}）")
            for b in branches_by_ids(missing)]
    form.set_branches(offered, kept)


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new():
    if request.method == "POST":
        form = EventForm()
    else:
        kind = request.args.get("kind")
        form = EventForm(data={
            "kind": kind if kind in EVENT_KINDS else "training",
            "organizer_branch_id": str(current_user.branch_id),
        })
    _setup(form)
    if request.method == "POST" and request.form.get("add"):
        form.add_row(request.form["add"])
        return _form_page(form)
    alert = None
    if form.is_submitted():
        valid = form.validate()
        parsed = form.parse()
        if valid and parsed:
            try:
                event = service.create_event(current_user, *parsed)
            except DomainError as exc:
                alert = form.place_error(exc)
            else:
                flash(f"已保存草稿「{event.title}」。核对无误后，请点「发布」开始报名。", "success")
                _warn_if_over(event)
                return redirect(url_for(".detail", event_id=event.id))
        return _form_page(form, alert=alert, status=422)
    return _form_page(form)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(event_id):
    event = _managed_event(event_id)
    if event.status == "cancelled":
        flash(DomainError("event_cancelled_not_editable").message, "error")
        return redirect(url_for(".detail", event_id=event.id))
    form = EventForm() if request.method == "POST" else EventForm(data=EventForm.data_of(event))
    _setup(form, event)
    if request.method == "POST" and request.form.get("add"):
        form.add_row(request.form["add"])
        return _form_page(form, event)
    alert = None
    if form.is_submitted():
        valid = form.validate()
        parsed = form.parse()
        if valid and parsed:
            # exact ranks (a spec key the form does not show) are kept as they were
            parsed[3]["ranks"] = (event.eligibility or {}).get("ranks") or []
            try:
                event_changes.edit_event(current_user, event.id, *parsed)
            except DomainError as exc:
                alert = form.place_error(exc)
            else:
                flash(f"「{event.title}」已保存，已有的报名都保留。", "success")
                _warn_if_over(event)
                return redirect(url_for(".detail", event_id=event.id))
        return _form_page(form, event, alert=alert, status=422)
    return _form_page(form, event)


SHOWN_ENDED = 3  # sessions named in the warning; more are counted


def _warn_if_over(event):
    """After saving: warn when a session is already over (a wrong date, most likely)."""
    db.session.expire(event, ["sessions"])
    ended = service.ended_sessions(event)
    if not ended:
        return
    names = "、".join(f"「{s.title or '场次'}」（{format_when(s.starts_at, s.ends_at)}）"
                     for s in ended[:SHOWN_ENDED])
    more = f"等 {len(ended)} 个场次" if len(ended) > SHOWN_ENDED else ""
    flash(f"注意：{names}{more}已经结束，人员不能再为它报名或签到，只能补录。"
          "如果日期填错了，请点「修改」改正。", "warning")


# ------------------------------------------------------------ the event

def _detail_page(event, cancel_form=None, alert=None, status=200):
    counts = queries.status_counts([event.id])[event.id]
    return render_template(
        "events/manage/detail.html", event=event, counts=counts,
        taken=sum(counts.get(s, 0) for s in HOLDING_STATUSES),
        left=queries.places_left(event, counts),
        spec_text=eligibility.describe(event.eligibility),
        cancel_form=cancel_form or CancelForm(formdata=None), alert=alert,
    ), status


@bp.route("/<int:event_id>")
@staff_required
def detail(event_id):
    return _detail_page(_managed_event(event_id))


def _state_change(event_id, operation, done):
    event = _managed_event(event_id)
    try:
        operation(current_user, event)
    except DomainError as exc:
        return _detail_page(event, alert=exc.message, status=409)
    flash(done.format(title=event.title), "success")
    return redirect(url_for(".detail", event_id=event.id))


@bp.post("/<int:event_id>/publish")
@staff_required
def publish(event_id):
    return _state_change(event_id, service.publish_event, "「{title}」已发布，现在可以报名了。")


@bp.post("/<int:event_id>/close")
@staff_required
def close(event_id):
    return _state_change(event_id, service.close_event, "「{title}」已截止报名。")


@bp.post("/<int:event_id>/cancel")
@staff_required
def cancel(event_id):
    event = _managed_event(event_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return _detail_page(event, cancel_form=form, status=422)
    try:
        service.cancel_event(current_user, event, form.reason.data)
    except DomainError as exc:
        return _detail_page(event, cancel_form=form, alert=exc.message, status=409)
    flash(f"「{event.title}」已取消，报名记录都已保留。", "success")
    return redirect(url_for(".detail", event_id=event.id))


# -------------------------------------------------------- 指定参加 (invite)
# The service keeps a secretary's list inside their subtree (no branch chosen: their own).

@bp.route("/<int:event_id>/invite", methods=["GET", "POST"])
@staff_required
def invite(event_id):
    event = _managed_event(event_id)
    previewing = request.method == "GET" and "preview" in request.args
    if request.method == "POST":
        form = InviteForm()
    else:
        form = InviteForm(formdata=request.args if previewing else None, meta={"csrf": False})
    form.set_branches(branch_choices(current_user))
    alert = preview = None
    if request.method == "POST":
        spec = form.parse_spec() if form.validate() else None
        if spec is not None:
            try:
                counts = invitations.invite(current_user, event.id, spec)
            except DomainError as exc:
                alert = spec_error(exc, form)
            else:
                flash(f"指定参加名单已更新：符合条件 {counts['matched']} 人，新增 {counts['added']} 人，"
                      f"{counts['upgraded']} 人由待审核或候补改为指定参加，"
                      f"{counts['already']} 人原已报名。", "success")
                return redirect(url_for(".detail", event_id=event.id))
    elif previewing:
        spec = form.parse_spec() if form.validate() else None
        if spec is not None:
            try:
                preview = invitations.invitation_preview(event, spec, current_user,
                                                         SAMPLE_SIZE)
            except DomainError as exc:
                alert = spec_error(exc, form)
            else:
                preview["text"] = eligibility.describe(preview["spec"])
    status = 422 if form.spec_error_count or alert else 200
    return render_template("events/manage/invite.html", event=event, form=form, preview=preview,
                           alert=alert), status
