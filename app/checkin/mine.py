"""What members see of their own check-in on the member pages (我的活动, an event's page):
the link to their ticket and the 学时 earned, for many registrations at once, so a
page's statements do not grow with its rows."""
from app.extensions import db
from app.timeutil import utcnow

from . import attendance
from .models import Ticket

SHOWN_EVENT_STATUSES = ("published", "closed")
NO_HOURS_KINDS = ("contest", "sports")


def ticket_codes(registrations, now=None):
    """{registration_id: ticket code, or None before the ticket is made} for the
    registrations whose ticket is shown: confirmed, of an event that still takes place.
    Events and their sessions must be loaded."""
    now = now or utcnow()
    shown = [r.id for r in registrations
             if r.status == "confirmed" and r.event.status in SHOWN_EVENT_STATUSES
             and (r.event.ends_at is None or r.event.ends_at >= now)]
    if not shown:
        return {}
    codes = dict(db.session.execute(
        db.select(Ticket.registration_id, Ticket.code).where(Ticket.registration_id.in_(shown))
    ).all())
    return {rid: codes.get(rid) for rid in shown}


def earned_hours(registrations, now=None):
    """{registration_id: 学时 earned so far} for the registrations whose hours are shown:
    confirmed, of an event with credit hours (not a contest or sports meet) once one of
    its sessions is over. Events and their sessions must be loaded."""
    now = now or utcnow()
    shown = [r.id for r in registrations
             if r.status == "confirmed" and r.event.status in SHOWN_EVENT_STATUSES
             and r.event.kind not in NO_HOURS_KINDS and r.event.total_hours
             and any(s.ends_at <= now for s in r.event.sessions)]
    return attendance.hours_by_registration(shown)
