"""The members below the yearly 学时 target for a period: a reminder list for secretaries
and organizers, never a ranking. Ordered by branch (tree order) then the 拼音 of names, never by hours.

Who is listed (the rule of ``targets`` and docs/ARCHITECTURE.md, Statistics): the members
who belonged to the chosen branch's subtree at some time in the period (a Membership row
overlapping it), whose 学时 of the sessions that took place in the period (all their
registrations: ``facts.member_hours``) fall short of their target for the period
(``targets.target_expression(period.years)``: each year's full target, not prorated), the
definition the branch table's count reads too (``targets.membership_rows``). A member who moved inside the subtree is listed once, under the last branch
they belonged to there; filtered on a branch they left, they are listed under it.

``below_target(actor, period, branch=None)`` → BelowTarget, in two statements (the
targets, then the list); ``scope_for(actor, branch_id)`` → the branch a list covers.
"""
from dataclasses import dataclass

import sqlalchemy as sa

from app.checkin.name_order import pinyin_key
from app.errors import DomainError
from app.extensions import db
from app.org.models import Branch, Member, Membership
from app.org.scope import can_see_branch, scope_branch

from . import facts, targets
from .models import TARGET_GROUPS


@dataclass(frozen=True)
class Row:
    member_id: int
    name: str
    branch_id: int
    branch: str
    group: str
    hours: float
    target: float

    @property
    def group_label(self):
        return TARGET_GROUPS.get(self.group, self.group)

    @property
    def remaining(self):
        return round(self.target - self.hours, 2)


@dataclass
class BelowTarget:
    period: object
    branch: Branch | None
    rows: list

    def __len__(self):
        return len(self.rows)


def scope_for(actor, branch_id=None):
    """The branch a list of ``actor`` covers: the one asked for (403 outside the actor's
    scope, 404 unknown), else the actor's own scope (None: every branch)."""
    if branch_id is None:
        return scope_branch(actor)
    branch = db.session.get(Branch, branch_id)
    if branch is None:
        raise DomainError("not_found")
    if not can_see_branch(actor, branch):
        raise DomainError("forbidden", http_status=403)
    return branch


def parse_branch_id(raw):
    raw = (raw or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12 or int(raw) == 0:
        raise DomainError("stats_bad_branch", field="branch", value=raw[:20])
    return int(raw)


def below_target(period, branch=None):
    """BelowTarget of the members of ``branch``'s subtree (None: everyone) in ``period``."""
    facts.prepare()
    target = targets.target_expression(period.years, Member)
    stays = (sa.select(Membership.member_id, Membership.branch_id,
                       sa.func.row_number().over(
                           partition_by=Membership.member_id,
                           order_by=(Membership.started_on.desc(), Membership.id.desc()))
                       .label("n"))
             .join(Branch, Branch.id == Membership.branch_id)
             .where(period.membership_condition(Membership)))
    if branch is not None:
        stays = stays.where(branch.subtree_filter())
    stays = stays.subquery("stays")
    earned = facts.materialized(facts.member_hours(period), "earned")
    hours = sa.func.coalesce(earned.c.hours, 0.0)
    query = (sa.select(Member.id, Member.name, Branch.id.label("branch_id"),
                       Branch.name.label("branch"), Branch.path, targets.group_expression(Member).label("grp"),
                       hours.label("hours"), target.label("target"))
             .select_from(stays)
             .join(Member, Member.id == stays.c.member_id)
             .join(Branch, Branch.id == stays.c.branch_id)
             .outerjoin(earned, earned.c.member_id == Member.id)
             .where(stays.c.n == 1, hours < target))
    found = db.session.execute(query).all()
    # Tree order, then the 拼音 of names like every printed list (the same on every database).
    found.sort(key=lambda row: (row.path, pinyin_key(row.name), row.id))
    rows = [Row(row.id, row.name, row.branch_id, row.branch, row.grp, float(row.hours or 0),
                float(row.target)) for row in found]
    return BelowTarget(period=period, branch=branch, rows=rows)


def branch_choices(actor):
    """[(id, indented name)] of the branches ``actor`` may list, in tree order."""
    query = sa.select(Branch).where(Branch.active.is_(True)).order_by(Branch.path)
    own = scope_branch(actor)
    if own is not None:
        query = query.where(own.subtree_filter())
    return [(branch.id, "　" * max(branch.depth - (own.depth if own else 0), 0) + branch.name)
            for branch in db.session.scalars(query)]
