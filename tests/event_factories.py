"""Events with sessions and items, and registrations for them, made through the services
like production.

    from tests.event_factories import make_event, make_contest, make_lessons, session_rows

    event = make_event(organizer)                       # a draft training class, one session
    event = make_event(organizer, sessions=2, publish=True, capacity=30)
    event = make_contest(organizer, items=[{"name": "拔河", "is_team": True}], item_limit=1)
    event = make_event(factory)                         # makes a committee and an organizer too
    event = make_lessons(organizer, sessions=2)         # published, 3-hour 第1课, 第2课, a week away
    event = make_training(organizer, checkout=True)     # make_lessons on the check-in tests' clock

Times default to two weeks from now on the hour (make_lessons: a week from now), so
registration is open without freezing the clock; pass ``start=`` for a fixed date.
"""
from datetime import datetime, timedelta, timezone
from functools import partial

from app.checkin import service as checkin
from app.events import service as events
from app.registration import leave_requests, signup
from app.timeutil import utcnow

# The check-in tests' frozen clock: a session at 09:00 in Asia/Shanghai.
START = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
BEFORE = START - timedelta(days=7)  # when people register
ON_TIME = START - timedelta(minutes=5)
PERIOD = 15  # SELF_CHECKIN_PERIOD (the default)


def default_start():
    """Two weeks from now, on the hour (UTC)."""
    return (utcnow() + timedelta(days=14)).replace(minute=0, second=0, microsecond=0)


def soon(days=7, hours=0):
    """``days`` and ``hours`` from now, to the minute (UTC)."""
    return utcnow().replace(second=0, microsecond=0) + timedelta(days=days, hours=hours)


def session_rows(count=1, start=None, hours=2, every=timedelta(days=1), lesson="第{n}场",
                 room="", checkout=False, signature=False, **overrides):
    """``count`` session dicts for the service, ``every`` apart, ``hours`` long each, titled
    ``lesson`` and held in ``room`` (``{n}`` is the session's number); ``checkout`` is one
    flag for every session or a list, one per session; ``signature``: 签名签到 for all."""
    start = start or default_start()
    flags = checkout if isinstance(checkout, list) else [checkout] * count
    return [{
        "title": lesson.format(n=n + 1),
        "starts_at": start + n * every,
        "ends_at": start + n * every + timedelta(hours=hours),
        "place": room.format(n=n + 1),
        "credit_hours": float(hours),
        "grace_minutes": 10,
        "checkout_required": flags[n],
        "signature_required": signature,
        **overrides,
    } for n in range(count)]


def event_data(branch_id, **overrides):
    """The event fields create_event expects (a training class unless ``kind=`` says otherwise)."""
    return {
        "title": "测试培训班",
        "kind": "training",
        "organizer_branch_id": branch_id,
        "summary": "",
        "description": "",
        "place": "机关大楼三楼会议室",
        "registration_opens_at": None,
        "registration_closes_at": None,
        "capacity": None,
        "waitlist_enabled": True,
        "approval_required": False,
        "item_limit": None,
        **overrides,
    }


def event_form(branch, **overrides):
    """What the staff event form posts for a training class of ``branch`` with one
    session on 2030-05-10; an override of None leaves that field out."""
    data = {
        "title": "2030年党务干部培训班", "kind": "training", "organizer_branch_id": str(branch.id),
        "summary": "学习党章党规", "description": "", "place": "机关大楼三楼会议室",
        "registration_opens_at": "", "registration_closes_at": "", "capacity": "",
        "waitlist_enabled": "y", "completion_ratio": "0.75", "item_limit": "",
        "sessions-0-id": "", "sessions-0-title": "开班式",
        "sessions-0-starts_at": "2030-05-10T09:00", "sessions-0-ends_at": "2030-05-10T11:30",
        "sessions-0-place": "", "sessions-0-credit_hours": "2.5", "sessions-0-grace_minutes": "10",
        "gender": "", "min_age": "", "max_age": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _actor(factory_or_actor):
    """A member as given, or a new organizer (with a committee) made by a tests Factory."""
    if hasattr(factory_or_actor, "member") and hasattr(factory_or_actor, "branch"):
        committee = factory_or_actor.branch(name="机关党委", kind="committee")
        return factory_or_actor.member(name="活动组织者", branch=committee, role="organizer")
    return factory_or_actor


def make_event(factory_or_actor, *, sessions=1, items=(), spec=None, publish=False,
               start=None, hours=2, lesson="第{n}场", room="", checkout=False, grace=10,
               branch=None, walk_in=False, waitlist=True, approval=False, opens=None,
               closes=None, signature=False, **fields):
    """A draft event (``publish=True``: published) with ``sessions`` sessions (a number or
    a list of session dicts, see session_rows for ``lesson``, ``room`` and ``checkout``)
    and ``items``. Other keyword arguments are event fields; ``waitlist``, ``approval``,
    ``opens``, ``closes`` and ``walk_in`` are short for the fields they name; ``signature``
    makes every session 签名签到."""
    actor = _actor(factory_or_actor)
    rows = sessions if isinstance(sessions, list) else session_rows(
        sessions, start=start, hours=hours, lesson=lesson, room=room, checkout=checkout,
        signature=signature, grace_minutes=grace)
    short = {"waitlist_enabled": waitlist, "approval_required": approval,
             "registration_opens_at": opens, "registration_closes_at": closes}
    if walk_in:
        short["allow_walk_in"] = True
    data = event_data(branch.id if branch is not None else actor.branch_id, **{**short, **fields})
    event = events.create_event(actor, data, rows, list(items), spec)
    if publish:
        events.publish_event(actor, event)
    return event


def item_rows(*names, **overrides):
    """Individual items by name: item_rows("100米", "跳远", capacity=20)."""
    return [{"name": name, "is_team": False, **overrides} for name in names]


def make_contest(factory_or_actor, *, items=None, kind="sports", **fields):
    """A sports meet (or ``kind="contest"``) with items; default 100米, 跳远 and a 拔河 team item."""
    if items is None:
        items = item_rows("100米", "跳远") + [
            {"name": "拔河", "is_team": True, "team_min": 8, "team_max": 10, "branch_quota": 10}]
    fields.setdefault("title", "测试运动会")
    return make_event(factory_or_actor, kind=kind, items=items, **fields)


def make_lessons(actor, *, start=None, publish=True, **fields):
    """A published 测试活动 of 3-hour lessons (第1课, 第2课 ...) a day apart, starting
    ``start`` (default a week from now): the event of the registration tests."""
    fields.setdefault("title", "测试活动")
    fields.setdefault("summary", "学习贯彻党的二十届四中全会精神")
    fields.setdefault("description", "第一行\n第二行")
    fields.setdefault("hours", 3)
    fields.setdefault("lesson", "第{n}课")
    return make_event(actor, start=start or soon(), publish=publish, **fields)


# The check-in tests' event: 党务知识培训班 at START, lessons in 1号会议室, 2号会议室 ...
make_training = partial(make_lessons, title="党务知识培训班", start=START, room="{n}号会议室")


def open_event(organizer, minutes_to_start=30, title="专题党课", signature=False, **fields):
    """A published event with one 2-hour session starting ``minutes_to_start`` from now
    (check-in opens before it, so scans are accepted on the real clock); ``signature``:
    签名签到."""
    start = (utcnow() + timedelta(minutes=minutes_to_start)).replace(microsecond=0)
    return make_event(organizer, sessions=session_rows(1, start=start, signature=signature),
                      publish=True, title=title, **fields)


# ------------------------------------------------------------------ registrations

def join(member, event, now=BEFORE):
    """``member`` registers for ``event`` themselves (by default a week before START)."""
    return signup.register(member, event.id, now=now)


def approved_leave(organizer, registration, session=None, now=BEFORE):
    """Leave for one session (or all, ``session=None``), asked and approved at ``now``
    (by default a week before START)."""
    [leave] = leave_requests.request_leave(organizer, registration.id,
                                          session.id if session else None, "出差", now=now)
    return leave_requests.decide_leave(organizer, leave.id, True, now=now)


def attendee(factory, organizer, event, name, branch, **fields):
    """A member registered (by the organizer) and confirmed: (member, registration, ticket code)."""
    member = factory.member(name=name, branch=branch, **fields)
    reg = signup.register(organizer, event.id, member_id=member.id)
    return member, reg, checkin.ticket_for(reg).code


def entrants(factory, organizer, event, item, names, branch):
    """Members called ``names`` of ``branch``, registered by the organizer for ``item``
    of ``event`` (confirmed): their registrations, in order."""
    registrations = []
    for name in names:
        member = factory.member(name=name, branch=branch)
        registrations.append(signup.register(organizer, event.id, member_id=member.id,
                                             item_ids=[item.id]))
    return registrations
# ------------------------------------------------------------------ events that took place

def make_finished(organizer, *, sessions=4, hours=3, credit=None, checkout=False, days_ago=2,
                  **fields):
    """A published training (unless ``kind=`` says otherwise) of ``sessions`` daily
    sessions ``hours`` long, each worth ``credit`` 学时 (default ``hours``), the last one
    ended ``days_ago`` days ago (real time)."""
    start = (utcnow() - timedelta(days=days_ago + sessions)).replace(minute=0, second=0, microsecond=0)
    rows = session_rows(sessions, start=start, hours=hours, lesson="第{n}课", checkout=checkout)
    for row in rows:
        row["credit_hours"] = float(hours if credit is None else credit)
    fields.setdefault("title", "党务知识培训班")
    fields.setdefault("kind", "training")
    return make_event(organizer, sessions=rows, publish=True, **fields)


def signed_up(organizer, event, member, item_ids=()):
    """``member`` registered by the organizer the day before ``event`` began (confirmed),
    for ``item_ids`` where the event has items."""
    return signup.register(organizer, event.id, member_id=member.id, item_ids=item_ids,
                           now=event.starts_at - timedelta(days=1))


def backfill(operator, registration, sessions, kind="entry"):
    """Back-fill a check-in (or a check-out, ``kind="exit"``) for each of ``sessions``,
    as from a paper 签到表: allowed after the event, never late."""
    for session in sessions:
        result = checkin.perform_checkin(session.id, kind=kind, method="backfill",
                                         registration_id=registration.id, operator=operator,
                                         reason="根据纸质签到表补录")
        assert result.result == "ok", result.message
