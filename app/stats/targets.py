"""The yearly 学时 targets: who is in which group, and how many hours a group should reach.

- ``group_of(member)``: 'cadre' for branch secretaries (role secretary) and branch
  committee members (Member.committee), else 'member'.
- ``target_hours(year, group)``: the HoursTarget row of that year, else the configured
  default (HOURS_TARGET_MEMBER / HOURS_TARGET_CADRE).
- ``targets_for(years)``: {(year, group): hours} for several years in one statement.
- ``group_expression()`` / ``target_expression(years)``: the same as SQL over the member
  table, for GROUP BY queries: ``target_expression(period.years)`` is a member's target
  for a period, the sum of the full yearly targets of the years it touches.

A member is below target for a period when the 学时 of the sessions that took place in
the period fall short of ``target_expression(period.years)``: the yearly target is not
prorated (a reminder in June says what the year still asks for). The branch table's
count and the list of members below target both read this definition.
"""
import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.org.models import Member, Membership

from . import facts
from .models import HoursTarget

GROUPS = ("member", "cadre")
_CONFIG = {"member": "HOURS_TARGET_MEMBER", "cadre": "HOURS_TARGET_CADRE"}


def group_of(member):
    """'cadre' (secretary or branch committee member) or 'member'."""
    return "cadre" if member.role == "secretary" or member.committee else "member"


def default_hours(group):
    return float(current_app.config[_CONFIG[group]])


def targets_for(years):
    """{(year, group): hours} for every year in ``years`` and both groups."""
    years = sorted(set(years))
    found = {(year, group): default_hours(group) for year in years for group in GROUPS}
    if years:
        for year, group, hours in db.session.execute(
                sa.select(HoursTarget.year, HoursTarget.group, HoursTarget.hours)
                .where(HoursTarget.year.in_(years))):
            found[(year, group)] = float(hours)
    return found


def target_hours(year, group):
    """The 学时 ``group`` should reach in ``year``."""
    return targets_for([year])[(year, group)]


def _is_cadre(member):
    """SQL: group_of()'s rule, a branch secretary or a branch committee member."""
    return sa.or_(member.role == "secretary", member.committee.is_(True))


def group_expression(member=Member):
    """SQL: 'cadre' or 'member' for each row of the member table (or an alias of it)."""
    return sa.case((_is_cadre(member), "cadre"), else_="member")


def _period_targets(years):
    found = targets_for(years)
    return tuple(sum(found[(year, group)] for year in years) for group in ("cadre", "member"))


def target_expression(years, member=Member):
    """SQL: each member's target for a period touching ``years`` (the targets are read
    now, in one statement, and become literals of the expression)."""
    cadre, plain = _period_targets(years)
    return sa.case((_is_cadre(member), sa.literal(cadre, sa.Float)),
                   else_=sa.literal(plain, sa.Float))


def membership_rows(period, earned):
    """A subquery (member_id, branch_id, hours, target, below): one row per stay of a member
    in a branch that overlaps ``period`` (a member who moved has one per branch), with the
    member's 学时 in the period (``earned``: facts.member_hours() as a CTE), their target
    for it and below (0/1: hours < target). The branch table's 低于目标 count reads it.

    The cadres come as a join with their few thousand ids, not by joining every row to
    the wide member table (for a district that cost more than the rest of the table)."""
    cadre, plain = _period_targets(period.years)
    cadres = facts.materialized(sa.select(Member.id.label("member_id")).where(_is_cadre(Member)),
                                "cadres")
    hours = sa.func.coalesce(earned.c.hours, 0.0)
    target = sa.case((cadres.c.member_id.is_not(None), sa.literal(cadre, sa.Float)),
                     else_=sa.literal(plain, sa.Float))
    return (sa.select(Membership.member_id, Membership.branch_id, hours.label("hours"),
                      target.label("target"),
                      sa.case((hours < target, 1), else_=0).label("below"))
            .select_from(Membership)
            .outerjoin(earned, earned.c.member_id == Membership.member_id)
            .outerjoin(cadres, cadres.c.member_id == Membership.member_id)
            .where(period.membership_condition(Membership))
            .subquery("memberships"))
