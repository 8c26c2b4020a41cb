"""Member pages: the event list, an event's page, register, cancel, 请假 (我的活动, which
shows tickets and hours from checkin, sits above it in app/home).

Each view parses, authorizes, calls one service function and renders. A refused
operation (DomainError) shows its Chinese message at the form field it names
(items, leave session and reason) or as the page's alert; never a 500. Members
only ever see and change their own registrations: someone else's id is a 403.
"""
from collections import namedtuple
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RoutingException

from app.errors import DomainError, message_for
from app.events import eligibility
from app.events.constants import EVENT_KINDS
from app.events.service import get_visible_event, listed_events
from app.extensions import db
from app.forms import place_error
from app.timeutil import to_local, utcnow
from app.web import safe_next

from . import decide, leave_requests, queries, signup
from .constants import SOURCES, STATUS_BADGES
from .forms import CancelForm, LeaveForm, RegisterForm
from .models import Registration

bp = Blueprint("registration", __name__)

# The filter chips of the event list, in the order members see them.
KIND_CHIPS = [("", "全部"), ("training", "培训班"), ("contest", "比赛"), ("sports", "运动会"),
              ("warning_education", "警示教育"), ("lecture", "党课"), ("other", "其他")]
LEAVE_BADGES = {"pending": "badge-amber", "approved": "badge-green", "rejected": "badge-red"}


# ------------------------------------------------------------ template helpers

@bp.app_template_filter("hours")
def hours(value):
    """3.0 → 「3」, 1.5 → 「1.5」."""
    return f"{value or 0:g}"


@bp.app_context_processor
def _registration_helpers():
    return {"STATUS_BADGES": STATUS_BADGES, "LEAVE_BADGES": LEAVE_BADGES}


@bp.app_context_processor
def _login_for_an_event():
    """A shared event link opened while logged out lands on the login page: the page
    names the event (``login_event``), so the member knows what the password is for."""
    if request.endpoint != "auth.login" or current_user.is_authenticated:
        return {}
    event = _event_behind(request.args.get("next"))
    return {"login_event": event} if event is not None else {}


def _event_behind(next_url):
    """The published event a same-site ``next`` address shows or registers for, or None."""
    if safe_next(next_url) is None:
        return None
    try:
        endpoint, args = current_app.url_map.bind("localhost").match(urlsplit(next_url).path)
    except (HTTPException, RoutingException):
        return None
    if endpoint not in ("registration.event_detail", "registration.register"):
        return None
    try:
        return get_visible_event(args["event_id"])
    except DomainError:
        return None


# -------------------------------------------------------------------- lookups

def _visible_event_or_404(event_id):
    try:
        return get_visible_event(event_id)
    except DomainError:
        abort(404)


def _own_registration(registration_id):
    """The current member's own registration: 404 when missing, 403 when someone else's."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event.status == "draft":
        abort(404)
    if registration.member_id != current_user.id:
        abort(403)
    return registration


def _list_ineligibility(events, member):
    """{event_id: reason} for the events ``member`` may not register for, with one query
    for all the branch names the reasons mention."""
    out = {}
    branches = eligibility.load_branches(event.eligibility for event in events)  # noqa: F841
    for event in events:
        reason = signup.ineligibility(event, member)
        if reason:
            out[event.id] = reason
    return out


def _window_problem(event, now):
    """None while the event takes registrations, else the service's refusal."""
    try:
        signup.check_window(event, now)
    except DomainError as exc:
        return exc
    return None


def _window_label(problem, event):
    """A short line for a card: why registering is not possible right now."""
    if problem is None:
        return ""
    if problem.code == "registration_not_open":
        opens = to_local(event.registration_opens_at)
        return f"{opens.month}月{opens.day}日 {opens:%H:%M} 开始报名"
    return {"event_cancelled": "活动已取消", "registration_closed": "报名已截止"}.get(
        problem.code, problem.message)


def _places_text(event, left):
    if left is None:
        return "不限名额"
    if left > 0:
        return f"剩余 {left} 个名额"
    return "名额已满，可候补" if event.waitlist_enabled else "名额已满"


# ------------------------------------------------------------------ event list

Card = namedtuple("Card", "event places full registration reason window can_register")


@bp.route("/events")
@login_required
def event_list():
    kind = request.args.get("kind", "")
    if kind not in EVENT_KINDS:
        kind = ""
    events = listed_events(kind or None)
    ids = [event.id for event in events]
    counts = queries.status_counts(ids)
    mine = queries.my_registrations_in(current_user.id, ids)
    reasons = _list_ineligibility(events, current_user)
    now = utcnow()

    cards = []
    for event in events:
        left = queries.places_left(event, counts[event.id])
        problem = _window_problem(event, now)
        reason = reasons.get(event.id)
        refused = left == 0 and not event.waitlist_enabled  # full, and no waitlist
        cards.append(Card(event, _places_text(event, left), left == 0, mine.get(event.id), reason,
                          _window_label(problem, event),
                          problem is None and reason is None and not refused))

    def order(card):
        start = card.event.starts_at.timestamp() if card.event.starts_at else 0
        upcoming = card.event.status != "cancelled" and (
            card.event.ends_at is None or card.event.ends_at >= now)
        # open first, soonest first; then upcoming ones; then past and cancelled, newest first
        return (not card.can_register, not upcoming, start if upcoming else -start)

    cards.sort(key=order)
    open_cards = [card for card in cards if card.can_register]
    other_cards = [card for card in cards if not card.can_register]
    return render_template("registration/events.html", open_cards=open_cards,
                           other_cards=other_cards, kind=kind, chips=KIND_CHIPS)


# ---------------------------------------------------------------- event detail

Choice = namedtuple("Choice", "item kind places why")


def _item_choices(event, member):
    """Each item with its kind, places left and why it cannot be chosen (or '')."""
    out = []
    for a in signup.item_availability(event, member):
        item = a["item"]
        places = "不限人数" if a["left"] is None else (
            f"剩余 {a['left']} 个名额" if a["left"] else "名额已满")
        if item.branch_quota:
            places += f"，每个支部限 {item.branch_quota} {'队' if item.is_team else '人'}"
        out.append(Choice(item, "团体" if item.is_team else "个人", places, a["reason"]))
    return out


def _render_detail(event, form, alert=None):
    member = current_user._get_current_object()
    now = utcnow()
    registration = queries.my_registration(event.id, member.id)
    refusal = (decide.cancel_refusal(member, registration, event, now)
               if registration is not None and registration.is_active else "registration_not_active")
    left = queries.places_left(event)
    problem = _window_problem(event, now)
    reason = signup.ineligibility(event, member)
    active = registration is not None and registration.is_active
    rejected = registration is not None and registration.status == "rejected"
    full_closed = left == 0 and not event.waitlist_enabled
    can_register = (not active and not rejected and problem is None and reason is None
                    and not full_closed)
    chosen = {ri.item_id for ri in registration.active_items} if active else set()
    ended = event.ends_at is not None and event.ends_at <= now
    can_leave = (active and registration.status == "confirmed" and event.status != "cancelled"
                 and any(c.open for c in leave_requests.leave_choices(registration, now)))
    return render_template(
        "registration/detail.html",
        event=event, form=form, alert=alert, registration=registration, active=active,
        position=queries.waitlist_position(registration) if active else None,
        places=_places_text(event, left), left=left, problem=problem, reason=reason,
        can_register=can_register, full_closed=full_closed,
        waitlist_only=left == 0 and event.waitlist_enabled,
        can_cancel=refusal is None,
        cancel_closed_text=message_for(refusal or "cannot_cancel_now"),
        choices=_item_choices(event, member), chosen=chosen,
        checked=set(form.item_ids.data or []),
        who=eligibility.describe(event.eligibility), sources=SOURCES,
        cancel_form=CancelForm(), ended=ended, can_leave=can_leave, now=now,
    )


@bp.route("/events/<int:event_id>")
@login_required
def event_detail(event_id):
    event = _visible_event_or_404(event_id)
    return _render_detail(event, RegisterForm())


@bp.route("/events/<int:event_id>/register", methods=["GET", "POST"])
@login_required
def register(event_id):
    event = _visible_event_or_404(event_id)
    if request.method == "GET":  # a reload of a refused form, or a copied address
        return redirect(url_for(".event_detail", event_id=event_id))
    form = RegisterForm()
    if not form.validate_on_submit():
        return _render_detail(event, form)
    try:
        registration = signup.register(current_user._get_current_object(), event.id,
                                       item_ids=form.item_ids.data)
    except DomainError as exc:
        if exc.field == "items":
            place_error(form, exc, {"items": "item_ids"})
            return _render_detail(event, form)
        # A double tap lands here with 「已经报过名了」: not an error for the member.
        flash(exc.message, "info" if exc.code == "already_registered" else "error")
        return redirect(url_for(".event_detail", event_id=event_id))
    if registration.status == "waitlisted":
        flash(f"已进入候补，第 {registration.place_in_line} 位", "warning")
    elif registration.status == "pending":
        flash("已提交，等待审核", "info")
    else:
        flash("报名成功", "success")
    return redirect(url_for(".event_detail", event_id=event_id))


@bp.route("/registrations/<int:registration_id>/cancel", methods=["POST"])
@login_required
def cancel(registration_id):
    registration = _own_registration(registration_id)
    event_id = registration.event_id
    CancelForm()  # the CSRF token is checked for every POST by CSRFProtect
    try:
        decide.cancel(current_user._get_current_object(), registration.id)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash("已取消报名", "success")
    return redirect(url_for(".event_detail", event_id=event_id))


# ----------------------------------------------------------------------- leave

# Why a session takes no leave, in a word beside it.
LEAVE_CLOSED = {"leave_session_over": "已结束", "leave_session_attended": "已签到",
                "leave_duplicate": "已请假"}


@bp.route("/registrations/<int:registration_id>/leave", methods=["GET", "POST"])
@login_required
def leave(registration_id):
    """请假 for the sessions the member ticks; ended and attended ones are not offered."""
    registration = _own_registration(registration_id)
    event = registration.event
    form = LeaveForm()
    alert = None
    choices = leave_requests.leave_choices(registration)
    offered = [choice.session.id for choice in choices if choice.open]
    allowed = registration.status == "confirmed" and event.status != "cancelled"
    can_request = allowed and bool(offered)
    if not allowed:
        alert = (message_for("event_cancelled") if event.status == "cancelled"
                 else message_for("leave_not_allowed"))
    if request.method == "GET" and len(offered) == 1:
        form.session_ids.data = offered
    if request.method == "POST" and form.validate_on_submit():
        try:
            leave_requests.request_leave(current_user._get_current_object(), registration.id,
                                         form.session_ids.data, form.reason.data)
        except DomainError as exc:  # at its field, or above when no form is shown
            alert = place_error(form, exc, {"session_id": "session_ids"}) if can_request else exc.message
        else:
            flash("请假申请已提交，等待审批", "success")
            return redirect(url_for(".event_detail", event_id=event.id))
    return render_template("registration/leave.html", registration=registration, event=event,
                           form=form, alert=alert, can_request=can_request,
                           choices=choices, offered=offered, closed_words=LEAVE_CLOSED,
                           chosen=set(form.session_ids.data or []))
