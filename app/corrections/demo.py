"""Demo data for `flask seed-demo`: corrections (申诉) on sessions that took place, so the
补签申请 page and the records show each state.

    from app.corrections.demo import seed_corrections
    seed_corrections(organizer)   # inside seed_demo(), after every past event is seeded

Everything goes through the services: members who were absent ask, with a note; the
organizer accepts one (a back-fill with the note as its reason), declines one, and leaves
the rest pending. Without a past absence (a demo of future events only) it does nothing.
"""
import sqlalchemy as sa

from app.checkin import attendance
from app.events.models import EventSession
from app.extensions import db
from app.org.models import Member
from app.timeutil import utcnow

from . import service

NOTES = ("手机没电，没能扫码签到，本人全程在场，可请同桌证明。",
         "签到时网络不好，扫码没有成功，会后才发现。",
         "到场后忙着布置会场，忘记扫码签到。",
         "扫码页面一直转圈，当时以为已经签上了。",
         "从外地出差赶回，迟到十分钟，忘了签到。")


def seed_corrections(organizer, count=5):
    """Up to ``count`` corrections from absences of sessions that have started: the
    first accepted, the second declined, the others pending; returns how many."""
    started = sa.select(EventSession.id).where(EventSession.starts_at <= utcnow())
    rows = attendance.attendance_rows(sessions=started)
    absent = db.session.execute(
        sa.select(rows.c.registration_id, rows.c.session_id, rows.c.member_id)
        .where(rows.c.absent == 1).order_by(rows.c.starts_at.desc(), rows.c.registration_id)
        .limit(count * 3)).all()
    made, seen = 0, set()
    for registration_id, session_id, member_id in absent:
        if made == count or member_id in seen:
            continue
        seen.add(member_id)
        member = db.session.get(Member, member_id)
        correction = service.ask(member, registration_id, session_id, NOTES[made % len(NOTES)])
        if made == 0:
            service.decide(organizer, correction.id, accept=True, decision_note="已核对会场照片")
        elif made == 1:
            service.decide(organizer, correction.id, accept=False,
                           decision_note="签到表和会场照片中都没有找到，请联系支部书记说明")
        made += 1
    return made
