"""我的学习档案: one member's learning record for a year, read in a fixed handful of
statements whatever the number of events (tests/test_stats_records.py pins them).

- 学时 of the year against the yearly target (``targets.target_hours`` of the member's
  group): the sessions that took place in that (local) year, so a class across New Year
  splits between the two years (``attendance.sessions_in_year``).
- One line per session of the year that has started, of the member's confirmed
  registrations (walk-ins included), with the status word of the printed reports
  (``checkin.reports.status_word``: 出席, 迟到, 早退, 请假, 缺席, 列席, （补录）, （未签退）)
  and the 学时 it earned; every flag comes from ``attendance.attendance_rows``.
- The member's corrections (申诉) per session and whether one may be asked.
- Certificates issued that year, and the registrations still to come.

``member_record(member, year, now=None)`` → Record; ``parse_year(text)``; ``may_view``.
"""
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

import sqlalchemy as sa

from app.certificates.models import Certificate
from app.checkin import attendance
from app.checkin.reports import status_word
from app.corrections.models import Correction
from app.errors import DomainError
from app.events.constants import EVENT_KINDS
from app.events.models import Event, EventSession
from app.extensions import db
from app.org.scope import can_see_member, is_staff
from app.registration.constants import ACTIVE_STATUSES
from app.registration.models import Registration
from app.timeutil import to_local, utcnow

from . import targets

MIN_YEAR, MAX_YEAR = 2000, 2100


def this_year(now=None):
    return to_local(now or utcnow()).year


def parse_year(text, now=None, strict=False):
    """The year of ``?year=``: four ASCII digits between MIN_YEAR and MAX_YEAR; this
    (local) year when missing (a page: also when empty or blank). ``strict`` (the API, as
    its document says): a value given must be the four digits exactly, no spaces. Raises
    DomainError("record_bad_year", field="year")."""
    if text is None:
        return this_year(now)
    if not strict:
        text = text.strip()
        if not text:
            return this_year(now)
    if not (len(text) == 4 and text.isascii() and text.isdigit()
            and MIN_YEAR <= int(text) <= MAX_YEAR):
        raise DomainError("record_bad_year", field="year", min=MIN_YEAR, max=MAX_YEAR)
    return int(text)


def may_view(actor, member):
    """A member their own record; staff the records of members they see (org.scope)."""
    return actor.id == member.id or (is_staff(actor) and can_see_member(actor, member))


@dataclass
class Line:
    """One session of the year: what the member did there and what it earned."""

    registration_id: int
    session_id: int
    event_id: int
    event_title: str
    event_kind: str
    session_title: str
    starts_at: datetime
    ends_at: datetime
    credit_hours: float
    hours: float
    state: str          # present, late, left_early, on_leave, absent, walk_in
    word: str           # the reports' status word
    backfilled: bool
    correction: Correction | None = None
    can_ask: bool = False

    @property
    def kind_label(self):
        return EVENT_KINDS.get(self.event_kind, self.event_kind)

    @property
    def counted(self):
        return self.state not in ("on_leave", "absent")


@dataclass
class Record:
    member: object
    year: int
    hours: float
    target: float
    group: str
    lines: list = field(default_factory=list)
    certificates: list = field(default_factory=list)
    upcoming: list = field(default_factory=list)

    @property
    def remaining(self):
        return max(0.0, round(self.target - self.hours, 2))

    @property
    def reached(self):
        return self.hours >= self.target

    @property
    def progress(self):
        """Share of the target reached, 0–1 (a full bar once reached)."""
        return 1.0 if not self.target else min(1.0, self.hours / self.target)

    def count(self, *states):
        return sum(1 for line in self.lines if line.state in states)

    @property
    def pending_corrections(self):
        return [line for line in self.lines
                if line.correction is not None and line.correction.status == "pending"]


def _state(row):
    if row.on_leave:
        return "on_leave"
    if row.absent:
        return "absent"
    if row.walk_in:
        return "walk_in"
    if row.late:
        return "late"  # late and gone early too: the status word says both
    if row.left_early:
        return "left_early"
    return "present"


def year_lines(member_id, year, now=None):
    """([Line], 学时 of the year): the sessions of ``year`` that have started (or where the
    member already checked in), newest first, and the sum of their credit hours, in one
    statement. Every credited row (a confirmed entry) is among these lines, so the sum is
    the year's 学时 (attendance.hours_by_member's, narrowed to the member's registrations)."""
    now = now or utcnow()
    mine = sa.select(Registration.id).where(Registration.member_id == member_id)
    rows = attendance.attendance_rows(sessions=attendance.sessions_in_year(year),
                                      registrations=mine)
    query = (sa.select(rows, EventSession.title.label("session_title"),
                       EventSession.ends_at, EventSession.checkout_required,
                       EventSession.credit_hours.label("session_hours"),
                       Event.title.label("event_title"), Event.kind.label("event_kind"),
                       Event.status.label("event_status"),
                       sa.func.sum(rows.c.credit_hours).over().label("year_hours"))
             .join(EventSession, EventSession.id == rows.c.session_id)
             .join(Event, Event.id == rows.c.event_id)
             .where(sa.or_(rows.c.expected == 1, rows.c.walk_in == 1),
                    # started, or checked in already (check-in opens before the start)
                    sa.or_(rows.c.starts_at <= now, rows.c.entry_at.is_not(None)))
             .order_by(rows.c.starts_at.desc(), rows.c.session_id.desc()))
    lines, total = [], 0.0
    for row in db.session.execute(query):
        total = float(row.year_hours or 0)
        shape = SimpleNamespace(starts_at=row.starts_at, checkout_required=row.checkout_required)
        line = Line(row.registration_id, row.session_id, row.event_id, row.event_title,
                    row.event_kind, row.session_title or "", row.starts_at, row.ends_at,
                    float(row.session_hours or 0), float(row.credit_hours or 0), _state(row),
                    status_word(row, shape, now), bool(row.backfilled))
        line.can_ask = bool(row.absent) and row.event_status != "cancelled"
        lines.append(line)
    return lines, total


def _attach_corrections(member_id, lines):
    if not lines:
        return
    found = db.session.scalars(
        sa.select(Correction).where(Correction.member_id == member_id,
                                    Correction.session_id.in_({ln.session_id for ln in lines}))
        .order_by(Correction.id)).all()
    latest = {(c.registration_id, c.session_id): c for c in found}
    for line in lines:
        line.correction = latest.get((line.registration_id, line.session_id))
        if line.correction is not None and line.correction.status in ("pending", "accepted"):
            line.can_ask = False


def _certificates(member_id, year):
    start, end = attendance.year_bounds(year)
    return db.session.scalars(
        sa.select(Certificate).where(Certificate.member_id == member_id,
                                     Certificate.revoked_at.is_(None),
                                     Certificate.issued_at >= start, Certificate.issued_at < end)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())).all()


def upcoming(member_id, now=None):
    """[(registration, next session start)] of active registrations with a session still
    to come, soonest first: one statement."""
    now = now or utcnow()
    next_start = sa.func.min(EventSession.starts_at).label("next_start")
    query = (sa.select(Registration, next_start)
             .join(Event, Event.id == Registration.event_id)
             .join(EventSession, EventSession.event_id == Event.id)
             .where(Registration.member_id == member_id,
                    Registration.status.in_(ACTIVE_STATUSES),
                    Event.status == "published", EventSession.starts_at > now)
             .group_by(Registration.id)
             .order_by(next_start, Registration.id)
             .options(sa.orm.joinedload(Registration.event)))
    return [(registration, when) for registration, when in db.session.execute(query).unique()]


def member_record(member, year, now=None):
    """The Record of ``member`` for ``year`` (see the module docstring)."""
    now = now or utcnow()
    lines, hours = year_lines(member.id, year, now)
    _attach_corrections(member.id, lines)
    hours = round(hours, 2)
    group = targets.group_of(member)
    return Record(member=member, year=year, hours=hours,
                  target=float(targets.target_hours(year, group)), group=group, lines=lines,
                  certificates=_certificates(member.id, year), upcoming=upcoming(member.id, now))


def _iso(value):
    return value.isoformat() if value is not None else None


def record_json(record):
    """The Record as the API answers it (GET /api/v1/stats/members/<id>)."""
    member = record.member
    return {
        "member": {"id": member.id, "name": member.name, "branch": member.branch.name},
        "year": record.year, "group": record.group, "hours": record.hours,
        "target": record.target, "remaining": record.remaining, "reached": record.reached,
        "sessions": [{
            "registration_id": line.registration_id, "event_id": line.event_id,
            "event": line.event_title, "kind": line.event_kind, "session_id": line.session_id,
            "session": line.session_title, "starts_at": _iso(line.starts_at),
            "ends_at": _iso(line.ends_at), "status": line.state, "status_label": line.word,
            "hours": line.hours, "credit_hours": line.credit_hours,
            "backfilled": line.backfilled,
            "correction": None if line.correction is None else {
                "id": line.correction.id, "status": line.correction.status},
        } for line in record.lines],
        "certificates": [{"id": c.id, "kind": c.kind, "serial": c.serial,
                          "event": (c.snapshot or {}).get("event", "")}
                         for c in record.certificates],
        "upcoming": [{"registration_id": r.id, "event_id": r.event_id, "event": r.event.title,
                      "status": r.status, "next_start": _iso(when)}
                     for r, when in record.upcoming],
    }
