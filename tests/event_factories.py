"""Events with sessions and items for tests, made through events.service like production.

    from tests.event_factories import make_event, make_contest, session_rows

    event = make_event(organizer)                       # a draft training class, one session
    event = make_event(organizer, sessions=2, publish=True, capacity=30)
    event = make_contest(organizer, items=[{"name": "拔河", "is_team": True}], item_limit=1)
    event = make_event(factory)                         # makes a committee and an organizer too

Times default to whole hours two weeks from now, so registration is open without
freezing the clock; pass ``start=`` for a fixed date.
"""
from datetime import timedelta

from app.events import service as events
from app.timeutil import utcnow


def default_start():
    """Two weeks from now, on the hour (UTC)."""
    return (utcnow() + timedelta(days=14)).replace(minute=0, second=0, microsecond=0)


def session_rows(count=1, start=None, hours=2, every=timedelta(days=1), **overrides):
    """``count`` session dicts for the service, ``every`` apart, ``hours`` long each."""
    start = start or default_start()
    return [{
        "title": f"第{n + 1}场",
        "starts_at": start + n * every,
        "ends_at": start + n * every + timedelta(hours=hours),
        "place": "",
        "credit_hours": float(hours),
        "grace_minutes": 10,
        "checkout_required": False,
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


def _actor(factory_or_actor):
    """A member as given, or a new organizer (with a committee) made by a tests Factory."""
    if hasattr(factory_or_actor, "member") and hasattr(factory_or_actor, "branch"):
        committee = factory_or_actor.branch(name="机关党委", kind="committee")
        return factory_or_actor.member(name="活动组织者", branch=committee, role="organizer")
    return factory_or_actor


def make_event(factory_or_actor, *, sessions=1, items=(), spec=None, publish=False,
               start=None, hours=2, branch=None, **fields):
    """A draft event (``publish=True``: published) with ``sessions`` sessions (a number or
    a list of session dicts) and ``items``; other keyword arguments are event fields."""
    actor = _actor(factory_or_actor)
    rows = sessions if isinstance(sessions, list) else session_rows(sessions, start=start,
                                                                    hours=hours)
    data = event_data(branch.id if branch is not None else actor.branch_id, **fields)
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
