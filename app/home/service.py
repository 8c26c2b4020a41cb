"""What the member's own pages at the top gather from the features below: 我的活动 with
registrations (registration), tickets and 学时 (checkin), in a fixed number of queries
whatever the number of events."""
from app.checkin import mine
from app.registration import queries
from app.timeutil import utcnow


def my_events(member, now=None):
    """我的活动: the member's events in three groups, one registration each (the active
    one, else the newest): upcoming (soonest first), past and dropped (cancelled,
    rejected or the event cancelled; newest first). With waitlist positions, ticket
    codes ({registration_id: code or None}) and hours ({registration_id: 学时}) of the
    registrations that show them."""
    now = now or utcnow()
    latest = queries.latest_per_event(queries.my_registrations(member)).values()
    upcoming, past, dropped = [], [], []
    for registration in latest:
        event = registration.event
        if event.status == "draft":
            continue
        if not registration.is_active or event.status == "cancelled":
            dropped.append(registration)
        elif event.ends_at is None or event.ends_at >= now:
            upcoming.append(registration)
        else:
            past.append(registration)
    upcoming.sort(key=lambda r: (r.event.starts_at or now, r.id))
    for group in (past, dropped):
        group.sort(key=lambda r: (r.event.starts_at or now, r.id), reverse=True)
    shown = upcoming + past + dropped
    return {"upcoming": upcoming, "past": past, "dropped": dropped,
            "positions": queries.waitlist_positions(upcoming),
            "tickets": mine.ticket_codes(shown, now), "hours": mine.earned_hours(shown, now)}
