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
from app.txn import lock, write_transaction


def authenticate(phone, password, now=None):
    """Return the member for a correct phone and password, or raise DomainError.

    The same message answers an unknown phone, a wrong password and an inactive
    account, so nobody learns which field was wrong. The slow password check runs
    before the write lock is taken, so people logging in together don't queue on it.
    """
    now = now or utcnow()
    member = db.session.scalar(db.select(Member).filter_by(phone=normalize_phone(phone)))
    if member is not None and member.locked_until and member.locked_until > now:
        minutes = math.ceil((member.locked_until - now).total_seconds() / 60)
        raise DomainError("login_locked", minutes=minutes)

    correct = check_member_password(member, password) and member.active
    if member is None or not member.active:
        raise DomainError("login_failed")
    member_id = member.id
    with write_transaction():
        member = lock(Member, member_id)
        if correct:
            member.failed_logins = 0
            member.locked_until = None
            member.last_login_at = now
        else:
            locked = _count_failure(member, now)
    if not correct:
        if locked:
            raise DomainError("login_locked", minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        raise DomainError("login_failed")
    return member


def _count_failure(member, now):
    """One more wrong password; returns True when it locks the account."""
    config = current_app.config
    member.failed_logins += 1
    locked = member.failed_logins >= config["LOGIN_MAX_FAILURES"]
    if locked:
        member.failed_logins = 0
        member.locked_until = now + timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
    record(member, "auth.login_failed", member, locked=locked)
    return locked


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
    password_hash = hash_password(new_password)
    with write_transaction():
        member = lock(Member, member.id)
        member.password_hash = password_hash
        member.initial_password_salt = None
        member.must_change_password = False
        member.login_token = secrets.token_hex(8)  # other devices sign out
        record(member, "auth.password_change", member)
    return member
