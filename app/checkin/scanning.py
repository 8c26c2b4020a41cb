"""Who may scan for a session, and the expected-member search of the scanner page.

One rule, used by the scanner pages (app/checkin/views.py) and the JSON API
(app/api/views.py) alike:

* a logged-in staff member who may manage the event (events.service.can_manage), or
* a phone that opened a scanner link (/checkin/link/<token>) for this event: the
  link's id is kept in the Flask session and the link row is checked again on every
  request, so a revoked or expired link stops at once.

Anything else is refused with a stable code: 401 login_required (nobody), 403
forbidden (a member, or staff of another branch), 403 scanner_link_invalid (the
link was revoked or has expired), 403 scanner_link_other_event, 404 not_found.
"""
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import session as flask_session
from flask_login import current_user

from app.errors import message_for
from app.events.models import Event, EventSession
from app.events.service import can_manage
from app.extensions import db
from app.org.models import Branch, Member, mask_phone
from app.registration.models import Leave, Registration
from app.timeutil import utcnow

from .models import Checkin, ScannerLink

LINKS_KEY = "scanner_link_ids"  # ids of the scanner links this browser opened, newest last
MAX_LINKS = 5
SEARCH_LIMIT = 20


class ScanDenied(Exception):
    """Not allowed to scan here: ``status`` is the HTTP status, ``code`` a message code."""

    def __init__(self, status, code, **params):
        super().__init__(code)
        self.status = status
        self.code = code
        self.params = params

    @property
    def message(self):
        return message_for(self.code, **self.params)


@dataclass
class ScanAccess:
    """Who is scanning: ``operator`` (a staff member) or ``link`` (a scanner link)."""

    event: Event
    session: EventSession | None = None
    operator: Member | None = None
    link: ScannerLink | None = None

    @property
    def via_link(self):
        return self.link is not None

    def checkin_kwargs(self):
        """operator= and scanner_link= for perform_checkin()."""
        return {"operator": self.operator, "scanner_link": self.link}


# ------------------------------------------------------------------ links

def remember_link(link):
    """Keep ``link`` in this browser's session (a phone may hold links for a few events)."""
    ids = [i for i in flask_session.get(LINKS_KEY, []) if i != link.id]
    flask_session[LINKS_KEY] = (ids + [link.id])[-MAX_LINKS:]
    # WeChat's webview drops session cookies when it is closed: keep this one.
    flask_session.permanent = True


def forget_links():
    flask_session.pop(LINKS_KEY, None)


def _links_in_session():
    ids = flask_session.get(LINKS_KEY) or []
    ids = [i for i in ids if isinstance(i, int)]
    if not ids:
        return []
    return db.session.scalars(db.select(ScannerLink).where(ScannerLink.id.in_(ids))).all()


def link_for_event(event, now=None):
    """The valid scanner link this browser holds for ``event``; None when it holds none
    at all. Raises ScanDenied when it holds links, but none that is valid here."""
    links = _links_in_session()
    if not links:
        return None
    now = now or utcnow()
    for_event = [link for link in links if link.event_id == event.id]
    for link in for_event:
        if link.is_valid(now):
            return link
    if for_event:
        raise ScanDenied(403, "scanner_link_invalid")
    if not any(link.is_valid(now) for link in links):
        raise ScanDenied(403, "scanner_link_invalid")
    raise ScanDenied(403, "scanner_link_other_event",
                     event=next(link for link in links if link.is_valid(now)).event.title)


def valid_links(now=None):
    """The valid links this browser holds (for the landing page after opening one)."""
    now = now or utcnow()
    return [link for link in _links_in_session() if link.is_valid(now)]


# ------------------------------------------------------------------ access

def event_access(event, session=None, now=None):
    """Who may scan for ``event`` (and ``session``), or raise ScanDenied."""
    if current_user.is_authenticated and can_manage(current_user, event):
        return ScanAccess(event, session, operator=current_user._get_current_object())
    link = link_for_event(event, now)  # raises for a revoked or expired link
    if link is not None:
        return ScanAccess(event, session, link=link)
    if current_user.is_authenticated:
        raise ScanDenied(403, "forbidden")
    raise ScanDenied(401, "login_required")


def scan_access(session_id, write=False, now=None):
    """Who may scan for session ``session_id``. ``write=True`` for a check-in: refused
    for a cancelled event too (perform_checkin does not look at the event's status)."""
    session = db.session.get(EventSession, session_id)
    if session is None:
        raise ScanDenied(404, "not_found")
    access = event_access(session.event, session, now)
    if write and session.event.status == "cancelled":
        raise ScanDenied(409, "checkin_event_cancelled")
    return access


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_scanned(text):
    """What a scanner read, safe to store: a foreign QR may hold control characters, and
    PostgreSQL refuses NUL in text (perform_checkin would fail with a 500)."""
    return _CONTROL.sub("\ufffd", text or "").strip()


# ------------------------------------------------------------------ search

def _ok_times(session_id, kind):
    return (db.select(Checkin.registration_id, sa.func.min(Checkin.at).label("at"))
            .where(Checkin.session_id == session_id, Checkin.kind == kind,
                   Checkin.result == "ok")
            .group_by(Checkin.registration_id).subquery())


def expected_members(session, q, limit=SEARCH_LIMIT):
    """Confirmed registrations of the session's event whose member matches ``q`` (part
    of the name, or the last digits of the phone), not yet checked in first.

    Returns (rows, more): rows are dicts for the scanner; phones are always masked."""
    q = clean_scanned(q)[:50].replace("\ufffd", "")
    if not q:
        return [], False
    if q.isdigit():
        match = (Member.phone.endswith(q, autoescape=True) if len(q) <= 4
                 else Member.phone.contains(q, autoescape=True))
    else:
        match = Member.name.contains(q, autoescape=True)
    entered, exited = _ok_times(session.id, "entry"), _ok_times(session.id, "exit")
    leave = (db.select(Leave.registration_id)
             .where(Leave.status == "approved",
                    sa.or_(Leave.session_id.is_(None), Leave.session_id == session.id))
             .distinct().subquery())
    rows = db.session.execute(
        db.select(Registration.id, Registration.source, Member.name, Member.phone,
                  Branch.name, entered.c.at, exited.c.at, leave.c.registration_id)
        .join(Member, Member.id == Registration.member_id)
        .join(Branch, Branch.id == Registration.branch_id)
        .outerjoin(entered, entered.c.registration_id == Registration.id)
        .outerjoin(exited, exited.c.registration_id == Registration.id)
        .outerjoin(leave, leave.c.registration_id == Registration.id)
        .where(Registration.event_id == session.event_id, Registration.status == "confirmed",
               match)
        .order_by(sa.case((entered.c.at.is_(None), 0), else_=1), Member.name, Registration.id)
        .limit(limit + 1)
    ).all()
    items = [{
        "registration_id": reg_id,
        "name": name,
        "branch": branch,
        "phone": mask_phone(phone),
        "checked_in": entry_at is not None,
        "checked_in_at": entry_at.isoformat() if entry_at else None,
        "checked_out": exit_at is not None,
        "on_leave": leave_id is not None,
        "walk_in": source == "walk_in",
    } for reg_id, source, name, phone, branch, entry_at, exit_at, leave_id in rows[:limit]]
    return items, len(rows) > limit
