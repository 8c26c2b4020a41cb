"""Membership rows: which branch a member belonged to, from which day to which day.

One rule, one function: after any write that creates a member, changes their branch or
their active flag, the writer calls ``sync_memberships(member_ids)`` inside its own
transaction. It reads the members' present state (branch, active) and brings their
Membership rows in line, in a few statements whatever the number of members (the roster
import passes thousands):

- active, with an open row of the same branch: nothing to do;
- active, with an open row of another branch: the open row ends on ``day`` and a row of
  the new branch starts on ``day`` (the member belonged to both that day; each branch
  counts them once). An open row that started on ``day`` itself is rewritten to the new
  branch instead (a same-day correction leaves no one-day stay behind);
- active, without an open row (new, or reactivated): a row starts on ``day``; a row of
  the same branch that ended on ``day`` is reopened instead;
- inactive, with an open row: it ends on ``day``.

``day`` is the local calendar day (APP_TIMEZONE) unless given (demo data and tests
backdate). docs/ARCHITECTURE.md, Statistics, says how statistics read these rows.
"""
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.timeutil import local_zone

from .models import Member, Membership

CHUNK = 500


def today():
    """The local calendar day (APP_TIMEZONE)."""
    return datetime.now(local_zone()).date()


def sync_memberships(member_ids, day=None):
    """Bring the Membership rows of ``member_ids`` in line with the members' present branch
    and active flag (see the module docstring). Call it inside the writer's transaction,
    after the member rows are written (flushed)."""
    day = day or today()
    ids = sorted(set(member_ids))
    if not ids:
        return
    db.session.flush()
    for start in range(0, len(ids), CHUNK):
        _sync_chunk(ids[start:start + CHUNK], day)


def _sync_chunk(ids, day):
    state = {row.id: row for row in db.session.execute(
        sa.select(Member.id, Member.branch_id, Member.active).where(Member.id.in_(ids)))}
    rows = db.session.execute(
        sa.select(Membership.id, Membership.member_id, Membership.branch_id,
                  Membership.started_on, Membership.ended_on)
        .where(Membership.member_id.in_(ids),
               sa.or_(Membership.ended_on.is_(None), Membership.ended_on >= day))
        .order_by(Membership.member_id, Membership.started_on, Membership.id)).all()
    open_rows, ended_today = {}, {}
    for row in rows:
        if row.ended_on is None:
            open_rows[row.member_id] = row
        elif row.ended_on == day:
            ended_today[row.member_id] = row
    changes, inserts = [], []
    for member_id in ids:
        member = state.get(member_id)
        if member is None:
            continue
        current = open_rows.get(member_id)
        if not member.active:
            if current is not None:
                changes.append({"id": current.id, "ended_on": day})
            continue
        if current is not None:
            if current.branch_id == member.branch_id:
                continue
            if current.started_on >= day:
                changes.append({"id": current.id, "branch_id": member.branch_id})
                continue
            changes.append({"id": current.id, "ended_on": day})
        else:
            previous = ended_today.get(member_id)
            if previous is not None and previous.branch_id == member.branch_id:
                changes.append({"id": previous.id, "ended_on": None})
                continue
        inserts.append({"member_id": member_id, "branch_id": member.branch_id,
                        "started_on": day, "ended_on": None})
    table = Membership.__table__
    for key in ("ended_on", "branch_id"):
        batch = [{"row_id": c["id"], "value": c[key]} for c in changes if key in c]
        if batch:
            db.session.execute(
                sa.update(table).where(table.c.id == sa.bindparam("row_id"))
                .values({key: sa.bindparam("value")}), batch)
    if inserts:
        db.session.execute(sa.insert(Membership), inserts)
