"""Who may scan for a session, and the expected-member search of the scanner page.

One rule, used by the scanner pages (app/checkin/views.py) and the JSON API
(app/api/views.py) alike:

* a logged-in staff member who may manage the event (events.service.can_manage), or
* a phone that opened a scanner link (/checkin/link/<token>) for this event: the
  link's id is kept in the Flask session and the link row is checked again on every
  request, so a revoked or expired link stops at once.

Anything else is refused with a DomainError whose http_status the pages and the API
answer with: 401 login_required (nobody), 403 forbidden (a member, or staff of another
branch), 403 scanner_link_invalid (the link was revoked or has expired), 403
scanner_link_other_event, 404 not_found, and 409 event_cancelled for a check-in.

The search of the expected list follows org/search.py: staff search inside their own
scope, a scanner link inside the session's expected list, phones masked for both.
"""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import current_app
from flask import session as flask_session
from flask_login import current_user
from itsdangerous import BadData, URLSafeSerializer

from app.errors import DomainError
from app.events.models import Event, EventSession
from app.events.service import can_manage
from app.extensions import db
from app.org import search as member_search
from app.org.models import Branch, Member, mask_phone
from app.timeutil import utcnow
from app.web import search_rate_limit, searcher_key

from . import attendance
from .models import ScannerLink

MAX_AGE_SECONDS = 24 * 3600  # a queued scan is dated back at most one day
LINKS_KEY = "scanner_link_ids"  # ids of the scanner links this browser opened, newest last
MAX_LINKS = 5
SEARCH_LIMIT = 20


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

    @property
    def searcher(self):
        """Whose search rule applies: the operator's, or a scanner link's."""
        return self.operator if self.link is None else member_search.SCANNER_LINK


# ------------------------------------------------------------------ links

def remember_link(link):
    """Keep ``link`` in this browser's session (a phone may hold links for a few events)."""
    ids = [i for i in flask_session.get(LINKS_KEY, []) if i != link.id]
    flask_session[LINKS_KEY] = (ids + [link.id])[-MAX_LINKS:]
    # WeChat's webview drops session cookies when it is closed: keep this one.
    flask_session.permanent = True


def forget_links():
    flask_session.pop(LINKS_KEY, None)


def scanner_link_ids():
    """The ids of the scanner links this browser opened (not checked: see link_for_event)."""
    return [i for i in flask_session.get(LINKS_KEY) or [] if isinstance(i, int)]


def _links_in_session():
    ids = scanner_link_ids()
    if not ids:
        return []
    return db.session.scalars(db.select(ScannerLink).where(ScannerLink.id.in_(ids))).all()


def link_for_event(event, now=None):
    """The valid scanner link this browser holds for ``event``; None when it holds none
    at all. Raises a DomainError when it holds links, but none that is valid here."""
    links = _links_in_session()
    if not links:
        return None
    now = now or utcnow()
    for_event = [link for link in links if link.event_id == event.id]
    for link in for_event:
        if link.is_valid(now):
            return link
    if for_event:
        raise DomainError("scanner_link_invalid", http_status=403)
    if not any(link.is_valid(now) for link in links):
        raise DomainError("scanner_link_invalid", http_status=403)
    raise DomainError("scanner_link_other_event", http_status=403,
                      event=next(link for link in links if link.is_valid(now)).event.title)


def valid_links(now=None):
    """The valid links this browser holds (for the landing page after opening one)."""
    now = now or utcnow()
    return [link for link in _links_in_session() if link.is_valid(now)]


# ------------------------------------------------------------------ access

def event_access(event, session=None, now=None):
    """Who may scan for ``event`` (and ``session``), or raise a DomainError."""
    if current_user.is_authenticated and can_manage(current_user, event):
        return ScanAccess(event, session, operator=current_user._get_current_object())
    link = link_for_event(event, now)  # raises for a revoked or expired link
    if link is not None:
        return ScanAccess(event, session, link=link)
    if current_user.is_authenticated:
        raise DomainError("forbidden", http_status=403)
    raise DomainError("login_required", http_status=401)


def scan_access(session_id, write=False, now=None):
    """Who may scan for session ``session_id``. ``write=True`` for a check-in: refused
    for a cancelled event too (perform_checkin does not look at the event's status)."""
    session = db.session.get(EventSession, session_id)
    if session is None:
        raise DomainError("not_found")
    access = event_access(session.event, session, now)
    if write and session.event.status == "cancelled":
        raise DomainError("event_cancelled", http_status=409)
    return access


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_scanned(text):
    """What a scanner read, safe to store: a foreign QR may hold control characters, and
    PostgreSQL refuses NUL in text (perform_checkin would fail with a 500)."""
    return _CONTROL.sub("\ufffd", text or "").strip()


# ------------------------------------------------------------------ when a scan happened

def _opened_serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="scanner-opened")


def opened_token(session_id, now=None):
    """A token the scanner page carries, signed by the server: this session's scanner
    was opened at ``now``. Every scan sends it back (a queued one too)."""
    return _opened_serializer().dumps([session_id, int((now or utcnow()).timestamp())])


def _opened_at(token, session_id):
    """When the scanner page of ``session_id`` was opened, per its signed token; None
    for a missing, forged or other session's token."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    try:
        signed_session, opened = _opened_serializer().loads(token)
    except (BadData, TypeError, ValueError):
        return None
    if signed_session != session_id or not isinstance(opened, int):
        return None
    return datetime.fromtimestamp(opened, timezone.utc)


def scan_time(session_id, age, opened, now=None):
    """When a scan happened: ``age`` seconds before it arrived (a scan that waited in the
    phone's offline queue), measured on the phone's own clock, so a wrong clock does not
    matter. Never earlier than the moment the scanner page was opened (``opened``, the
    token of opened_token()): a scanner cannot date a late arrival back to before it
    was there. Without a valid token the scan is dated when it arrives. None: now.
    Whether that time falls in the session's check-in window, perform_checkin decides."""
    if not age:
        return None
    opened_at = _opened_at(opened, session_id)
    if opened_at is None:
        return None
    now = now or utcnow()
    return min(now, max(now - timedelta(seconds=min(age, MAX_AGE_SECONDS)), opened_at))


# ------------------------------------------------------------------ search

def search_key():
    """Who is searching, for the rate limit: the logged-in member, else the scanner links
    this browser holds (volunteers behind one Wi-Fi share an address), else the address."""
    ids = [i for i in flask_session.get(LINKS_KEY) or [] if isinstance(i, int)]
    if ids and not current_user.is_authenticated:
        return "links:" + ",".join(map(str, sorted(ids)))
    return searcher_key()


def search_limited():
    """The rate limit of the scanner's search (page and API): SEARCH_RATE_LIMIT per searcher."""
    return search_rate_limit(search_key)


def expected_members(access, q, limit=SEARCH_LIMIT):
    """Confirmed registrations of the session's event (walk-ins too) whose member matches
    ``q`` by the rule of org/search.py for who is scanning, not yet checked in first.

    Returns (rows, more): rows are dicts for the scanner; phones are always masked.
    Raises DomainError("search_phone_digits") for a phone searched by digits this
    searcher may not use."""
    q = clean_scanned(q)[:50].replace("\ufffd", "")
    if not q:
        return [], False
    problem = member_search.query_problem(access.searcher, q)
    if problem is not None:
        raise problem
    rows = attendance.attendance_rows(sessions=[access.session.id])
    query = (db.select(rows.c.registration_id, rows.c.source, rows.c.entry_at, rows.c.exit_at,
                       rows.c.on_leave, rows.c.backfilled, Member.name, Member.phone,
                       Branch.name.label("branch"))
             .select_from(rows)
             .join(Member, Member.id == rows.c.member_id)
             .join(Branch, Branch.id == rows.c.branch_id))
    query = member_search.search_members(access.searcher, q, query,
                                         branch_column=rows.c.branch_id)
    found = db.session.execute(
        query.order_by(sa.case((rows.c.entry_at.is_(None), 0), else_=1), Member.name,
                       rows.c.registration_id)
        .limit(limit + 1)).all()
    items = [{
        "registration_id": row.registration_id,
        "name": row.name,
        "branch": row.branch,
        "phone": mask_phone(row.phone),
        "checked_in": row.entry_at is not None,
        "checked_in_at": row.entry_at.isoformat() if row.entry_at else None,
        "checked_out": row.exit_at is not None,
        "backfilled": bool(row.backfilled),
        "on_leave": bool(row.on_leave),
        "walk_in": row.source == "walk_in",
    } for row in found[:limit]]
    return items, len(found) > limit
