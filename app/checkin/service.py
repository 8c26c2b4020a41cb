"""Check-in rules. perform_checkin() is the only writer of Checkin rows: the ticket page,
self check-in, manual check-in and back-fill all go through it; the scan API's ticket scans
go through checkin.fastscan.scan_ticket(), the same decide() in fewer statements.

Ordered checks, each with a stable code (constants.CHECKIN_REFUSALS; messages in
app/errors.py): unknown_ticket, wrong_event, event_cancelled, not_confirmed, on_leave,
backfill_not_started (a back-fill before the session started) or not_open / closed (the
window of every other method), already_checked_in / already_checked_out (answered as a
duplicate with the first time), not_checked_in (an exit without an entry), expired_code
(self check-in with an old slot code). The registration row is locked while deciding; a
repeated nonce returns the first answer and writes nothing. Who counts as on leave, and
which entry is the first, is decided in attendance.py. Also here: tickets, the check-in
window, the rotating self check-in codes, walk-ins (members, and guests not on the
roster) and scanner links; every writer owns its write_transaction(), and
record_checkin() is the check-in inside one (perform_checkin's and walk_in's).
"""
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.audit.service import record
from app.errors import DomainError, message_for
from app.events.models import Event, EventSession
from app.events.service import can_manage
from app.extensions import db
from app.org.models import Member
from app.org.normalize import clean_name, clean_text, is_valid_phone, normalize_phone
from app.org.scope import can_see_member
from app.registration.models import Registration
from app.timeutil import format_local, utcnow
from app.txn import lock, write_transaction

from . import attendance
from .constants import DUPLICATE, OK, REFUSED, TICKET_ALPHABET, TICKET_LENGTH
from .models import Checkin, ScannerLink, Ticket, WalkInGuest


@dataclass
class ScanResult:
    result: str  # ok / duplicate / refused
    code: str | None = None
    message: str = ""
    member: dict | None = None
    at: object = None  # when this scan was recorded
    first_at: object = None  # the first successful scan of this kind, for duplicates
    registration_id: int | None = None
    late: bool = False
    extra: dict = field(default_factory=dict)

    def as_json(self):
        return {
            "result": self.result, "code": self.code, "message": self.message,
            "member": self.member,
            "at": self.at.isoformat() if self.at else None,
            "first_at": self.first_at.isoformat() if self.first_at else None,
        }


# ---------------------------------------------------------------- tickets

_CODE_IN_URL = re.compile(r"/t/([A-Za-z0-9]+)/?(?:[?#].*)?$")


def new_ticket_code():
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_LENGTH))


def ticket_for(registration):
    """The registration's ticket, made on first use (confirmed registrations only)."""
    if registration.status != "confirmed":
        return None
    ticket = db.session.scalar(db.select(Ticket).filter_by(registration_id=registration.id))
    if ticket is not None:
        return ticket
    registration_id = registration.id
    for _ in range(5):
        try:
            with write_transaction():
                ticket = db.session.scalar(
                    db.select(Ticket).filter_by(registration_id=registration_id))
                if ticket is None:
                    ticket = Ticket(registration_id=registration_id, code=new_ticket_code())
                    db.session.add(ticket)
            return ticket
        except IntegrityError:  # another process made it first, or a code collided
            ticket = db.session.scalar(db.select(Ticket).filter_by(registration_id=registration_id))
            if ticket is not None:
                return ticket
    raise RuntimeError("could not allocate a ticket code")


def parse_ticket_code(scanned):
    """A ticket code from what a scanner read: the code itself (any case, spaces or dashes)
    or a ticket URL; None for anything else."""
    text = (scanned or "").strip()
    match = _CODE_IN_URL.search(text)
    if match:
        text = match.group(1)
    text = text.upper().replace(" ", "").replace("-", "")
    if len(text) != TICKET_LENGTH or any(ch not in TICKET_ALPHABET for ch in text):
        return None
    return text


def ticket_url(code):
    return f"{current_app.config['PUBLIC_BASE_URL']}/t/{code}"


# ------------------------------------------------------------- the window

def checkin_window(session):
    """(opens, closes): check-in opens before the start and closes after the end."""
    config = current_app.config
    opens = session.starts_at - timedelta(minutes=config["CHECKIN_OPENS_MINUTES"])
    closes = session.ends_at + timedelta(minutes=config["CHECKIN_CLOSES_MINUTES"])
    return opens, closes


def backfill_open(session, now=None):
    """Back-fill (补录) opens once the session has started: nobody is missing before."""
    return (now or utcnow()) >= session.starts_at


def _member_json(registration):
    if registration is None:
        return None
    return {"name": registration.member.name, "branch": registration.branch.name}


def _answer(row):
    """The ScanResult a stored Checkin row stands for (used again for a repeated nonce)."""
    registration = row.registration
    first = None
    if row.result == DUPLICATE and registration is not None:
        earlier = attendance.first_checkin(row.session_id, row.kind, registration.id)
        first = earlier.at if earlier else None
    return ScanResult(row.result, row.code, scan_message(row.result, row.code, row.kind, row.late,
                                                         first),
                      _member_json(registration), row.at, first,
                      registration.id if registration else None, row.late)


def scan_message(result, code, kind, late, first):
    """What the scanner shows for a stored answer (``first``: the first time, for a duplicate)."""
    if result == OK:
        return message_for("checkout_ok" if kind == "exit" else
                           ("checkin_ok_late" if late else "checkin_ok"))
    return message_for(code, first=format_local(first, "%H:%M") if first else "")


# --------------------------------------------------------- perform_checkin

def perform_checkin(session_id, *, kind="entry", method, code=None, registration_id=None,
                    nonce=None, operator=None, scanner_link=None, device="", reason="",
                    now=None, slot_valid=None, signature=None):
    """Record one check-in (kind "entry") or check-out ("exit") and say how it went.

    Identify the person by ``code`` (a ticket code or ticket URL) or ``registration_id``
    (self check-in, manual, back-fill). Back-fill skips the time window but opens only
    once the session has started. Self check-in passes ``slot_valid``: whether the
    rotating code was still good. ``signature``: an unsaved CheckinSignature
    (checkin.signatures) kept with a successful entry, in the same write. Returns a
    ScanResult; refusals are answers too (result "refused"), and every call writes exactly
    one Checkin row unless its ``nonce`` was seen before.
    """
    if kind not in ("entry", "exit"):
        raise DomainError("bad_request")
    nonce = _clean_nonce(nonce)
    seen = _seen(nonce, session_id)
    if seen is not None:
        return _answer(seen)
    try:
        with write_transaction():
            row = record_checkin(session_id, kind=kind, method=method, code=code,
                                 registration_id=registration_id, nonce=nonce,
                                 operator=operator, scanner_link=scanner_link, device=device,
                                 reason=reason, now=now, slot_valid=slot_valid)
            if signature is not None and row.result == OK and kind == "entry":
                signature.checkin_id = row.id
                db.session.add(signature)
            answer = _answer(row)
    except IntegrityError as error:
        return _nonce_race(nonce, error)
    return answer


def record_checkin(session_id, *, kind="entry", method, code=None, registration_id=None,
                   nonce=None, operator=None, scanner_link=None, device="", reason="",
                   now=None, slot_valid=None):
    """perform_checkin()'s ordered checks and its one Checkin row, inside the caller's
    write transaction (perform_checkin, walk_in); returns the row, flushed."""
    session = db.session.get(EventSession, session_id)
    if session is None:
        raise DomainError("not_found")
    code = _printable(code)
    now = now or utcnow()
    row = Checkin(session_id=session.id, kind=kind, method=method, at=now,
                  operator_id=getattr(operator, "id", None),
                  scanner_link_id=getattr(scanner_link, "id", None),
                  device=(device or "")[:120], nonce=nonce, reason=(reason or "")[:200],
                  scanned=(code or "")[:200])
    registration, refusal = _identify(session, code, registration_id)
    if registration is not None:
        registration = lock(Registration, registration.id)
        row.registration_id = registration.id
    if refusal is None:
        row.result, row.code = decide(
            session, kind, method, now, event_status=session.event.status,
            registration_status=registration.status,
            state=attendance.checkin_state(session.id, registration.id), slot_valid=slot_valid)
    else:
        row.result, row.code = REFUSED, refusal
    row.late = row.result == OK and kind == "entry" and attendance.is_late(session, now, method)
    db.session.add(row)
    db.session.flush()
    if method in ("manual", "backfill"):
        record(operator, f"checkin.{method}", row, session_id=session.id,
               registration_id=row.registration_id, kind=kind, result=row.result,
               reason=row.reason)
    return row


def _clean_nonce(nonce):
    return _printable(nonce).strip()[:64] or None


def _seen(nonce, session_id):
    """The row a nonce already wrote (a scanner resending), or None."""
    if not nonce:
        return None
    seen = db.session.scalar(db.select(Checkin).filter_by(nonce=nonce))
    if seen is not None and seen.session_id != session_id:  # a client reusing ids across sessions
        raise DomainError("bad_request")
    return seen


def _nonce_race(nonce, error):
    """The same nonce arrived twice at once: the first one's answer stands."""
    seen = db.session.scalar(db.select(Checkin).filter_by(nonce=nonce)) if nonce else None
    if seen is None:
        raise error
    return _answer(seen)


def _printable(text):
    """Scanned text without control characters (a NUL byte cannot be stored)."""
    return "".join(ch for ch in (text or "") if ch.isprintable())


def _identify(session, code, registration_id):
    """(registration, refusal code) for the person being checked in."""
    if registration_id is not None:
        registration = db.session.get(Registration, registration_id)
        if registration is None:
            return None, "unknown_ticket"
    else:
        parsed = parse_ticket_code(code)
        ticket = parsed and db.session.scalar(db.select(Ticket).filter_by(code=parsed))
        if not ticket:
            return None, "unknown_ticket"
        registration = ticket.registration
    if registration.event_id != session.event_id:
        return registration, "wrong_event"
    return registration, None


def decide(session, kind, method, now, *, event_status, registration_status, state,
           slot_valid=None):
    """(result, code) for an identified registration of the session's event: the ordered
    checks after unknown_ticket and wrong_event. ``state`` is attendance.checkin_state()
    (on_leave, entered_at, exited_at), read with the registration locked; ``session`` needs
    starts_at and ends_at only. perform_checkin and the scan API's scan_ticket both ask it."""
    if event_status == "cancelled":
        refusal = "event_cancelled"
    elif registration_status != "confirmed":
        refusal = "not_confirmed"
    elif kind == "entry" and state.on_leave:
        refusal = "on_leave"
    else:
        refusal = _timing(session, method, now) or _check_state(kind, state)
    if refusal is None and slot_valid is False:
        refusal = "expired_code"
    if refusal is None:
        return OK, None
    if refusal in ("already_checked_in", "already_checked_out"):
        return DUPLICATE, refusal
    return REFUSED, refusal


def _timing(session, method, now):
    """When a check-in may happen: inside the check-in window; a back-fill (补录 from a
    paper list) after the window too, but never before the session has started."""
    if method == "backfill":
        return None if backfill_open(session, now) else "backfill_not_started"
    opens, closes = checkin_window(session)
    if now < opens:
        return "not_open"
    if now > closes:
        return "closed"
    return None


def _check_state(kind, state):
    """An entry once; an exit only after an entry, and once."""
    if kind == "entry":
        return "already_checked_in" if state.entered_at is not None else None
    if state.entered_at is None:
        return "not_checked_in"
    return "already_checked_out" if state.exited_at is not None else None


# ---------------------------------------------------- rotating slot codes

def _slot(now_ts, period):
    return int(now_ts // period)


def slot_code(session_id, slot, kind="entry"):
    """The code of one time slot; the check-in and check-out screens have different codes."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"self-checkin:{session_id}:{kind}:{slot}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return "".join(TICKET_ALPHABET[b % len(TICKET_ALPHABET)] for b in digest[:8])


def current_slot_code(session_id, now_ts=None, kind="entry"):
    """The code to show now, and seconds until it changes."""
    period = current_app.config["SELF_CHECKIN_PERIOD"]
    now_ts = time.time() if now_ts is None else now_ts
    slot = _slot(now_ts, period)
    return slot_code(session_id, slot, kind), period - (now_ts - slot * period)


def slot_code_valid(session_id, code, now_ts=None, kind="entry"):
    """The current and the previous slot are accepted (a code is good for 15–30 s)."""
    period = current_app.config["SELF_CHECKIN_PERIOD"]
    now_ts = time.time() if now_ts is None else now_ts
    slot = _slot(now_ts, period)
    code = (code or "").upper()
    return any(hmac.compare_digest(slot_code(session_id, s, kind), code) for s in (slot, slot - 1))


def self_checkin(member, session_id, code, kind="entry", now=None, now_ts=None):
    """A member who opened the rotating QR's URL checks themself in (or out)."""
    session = db.session.get(EventSession, session_id)
    if session is None:
        raise DomainError("not_found")
    registration = db.session.scalar(
        db.select(Registration).where(
            Registration.event_id == session.event_id, Registration.member_id == member.id,
            Registration.status.in_(("confirmed", "pending", "waitlisted")))
    )
    if registration is None:
        return _refuse_without_row("not_registered", None)
    return perform_checkin(session_id, kind=kind, method="self_scan",
                           registration_id=registration.id, operator=member, now=now,
                           slot_valid=slot_code_valid(session_id, code, now_ts, kind))


def _refuse_without_row(code, registration):
    return ScanResult(REFUSED, code, message_for(code), _member_json(registration))


# ------------------------------------------------------------ walk-ins

def walk_in(operator, session_id, member_id, nonce=None, device="", now=None):
    """Check in someone not on the list as 列席 (if the event allows it): a member in the
    operator's own scope, the same people the walk-in search finds.

    One transaction: the walk-in registration (or the confirmation of a pending or
    waitlisted one) and the check-in stand or fall together, so a refused walk-in
    (签到还没开始, 已请假 ...) raises its DomainError and writes nothing at all."""
    session = db.session.get(EventSession, session_id)
    member = db.session.get(Member, member_id)
    if session is None or member is None or not member.active:
        raise DomainError("not_found")
    if operator is not None and not can_see_member(operator, member):
        raise DomainError("forbidden")
    event = session.event
    if not event.allow_walk_in:
        raise DomainError("walk_in_not_allowed")
    nonce = _clean_nonce(nonce)
    seen = _seen(nonce, session.id)
    if seen is not None:
        return _answer(seen)
    try:
        with write_transaction():
            lock(Event, event.id)
            registration = _walk_in_registration(operator, event, member)
            row = record_checkin(session.id, method="manual", registration_id=registration.id,
                                 operator=operator, nonce=nonce, device=device, now=now)
            if row.result == REFUSED:
                raise DomainError(row.code)
            answer = _answer(row)
    except IntegrityError as error:
        return _nonce_race(nonce, error)
    return answer


def _walk_in_registration(operator, event, member):
    """The member's registration to check in on, inside walk_in()'s transaction: their own
    confirmed one, a pending or waitlisted one confirmed, or a new walk-in registration."""
    registration = db.session.scalar(
        db.select(Registration).where(
            Registration.event_id == event.id, Registration.member_id == member.id,
            Registration.status.in_(("pending", "confirmed", "waitlisted"))))
    if registration is None:
        registration = Registration(event_id=event.id, member_id=member.id,
                                    status="confirmed", source="walk_in",
                                    branch_id=member.branch_id,
                                    registered_by_id=getattr(operator, "id", None))
        db.session.add(registration)
        db.session.flush()
        record(operator, "registration.walk_in", registration, event_id=event.id,
               member_id=member.id)
    elif registration.status != "confirmed":
        record(operator, "registration.walk_in", registration, event_id=event.id,
               member_id=member.id, status=[registration.status, "confirmed"])
        registration.status = "confirmed"
        db.session.flush()
    return registration


def walk_in_guest(operator, session_id, name, unit, phone="", nonce=None, now=None):
    """Check in a guest who is not on the roster (来宾: name, unit, phone optional) as 列席,
    if the event allows walk-ins and check-in is open. One WalkInGuest row per guest and
    session: the same name and unit again is answered as a duplicate with the first
    time; a refusal raises its DomainError and writes nothing. Guests are counted as 列席
    only: never 应到, the rate or a branch's numbers (attendance.guest_count)."""
    name, unit = clean_name(name)[:50], clean_text(unit)[:100]
    phone = normalize_phone(phone)
    if not name:
        raise DomainError("guest_name_required", field="name")
    if not unit:
        raise DomainError("guest_unit_required", field="unit")
    if phone and not is_valid_phone(phone):
        raise DomainError("guest_phone_invalid", field="phone")
    session = db.session.get(EventSession, session_id)
    if session is None:
        raise DomainError("not_found")
    event = session.event
    if operator is not None and not can_manage(operator, event):
        raise DomainError("forbidden")
    if not event.allow_walk_in:
        raise DomainError("walk_in_not_allowed")
    nonce = _clean_nonce(nonce)
    try:
        with write_transaction():
            lock(Event, event.id)
            if nonce:
                seen = db.session.scalar(db.select(WalkInGuest).filter_by(nonce=nonce))
                if seen is not None:
                    return _guest_answer(seen, OK)
            now = now or utcnow()
            refusal = ("event_cancelled" if event.status == "cancelled"
                       else _timing(session, "manual", now))
            if refusal is not None:
                raise DomainError(refusal)
            first = db.session.scalar(
                db.select(WalkInGuest).where(WalkInGuest.session_id == session.id,
                                             WalkInGuest.name == name, WalkInGuest.unit == unit)
                .order_by(WalkInGuest.at, WalkInGuest.id).limit(1))
            if first is not None:
                return _guest_answer(first, DUPLICATE)
            guest = WalkInGuest(session_id=session.id, name=name, unit=unit, phone=phone,
                                at=now, operator_id=getattr(operator, "id", None), nonce=nonce)
            db.session.add(guest)
            db.session.flush()
            record(operator, "checkin.guest", guest, session_id=session.id, name=name,
                   unit=unit)
            answer = _guest_answer(guest, OK)
    except IntegrityError as error:  # the same nonce twice at once
        seen = db.session.scalar(db.select(WalkInGuest).filter_by(nonce=nonce)) if nonce else None
        if seen is None:
            raise error
        return _guest_answer(seen, OK)
    return answer


def _guest_answer(guest, result):
    if result == DUPLICATE:
        code = "already_checked_in"
        message = message_for(code, first=format_local(guest.at, "%H:%M"))
        return ScanResult(result, code, message, {"name": guest.name, "branch": guest.unit},
                          at=guest.at, first_at=guest.at)
    return ScanResult(OK, None, message_for("checkin_ok"),
                      {"name": guest.name, "branch": guest.unit}, at=guest.at)


# --------------------------------------------------------- scanner links

def _hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def create_scanner_link(actor, event, label, hours_valid=12, now=None):
    """A link a volunteer's phone opens to scan for this event; returns (link, token)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(18)
    with write_transaction():
        link = ScannerLink(event_id=event.id, token_hash=_hash_token(token),
                           label=(label or "").strip()[:100] or "签到志愿者",
                           created_by_id=actor.id, created_at=now,
                           expires_at=now + timedelta(hours=hours_valid))
        db.session.add(link)
        db.session.flush()
        record(actor, "scanner_link.create", link, event_id=event.id, label=link.label,
               expires_at=link.expires_at.isoformat())
    return link, token


def scanner_link_for(token, now=None):
    """The valid link for ``token``, or raise scanner_link_invalid."""
    link = db.session.scalar(db.select(ScannerLink).filter_by(token_hash=_hash_token(token or "")))
    if link is None or not link.is_valid(now or utcnow()):
        raise DomainError("scanner_link_invalid")
    return link


def scanner_link_by_id(link_id, now=None):
    """The valid link with this id (kept in a volunteer's session), or raise scanner_link_invalid."""
    link = db.session.get(ScannerLink, link_id) if link_id else None
    if link is None or not link.is_valid(now or utcnow()):
        raise DomainError("scanner_link_invalid")
    return link


def scanner_links(event_id):
    """The scanner links of an event, newest first."""
    return db.session.scalars(
        db.select(ScannerLink).where(ScannerLink.event_id == event_id)
        .order_by(ScannerLink.created_at.desc(), ScannerLink.id.desc())).all()


def scanner_link_of(event_id, link_id):
    """The link ``link_id`` if it belongs to event ``event_id``, else None."""
    link = db.session.get(ScannerLink, link_id) if link_id else None
    return link if link is not None and link.event_id == event_id else None


def revoke_scanner_link(actor, link, now=None):
    with write_transaction():
        link = lock(ScannerLink, link.id)
        if link.revoked_at is not None:
            return  # already revoked: the first time stands
        link.revoked_at = now or utcnow()
        record(actor, "scanner_link.revoke", link, event_id=link.event_id)
