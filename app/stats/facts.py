"""Presence facts: who came to which session, stored, so a district's year aggregates fast.

``attendance.presence_rows()`` stays the one definition; this module stores its rows
(PresenceFact: one per confirmed registration and session of its event, with the
session's local year and the event's kind) and their sums per member, branch and year
(MemberYear), and keeps both up to date:

- Database triggers (migration 0011) append the event's id to ``presence_stale`` in the
  same transaction as every insert, update or delete of a check-in, a registration, a
  leave, a session, or an event's kind: no write path can forget it, the fast scan's
  Core statements included. Appending (no upsert) means concurrent scans never wait on
  each other.
- ``refresh()``, called by every statistics reader before it reads, takes the stale
  events (DELETE ... RETURNING: a marker committed later stays for the next refresh, so
  nothing written after the recompute read the rows can be lost), recomputes their facts
  from presence_rows() and the MemberYear rows of every (year, member) they touch, and
  commits. Refreshes queue on the database's write lock (SQLite) or on an advisory lock
  (PostgreSQL). With nothing stale it is one indexed read.

Marking every event stale rebuilds everything (the migration does; so does
``flask stats-rebuild``).
"""
import time

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.checkin.attendance import presence_rows, year_bounds
from app.events.constants import EVENT_KINDS
from app.events.models import Event, EventSession
from app.extensions import db
from app.timeutil import to_local
from app.txn import begin_write, writing

from .models import MemberYear, PresenceFact, StaleEvent

# More stale events than this and the whole table is rebuilt in one pass.
FULL_REBUILD_AT = 300
CHUNK = 500
_LOCK_KEY = 7_311_011  # pg_advisory_xact_lock: one refresh at a time
FACT = PresenceFact.__table__
SUMMARY = MemberYear.__table__


def refresh():
    """Recompute the facts of every stale event; True when something was stale.

    Commits (or, inside a write_transaction(), leaves the commit to it)."""
    # By the key: on PostgreSQL the rows a refresh deleted stay in the heap until vacuumed,
    # and a plain scan for "any row" read all of them (0.1 s after a rebuild).
    if db.session.scalar(sa.select(StaleEvent.id).order_by(StaleEvent.id).limit(1)) is None:
        return False
    inside = writing()
    if not inside:
        begin_write()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    stale = {event_id for (event_id,) in db.session.execute(
        sa.delete(StaleEvent).returning(StaleEvent.event_id))}
    if stale:
        _recompute(None if len(stale) > FULL_REBUILD_AT else sorted(stale))
    if not inside:
        db.session.commit()
    return bool(stale)


def materialized(query, name):
    """``query`` as a CTE computed once (WITH ... AS MATERIALIZED, SQLite 3.35+ and
    PostgreSQL 12+): without the hint both may fold an aggregate into each query that
    reads it, and compute it again for every one."""
    return query.cte(name).prefix_with("MATERIALIZED")


def prepare():
    """Before a statistics read: refresh(), then (PostgreSQL, for the transaction that
    reads) hash and sort in memory, not on disk (STATS_WORK_MEM, default 64MB), and no JIT:
    compiling the branch table's expressions took 1.3 s for a query that runs in 0.25 s."""
    refresh()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT set_config('work_mem', :value, true), "
                                   "set_config('jit', 'off', true)"),
                           {"value": current_app.config["STATS_WORK_MEM"]})


def mark_all_stale():
    """Every event stale: the next refresh() rebuilds the facts from scratch."""
    db.session.execute(sa.insert(StaleEvent).from_select(["event_id"], sa.select(Event.id)))


def _recompute(event_ids):
    """The facts of ``event_ids`` (None: of every event) and the MemberYear rows they touch."""
    sessions = None
    if event_ids is None:
        db.session.execute(FACT.delete())
        db.session.execute(SUMMARY.delete())
        touched = None
    else:
        touched = _touched(event_ids)
        db.session.execute(FACT.delete().where(FACT.c.event_id.in_(event_ids)))
        sessions = sa.select(EventSession.id).where(EventSession.event_id.in_(event_ids))
    years = _years(sessions)
    if years:
        rows = presence_rows(sessions=sessions)
        columns = {
            "registration_id": rows.c.registration_id, "session_id": rows.c.session_id,
            "event_id": rows.c.event_id, "member_id": rows.c.member_id,
            "branch_id": rows.c.branch_id, "year": local_year(rows.c.starts_at, years),
            "kind": Event.kind, "starts_at": rows.c.starts_at,
            "invited": sa.case((rows.c.source == "invited", 1), else_=0),
            **{name: rows.c[name] for name in ("expected", "present", "on_leave", "absent",
                                                "walk_in", "credit_hours")}}
        db.session.execute(FACT.insert().from_select(
            list(columns), sa.select(*columns.values()).join(Event, Event.id == rows.c.event_id)))
    if touched is not None:
        touched |= _touched(event_ids)
    _summarize(touched)


def _touched(event_ids):
    return set(db.session.execute(
        sa.select(FACT.c.year, FACT.c.member_id).where(FACT.c.event_id.in_(event_ids))
        .distinct()).all())


def _years(sessions):
    """The local years of ``sessions`` (None: every session), from their first and last start."""
    query = sa.select(sa.func.min(EventSession.starts_at), sa.func.max(EventSession.starts_at))
    if sessions is not None:
        query = query.where(EventSession.id.in_(sessions))
    first, last = db.session.execute(query).one()
    if first is None:
        return []
    return list(range(to_local(first).year, to_local(last).year + 1))


def local_year(column, years):
    """SQL: the local year (APP_TIMEZONE) of the UTC timestamp ``column``, one of ``years``."""
    whens = []
    for year in years:
        start, end = year_bounds(year)
        whens.append((sa.and_(column >= start, column < end), year))
    return sa.case(*whens)


KIND_COLUMNS = tuple(f"kind_{kind}" for kind in EVENT_KINDS)
# What MemberYear sums, and what the branch table reads per (member, branch).
SUMS = ("expected", "present", "on_leave", "absent", "hours", "m_expected", "m_present",
        "m_on_leave", "m_absent", *KIND_COLUMNS)


def fact_values(rows):
    """{MemberYear column: its value for one fact of ``rows``} (a fact's share of the sums)."""
    invited = rows.c.invited == 1
    values = {name: rows.c[name] for name in ("expected", "present", "on_leave", "absent")}
    values["hours"] = rows.c.credit_hours
    for name in ("expected", "present", "on_leave", "absent"):
        values[f"m_{name}"] = sa.case((invited, rows.c[name]), else_=0)
    for kind in EVENT_KINDS:
        values[f"kind_{kind}"] = sa.case((rows.c.kind == kind, rows.c.present), else_=0)
    return values


def summary_columns(rows):
    """{MemberYear column: its sum} over fact-shaped ``rows``."""
    return {name: sa.func.sum(value) for name, value in fact_values(rows).items()}


def per_member(filters, now):
    """A CTE of (member_id, branch_id, *SUMS), one row per member and branch kept on the
    registration, over the sessions of ``filters`` (stats/periods.py) started by ``now``.

    Whole calendar years without a kind or event read MemberYear, minus the facts of the
    sessions still to come; any other filter sums the facts of the period. A sum is
    computed once (MATERIALIZED); a past year's MemberYear rows are read where they are
    used (NOT MATERIALIZED: copying 50,000 rows to a temporary table cost more than
    reading them twice by their key)."""
    period = filters.period
    if not filters.kind and not filters.event_id and period.whole_years:
        parts = [sa.select(SUMMARY.c.member_id, SUMMARY.c.branch_id,
                           *(SUMMARY.c[name] for name in SUMS)).where(_in_years(SUMMARY, period))]
        if now < period.ends_at:
            to_come = fact_values(FACT)
            parts.append(sa.select(FACT.c.member_id, FACT.c.branch_id,
                                   *((-to_come[name]).label(name) for name in SUMS))
                         .where(FACT.c.starts_at > now, FACT.c.starts_at < period.ends_at))
        if len(parts) == 1 and period.start.year == period.end.year:
            # a (member, branch) pair has one row a year
            return parts[0].cte("per_member").prefix_with("NOT MATERIALIZED")
        rows = sa.union_all(*parts).subquery("year_rows")
        return materialized(sa.select(rows.c.member_id, rows.c.branch_id,
                                      *(sa.func.sum(rows.c[name]).label(name) for name in SUMS))
                            .group_by(rows.c.member_id, rows.c.branch_id), "per_member")
    query = (sa.select(FACT.c.member_id, FACT.c.branch_id,
                       *(value.label(name) for name, value in summary_columns(FACT).items()))
             .where(FACT.c.starts_at >= period.starts_at, FACT.c.starts_at < period.ends_at,
                    FACT.c.starts_at <= now)
             .group_by(FACT.c.member_id, FACT.c.branch_id))
    if filters.kind:
        query = query.where(FACT.c.kind == filters.kind)
    if filters.event_id:
        query = query.where(FACT.c.event_id == filters.event_id)
    return materialized(query, "per_member")


def _in_years(table, period):
    """SQL: the row's year is one of the period's (equality for one year: SQLite then reads
    MemberYear in the order of its key (branch) or of its (year, member) index, and groups
    without sorting)."""
    first, last = period.start.year, period.end.year
    return table.c.year == first if first == last else table.c.year.between(first, last)


def several_branches(filters, per_member, earned):
    """A select of member ids, among them every member who came with more than one branch
    in the period of ``filters``: the few a parent branch must count distinctly.
    ``per_member`` is per_member(), ``earned`` member_hours() as a CTE. Whole years take the
    members with more than one MemberYear row, counted by member_hours() already; other
    filters group the per-member rows."""
    period = filters.period
    if not filters.kind and not filters.event_id and period.whole_years:
        # GROUP BY on a unique column: without it SQLite estimated this CTE at a row or two
        # and scanned the ancestors once per row of it instead of indexing them (1.3 s).
        return (sa.select(earned.c.member_id).where(earned.c.rows > 1)
                .group_by(earned.c.member_id))
    return (sa.select(per_member.c.member_id).where(per_member.c.present > 0)
            .group_by(per_member.c.member_id).having(sa.func.count() > 1))


def member_hours(period):
    """A select of (member_id, hours, rows): the 学时 of each member in the sessions that
    took place in ``period``, every kind of event, and how many rows were summed (for whole
    years, the member's MemberYear rows: one per branch and year)."""
    if period.whole_years:
        return (sa.select(SUMMARY.c.member_id, sa.func.sum(SUMMARY.c.hours).label("hours"),
                          sa.func.count().label("rows"))
                .where(_in_years(SUMMARY, period)).group_by(SUMMARY.c.member_id))
    return (sa.select(FACT.c.member_id, sa.func.sum(FACT.c.credit_hours).label("hours"),
                      sa.func.count().label("rows"))
            .where(FACT.c.starts_at >= period.starts_at, FACT.c.starts_at < period.ends_at)
            .group_by(FACT.c.member_id))


def _summarize(touched):
    """Recompute MemberYear for the (year, member) pairs ``touched`` (None: all)."""
    sums = summary_columns(FACT)
    keys = [FACT.c.year, FACT.c.member_id, FACT.c.branch_id]
    names = ["year", "member_id", "branch_id", *sums]

    def insert(condition=None):
        query = sa.select(*keys, *sums.values()).group_by(*keys)
        if condition is not None:
            query = query.where(condition)
        db.session.execute(SUMMARY.insert().from_select(names, query))

    if touched is None:
        insert()
        return
    by_year = {}
    for year, member_id in touched:
        by_year.setdefault(year, []).append(member_id)
    for year, members in by_year.items():
        members.sort()
        for start in range(0, len(members), CHUNK):
            chunk = members[start:start + CHUNK]
            db.session.execute(SUMMARY.delete().where(SUMMARY.c.year == year,
                                                      SUMMARY.c.member_id.in_(chunk)))
            insert(sa.and_(FACT.c.year == year, FACT.c.member_id.in_(chunk)))


@click.command("stats-rebuild")
@with_appcontext
def rebuild_command():
    """Rebuild the presence facts from the check-ins (after an upgrade, or rows restored by hand)."""
    started = time.perf_counter()
    mark_all_stale()
    db.session.commit()
    refresh()
    click.echo(f"出勤统计数据已重建，用时 {time.perf_counter() - started:.1f} 秒。")
