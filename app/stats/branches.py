"""The branch statistics table: participation per branch for a period, rolled up the tree.

``branch_table(filters, within=None)`` returns a BranchTable: one row per branch of the
tree (or of ``within``'s subtree, a secretary's view) in tree order, each row holding its
whole subtree's numbers, and the total of the visible roots. A handful of statements
whatever the size of the organisation (facts.refresh()'s check, the branches, the year's
targets, then table_query(): the attendance and membership aggregates per branch); no
Python loop over attendance rows.

Definitions (DESIGN §3; every attendance flag from app/checkin/attendance.py):

- 党员数 members: distinct members with a Membership row of the subtree overlapping the
  period (org/memberships.py). A member who moved from one branch to another in the
  period counts in both branches and once in a parent holding both.
- 参与人数 people, 参与人次 presences, 学时 hours: the presence rows (attendance.
  presence_rows(), stored by stats/facts.py) of the period's sessions that have started
  (filtered by kind and event) whose registration's branch is in the subtree: attendance
  counts for the branch kept on the registration.
- 参与率 = people ÷ members; 人均学时 = hours ÷ members.
- 低于目标 below: members of the subtree whose 学时 in the period (all kinds of events)
  fall short of their target (stats/targets.py membership_rows; counted once each).
- 指定参加 mandatory: 应到/实到/请假/缺席 and 到会率 over invited registrations only.
- per kind: 参与人次 per event kind.

The subtree of each branch is a recursive CTE (branch, ancestor) over parent_id: a
branch's row sums the rows of every branch whose ancestors include it; people and members
are counted once per subtree by _rolled_up().
"""
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.checkin.attendance import rate
from app.events.constants import EVENT_KINDS
from app.extensions import db
from app.org.models import Branch, Membership
from app.timeutil import utcnow

from . import facts
from .targets import membership_rows

ATTENDANCE_KEYS = ("people", "presences", "hours", "expected", "present", "on_leave", "absent")
MANDATORY_KEYS = ("m_expected", "m_present", "m_on_leave", "m_absent")


@dataclass
class BranchRow:
    branch: object  # the branch's id, name, kind, active, parent_id, sort_order and path
    depth: int
    parent_id: int | None
    has_children: bool
    numbers: dict = field(default_factory=dict)


@dataclass
class BranchTable:
    filters: object
    rows: list
    total: dict
    kinds: list  # the event kinds with at least one presence: [(kind, label)]


def ancestors_cte():
    """(branch_id, ancestor_id) for every branch and each of its ancestors, itself included."""
    table = Branch.__table__
    anc = sa.select(table.c.id.label("branch_id"), table.c.id.label("ancestor_id"),
                    table.c.parent_id.label("next_id")).cte("ancestors", recursive=True)
    up = table.alias("up")
    return anc.union_all(
        sa.select(anc.c.branch_id, up.c.id, up.c.parent_id).join(up, up.c.id == anc.c.next_id))


def _rolled_up(anc, rows, several, sums, counted, flag, name):
    """Per ancestor: ``sums`` of ``rows`` (member_id, branch_id, ...) over the subtree, and
    the distinct members of ``rows`` where ``counted``, with how many of them have ``flag``.

    Rows add up the tree as they are, grouped by branch first and only then joined to the
    ancestors (a thousand rows, not one per member and ancestor). A member has one row
    for most of the subtree's people; ``several`` (ids, a superset of the members with
    more than one such row) are taken out and counted distinctly per ancestor: only
    these few rows are joined with the ancestors one by one."""
    flag_of = sa.case((counted, flag), else_=0)
    by_branch = (sa.select(rows.c.branch_id,
                           *(sa.func.sum(rows.c[key]).label(key) for key in sums),
                           sa.func.sum(sa.case((counted, 1), else_=0)).label("n"),
                           sa.func.sum(flag_of).label("flagged"))
                 .group_by(rows.c.branch_id).subquery(f"{name}_by_branch"))
    rolled = (sa.select(anc.c.ancestor_id,
                        *(sa.func.sum(by_branch.c[key]).label(key) for key in sums),
                        sa.func.sum(by_branch.c.n).label("n"),
                        sa.func.sum(by_branch.c.flagged).label("flagged"))
              .join(anc, anc.c.branch_id == by_branch.c.branch_id)
              .group_by(anc.c.ancestor_id).subquery(f"{name}_rolled"))
    pairs = (sa.select(anc.c.ancestor_id, rows.c.member_id,
                       sa.func.count().label("rows"), sa.func.sum(flag_of).label("flagged"),
                       sa.func.max(flag_of).label("flag"))
             .select_from(rows).join(several, several.c.member_id == rows.c.member_id)
             .join(anc, anc.c.branch_id == rows.c.branch_id)
             .where(counted).group_by(anc.c.ancestor_id, rows.c.member_id)
             .subquery(f"{name}_pairs"))
    twice = (sa.select(pairs.c.ancestor_id, sa.func.count().label("members"),
                       sa.func.sum(pairs.c.rows).label("rows"),
                       sa.func.sum(pairs.c.flagged).label("flagged"),
                       sa.func.sum(pairs.c.flag).label("flag"))
             .group_by(pairs.c.ancestor_id).subquery(f"{name}_twice"))

    def value(column):
        return sa.func.coalesce(column, 0)

    # the rows counted, less the rows of members counted more than once, plus those members
    distinct = value(rolled.c.n) - value(twice.c.rows) + value(twice.c.members)
    flagged = value(rolled.c.flagged) - value(twice.c.flagged) + value(twice.c.flag)
    return rolled, twice, distinct, flagged


def table_query(filters, now, within=None):
    """One statement: per branch (of ``within``'s subtree, or all), its subtree's
    attendance numbers and its members and members below target.

    The attendance comes per (member, branch kept on the registration) from
    stats/facts.py per_member() (a district's year: 50,000 rows of MemberYear); the
    members from their stays in branches overlapping the period (targets.membership_rows,
    with their 学时 for the period and whether they fall short of the target). Both roll
    up with _rolled_up(): people and members are counted once per subtree without a
    COUNT(DISTINCT) over every (ancestor, member) pair."""
    anc = ancestors_cte()
    per_member = facts.per_member(filters, now)
    names = list(facts.SUMS)
    earned = facts.materialized(facts.member_hours(filters.period), "earned")
    shared = facts.materialized(facts.several_branches(filters, per_member, earned), "shared")
    attended, attended_twice, people, _ = _rolled_up(
        anc, per_member, shared, names, per_member.c.present > 0, 0, "attended")
    stays = facts.materialized(sa.select(membership_rows(filters.period, earned)), "stays")
    # Members with more than one stay overlapping the period: who moved (or came back).
    moved = facts.materialized(sa.select(Membership.member_id)
                               .where(filters.period.membership_condition(Membership))
                               .group_by(Membership.member_id).having(sa.func.count() > 1),
                               "moved")
    belonged, belonged_twice, members, below = _rolled_up(
        anc, stays, moved, (), sa.true(), stays.c.below, "belonged")
    query = (sa.select(Branch.id.label("branch_id"), people.label("people"),
                       attended.c.present.label("presences"),
                       *(attended.c[name] for name in names),
                       members.label("members"), below.label("below_target"))
             .select_from(Branch)
             .outerjoin(attended, attended.c.ancestor_id == Branch.id)
             .outerjoin(attended_twice, attended_twice.c.ancestor_id == Branch.id)
             .outerjoin(belonged, belonged.c.ancestor_id == Branch.id)
             .outerjoin(belonged_twice, belonged_twice.c.ancestor_id == Branch.id))
    if within is not None:
        query = query.where(within.subtree_filter())
    return query


def _numbers(attended, members, below):
    numbers = {key: int(attended.get(key) or 0) for key in ATTENDANCE_KEYS if key != "hours"}
    numbers["hours"] = round(float(attended.get("hours") or 0), 2)
    numbers.update({key: int(attended.get(key) or 0) for key in MANDATORY_KEYS})
    numbers["by_kind"] = {kind: int(attended.get(f"kind_{kind}") or 0) for kind in EVENT_KINDS}
    numbers["members"], numbers["below_target"] = members, below
    numbers["participation_rate"] = round(numbers["people"] / members, 4) if members else None
    numbers["average_hours"] = round(numbers["hours"] / members, 2) if members else None
    numbers["attendance_rate"] = rate(numbers["present"], numbers["expected"],
                                      numbers["on_leave"])
    numbers["m_rate"] = rate(numbers["m_present"], numbers["m_expected"], numbers["m_on_leave"])
    return numbers


def _tree_order(branches, within):
    """[(branch, depth)] depth first, siblings by sort order then id."""
    children, roots = {}, []
    ids = {branch.id for branch in branches}
    for branch in sorted(branches, key=lambda b: (b.sort_order, b.id)):
        if branch.parent_id in ids and (within is None or branch.id != within.id):
            children.setdefault(branch.parent_id, []).append(branch)
        else:
            roots.append(branch)
    out = []

    def walk(branch, depth):
        out.append((branch, depth))
        for child in children.get(branch.id, []):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return out, children


def branch_table(filters, within=None, now=None):
    """The BranchTable of ``filters`` (stats/periods.py) over the whole tree, or over the
    subtree of ``within`` (a Branch: a secretary's own), counting the sessions that have
    started by ``now`` (a session to come has nobody absent yet)."""
    facts.prepare()
    # The columns a table shows and orders by, not ORM objects (a thousand of them cost
    # more than the rest of the Python side of the table).
    query = sa.select(Branch.id, Branch.name, Branch.kind, Branch.active, Branch.parent_id,
                      Branch.sort_order, Branch.path)
    if within is not None:
        query = query.where(within.subtree_filter())
    branches = db.session.execute(query).all()
    attended, members = {}, {}
    for row in db.session.execute(table_query(filters, now or utcnow(), within)).mappings():
        numbers = dict(row)
        branch_id = numbers.pop("branch_id")
        members[branch_id] = (int(numbers.pop("members") or 0),
                              int(numbers.pop("below_target") or 0))
        attended[branch_id] = numbers
    ordered, children = _tree_order(branches, within)
    rows = []
    for branch, depth in ordered:
        numbers = _numbers(attended.get(branch.id, {}), *members.get(branch.id, (0, 0)))
        if not branch.active and not (numbers["members"] or numbers["expected"]
                                      or numbers["presences"]):
            continue  # a dissolved branch with nothing in the period
        rows.append(BranchRow(branch, depth, branch.parent_id if depth else None,
                              bool(children.get(branch.id)), numbers))
    roots = [row for row in rows if row.depth == 0]
    total = _root_total(roots, attended, members)
    kinds = [(kind, label) for kind, label in EVENT_KINDS.items()
             if any(row.numbers["by_kind"][kind] for row in roots)]
    return BranchTable(filters, rows, total, kinds)


def _root_total(roots, attended, members):
    """The table's 合计: the one root's row, or the sum of several roots (disjoint trees,
    so sums are exact: nobody is in two roots' subtrees at once except a member who moved
    between them, counted in each as in any branch)."""
    if len(roots) == 1:
        return dict(roots[0].numbers)
    summed = {}
    for key in (*ATTENDANCE_KEYS, *MANDATORY_KEYS):
        summed[key] = sum(attended.get(row.branch.id, {}).get(key) or 0 for row in roots)
    for kind in EVENT_KINDS:
        summed[f"kind_{kind}"] = sum(attended.get(row.branch.id, {}).get(f"kind_{kind}") or 0
                                     for row in roots)
    member_count = sum(members.get(row.branch.id, (0, 0))[0] for row in roots)
    below = sum(members.get(row.branch.id, (0, 0))[1] for row in roots)
    return _numbers(summed, member_count, below)


def _numbers_json(numbers):
    return {key: value for key, value in numbers.items()}


def branch_table_json(table, within=None, event=None):
    """The BranchTable as the API's JSON (app/stats/openapi.py BranchTable)."""
    filters = table.filters
    return {
        "period": {"from": filters.period.start.isoformat(), "to": filters.period.end.isoformat()},
        "kind": filters.kind,
        "event": {"id": event.id, "title": event.title} if event is not None else None,
        "scope": {"id": within.id, "name": within.name} if within is not None else None,
        "total": _numbers_json(table.total),
        "branches": [{"id": row.branch.id, "name": row.branch.name, "parent_id": row.parent_id,
                      "depth": row.depth, "active": row.branch.active,
                      **_numbers_json(row.numbers)} for row in table.rows],
    }
