"""The scanner pages: the session scanner, the session picker and scanner links.

Who may scan is decided by checkin.scanning.scan_access() (staff who manage the event,
or a phone holding a scanner link for it), the same rule the JSON API uses. The
scanner page works without JavaScript as well: its typed-code form and its search post
back here; with JavaScript, static/js/scanner.js sends the same fields to the API and
keeps a local queue when the network drops.

Endpoints to link from other pages:
  checkin.event_sessions(event_id)  the scanner for an event (picks the session)
  checkin.scanner(session_id)       the scanner of one session
  checkin.links(event_id)           scanner links of an event (staff who manage it)
"""
import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as flask_session
from flask_login import current_user
from markupsafe import Markup

from app.auth.permissions import require, staff_required
from app.errors import DomainError, message_for
from app.events.service import can_manage, get_event
from app.forms import place_error
from app.timeutil import utcnow

from . import attendance, service
from .forms import ExpectedSearchForm, ManualCheckinForm, ScanForm, ScannerLinkForm
from .qr import draw_qr_svg
from .scanning import (
    event_access,
    expected_members,
    forget_links,
    opened_token,
    remember_link,
    scan_access,
    search_limited,
)

bp = Blueprint("checkin", __name__, url_prefix="/checkin")

NEW_LINK_KEY = "new_scanner_link"  # shown once after creation: only a hash is stored


# ------------------------------------------------------------------ helpers

def _refusal_page(message, status=403, title="不能使用扫码签到"):
    return make_response(render_template("errors/error.html", status=status, title=title,
                                         text=message), status)


def _allowed(check, *args, **kwargs):
    """Run an access check; turn a refusal into a login redirect or an error page."""
    try:
        return check(*args, **kwargs)
    except DomainError as denied:
        if denied.http_status == 401:
            next_url = request.full_path.rstrip("?") if request.method == "GET" else request.path
            abort(redirect(url_for("auth.login", next=next_url)))
        if denied.http_status == 404:
            abort(404)
        abort(_refusal_page(denied.message, denied.http_status))


def _event_or_404(event_id):
    try:
        return get_event(event_id)
    except DomainError:
        abort(404)


def _window(session, now):
    opens, closes = service.checkin_window(session)
    state = "open" if opens <= now <= closes else ("before" if now < opens else "after")
    return {"state": state, "opens": opens, "closes": closes}


def _link_url(token):
    return current_app.config["PUBLIC_BASE_URL"] + url_for("checkin.open_link", token=token)


def _link_status(link, now):
    if link.revoked_at is not None:
        return "revoked", "已撤销", "badge-red"
    if link.expires_at <= now:
        return "expired", "已过期", "badge-grey"
    return "valid", "有效", "badge-green"


# ------------------------------------------------------------------ scanner links (phone side)

@bp.route("/link/<token>")
def open_link(token):
    """A volunteer's phone opens the link the organizer showed: remember it, then go to
    the scanner without the token in the address bar."""
    try:
        link = service.scanner_link_for(token)
    except DomainError as error:
        response = _refusal_page(error.message, 403, "扫码授权已失效")
    else:
        remember_link(link)
        response = redirect(url_for("checkin.event_sessions", event_id=link.event_id))
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/link/forget", methods=["POST"])
def forget_link():
    """退出扫码授权: this phone stops scanning (e.g. handed back after the event)."""
    forget_links()
    flash("这台手机已退出扫码授权。", "success")
    return redirect(url_for("auth.login") if not current_user.is_authenticated
                    else url_for("home.index"))


# ------------------------------------------------------------------ the scanner

@bp.route("/events/<int:event_id>/scan")
def event_sessions(event_id):
    """Pick the session to scan for; an event with one session goes straight to it."""
    event = _event_or_404(event_id)
    access = _allowed(event_access, event)
    sessions = list(event.sessions)
    if len(sessions) == 1:
        return redirect(url_for("checkin.scanner", session_id=sessions[0].id))
    now = utcnow()
    return render_template("checkin/scanner_sessions.html", event=event, access=access,
                           sessions=[(s, _window(s, now)) for s in sessions],
                           can_manage_links=_can_manage_links(event))


def _can_manage_links(event):
    return current_user.is_authenticated and current_user.is_staff and can_manage(
        current_user, event)


@bp.route("/sessions/<int:session_id>/scan", methods=["GET", "POST"])
@search_limited()
def scanner(session_id):
    access = _allowed(scan_access, session_id)
    result = error = None
    kind = request.values.get("kind")
    kind = kind if kind in ("entry", "exit") else "entry"
    if request.method == "POST":
        # Without JavaScript: the typed code or a tap on a search result posts here.
        manual = "registration_id" in request.form
        form = ManualCheckinForm() if manual else ScanForm()
        if form.validate():
            kind = form.kind.data
            try:
                writer = scan_access(session_id, write=True)
            except DomainError as denied:
                error = denied.message
            else:
                identity = ({"registration_id": form.registration_id.data} if manual
                            else {"code": form.code.data})
                result = service.perform_checkin(
                    writer.session.id, kind=kind, method="manual" if manual else "ticket_scan",
                    nonce=form.nonce.data or None,
                    device=request.headers.get("User-Agent", ""),
                    **identity, **writer.checkin_kwargs())
        else:
            error = next(iter(e for errors in form.errors.values() for e in errors),
                         message_for("bad_request"))
    search = ExpectedSearchForm(request.args)
    q = search.q.data.strip() if search.validate() and search.q.data else ""
    try:
        matches, more = expected_members(access, q)
    except DomainError as refused:
        place_error(search, refused)
        matches, more = [], False
    return render_template(
        "checkin/scanner.html", access=access, session=access.session, event=access.event,
        kind=kind, result=result, error=error, search=search, q=q, matches=matches, more=more,
        summary=attendance.session_summary(access.session), window=_window(access.session, utcnow()),
        nonce=secrets.token_hex(16), opened=opened_token(access.session.id),
        can_manage_links=_can_manage_links(access.event))


# ------------------------------------------------------------------ scanner links (staff side)

def _managed_event(event_id):
    event = _event_or_404(event_id)
    require(can_manage(current_user, event))
    return event


def _links_page(event, form, status=200):
    now = utcnow()
    links = service.scanner_links(event.id)
    new = flask_session.pop(NEW_LINK_KEY, None)
    new_link = None
    if new and new.get("event_id") == event.id:
        link = service.scanner_link_of(event.id, new.get("id"))
        if link is not None:
            url = _link_url(new["token"])
            new_link = {"link": link, "url": url, "qr": Markup(draw_qr_svg(url, "扫码授权链接的二维码"))}
    return render_template(
        "checkin/links.html", event=event, form=form, new_link=new_link, now=now,
        rows=[(link, *_link_status(link, now)) for link in links]), status


@bp.route("/events/<int:event_id>/links", methods=["GET", "POST"])
@staff_required
def links(event_id):
    event = _managed_event(event_id)
    form = ScannerLinkForm()
    if request.method == "POST":
        if form.validate():
            if event.status == "cancelled":
                flash(message_for("event_cancelled"), "error")
                return _links_page(event, form, 400)
            link, token = service.create_scanner_link(current_user, event, form.label.data,
                                                      hours_valid=form.hours.data)
            flask_session[NEW_LINK_KEY] = {"event_id": event.id, "id": link.id, "token": token}
            flash(f"已创建扫码授权「{link.label}」。", "success")
            return redirect(url_for("checkin.links", event_id=event.id) + "#new-link")
        return _links_page(event, form, 400)
    return _links_page(event, form)


@bp.route("/events/<int:event_id>/links/<int:link_id>/revoke", methods=["POST"])
@staff_required
def revoke_link(event_id, link_id):
    event = _managed_event(event_id)
    link = service.scanner_link_of(event.id, link_id)
    if link is None:
        abort(404)
    if link.revoked_at is None:  # revoking twice would overwrite the first time
        service.revoke_scanner_link(current_user, link)
        flash(f"已撤销「{link.label}」，用它打开的手机马上不能再扫码。", "success")
    else:
        flash(f"「{link.label}」早已撤销。", "info")
    return redirect(url_for("checkin.links", event_id=event.id))
