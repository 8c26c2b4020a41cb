"""Authentication rules: lockout after repeated failures, password changes."""
import math
import secrets
from datetime import timedelta

from flask import current_app

from app.audit.service import record
from app.errors import DomainError
from app.extensions import db
from app.org.models import Member
from app.org.normalize import normalize_phone
from app.org.passwords import (
    check_member_password,
    hash_password,
    initial_password,
    validate_new_password,
)
from app.timeutil import utcnow


def authenticate(phone, password, now=None):
    """Return the member for a correct phone and password, or raise DomainError.

    The same message answers an unknown phone, a wrong password and an inactive
    account, so nobody learns which field was wrong.
    """
    now = now or utcnow()
    member = db.session.scalar(db.select(Member).filter_by(phone=normalize_phone(phone)))
    if member is not None and member.locked_until and member.locked_until > now:
        minutes = math.ceil((member.locked_until - now).total_seconds() / 60)
        raise DomainError("login_locked", minutes=minutes)

    if not check_member_password(member, password) or not member.active:
        if member is not None and member.active:
            _count_failure(member, now)
        raise DomainError("login_failed")

    member.failed_logins = 0
    member.locked_until = None
    member.last_login_at = now
    db.session.commit()
    return member


def _count_failure(member, now):
    config = current_app.config
    member.failed_logins += 1
    locked = member.failed_logins >= config["LOGIN_MAX_FAILURES"]
    if locked:
        member.failed_logins = 0
        member.locked_until = now + timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
    record(member, "auth.login_failed", member, locked=locked)
    db.session.commit()
    if locked:
        raise DomainError("login_locked", minutes=config["LOGIN_LOCK_MINUTES"])


def change_password(member, current_password, new_password, confirm_password):
    if not check_member_password(member, current_password):
        raise DomainError("password_wrong_current", field="current_password")
    if new_password != confirm_password:
        raise DomainError("password_mismatch", field="confirm_password")
    validate_new_password(new_password)
    if member.initial_password_salt and new_password == initial_password(
        member.initial_password_salt
    ):
        raise DomainError("password_same_as_initial", field="new_password")
    member.password_hash = hash_password(new_password)
    member.initial_password_salt = None
    member.must_change_password = False
    member.login_token = secrets.token_hex(8)  # other devices sign out
    record(member, "auth.password_change", member)
    db.session.commit()
