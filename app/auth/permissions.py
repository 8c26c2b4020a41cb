"""Role checks for views. Every staff view uses these; nothing checks roles by hand.
Branch scope rules live in app.org.scope and are re-exported here for views."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from app.org.scope import (  # noqa: F401  (re-exported for views)
    can_see_branch,
    can_see_full_phone,
    can_see_member,
    sees_all_branches,
)


def roles_required(*roles):
    """Allow the view only to logged-in members whose role is one of ``roles``."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = roles_required("admin")
staff_required = roles_required("secretary", "organizer", "admin")


def require(condition):
    """Abort with 403 unless ``condition`` holds (a scope check in a view)."""
    if not condition:
        abort(403)
