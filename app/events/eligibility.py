"""Who may take part in an event, as one filter spec used two ways.

A spec is a dict (stored in Event.eligibility, or built for a mandatory list):
    branch_ids          [int]  members of these branches' subtrees
    political_statuses  [str]  GB/T 4762 codes, e.g. ["01", "02"]
    development_stages  [str]  applicant / activist / candidate
    gender              str    "M" or "F"
    min_age, max_age    int    age on the event date, inclusive
    rank_levels         [str]  department / division / section / staff / other
    ranks               [str]  exact ranks, e.g. ["正科级", "副科级"]
An empty spec admits every active member. ``reasons()`` explains in Chinese why
one member is outside a spec; ``members_query()`` selects everyone inside it.
The two must agree; tests check that they do.
"""
from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.org.constants import DEVELOPMENT_STAGES, RANK_LEVELS, RANKS, political_status_label
from app.org.models import Branch, Member

SPEC_KEYS = ("branch_ids", "political_statuses", "development_stages", "gender",
             "min_age", "max_age", "rank_levels", "ranks")


def clean_spec(spec):
    """Drop empty values so an untouched form stores {}."""
    out = {}
    for key in SPEC_KEYS:
        value = (spec or {}).get(key)
        if value in (None, "", [], ()):
            continue
        out[key] = list(value) if isinstance(value, (list, tuple, set)) else value
    return out


def age_on(birth_date, day):
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _birth_bounds(min_age, max_age, day):
    """Birth dates for ages min_age..max_age on ``day``: (earliest, latest) inclusive."""
    latest = _years_before(day, min_age) if min_age is not None else None
    earliest = None
    if max_age is not None:
        earliest = date.fromordinal(_years_before(day, max_age + 1).toordinal() + 1)
    return earliest, latest


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _names(branch_ids):
    # session.get() answers from the identity map once a branch is loaded, so a page
    # that explains many events costs one query per branch, not one per event.
    branches = (db.session.get(Branch, branch_id) for branch_id in branch_ids)
    return "、".join(branch.name for branch in branches if branch is not None)


def load_branches(specs):
    """Load the branches these specs name in one query. Keep the returned list while
    calling reasons() for the specs: it then finds every branch in the session."""
    ids = {bid for spec in specs for bid in (spec or {}).get("branch_ids") or []}
    if not ids:
        return []
    return db.session.scalars(db.select(Branch).where(Branch.id.in_(ids))).all()


def reasons(spec, member, day):
    """Chinese reasons why ``member`` is outside ``spec`` on ``day`` (empty list: eligible)."""
    spec = spec or {}
    out = []
    branch_ids = spec.get("branch_ids")
    if branch_ids:
        ancestors = set(member.branch.ancestor_ids) | {member.branch_id}
        if not ancestors & set(branch_ids):
            out.append(f"仅限{_names(branch_ids)}人员参加")
    statuses = spec.get("political_statuses")
    if statuses and member.political_status not in statuses:
        out.append("仅限" + "、".join(political_status_label(s) for s in statuses) + "参加")
    stages = spec.get("development_stages")
    if stages and member.development_stage not in stages:
        out.append("仅限" + "、".join(DEVELOPMENT_STAGES.get(s, s) for s in stages) + "参加")
    gender = spec.get("gender")
    if gender and member.gender != gender:
        out.append("仅限女职工报名" if gender == "F" else "仅限男职工报名")
    min_age, max_age = spec.get("min_age"), spec.get("max_age")
    if min_age is not None or max_age is not None:
        age = age_on(member.birth_date, day)
        if age is None:
            out.append("需要出生年月才能确认年龄，请联系支部补充")
        elif min_age is not None and age < min_age:
            out.append(f"仅限{min_age}周岁以上")
        elif max_age is not None and age > max_age:
            out.append(f"仅限{max_age}周岁以下")
    levels, ranks = spec.get("rank_levels"), spec.get("ranks")
    if levels or ranks:
        if not ((levels and RANKS.get(member.rank) in levels) or (ranks and member.rank in ranks)):
            names = [RANK_LEVELS.get(level, level) for level in levels or []] + list(ranks or [])
            out.append("仅限" + "、".join(names) + "人员参加")
    return out


def members_query(spec, day):
    """A select of active Members inside ``spec`` on ``day``."""
    spec = spec or {}
    query = db.select(Member).join(Member.branch).where(Member.active.is_(True))
    if spec.get("branch_ids"):
        roots = db.session.scalars(db.select(Branch).where(Branch.id.in_(spec["branch_ids"]))).all()
        query = query.where(sa.or_(*[root.subtree_filter() for root in roots]) if roots else sa.false())
    if spec.get("political_statuses"):
        query = query.where(Member.political_status.in_(spec["political_statuses"]))
    if spec.get("development_stages"):
        query = query.where(Member.development_stage.in_(spec["development_stages"]))
    if spec.get("gender"):
        query = query.where(Member.gender == spec["gender"])
    if spec.get("min_age") is not None or spec.get("max_age") is not None:
        earliest, latest = _birth_bounds(spec.get("min_age"), spec.get("max_age"), day)
        query = query.where(Member.birth_date.is_not(None))
        if latest is not None:
            query = query.where(Member.birth_date <= latest)
        if earliest is not None:
            query = query.where(Member.birth_date >= earliest)
    levels, ranks = spec.get("rank_levels") or [], spec.get("ranks") or []
    if levels or ranks:
        allowed = {rank for rank, level in RANKS.items() if level in levels} | set(ranks)
        query = query.where(Member.rank.in_(sorted(allowed)))
    return query


def describe(spec):
    """A short Chinese summary of a spec, for event pages: 「仅限中共党员；35周岁以下」."""
    spec = spec or {}
    parts = []
    if spec.get("branch_ids"):
        parts.append(_names(spec["branch_ids"]))
    if spec.get("political_statuses"):
        parts.append("、".join(political_status_label(s) for s in spec["political_statuses"]))
    if spec.get("development_stages"):
        parts.append("、".join(DEVELOPMENT_STAGES.get(s, s) for s in spec["development_stages"]))
    if spec.get("gender"):
        parts.append("女职工" if spec["gender"] == "F" else "男职工")
    if spec.get("min_age") is not None:
        parts.append(f"{spec['min_age']}周岁以上")
    if spec.get("max_age") is not None:
        parts.append(f"{spec['max_age']}周岁以下")
    names = [RANK_LEVELS.get(lv, lv) for lv in spec.get("rank_levels") or []] + list(spec.get("ranks") or [])
    if names:
        parts.append("、".join(names))
    return "；".join(parts) if parts else "全体人员"
