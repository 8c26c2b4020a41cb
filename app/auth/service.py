"""Authentication rules: checking a password, password changes.

Repeated wrong passwords are slowed down by the login limits of the login page
(auth/views.py: per phone from one client, per address), never by locking the account:
anyone could lock anyone out that way (issue 8, finding 8).
"""
import secrets

from app.audit.service import record
from app.errors import DomainError
from app.extensions import db
from app.org.models import Member, mask_phone
from app.org.normalize import normalize_phone
from app.org.passwords import (
    check_member_password,
    hash_password,
    initial_password,
    validate_new_password,
)
from app.txn import lock, write_transaction

from . import sessions


def authenticate(phone, password, *, ip=None, user_agent="", now=None):
    """Log a member in: return the member, with a new login recorded (``member.login_key``),
    for a correct phone and password; else raise DomainError("login_failed").

    An unknown phone, a wrong password and an inactive account get the same answer in
    the same time: one scrypt each (org.passwords.check_member_password) and one audit
    entry each. The slow check runs before any write lock is taken, so people logging in
    together don't queue on it.
    """
    phone = normalize_phone(phone)
    member = db.session.scalar(db.select(Member).filter_by(phone=phone))
    correct = check_member_password(member, password)
    if member is None or not member.active or not correct:
        with write_transaction():
            if member is None:
                record(None, "auth.login_failed", None, phone=mask_phone(phone[:11]))
            else:
                record(member, "auth.login_failed", member)
        raise DomainError("login_failed")
    sessions.start_login(member, ip, user_agent, now)
    return member


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
