"""Statistics pages: the branch table with its charts, an event's summary, their files.

Views parse the query string (stats/periods.py), ask stats/access.py who reads what, call
one service and render. A bad filter is shown at its field (status 400), never a 500.
"""
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from app.auth.permissions import staff_required
from app.checkin.reports import branch_options, report_scope, session_name
from app.errors import DomainError
from app.events.constants import EVENT_KINDS
from app.events.models import EventSession
from app.events.service import get_event, staff_visible_events
from app.extensions import db
from app.web import id_arg

from . import charts
from .access import branch_scope, filtered_event
from .branches import branch_table
from .events import event_summary
from .exports import branch_table_file, event_summary_file
from .periods import Filters, Period, parse_filters

bp = Blueprint("stats", __name__, url_prefix="/stats")

FORMATS = "pdf, xlsx, csv"
EVENT_CHOICES = 300  # the event filter lists the latest events of the period


def _denied(error):
    if error.code in ("forbidden", "login_required"):
        abort(403)
    if error.code in ("not_found", "event_not_found"):
        abort(404)


def _event_choices(actor, period):
    """(id, title) of the events the reader follows with a session in ``period``."""
    visible = staff_visible_events(actor).subquery()
    in_period = sa.select(EventSession.event_id).where(period.session_condition())
    return db.session.execute(
        sa.select(visible.c.id, visible.c.title).where(visible.c.id.in_(in_period))
        .order_by(visible.c.id.desc()).limit(EVENT_CHOICES)).all()


def _raw_args():
    return {key: request.args.get(key, "")[:40] for key in ("from", "to", "kind", "event")}


def below_target_url(branch_id, filters):
    """stats-b's list of members below target for a branch and period."""
    return "/stats/below-target?" + urlencode({
        "branch": branch_id, "from": filters.period.start.isoformat(),
        "to": filters.period.end.isoformat()})


@bp.route("")
@staff_required
def branches():
    within = branch_scope(current_user)
    errors, table, event = {}, None, None
    try:
        filters = parse_filters(request.args)
        event = filtered_event(current_user, filters)
    except DomainError as error:
        _denied(error)
        errors[error.field or "from"] = error.message
        filters = Filters(Period.this_year())
    else:
        table = branch_table(filters, within)
    context = {
        "filters": filters, "errors": errors, "table": table, "event": event,
        "within": within, "raw": _raw_args(), "kinds": EVENT_KINDS,
        "events": _event_choices(current_user, filters.period),
        "below_target_url": below_target_url,
    }
    if table is not None:
        context["rate_chart"] = charts.rate_bars(charts.branch_rate_items(table))
        context["month_chart"] = charts.month_columns(charts.monthly_presences(filters, within))
    html = render_template("stats/branches.html", **context)
    return html, 400 if errors else 200


@bp.route(f"/branches.<any({FORMATS}):fmt>")
@staff_required
def branches_file(fmt):
    try:
        filters = parse_filters(request.args)
        document = branch_table_file(current_user, filters, fmt)
    except DomainError as error:
        _denied(error)
        return render_template("stats/refused.html", message=error.message), 400
    return document.response("stats")


def _event_or_404(event_id):
    try:
        return get_event(event_id)
    except DomainError:
        abort(404)


def _event_scope(event):
    try:
        return report_scope(current_user, event, id_arg("branch"))
    except DomainError as error:
        _denied(error)
        raise


@bp.route("/events/<int:event_id>")
@staff_required
def event(event_id):
    event = _event_or_404(event_id)
    scope = _event_scope(event)
    summary = event_summary(event, scope)
    branch = id_arg("branch")
    return render_template("stats/event.html", event=event, scope=scope, summary=summary,
                           session_name=session_name, query={"branch": branch} if branch else {},
                           branches=branch_options(current_user, event))


@bp.route(f"/events/<int:event_id>/summary.<any({FORMATS}):fmt>")
@staff_required
def event_file(event_id, fmt):
    event = _event_or_404(event_id)
    try:
        document = event_summary_file(current_user, event, fmt, id_arg("branch"))
    except DomainError as error:
        _denied(error)
        return render_template("stats/refused.html", message=error.message), 400
    return document.response("event-summary")

