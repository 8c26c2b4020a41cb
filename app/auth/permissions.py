"""Access checks for views: decorators that let a view run only for those a decision in
app.org.scope allows, and require() for a scope check inside a view. The decisions
themselves live in app.org.scope (and events.service); they are re-exported here for views."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from app.org.scope import (  # noqa: F401  (re-exported for views)
    can_see_branch,
    can_see_full_phone,
    can_see_member,
    is_admin,
    is_staff,
    sees_all_branches,
)


def allowed_if(decision):
    """Allow the view only to logged-in members for whom ``decision(member)`` holds."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not decision(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = allowed_if(is_admin)
staff_required = allowed_if(is_staff)


def require(condition):
    """Abort with 403 unless ``condition`` holds (a scope check in a view)."""
    if not condition:
        abort(403)
