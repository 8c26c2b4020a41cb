"""Demo data for `flask seed-demo`: a training that took place last month, with its
attendance back-filled from the paper lists and its completion certificates issued.

    from app.certificates.demo import seed_finished_training
    event = seed_finished_training(organizer, members)   # inside seed_events(), after the rest

Everything goes through the services, as an organizer would do it: the event, the
registrations (by the organizer), approved leave, back-filled check-ins, the wording and
the issuing. Most people come to every lesson; some miss one (still 75 %: they complete),
some miss two or ask leave for two (50 %: they do not), so the preview shows both.
"""
import random
from datetime import datetime, time, timedelta

from app.checkin.service import perform_checkin
from app.events import service as events
from app.registration import leave_requests, signup
from app.timeutil import local_zone, utcnow

from . import issuing, wording

TITLE = "2026年度发展对象培训班"
LESSONS = ("开班式暨党章专题辅导", "党的基本理论", "党的纪律与作风建设", "结业考试与座谈")


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=local_zone()).astimezone(utcnow().tzinfo)


def seed_finished_training(organizer, members, *, people=30, rng_seed=2026, days_ago=30):
    """A published training of four 3-hour lessons that ended ``days_ago`` days ago,
    ``people`` of ``members`` registered, their attendance back-filled and completion
    certificates issued; returns the event."""
    rng = random.Random(rng_seed)
    first_day = (datetime.now(local_zone()) - timedelta(days=days_ago + 3)).date()
    sessions = [{"title": title, "starts_at": _at(first_day + timedelta(days=n), 9),
                 "ends_at": _at(first_day + timedelta(days=n), 12), "credit_hours": 3.0,
                 "place": "市委党校第二教室"} for n, title in enumerate(LESSONS)]
    event = events.create_event(organizer, {
        "title": TITLE, "kind": "training", "organizer_branch_id": organizer.branch_id,
        "place": "市委党校第二教室", "completion_ratio": 0.75,
        "summary": "面向各支部发展对象的集中培训，共4讲12学时，缺课超过四分之一不予结业。",
    }, sessions)
    events.publish_event(organizer, event)
    before = event.starts_at - timedelta(days=5)
    chosen = rng.sample(list(members), min(people, len(members)))
    for number, member in enumerate(chosen):
        registration = signup.register(organizer, event.id, member_id=member.id, now=before)
        came = list(event.sessions)
        if number % 10 == 3:  # missed one lesson: 9 of 12 学时, still completes
            came.pop(rng.randrange(len(came)))
        elif number % 10 == 7:  # on leave for two lessons: 6 of 12, does not complete
            for session in came[2:]:
                [leave] = leave_requests.request_leave(organizer, registration.id, session.id,
                                                     "单位工作安排，无法参加", now=before)
                leave_requests.decide_leave(organizer, leave.id, True, now=before)
            came = came[:2]
        elif number % 10 == 9:  # came once: a participation, no completion
            came = came[:1]
        for session in came:
            perform_checkin(session.id, method="backfill", registration_id=registration.id,
                            operator=organizer, reason="根据纸质签到表补录")
    wording.save_wording(organizer, event, "completion", {
        "title": "结业证书", "issuer": organizer.branch.name,
        "body": "{姓名} 同志：\n于{日期}参加「{活动名称}」，完成学习 {学时} 学时，经考核合格，准予结业。\n特发此证。",
    })
    issuing.issue(organizer, event.id, "completion")
    return event
