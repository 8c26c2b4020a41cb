"""The yearly 学时 targets page's writer: organizers and admins set the target of each
group (党员; 支部书记、支委委员) for a year. A year without a saved row uses the
configured defaults (targets.default_hours). Every change is audit-logged."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa

from app.audit.service import record
from app.errors import DomainError
from app.extensions import db
from app.org.scope import sees_all_branches
from app.txn import write_transaction

from . import targets
from .models import HoursTarget
from .records import MAX_YEAR, MIN_YEAR

MAX_TARGET_HOURS = 500


def may_set(actor):
    """Organizers and admins (the targets hold for every branch)."""
    return sees_all_branches(actor)


def parse_hours(text, field):
    """学时 from a form: a number from 0 to MAX_TARGET_HOURS with at most one decimal."""
    text = (text or "").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise DomainError("target_bad_hours", field=field, max=MAX_TARGET_HOURS) from None
    if not value.is_finite() or value < 0 or value > MAX_TARGET_HOURS or value != value.quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP):
        raise DomainError("target_bad_hours", field=field, max=MAX_TARGET_HOURS)
    return value


def check_year(year):
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError("record_bad_year", field="year", min=MIN_YEAR, max=MAX_YEAR)
    return year


def overview(years):
    """[(year, {group: (hours, saved)})]: each year's targets and whether a row holds them."""
    saved = {(row.year, row.group): float(row.hours) for row in db.session.scalars(
        sa.select(HoursTarget).where(HoursTarget.year.in_(list(years))))}
    return [(year, {group: (saved.get((year, group), targets.default_hours(group)),
                            (year, group) in saved) for group in targets.GROUPS})
            for year in years]


def set_targets(actor, year, hours_by_group):
    """Save ``{group: Decimal hours}`` for ``year``; records one audit entry per change."""
    if not may_set(actor):
        raise DomainError("forbidden", http_status=403)
    check_year(year)
    with write_transaction():
        for group, hours in hours_by_group.items():
            if group not in targets.GROUPS:
                raise DomainError("invalid_choice")
            row = db.session.scalar(sa.select(HoursTarget).where(
                HoursTarget.year == year, HoursTarget.group == group).with_for_update())
            before = float(row.hours) if row is not None else None
            if before is not None and Decimal(str(before)) == hours:
                continue
            if row is None:
                row = HoursTarget(year=year, group=group, hours=hours)
                db.session.add(row)
            else:
                row.hours = hours
            record(actor, "hours_target.set", row, year=year, group=group,
                   from_hours=None if before is None else f"{before:g}",
                   to_hours=f"{float(hours):g}")
