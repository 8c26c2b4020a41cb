"""On-site check-in pages: the ticket (/t/<code>), self check-in by a rotating QR
(/s/<session>/<code>), the organizer's QR screen and live board, back-fill (补录)
and walk-ins (列席).

Every check-in goes through checkin.service (perform_checkin, self_checkin, walk_in);
these views parse, authorize, call it and show the answer in big words and colour.
Staff pages need a staff role and checkin's event scope (events.service.can_manage);
members only ever see their own ticket and their own result.
"""
import time
from datetime import datetime, timezone

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_login import current_user
from werkzeug.routing import BuildError

from app.auth.permissions import can_see_full_phone, require, staff_required
from app.errors import DomainError, error_body, message_for
from app.events.service import can_manage
from app.extensions import login_manager
from app.forms import place_error
from app.timeutil import format_local, utcnow
from app.web import search_rate_limit

from . import attendance, mine, onsite, signatures
from . import service as checkin
from .onsite_forms import (
    BackfillForm,
    GuestForm,
    SignatureForm,
    TicketCheckinForm,
    WalkinForm,
    WalkinSearchForm,
    new_nonce,
)
from .qr import qr_svg

bp = Blueprint("onsite", __name__)

# A member who scans the screen while logged out has this long to log in (and, the first
# time, set a password); the code is judged at the moment of the scan.
SCAN_PASS_SECONDS = 600
# The owner's ticket page may be shown from the phone's cache, offline, for this long.
TICKET_CACHE_SECONDS = 2 * 86400
RESULT_CLASSES = {"ok": "result-ok", "duplicate": "result-dup", "refused": "result-bad"}
SCANNER_ENDPOINT = "checkin.scanner"  # the scanner page, built separately


# ------------------------------------------------------------ helpers

def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(template, status=200, cache=None, **context):
    response = current_app.make_response((render_template(template, **context), status))
    if cache:
        response.headers["Cache-Control"] = cache
        response.headers["Vary"] = "Cookie"
        return response
    return _no_store(response)


def _session_or_404(session_id):
    session = onsite.find_session(session_id)
    if session is None or session.event.status == "draft":
        abort(404)
    return session


def _managed_session(session_id):
    """The session, 404 when missing; 403 unless the current staff member manages its event
    (drafts too: organizers try the screens before publishing)."""
    session = onsite.find_session(session_id)
    if session is None:
        abort(404)
    require(can_manage(current_user, session.event))
    return session


def _session_label(session):
    start, end = session.starts_at, session.ends_at
    same_day = format_local(start, "%Y%m%d") == format_local(end, "%Y%m%d")
    when = f"{format_local(start, '%m月%d日 %H:%M')}–{format_local(end, '%H:%M' if same_day else '%m月%d日 %H:%M')}"
    return f"{session.title or '场次'}（{when}）"


def _self_url(session, code, kind):
    url = f"{current_app.config['PUBLIC_BASE_URL']}/s/{session.id}/{code}"
    return url + "?kind=exit" if kind == "exit" else url


def _kind_arg():
    return "exit" if request.args.get("kind") == "exit" else "entry"


def scanner_url(session):
    """The scanner page of this session, once that page exists."""
    if SCANNER_ENDPOINT not in current_app.view_functions:
        return None
    for args in ({"session_id": session.id}, {"event_id": session.event_id}):
        try:
            return url_for(SCANNER_ENDPOINT, **args)
        except BuildError:
            continue
    return None


# ---------------------------------------------- template helpers (other pages)

@bp.app_template_global()
def ticket_url_for(registration_id, code):
    """Straight to the short URL once the ticket exists (that page may come from the
    phone's cache when the hall has no signal); else the page that makes it."""
    if code:
        return url_for("onsite.ticket", code=code)
    return url_for("onsite.my_ticket", registration_id=registration_id)


@bp.app_template_global()
def ticket_link(registration):
    """「我的电子票」 for a confirmed registration of an event that still takes place."""
    codes = mine.ticket_codes([registration]) if registration else {}
    return ticket_url_for(registration.id, codes[registration.id]) if codes else None


@bp.app_template_global()
def earned_hours(registration):
    """学时 earned so far, once a session with credit hours is over; None otherwise."""
    return mine.earned_hours([registration]).get(registration.id) if registration else None


@bp.app_template_global()
def my_session_states(registration):
    """{session_id: attendance row} of a member's own registration, for their event page
    (what they attended, were on leave for, or missed)."""
    return onsite.ticket_states(registration) if registration else {}


@bp.app_template_global()
def onsite_links(session):
    """The staff links of one session: (label, url), in the order shown."""
    links = []
    scanner = scanner_url(session)
    if scanner:
        links.append(("扫码签到", scanner))
    links.append(("自助签到二维码", url_for("onsite.self_screen", session_id=session.id)))
    if session.checkout_required:
        links.append(("签退二维码", url_for("onsite.self_screen", session_id=session.id,
                                            kind="exit")))
    links.append(("大屏", url_for("onsite.board", session_id=session.id)))
    links.append(("补录/列席", url_for("onsite.backfill", session_id=session.id)))
    links.append(("签到表/报告", url_for("reports.session_page", session_id=session.id)))
    return links


@bp.app_context_processor
def _onsite_helpers():
    return {"RESULT_CLASSES": RESULT_CLASSES}


# ------------------------------------------------------------------ tickets

@bp.route("/my/tickets/<int:registration_id>")
def my_ticket(registration_id):
    """Make the member's ticket (first time) and show it at its short URL."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    registration = onsite.find_registration(registration_id)
    if registration is None or registration.event.status == "draft":
        abort(404)
    if registration.member_id != current_user.id:
        abort(403)
    if registration.status != "confirmed" or registration.event.status == "cancelled":
        flash(message_for("ticket_not_available"), "error")
        return redirect(url_for("registration.event_detail", event_id=registration.event_id))
    ticket = checkin.ticket_for(registration)  # makes it in its own write transaction
    response = redirect(url_for(".ticket", code=ticket.code))
    response.headers["Cache-Control"] = f"private, max-age={TICKET_CACHE_SECONDS}"
    response.headers["Vary"] = "Cookie"
    return response


@bp.route("/t/<code>", methods=["GET", "POST"])
def ticket(code):
    """One URL, three pages: the owner's ticket, the staff's check-in page, and for anyone
    else a plain page that shows nothing about the person."""
    found, parsed = onsite.find_ticket(code)
    if found is None:
        abort(404)
    if parsed != code and request.method == "GET":
        return redirect(url_for(".ticket", code=parsed))
    registration = found.registration
    event = registration.event
    user = current_user
    is_owner = user.is_authenticated and user.id == registration.member_id
    may_check = user.is_authenticated and can_manage(user, event)
    if request.method == "POST":
        require(may_check)
        return _staff_ticket_page(found, posted=True)
    if is_owner:
        return _owner_ticket_page(found)
    if may_check and event.status != "draft":
        return _staff_ticket_page(found)
    return _page("checkin/onsite/ticket_public.html", event=None)


def _owner_ticket_page(ticket):
    registration = ticket.registration
    event = registration.event
    valid = registration.status == "confirmed" and event.status in ("published", "closed")
    url = checkin.ticket_url(ticket.code)
    return _page("checkin/onsite/ticket.html", ticket=ticket, registration=registration,
                 event=event, valid=valid,
                 svg=qr_svg(url, "电子票二维码") if valid else None,
                 code_groups=[ticket.code[:5], ticket.code[5:]],
                 cache=f"private, max-age={TICKET_CACHE_SECONDS}" if valid else None)


def _staff_ticket_page(ticket, posted=False):
    registration = ticket.registration
    event = registration.event
    sessions = list(event.sessions)
    if not sessions:
        abort(404)
    answer, answer_kind = None, "entry"
    if posted:
        form = TicketCheckinForm().setup(sessions, _session_label)
        if not form.validate_on_submit():
            abort(400)
        chosen_session = next(s for s in sessions if s.id == form.session_id.data)
        signed = (form.kind.data == "entry" and chosen_session.signature_required
                  and form.has_signature())
        try:
            answer = signatures.check_in_signed(
                form.session_id.data, form.image_bytes() if signed else None,
                kind=form.kind.data, method="ticket_scan", code=ticket.code,
                nonce=form.clean_nonce(), operator=current_user._get_current_object(),
                device=request.headers.get("User-Agent", ""))
        except DomainError as exc:  # e.g. an old form (back button) with a used nonce,
            answer = onsite.refused(exc)  # or a signature that is not a PNG
        chosen, answer_kind = form.session_id.data, form.kind.data
    else:
        chosen = onsite.current_session(sessions).id
    # A fresh form (new nonce) for the next tap; the same session stays chosen.
    form = TicketCheckinForm(formdata=None, session_id=chosen).setup(sessions, _session_label)
    return _page("checkin/onsite/ticket_staff.html", ticket=ticket, registration=registration,
                 event=event, sessions=sessions, chosen=chosen, form=form, answer=answer,
                 answer_kind=answer_kind, states=onsite.ticket_states(registration),
                 signed={s.id for s in sessions
                         if s.signature_required and signatures.signed(s.id, registration.id)},
                 label=_session_label, any_checkout=any(s.checkout_required for s in sessions))


# --------------------------------------------------------- self check-in

@bp.route("/checkin/sessions/<int:session_id>/self")
@staff_required
def self_screen(session_id):
    """The organizer's full-screen rotating QR (entry, or ?kind=exit for check-out)."""
    session = _managed_session(session_id)
    kind = _kind_arg()
    if kind == "exit" and not session.checkout_required:
        flash(message_for("checkout_not_required"), "warning")
        return redirect(url_for(".self_screen", session_id=session.id))
    code, seconds_left = checkin.current_slot_code(session.id, kind=kind)
    url = _self_url(session, code, kind)
    return _page("checkin/onsite/self_screen.html", session=session, event=session.event,
                 kind=kind, url=url, svg=qr_svg(url, "自助签到二维码"),
                 seconds_left=int(seconds_left + 0.999),
                 period=current_app.config["SELF_CHECKIN_PERIOD"],
                 summary=attendance.session_summary(session), links=onsite_links(session))


@bp.route("/checkin/sessions/<int:session_id>/self/code")
def self_code(session_id):
    """The current rotating code as JSON, with its QR as SVG (staff only)."""
    session = onsite.find_session(session_id)
    if session is None:
        return _no_store(jsonify(error_body("not_found"))), 404
    if not current_user.is_authenticated:
        return _no_store(jsonify(error_body("login_required"))), 401
    if not can_manage(current_user, session.event):
        return _no_store(jsonify(error_body("forbidden"))), 403
    kind = _kind_arg()
    code, seconds_left = checkin.current_slot_code(session.id, kind=kind)
    url = _self_url(session, code, kind)
    return _no_store(jsonify({
        "code": code, "url": url, "kind": kind, "svg": qr_svg(url, "自助签到二维码"),
        "seconds_left": round(seconds_left, 3),
        "period": current_app.config["SELF_CHECKIN_PERIOD"],
    }))


@bp.route("/s/<int:session_id>/<code>")
def self_checkin(session_id, code):
    """A member's phone opened the screen's QR: check them in (or out) and say so, big.

    GET on purpose: any phone scanner just opens the URL. A second GET (a preview, a
    reload) is answered as a duplicate, never counted twice. A member who is not
    logged in yet is sent to log in and comes back here; the code is judged at the
    moment of the first scan (kept in the signed session cookie), so typing a
    password does not make the code expire.
    """
    session = _session_or_404(session_id)
    kind = _kind_arg()
    code = (code or "").strip().upper()[:16]
    if not current_user.is_authenticated:
        if checkin.slot_code_valid(session.id, code, kind=kind):
            cookie_session["self_scan"] = {"s": session.id, "c": code, "t": time.time()}
        return login_manager.unauthorized()
    scanned_at = _scan_pass(session.id, code)
    now = datetime.fromtimestamp(scanned_at, timezone.utc) if scanned_at else None
    member = current_user._get_current_object()
    answer = checkin.self_checkin(member, session.id, code, kind, now=now, now_ts=scanned_at)
    if answer.code == "expired_code":  # nothing written: say so if it was done before
        answer = onsite.already_done(member, session, kind) or answer
    first = answer.first_at or (answer.at if answer.result == "ok" else None)
    sign = (kind == "entry" and session.signature_required and answer.registration_id
            and answer.result in ("ok", "duplicate")
            and not signatures.signed(session.id, answer.registration_id))
    return _page("checkin/onsite/self_result.html", session=session, event=session.event,
                 kind=kind, answer=answer, first=first,
                 sign_form=SignatureForm(formdata=None) if sign else None)


def _scan_pass(session_id, code):
    """When this browser scanned this code while logged out, if that was recently."""
    scan = cookie_session.pop("self_scan", None)
    if not isinstance(scan, dict) or scan.get("s") != session_id or scan.get("c") != code:
        return None
    scanned_at = scan.get("t")
    if not isinstance(scanned_at, (int, float)):
        return None
    if not 0 <= time.time() - scanned_at <= SCAN_PASS_SECONDS:
        return None
    return scanned_at


# ------------------------------------------------------------------ board

@bp.route("/checkin/sessions/<int:session_id>/board")
@staff_required
def board(session_id):
    """The live board for a projector; board.js refreshes it from the summary API."""
    session = _managed_session(session_id)
    return _page("checkin/onsite/board.html", session=session, event=session.event,
                 summary=attendance.session_summary(session),
                 summary_url=url_for("api.summary", session_id=session.id),
                 updated=format_local(utcnow(), "%H:%M"), links=onsite_links(session))


# --------------------------------------------------------------- back-fill

@bp.route("/checkin/sessions/<int:session_id>/backfill", methods=["GET", "POST"])
@staff_required
def backfill(session_id):
    """补录 from a paper list: tick people, give a reason; each goes through perform_checkin."""
    session = _managed_session(session_id)
    form = BackfillForm().setup()
    alert, results = None, None
    if request.method == "POST" and form.validate_on_submit():
        try:
            results = onsite.backfill(current_user._get_current_object(), session,
                                      form.registration_ids.data, form.clean_reason(),
                                      with_exit=form.with_exit.data, nonce_for=form.nonce_for)
        except DomainError as exc:
            alert = place_error(form, exc)
        else:
            form = BackfillForm(formdata=None).setup()
            form.nonce.data = new_nonce()
    elif request.method == "POST":
        abort(400)
    return _page("checkin/onsite/backfill.html", session=session, event=session.event,
                 form=form, alert=alert, results=results, registrations=onsite.expected_list(session),
                 is_open=checkin.backfill_open(session), links=onsite_links(session),
                 label=_session_label)


# ----------------------------------------------------------------- walk-ins

@bp.route("/checkin/sessions/<int:session_id>/walkin", methods=["GET", "POST"])
@staff_required
@search_rate_limit()
def walkin(session_id):
    """列席: find an active member in one's own scope and check them in, or check in a
    guest who is not on the roster (name, unit), when the event allows walk-ins. A
    refused walk-in writes nothing and shows why in red."""
    session = _managed_session(session_id)
    event = session.event
    actor = current_user._get_current_object()
    search = WalkinSearchForm(request.args)
    search.validate()
    guest_form = GuestForm(formdata=None).setup()
    answer, members, registered, states = None, None, {}, {}
    if request.method == "POST" and request.form.get("form") == "guest":
        answer, guest_form = _guest_walk_in(actor, session)
    elif request.method == "POST":
        form = WalkinForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            answer = checkin.walk_in(actor, session.id, form.member_id_value() or 0,
                                     nonce=form.clean_nonce(),
                                     device=request.headers.get("User-Agent", ""))
        except DomainError as exc:
            answer = onsite.refused(exc)
    query_text = (search.value("q") or "").strip()
    if event.allow_walk_in and query_text:
        try:
            members, registered, states = onsite.walk_in_search(actor, session, query_text)
        except DomainError as exc:
            place_error(search, exc)
            members = []
    return _page("checkin/onsite/walkin.html", session=session, event=event, search=search,
                 members=members, registered=registered, states=states, answer=answer, guest_form=guest_form, walk_ins=onsite.walk_ins(session),
                 links=onsite_links(session), label=_session_label, new_nonce=new_nonce,
                 shown_phone=lambda m: m.phone if can_see_full_phone(current_user, m)
                 else m.masked_phone)


def _guest_walk_in(actor, session):
    """(the answer or None, the guest form to show): a refusal at its field, or in red."""
    form = GuestForm().setup()
    if not form.validate_on_submit():
        return None, form
    try:
        answer = checkin.walk_in_guest(actor, session.id, form.name.data, form.unit.data,
                                       form.phone.data, nonce=form.clean_nonce())
    except DomainError as exc:
        return (onsite.refused(exc) if place_error(form, exc) else None), form
    return answer, GuestForm(formdata=None).setup()
