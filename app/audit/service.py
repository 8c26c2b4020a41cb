"""record() adds an audit row to the caller's transaction; it never commits.

Each feature names its actions and details in Chinese in its own constants.py
(AUDIT_ACTIONS, AUDIT_DETAILS); app/auditlog shows them."""
from flask import has_request_context, request

from app.extensions import db

from .models import AuditLog


def record(actor, action, target=None, **details):
    if target is not None and getattr(target, "id", None) is None:
        db.session.flush()  # the target needs its id before it can be named
    entry = AuditLog(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target.__tablename__ if target is not None else None,
        target_id=getattr(target, "id", None),
        details=details,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry

