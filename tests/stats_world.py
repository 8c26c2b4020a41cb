"""Worlds for the statistics tests: a small one written out by hand (small_world), and
random ones for the property tests (see below), with a plain Python reference of every
number computed from DESIGN.md §3."""
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

from app.checkin import service as checkin
from app.extensions import db
from app.org.memberships import sync_memberships

from .event_factories import BEFORE, approved_leave, join, make_event, make_training

# When the statistics tests read their worlds: every session has taken place.
AFTER = datetime(2027, 1, 10, 2, 0, tzinfo=timezone.utc)


def manual(organizer, session, registration, at):
    answer = checkin.perform_checkin(session.id, kind="entry", method="manual",
                                     registration_id=registration.id, operator=organizer, now=at)
    assert answer.result == "ok", answer


def small_world(org, factory):
    """A training class on 1 and 2 December 2026 (two sessions of 3 学时):
    第一党支部: 甲 comes twice, 乙 comes once, 丙 (指定参加) is on leave for the first and
    absent from the second; 第二党支部: 丁 is absent from both, 戊 did not register;
    己 moved from the first branch to the second on 1 June and came to the first session.
    A lecture of 2027 (甲 comes) is outside the year."""
    o = org.organizer
    event = make_training(o, sessions=2)
    one, two = event.sessions
    people = {}
    for name, branch in (("甲", org.one), ("乙", org.one), ("丙", org.one), ("丁", org.two),
                         ("戊", org.two), ("己", org.one)):
        people[name] = factory.member(name=name, branch=branch)
    ji = people["己"]
    ji.branch_id = org.two.id
    db.session.flush()
    sync_memberships([ji.id], day=date(2026, 6, 1))
    db.session.commit()
    regs = {name: join(people[name], event) for name in ("甲", "乙", "丙", "丁", "己")}
    regs["丙"].source = "invited"
    db.session.commit()
    approved_leave(o, regs["丙"], one)
    manual(o, one, regs["甲"], one.starts_at)
    manual(o, two, regs["甲"], two.starts_at)
    manual(o, one, regs["乙"], one.starts_at + timedelta(minutes=30))
    manual(o, one, regs["己"], one.starts_at)

    lecture = make_event(o, hours=2, title="新年党课", kind="lecture", publish=True,
                         start=datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc))  # 2027 locally
    manual(o, lecture.sessions[0], join(people["甲"], lecture, now=BEFORE),
           lecture.sessions[0].starts_at)
    return SimpleNamespace(people=people, event=event, lecture=lecture, regs=regs)


