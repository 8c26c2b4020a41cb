"""Who may act on someone else's registration. Role and branch rules themselves live in
app.org.scope and events.service.can_manage; this module only combines them for the
registration writers (decide, leave_requests, team_entries)."""
from app.events.service import can_manage
from app.org.scope import is_secretary_of, sees_all_branches


def acts_for(actor, registration, event):
    """Staff who manage the event, or the secretary of the branch kept on the registration
    (like every list and statistic, not the member's branch today): they may cancel and ask
    for leave on the member's behalf."""
    return can_manage(actor, event) or is_secretary_of(actor, registration.branch)


def decides_for(actor, event, branch):
    """Organisation-wide staff who manage the event, or the secretary of ``branch``: a
    secretary decides leave and teams for their own subtree, not for every registration of
    an event they organise."""
    return (sees_all_branches(actor) and can_manage(actor, event)) or is_secretary_of(actor, branch)
