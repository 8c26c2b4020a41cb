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

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_login import current_user
from werkzeug.routing import BuildError

from app.auth.permissions import can_see_full_phone, require, staff_required
from app.errors import DomainError, message_for
from app.events.models import EventSession
from app.events.service import can_manage
from app.extensions import db, login_manager
from app.org.models import Branch, Member
from app.org.normalize import clean_name, clean_text, normalize_phone
from app.registration.models import Leave, Registration
from app.timeutil import format_local, utcnow
from app.txn import begin_write

from . import service as checkin
from .models import Checkin, Ticket
from .onsite_forms import BackfillForm, TicketCheckinForm, WalkinForm, WalkinSearchForm, new_nonce
from .qr import qr_svg

bp = Blueprint("onsite", __name__)

# A member who scans the screen while logged out has this long to log in (and, the first
# time, set a password); the code is judged at the moment of the scan.
SCAN_PASS_SECONDS = 600
# The owner's ticket page may be shown from the phone's cache, offline, for this long.
TICKET_CACHE_SECONDS = 2 * 86400
WALK_IN_RESULTS = 20
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
    session = db.session.get(EventSession, session_id)
    if session is None or session.event.status == "draft":
        abort(404)
    return session


def _managed_session(session_id):
    """The session, 404 when missing; 403 unless the current staff member manages its event
    (drafts too: organizers try the screens before publishing)."""
    session = db.session.get(EventSession, session_id)
    if session is None:
        abort(404)
    require(can_manage(current_user, session.event))
    return session


def _session_label(session):
    start, end = session.starts_at, session.ends_at
    same_day = format_local(start, "%Y%m%d") == format_local(end, "%Y%m%d")
    when = f"{format_local(start, '%m月%d日 %H:%M')}–{format_local(end, '%H:%M' if same_day else '%m月%d日 %H:%M')}"
    return f"{session.title or '场次'}（{when}）"


def current_session(sessions, now=None):
    """The session to preselect: one whose check-in is open now (the nearest start),
    else the next one to come, else the last one."""
    now = now or utcnow()
    open_now = []
    for session in sessions:
        opens, closes = checkin.checkin_window(session)
        if opens <= now <= closes:
            open_now.append(session)
    if open_now:
        return min(open_now, key=lambda s: abs((s.starts_at - now).total_seconds()))
    coming = [s for s in sessions if s.starts_at > now]
    if coming:
        return min(coming, key=lambda s: s.starts_at)
    return sessions[-1] if sessions else None


def _states(registration_id, session_ids):
    """{session_id: {"entry": first ok time, "exit": first ok time}} of one registration."""
    out = {sid: {} for sid in session_ids}
    if not session_ids:
        return out
    rows = db.session.execute(
        db.select(Checkin.registration_id, Checkin.session_id, Checkin.kind,
                  sa.func.min(Checkin.at))
        .where(Checkin.registration_id == registration_id, Checkin.result == "ok",
               Checkin.session_id.in_(session_ids))
        .group_by(Checkin.registration_id, Checkin.session_id, Checkin.kind)).all()
    for _, sid, kind, at in rows:
        out[sid][kind] = at
    return out


def _session_states(session, registration_ids):
    """{registration_id: {"entry": time, "exit": time}} for one session."""
    out = {rid: {} for rid in registration_ids}
    if not registration_ids:
        return out
    rows = db.session.execute(
        db.select(Checkin.registration_id, Checkin.kind, sa.func.min(Checkin.at))
        .where(Checkin.session_id == session.id, Checkin.result == "ok",
               Checkin.registration_id.in_(registration_ids))
        .group_by(Checkin.registration_id, Checkin.kind)).all()
    for rid, kind, at in rows:
        out[rid][kind] = at
    return out


def _on_leave_ids(session, registration_ids):
    if not registration_ids:
        return set()
    return set(db.session.scalars(
        db.select(Leave.registration_id).where(
            Leave.registration_id.in_(registration_ids), Leave.status == "approved",
            sa.or_(Leave.session_id.is_(None), Leave.session_id == session.id))))


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
def ticket_link(registration):
    """「我的电子票」 for a confirmed registration of an event that still takes place."""
    if registration is None or registration.status != "confirmed":
        return None
    if registration.event.status not in ("published", "closed"):
        return None
    ends = registration.event.ends_at
    if ends is not None and ends < utcnow():
        return None
    # Straight to the short URL once the ticket exists: that page may come from the
    # phone's cache when the hall has no signal.
    code = db.session.scalar(db.select(Ticket.code).filter_by(registration_id=registration.id))
    if code:
        return url_for("onsite.ticket", code=code)
    return url_for("onsite.my_ticket", registration_id=registration.id)


@bp.app_template_global()
def earned_hours(registration):
    """学时 earned so far, once a session with credit hours is over; None otherwise."""
    if registration is None or registration.status != "confirmed":
        return None
    event = registration.event
    if event.status not in ("published", "closed") or event.kind in ("contest", "sports") \
            or not event.total_hours:
        return None
    now = utcnow()
    if not any(s.ends_at <= now for s in event.sessions):
        return None
    return checkin.hours(registration)


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
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event.status == "draft":
        abort(404)
    if registration.member_id != current_user.id:
        abort(403)
    if registration.status != "confirmed" or registration.event.status == "cancelled":
        flash(message_for("ticket_not_available"), "error")
        return redirect(url_for("registration.event_detail", event_id=registration.event_id))
    # ticket_for() reads, then inserts, in one deferred transaction: on SQLite that fails at
    # once ("database is locked") if another request wrote in between. Until the service
    # takes the write lock itself, take it here (BEGIN IMMEDIATE; a plain BEGIN on PostgreSQL).
    begin_write()
    ticket = checkin.ticket_for(registration)
    db.session.commit()
    response = redirect(url_for(".ticket", code=ticket.code))
    response.headers["Cache-Control"] = f"private, max-age={TICKET_CACHE_SECONDS}"
    response.headers["Vary"] = "Cookie"
    return response


@bp.route("/t/<code>", methods=["GET", "POST"])
def ticket(code):
    """One URL, three pages: the owner's ticket, the staff's check-in page, and for anyone
    else a plain page that shows nothing about the person."""
    parsed = checkin.parse_ticket_code(code)
    found = db.session.scalar(db.select(Ticket).filter_by(code=parsed)) if parsed else None
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
        try:
            answer = checkin.perform_checkin(
                form.session_id.data, kind=form.kind.data, method="ticket_scan", code=ticket.code,
                nonce=form.clean_nonce(), operator=current_user._get_current_object(),
                device=request.headers.get("User-Agent", ""))
        except DomainError as exc:  # e.g. an old form (back button) with a used nonce
            answer = _refused(exc)
        chosen, answer_kind = form.session_id.data, form.kind.data
    else:
        chosen = current_session(sessions).id
    # A fresh form (new nonce) for the next tap; the same session stays chosen.
    form = TicketCheckinForm(formdata=None, session_id=chosen).setup(sessions, _session_label)
    states = _states(registration.id, [s.id for s in sessions])
    leave_ids = {s.id for s in sessions if _on_leave_ids(s, [registration.id])}
    return _page("checkin/onsite/ticket_staff.html", ticket=ticket, registration=registration,
                 event=event, sessions=sessions, chosen=chosen, form=form, answer=answer,
                 answer_kind=answer_kind,
                 states=states, leave_ids=leave_ids, label=_session_label,
                 any_checkout=any(s.checkout_required for s in sessions))


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
                 summary=checkin.session_summary(session), links=onsite_links(session))


@bp.route("/checkin/sessions/<int:session_id>/self/code")
def self_code(session_id):
    """The current rotating code as JSON, with its QR as SVG (staff only)."""
    session = db.session.get(EventSession, session_id)
    if session is None:
        return _no_store(jsonify({"error": "not_found"})), 404
    if not current_user.is_authenticated:
        return _no_store(jsonify({"error": "login_required"})), 401
    if not can_manage(current_user, session.event):
        return _no_store(jsonify({"error": "forbidden"})), 403
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
    if answer.code == "expired_code":
        answer = _already_done(member, session, kind) or answer
    first = answer.first_at or (answer.at if answer.result == "ok" else None)
    return _page("checkin/onsite/self_result.html", session=session, event=session.event,
                 kind=kind, answer=answer, first=first)


def _already_done(member, session, kind):
    """A reload of the result page (WeChat restores pages) after the code changed: someone
    already checked in (or out) is told so in amber, not sent back to the screen in red.
    Nothing is written; the service answered expired_code without a row."""
    first = db.session.scalar(
        db.select(Checkin).join(Registration, Registration.id == Checkin.registration_id)
        .where(Registration.member_id == member.id, Checkin.session_id == session.id,
               Checkin.kind == kind, Checkin.result == "ok")
        .order_by(Checkin.at, Checkin.id).limit(1))
    if first is None:
        return None
    code = "already_checked_out" if kind == "exit" else "already_checked_in"
    return checkin.ScanResult(
        "duplicate", code, message_for(code, first=format_local(first.at, "%H:%M")),
        {"name": member.name, "branch": first.registration.branch.name}, None, first.at,
        first.registration_id)


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
                 summary=checkin.session_summary(session),
                 summary_url=url_for("api.summary", session_id=session.id),
                 updated=format_local(utcnow(), "%H:%M"), links=onsite_links(session))


# --------------------------------------------------------------- back-fill

def _expected(session):
    """The expected list of the session's event: confirmed registrations, walk-ins apart."""
    return db.session.scalars(
        db.select(Registration)
        .join(Member, Member.id == Registration.member_id)
        .join(Branch, Branch.id == Registration.branch_id)
        .where(Registration.event_id == session.event_id, Registration.status == "confirmed",
               Registration.source != "walk_in")
        .options(sa.orm.contains_eager(Registration.member),
                 sa.orm.contains_eager(Registration.branch))
        .order_by(Branch.path, Member.name, Registration.id)).unique().all()


@bp.route("/checkin/sessions/<int:session_id>/backfill", methods=["GET", "POST"])
@staff_required
def backfill(session_id):
    """补录 from a paper list: tick people, give a reason; each goes through perform_checkin."""
    session = _managed_session(session_id)
    form = BackfillForm().setup()
    alert, results = None, None
    if request.method == "POST" and form.validate_on_submit():
        expected_ids = {r.id for r in _expected(session)}
        chosen = [rid for rid in dict.fromkeys(form.registration_ids.data) if rid in expected_ids]
        reason = form.clean_reason()
        if not reason:
            form.reason.errors = [message_for("backfill_reason_required")]
        elif not chosen:
            alert = message_for("backfill_none_selected")
        else:
            results = _backfill_each(session, form, chosen, reason)
            form = BackfillForm(formdata=None).setup()
            form.nonce.data = new_nonce()
    elif request.method == "POST":
        abort(400)
    registrations = _expected(session)
    ids = [r.id for r in registrations]
    return _page("checkin/onsite/backfill.html", session=session, event=session.event,
                 form=form, alert=alert, results=results, registrations=registrations,
                 states=_session_states(session, ids), leave_ids=_on_leave_ids(session, ids),
                 links=onsite_links(session), label=_session_label)


def _backfill_each(session, form, chosen, reason):
    actor = current_user._get_current_object()
    with_exit = session.checkout_required and form.with_exit.data
    results = []
    names = {r.id: (r.member.name, r.branch.name) for r in _expected(session) if r.id in chosen}
    for rid in chosen:
        entry = _backfill_one(session, rid, "entry", actor, reason, form)
        exit_answer = None
        if with_exit and entry.result in ("ok", "duplicate"):
            exit_answer = _backfill_one(session, rid, "exit", actor, reason, form)
        name, branch = names.get(rid, ("", ""))
        results.append({"name": name, "branch": branch, "entry": entry, "exit": exit_answer})
    return results


def _backfill_one(session, registration_id, kind, actor, reason, form):
    try:
        return checkin.perform_checkin(session.id, kind=kind, method="backfill",
                                       registration_id=registration_id, operator=actor,
                                       reason=reason, nonce=form.nonce_for(registration_id, kind))
    except DomainError as exc:
        return _refused(exc)


def _refused(exc):
    """A refusal the service raised (not a stored answer), shown like any red result."""
    return checkin.ScanResult("refused", exc.code, exc.message)


# ----------------------------------------------------------------- walk-ins

def _search_members(text):
    """Active members (any branch) by name, or by 4+ consecutive digits of the phone."""
    text = clean_text(text)
    digits = normalize_phone(text)
    query = (db.select(Member).join(Member.branch).where(Member.active.is_(True))
             .options(sa.orm.contains_eager(Member.branch)))
    if digits.isdigit():
        if len(digits) < 4:
            return None
        query = query.where(Member.phone.contains(digits, autoescape=True))
    else:
        name = clean_name(text)
        if not name:
            return None
        query = query.where(Member.name.contains(name, autoescape=True))
    return db.session.scalars(query.order_by(Member.name, Branch.path, Member.id)
                              .limit(WALK_IN_RESULTS)).all()


def _walk_ins(session):
    """The people checked in as 列席 for this session, earliest first."""
    rows = db.session.execute(
        db.select(Member.name, Branch.name, sa.func.min(Checkin.at))
        .select_from(Checkin)
        .join(Registration, Registration.id == Checkin.registration_id)
        .join(Member, Member.id == Registration.member_id)
        .join(Branch, Branch.id == Registration.branch_id)
        .where(Checkin.session_id == session.id, Checkin.kind == "entry",
               Checkin.result == "ok", Registration.source == "walk_in")
        .group_by(Registration.id, Member.name, Branch.name)
        .order_by(sa.func.min(Checkin.at))).all()
    return rows


@bp.route("/checkin/sessions/<int:session_id>/walkin", methods=["GET", "POST"])
@staff_required
def walkin(session_id):
    """列席: find any active member and check them in, when the event allows walk-ins."""
    session = _managed_session(session_id)
    event = session.event
    search = WalkinSearchForm(request.args)
    search.validate()
    alert, answer, members, registered = None, None, None, {}
    if request.method == "POST":
        form = WalkinForm()
        if not form.validate_on_submit():
            abort(400)
        member = db.session.get(Member, form.member_id_value() or 0)
        if member is None or not member.active:
            alert = message_for("not_found")
        else:
            try:
                answer = checkin.walk_in(current_user._get_current_object(), session.id,
                                         member.id, nonce=form.clean_nonce(),
                                         device=request.headers.get("User-Agent", ""))
            except DomainError as exc:
                alert = exc.message
    query_text = (search.value("q") or "").strip()
    if event.allow_walk_in and query_text:
        members = _search_members(query_text)
        if members is None:
            search.q.errors = [message_for("walk_in_query_short")]
            members = []
        if members:
            registered = {r.member_id: r for r in db.session.scalars(
                db.select(Registration).where(
                    Registration.event_id == event.id,
                    Registration.member_id.in_([m.id for m in members]),
                    Registration.status.in_(("pending", "confirmed", "waitlisted"))))}
    return _page("checkin/onsite/walkin.html", session=session, event=event, search=search,
                 members=members, registered=registered, alert=alert, answer=answer,
                 walk_ins=_walk_ins(session), links=onsite_links(session),
                 label=_session_label, new_nonce=new_nonce,
                 shown_phone=lambda m: m.phone if can_see_full_phone(current_user, m)
                 else m.masked_phone)
