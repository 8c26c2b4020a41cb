"""Pages and downloads of the printed lists and reports, and 签名签到's signature page.

- /checkin/sessions/<id>/reports         签到表与出勤报告 of a session (linked from the event
                                          page's session row and the on-site tabs)
- /checkin/sessions/<id>/sheet.pdf       the 签到表 (?order=pinyin|roster, ?branch=)
- /checkin/sessions/<id>/report.<fmt>    the session's attendance report (pdf, xlsx, csv)
- /checkin/events/<id>/attendance        出勤情况: each person's status per session (a
                                          secretary sees their own branch subtree)
- /checkin/events/<id>/attendance.<fmt>  the same as a report (pdf, xlsx, csv)
- /checkin/events/<id>/programme.pdf     秩序册 of a contest or sports meet
- /checkin/sessions/<id>/registrations/<id>/signature   sign (the member, or staff on a tablet)

Who may read a report is checkin.reports.report_scope (403 outside it); a signature,
checkin.signatures.may_sign. Each download is recorded in the audit log by the service.
The registrant list (registration) gets attendance columns and a tab through
registration.addons, offered here when the blueprint is registered.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.permissions import staff_required
from app.errors import DomainError
from app.events.service import can_manage, get_event
from app.forms import place_error
from app.registration import addons
from app.web import id_arg, safe_next

from . import onsite, programme, report_files, reports, signatures
from .onsite_forms import SignatureForm
from .onsite_views import onsite_links

bp = Blueprint("reports", __name__, url_prefix="/checkin")

FORMATS = "pdf, xlsx, csv"
PER_PAGE = 100


# ------------------------------------------------------------------ helpers

def _session_or_404(session_id):
    session = onsite.find_session(session_id)
    if session is None:
        abort(404)
    return session


def _event_or_404(event_id):
    try:
        return get_event(event_id)
    except DomainError:
        abort(404)


def _denied(error):
    """forbidden and not_found as HTTP errors; None for a refusal to show as a message."""
    if error.code == "forbidden":
        abort(403)
    if error.code in ("not_found", "event_not_found"):
        abort(404)


def _scope(event):
    try:
        return reports.report_scope(current_user, event, id_arg("branch"))
    except DomainError as error:
        _denied(error)
        raise


def _file(build, fallback, back):
    """Run a file service; a refusal other than 403/404 goes back to its page as a message."""
    try:
        return build().response(fallback)
    except DomainError as error:
        _denied(error)
        flash(error.message, "error")
        return redirect(back)


def _query(**args):
    branch = id_arg("branch")
    return {**({"branch": branch} if branch else {}), **args}


# ------------------------------------------------------------------ links other pages show

@bp.app_template_global()
def report_links(event):
    """The event page's links to its attendance page and 秩序册: (label, url)."""
    links = [("出勤情况", url_for("reports.event_page", event_id=event.id)),
             ("出勤汇总", url_for("stats.event", event_id=event.id))]
    if event.has_items:
        links.append(("秩序册（PDF）", url_for("reports.programme_pdf", event_id=event.id)))
    return links


def _registrant_links(event):
    return [("出勤情况", url_for("reports.event_page", event_id=event.id))]


@bp.record_once
def _offer_registrant_addon(state):
    """The registrant list gains attendance columns and an 出勤情况 tab."""
    addons.offer(state.app, addons.Addon(columns=reports.registrant_attendance,
                                         links=_registrant_links))


# ------------------------------------------------------------------ a session

@bp.route("/sessions/<int:session_id>/reports")
@staff_required
def session_page(session_id):
    session = _session_or_404(session_id)
    event = session.event
    scope = _scope(event)
    overview = reports.session_overview(session, scope)
    managed = can_manage(current_user, event)
    return render_template(
        "checkin/reports/session.html", session=session, event=event, scope=scope,
        overview=overview, managed=managed, orders=reports.ORDERS, query=_query(),
        branches=reports.branch_options(current_user, event), name=reports.session_name(session),
        when=reports.when(session), links=onsite_links(session) if managed else [])


def _session_file(session_id, make, name):
    """A file of a session; a refusal goes back to its 签到表与出勤报告 page."""
    session = _session_or_404(session_id)
    return _file(lambda: make(session), f"{name}-{session.id}",
                 url_for(".session_page", session_id=session.id, **_query()))


def _event_file(event_id, make, name):
    """A file of an event; a refusal goes back to its 出勤情况 page."""
    event = _event_or_404(event_id)
    return _file(lambda: make(event), f"{name}-{event.id}",
                 url_for(".event_page", event_id=event.id, **_query()))


@bp.route("/sessions/<int:session_id>/sheet.pdf")
@staff_required
def sheet_pdf(session_id):
    order = request.args.get("order", "pinyin")
    return _session_file(session_id, lambda session: report_files.sign_in_sheet_file(
        current_user, session, id_arg("branch"), order), "sheet")


@bp.route(f"/sessions/<int:session_id>/report.<any({FORMATS}):fmt>")
@staff_required
def session_report(session_id, fmt):
    return _session_file(session_id, lambda session: report_files.session_report_file(
        current_user, session, fmt, id_arg("branch")), "attendance")


# ------------------------------------------------------------------ an event

@bp.route("/events/<int:event_id>/attendance")
@staff_required
def event_page(event_id):
    event = _event_or_404(event_id)
    scope = _scope(event)
    try:
        overview = reports.event_overview(event, scope)
    except DomainError as error:
        overview, message = None, error.message
    else:
        message = None
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows = overview.matrix if overview else []
    pages = max(1, -(-len(rows) // PER_PAGE))
    page = min(page, pages)
    return render_template(
        "checkin/reports/event.html", event=event, scope=scope, overview=overview, message=message,
        rows=rows[(page - 1) * PER_PAGE: page * PER_PAGE], first=(page - 1) * PER_PAGE,
        page=page, pages=pages, query=_query(), managed=can_manage(current_user, event),
        branches=reports.branch_options(current_user, event), session_name=reports.session_name,
        when=reports.when)


@bp.route(f"/events/<int:event_id>/attendance.<any({FORMATS}):fmt>")
@staff_required
def event_report(event_id, fmt):
    return _event_file(event_id, lambda event: report_files.event_report_file(
        current_user, event, fmt, id_arg("branch")), "attendance-event")


@bp.route("/events/<int:event_id>/programme.pdf")
@staff_required
def programme_pdf(event_id):
    return _event_file(event_id, lambda event: programme.programme_file(
        current_user, event, id_arg("branch")), "programme")


# ------------------------------------------------------------------ 签名签到

@bp.route("/sessions/<int:session_id>/registrations/<int:registration_id>/signature",
          methods=["GET", "POST"])
@login_required
def signature(session_id, registration_id):
    """Sign for a check-in: the member on their phone after a self check-in, or a member on
    the organizer's tablet (staff who manage the event)."""
    session = _session_or_404(session_id)
    registration = onsite.find_registration(registration_id)
    if registration is None or registration.event_id != session.event_id:
        abort(404)
    if not signatures.may_sign(current_user, registration, session.event):
        abort(403)
    form = SignatureForm()
    back = safe_next(request.values.get("next"))
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            signatures.sign(current_user._get_current_object(), session.id, registration.id,
                            form.image_bytes(), device=request.headers.get("User-Agent", ""))
        except DomainError as error:
            _denied(error)
            if error.code == "signature_exists":
                flash(error.message, "info")
            else:
                place_error(form, error)
    state = onsite.ticket_states(registration).get(session.id)
    return render_template(
        "checkin/reports/signature.html", session=session, event=session.event,
        registration=registration, form=form, back=back, state=state,
        signed=signatures.signed(session.id, registration.id),
        name=reports.session_name(session)), 400 if form.errors else 200
