"""The period and filters of a statistics page or API call, parsed from the query string.

``parse_filters(args)`` reads ``from``, ``to`` (local days, YYYY-MM-DD, both included),
``kind`` (an event kind) and ``event`` (an event id) and returns a ``Filters``; a bad
value raises DomainError with a Chinese message and the field it belongs to (400 in the
API). Missing dates default to this local year. On pages an empty value is the same as a
missing one; the API (``strict=True``) refuses it. Whether the event is in the visitor's
scope is the caller's business (stats/access.py), not this module's.

A Period knows the UTC instants it spans (sessions count where they took place, in
APP_TIMEZONE) and the years it touches (the yearly hours targets).
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.errors import DomainError
from app.events.constants import EVENT_KINDS
from app.events.models import Event, EventSession
from app.org.memberships import today
from app.timeutil import local_zone

# Years a date may name: outside them it is a typo (20266-01-01, 0001-01-01).
FIRST_YEAR, LAST_YEAR = 2000, 2099
# The longest period a table covers: ten years of statistics is already an archive.
MAX_DAYS = 366 * 10
FIELD_LABELS = {"from": "开始日期", "to": "结束日期"}


@dataclass(frozen=True)
class Period:
    """Local calendar days ``start`` to ``end``, both included."""

    start: date
    end: date

    @classmethod
    def year(cls, year):
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def this_year(cls):
        return cls.year(today().year)

    @property
    def starts_at(self):
        """The aware instant the first day begins (local midnight)."""
        return datetime.combine(self.start, datetime.min.time(), tzinfo=local_zone())

    @property
    def ends_at(self):
        """The aware instant after the last day (local midnight of the next day)."""
        return datetime.combine(self.end + timedelta(days=1), datetime.min.time(),
                                tzinfo=local_zone())

    @property
    def years(self):
        """The calendar years the period touches, in order."""
        return list(range(self.start.year, self.end.year + 1))

    def year_spans(self):
        """[(year, first day, last day)] of the period within each year it touches."""
        return [(year, max(self.start, date(year, 1, 1)), min(self.end, date(year, 12, 31)))
                for year in self.years]

    @property
    def whole_years(self):
        """Whether the period is calendar years, 1 January to 31 December (one or more)."""
        return self.start == date(self.start.year, 1, 1) and self.end == date(self.end.year, 12, 31)

    @property
    def is_whole_year(self):
        return (self.start.year == self.end.year and self.start == date(self.start.year, 1, 1)
                and self.end == date(self.end.year, 12, 31))

    @property
    def label(self):
        if self.is_whole_year:
            return f"{self.start.year}年"
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"

    def months(self):
        """[(year, month)] of every month the period touches, in order."""
        found, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            found.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found

    def session_condition(self, session=EventSession):
        """SQL: the session took place in the period (its start, in local time)."""
        return sa.and_(session.starts_at >= self.starts_at, session.starts_at < self.ends_at)

    def membership_condition(self, membership):
        """SQL: a Membership row overlaps the period (belonged to the branch in it)."""
        return sa.and_(membership.started_on <= self.end,
                       sa.or_(membership.ended_on.is_(None), membership.ended_on >= self.start))


@dataclass(frozen=True)
class Filters:
    """A period plus the optional event kind and event of a statistics request."""

    period: Period
    kind: str | None = None
    event_id: int | None = None

    @property
    def kind_label(self):
        return EVENT_KINDS.get(self.kind, "") if self.kind else ""

    def sessions(self, now=None):
        """select(EventSession.id) of the sessions these filters cover; with ``now``, only
        those that have started by then (a session to come has nobody absent yet)."""
        query = sa.select(EventSession.id).where(self.period.session_condition())
        if now is not None:
            query = query.where(EventSession.starts_at <= now)
        if self.kind or self.event_id:
            query = query.join(Event, Event.id == EventSession.event_id)
        if self.kind:
            query = query.where(Event.kind == self.kind)
        if self.event_id:
            query = query.where(Event.id == self.event_id)
        return query

    def query_args(self):
        """The query string arguments that reproduce these filters (for links, exports)."""
        args = {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()}
        if self.kind:
            args["kind"] = self.kind
        if self.event_id:
            args["event"] = str(self.event_id)
        return args

    def description(self, event_title=None):
        """「统计时段 2026年；活动类型 党课」: the title row of tables and exports."""
        parts = [f"统计时段：{self.period.label}"]
        if self.kind:
            parts.append(f"活动类型：{self.kind_label}")
        if self.event_id:
            parts.append(f"活动：{event_title or self.event_id}")
        return "；".join(parts)


def _text(args, name, max_length=40, strict=False):
    """The raw value of ``name`` (None when absent). Pages treat an empty or blank value as
    absent (a cleared form field); the API (``strict``) takes values as they are."""
    value = args.get(name)
    if value is None:
        return None
    value = str(value)[:max_length + 1]
    if not strict:
        value = value.strip()
        return value or None
    return value


def parse_day(value, name):
    """A local day from 'YYYY-MM-DD' (ASCII digits), or DomainError on ``name``."""
    label = FIELD_LABELS.get(name, name)
    parts = value.split("-")
    if (len(parts) != 3 or not all(part.isascii() and part.isdigit() for part in parts)
            or len(parts[0]) != 4 or not 1 <= len(parts[1]) <= 2 or not 1 <= len(parts[2]) <= 2):
        raise DomainError("stats_bad_date", field=name, label=label, value=value[:20])
    try:
        day = date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise DomainError("stats_bad_date", field=name, label=label, value=value[:20]) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DomainError("stats_date_out_of_range", field=name, label=label,
                          first=FIRST_YEAR, last=LAST_YEAR)
    return day


def parse_period(args, strict=False):
    """The Period of ``from``/``to`` (each optional: this year's first/last day, or the
    other date's year when only one is given)."""
    raw_from, raw_to = _text(args, "from", strict=strict), _text(args, "to", strict=strict)
    start = parse_day(raw_from, "from") if raw_from is not None else None
    end = parse_day(raw_to, "to") if raw_to is not None else None
    if start is None and end is None:
        return Period.this_year()
    if start is None:
        start = date(end.year, 1, 1)
    if end is None:
        end = date(start.year, 12, 31)
    if start > end:
        raise DomainError("stats_dates_reversed", field="to", start=start.isoformat(),
                          end=end.isoformat())
    if (end - start).days >= MAX_DAYS:
        raise DomainError("stats_period_too_long", field="to", years=MAX_DAYS // 366)
    return Period(start, end)


def parse_kind(args, strict=False):
    kind = _text(args, "kind", strict=strict)
    if kind is None:
        return None
    if kind not in EVENT_KINDS:
        raise DomainError("stats_unknown_kind", field="kind", value=kind[:20],
                          kinds="、".join(EVENT_KINDS.values()))
    return kind


def parse_event_id(args, strict=False):
    raw = _text(args, "event", max_length=12, strict=strict)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12 or int(raw) == 0:
        raise DomainError("stats_bad_event", field="event", value=raw[:20])
    return int(raw)


def parse_filters(args, strict=False):
    """Filters from a query string mapping (request.args); DomainError on bad input.
    ``strict`` (the API): an empty or padded value is refused, not taken as absent."""
    return Filters(period=parse_period(args, strict), kind=parse_kind(args, strict),
                   event_id=parse_event_id(args, strict))
