"""Time handling: stored in UTC, shown in the configured zone (APP_TIMEZONE)."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app


def utcnow():
    return datetime.now(timezone.utc)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored as naive UTC and read back as an aware UTC datetime.

    Both SQLite and PostgreSQL then hold the same values, and Python code only
    ever sees aware datetimes.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def local_zone():
    return ZoneInfo(current_app.config["APP_TIMEZONE"])


def to_local(value):
    if value is None:
        return None
    return value.astimezone(local_zone())


def format_local(value, fmt="%Y-%m-%d %H:%M"):
    if value is None:
        return ""
    return to_local(value).strftime(fmt)


WEEKDAYS = "一二三四五六日"


def format_when(start, end=None):
    """「12月3日 周四 09:00–12:00」 in local time; the year only when it is not this year.
    Registered as the ``when`` template filter."""
    return " ".join(when_parts(start, end))


def when_parts(start, end=None):
    """format_when's words, each to be kept on one line: ["12月3日", "周四",
    "09:00–12:00"] (templates wrap each in a nowrap span, so a narrow phone breaks a
    line between them and never inside a date or a time). The ``when_parts`` filter."""
    if start is None:
        return []
    local = to_local(start)
    day = f"{local.month}月{local.day}日"
    if local.year != to_local(utcnow()).year:
        day = f"{local.year}年{day}"
    parts = [day, f"周{WEEKDAYS[local.weekday()]}", f"{local:%H:%M}"]
    if end is not None:
        local_end = to_local(end)
        if local_end.date() == local.date():
            parts[-1] += f"–{local_end:%H:%M}"
        else:
            parts += [f"至 {local_end.month}月{local_end.day}日", f"{local_end:%H:%M}"]
    return parts
