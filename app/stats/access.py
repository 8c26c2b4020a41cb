"""Who may read which statistics: one rule for pages, exports and the API.

- Organizers and admins read every branch; a branch secretary the subtree of their own
  branch (org/scope.py); members read no branch statistics (403).
- An ``event`` filter must name an event the reader follows (events.service
  staff_sees_event): an unknown event is 404, another's event 403.
- An event summary is the attendance report's decision (checkin.reports.report_scope).
"""
from app.errors import DomainError
from app.events.models import Event
from app.events.service import staff_sees_event
from app.extensions import db
from app.org.scope import is_staff, scope_branch


def require_reader(actor):
    """DomainError unless ``actor`` is logged-in staff: 401 for nobody, 403 for a member."""
    if actor is None or not actor.is_authenticated:
        raise DomainError("login_required", http_status=401)
    if not is_staff(actor):
        raise DomainError("forbidden", http_status=403)


def branch_scope(actor):
    """The branch whose subtree ``actor`` reads (None: every branch)."""
    require_reader(actor)
    return scope_branch(actor)


def filtered_event(actor, filters):
    """The Event of ``filters.event_id`` if ``actor`` may read it, None without a filter."""
    if not filters.event_id:
        return None
    event = db.session.get(Event, filters.event_id)
    if event is None:
        raise DomainError("event_not_found")
    if not staff_sees_event(actor, event):
        raise DomainError("forbidden", http_status=403)
    return event
