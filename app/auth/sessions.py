"""Logins on the server (issue 8, finding 5): one LoginSession row per login on a device.

The login id Flask-Login keeps in the session cookie and the remember cookie is
``<member id>:<login token>:<login key>`` (``Member.get_id``). The user loader accepts it
only while that login has not ended, within REMEMBER_DAYS of its start, and while the
member's login token is unchanged (a password or role change, a deactivation). Logging
out ends the login on the server: a cookie saved before no longer works anywhere.

    start_login(member, ip=None, user_agent="", now=None) -> key   (sets member.login_key)
    load_member(user_id, now=None) -> Member | None                 (the user loader)
    end_login(member, now=None)                                     (退出: this login)
    end_all_logins(member, now=None)                                (在所有设备上退出)
"""
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.audit.service import record
from app.extensions import db
from app.org.models import Member
from app.timeutil import utcnow
from app.txn import lock, write_transaction
from app.web import parse_id

from .models import LoginSession


def _hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def _lifetime():
    return timedelta(seconds=current_app.config["REMEMBER_COOKIE_DURATION"])


def start_login(member, ip=None, user_agent="", now=None):
    """Record a new login of ``member`` and return its key (also set on ``member``).
    The member's logins that ended or expired are dropped on the way."""
    now = now or utcnow()
    key = secrets.token_urlsafe(24)
    with write_transaction():
        db.session.execute(sa.delete(LoginSession).where(
            LoginSession.member_id == member.id,
            sa.or_(LoginSession.ended_at.is_not(None),
                   LoginSession.created_at < now - _lifetime())))
        db.session.add(LoginSession(member_id=member.id, key_hash=_hash(key), created_at=now,
                                    ip=ip, user_agent=(user_agent or "")[:200]))
        lock(Member, member.id).last_login_at = now
    member.login_key = key
    return key


def load_member(user_id, now=None):
    """The member a login id names, if that login is still on; else None."""
    member_id, _, rest = (user_id or "").partition(":")
    token, _, key = rest.partition(":")
    member_id = parse_id(member_id)
    if member_id is None or not key:
        return None
    member = db.session.scalar(
        sa.select(Member).join(LoginSession, LoginSession.member_id == Member.id).where(
            Member.id == member_id, LoginSession.key_hash == _hash(key),
            LoginSession.ended_at.is_(None),
            LoginSession.created_at > (now or utcnow()) - _lifetime()))
    if member is None or not member.active or member.login_token != token:
        return None
    member.login_key = key
    return member


def end_login(member, now=None):
    """End this login of ``member`` (the one its login_key names)."""
    if not getattr(member, "login_key", None):
        return
    with write_transaction():
        db.session.execute(
            sa.update(LoginSession)
            .where(LoginSession.key_hash == _hash(member.login_key),
                   LoginSession.ended_at.is_(None))
            .values(ended_at=now or utcnow()))


def end_all_logins(member, now=None):
    """End every login of ``member`` on every device (and change its login token, so
    nothing made before, in any form, still works)."""
    with write_transaction():
        db.session.execute(
            sa.update(LoginSession)
            .where(LoginSession.member_id == member.id, LoginSession.ended_at.is_(None))
            .values(ended_at=now or utcnow()))
        locked = lock(Member, member.id)
        locked.login_token = secrets.token_hex(8)
        record(locked, "auth.logout_everywhere", locked)
