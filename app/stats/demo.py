"""Demo history: a year of past activities with registrations and check-ins, so the
statistics pages of the demo have something to show (`flask seed-demo` runs it after the
organisation and the coming events).

The rows are written directly, as the check-in services would have left them over the
year (entries by ticket scan, some late, a few back-filled from a paper list with a
reason, leave approved, check-outs where a session needs them); each branch has a habit
of its own, so the 参与率 bars differ.
"""
import random
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from app.checkin.models import Checkin
from app.events.models import Event, EventSession
from app.extensions import db
from app.org.memberships import today
from app.org.models import Branch, Member
from app.registration.models import Leave, Registration
from app.timeutil import local_zone

# (title, kind, sessions, 学时 per session, check-out, share of the party members invited)
PLAN = [
    ("{month}月主题党日：学习党章党规", "lecture", 1, 2.0, False, 0.0),
    ("{month}月专题党课", "lecture", 1, 2.0, False, 0.0),
    ("党务干部业务培训班（第{n}期）", "training", 2, 3.0, True, 0.0),
    ("警示教育大会", "warning_education", 1, 2.5, False, 1.0),
]
BACKFILL_REASON = "根据纸质签到表补录"


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=local_zone())


def seed_history(rng_seed=2026, months=12):
    """Past events of the last ``months`` months with their attendance; returns how many."""
    rng = random.Random(rng_seed)
    organizer = db.session.scalar(sa.select(Member).filter_by(role="organizer"))
    committee = db.session.scalar(sa.select(Branch).filter_by(kind="committee")
                                  .order_by(Branch.id))
    members = db.session.execute(
        sa.select(Member.id, Member.branch_id, Member.political_status)
        .where(Member.active.is_(True), Member.role != "admin").order_by(Member.id)).all()
    if organizer is None or committee is None or not members:
        return 0
    party = [m for m in members if m.political_status in ("01", "02")] or list(members)
    habit = {branch_id: rng.uniform(0.55, 0.95) for branch_id in {m.branch_id for m in members}}
    now = today()
    made = 0
    for back in range(months, 0, -1):
        month_day = (now.replace(day=1) - timedelta(days=30 * back)).replace(day=1)
        plans = PLAN[:2] if back % 3 else PLAN
        for index, (title, kind, count, credit, checkout, invited_share) in enumerate(plans):
            day = month_day + timedelta(days=6 + 7 * index + rng.randrange(3))
            if day >= now:
                continue
            made += 1
            event = Event(title=title.format(month=day.month, n=made), kind=kind,
                          organizer_branch_id=committee.id, created_by_id=organizer.id,
                          status="closed" if kind != "lecture" else "published",
                          place="机关三楼报告厅", published_at=_at(day - timedelta(days=14), 9))
            db.session.add(event)
            db.session.flush()
            sessions = []
            for n in range(count):
                start = _at(day + timedelta(days=n // 2), 9 if n % 2 == 0 else 14, 30 * (n % 2))
                session = EventSession(event_id=event.id, title=f"第{n + 1}讲" if count > 1 else "",
                                       starts_at=start, ends_at=start + timedelta(hours=3),
                                       credit_hours=credit, grace_minutes=10,
                                       checkout_required=checkout)
                db.session.add(session)
                sessions.append(session)
            db.session.flush()
            invited = invited_share > 0
            people = party if invited else rng.sample(party, min(len(party), rng.randint(40, 90)))
            _attendance(rng, event, sessions, people, invited, habit, organizer.id)
    db.session.commit()
    return made


def _attendance(rng, event, sessions, people, invited, habit, organizer_id):
    registrations, leaves, checkins = [], [], []
    for person in people:
        registrations.append({"event_id": event.id, "member_id": person.id, "status": "confirmed",
                              "source": "invited" if invited else "self",
                              "branch_id": person.branch_id, "registered_by_id": None})
    ids = db.session.scalars(sa.insert(Registration).returning(
        Registration.id, sort_by_parameter_order=True), registrations).all()
    for person, registration_id in zip(people, ids, strict=True):
        if rng.random() < 0.04:
            leaves.append({"registration_id": registration_id, "reason": "外出公务",
                           "status": "approved", "requested_by_id": person.id,
                           "decided_by_id": organizer_id})
            continue
        for session in sessions:
            if rng.random() > habit[person.branch_id]:
                continue
            minutes = rng.choice([-25, -15, -10, -5, -3, 0, 4, 8, 15, 25])
            backfill = rng.random() < 0.03
            at = session.starts_at + timedelta(minutes=minutes)
            checkins.append({"session_id": session.id, "registration_id": registration_id,
                             "kind": "entry", "method": "backfill" if backfill else "ticket_scan",
                             "at": at if not backfill else session.ends_at + timedelta(hours=2),
                             "result": "ok", "late": not backfill and minutes > 10,
                             "operator_id": organizer_id if backfill else None,
                             "reason": BACKFILL_REASON if backfill else ""})
            if session.checkout_required and rng.random() < 0.92:
                checkins.append({"session_id": session.id, "registration_id": registration_id,
                                 "kind": "exit", "method": "ticket_scan",
                                 "at": session.ends_at - timedelta(minutes=rng.choice([0, 5, 30])),
                                 "result": "ok", "late": False, "operator_id": None,
                                 "reason": ""})
    if leaves:
        db.session.execute(sa.insert(Leave), leaves)
    if checkins:
        db.session.execute(sa.insert(Checkin), checkins)
