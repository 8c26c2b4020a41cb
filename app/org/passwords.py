"""Member credentials: password hashing and one-time initial passwords.

Own passwords are hashed with werkzeug's scrypt. Initial passwords are not
stored at all: each is an HMAC of the server's SECRET_KEY and a random per-member
salt, so a 20,000-row roster import needs no 20,000 slow hashes, and the list of
initial passwords can be shown again to the admin until each member sets their
own. Rotating SECRET_KEY changes every initial password not yet used.
"""
import hashlib
import hmac
import re
import secrets

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from app.errors import DomainError

# No look-alikes (0/o, 1/l/i) so a password read off paper types right.
INITIAL_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
INITIAL_LENGTH = 8
MIN_LENGTH = 8

# A real hash to compare against when the phone is unknown, so timing does not tell.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def hash_password(password):
    return generate_password_hash(password, method="scrypt")


def new_initial_salt():
    return secrets.token_hex(16)


def initial_password(salt):
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, b"initial-password:" + salt.encode(), hashlib.sha256).digest()
    return "".join(
        INITIAL_ALPHABET[byte % len(INITIAL_ALPHABET)] for byte in digest[:INITIAL_LENGTH]
    )


def check_member_password(member, password):
    """Whether ``password`` is the member's. Always costs one scrypt, whether the phone is
    unknown, has its own password or is still on its initial one (an HMAC, checked next
    to a dummy scrypt), so the time of an answer does not tell which (issue 8, finding 8)."""
    if member is not None and member.password_hash:
        return check_password_hash(member.password_hash, password)
    check_password_hash(_DUMMY_HASH, password)
    if member is not None and member.initial_password_salt:
        return hmac.compare_digest(initial_password(member.initial_password_salt), password)
    return False


def validate_new_password(password):
    if len(password) < MIN_LENGTH:
        raise DomainError("password_too_short", field="new_password", min_length=MIN_LENGTH)
    if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
        raise DomainError("password_too_simple", field="new_password")


def set_initial_password(member):
    """Give a member a new one-time password they must change at first login."""
    member.password_hash = None
    member.initial_password_salt = new_initial_salt()
    member.must_change_password = True
    member.login_token = secrets.token_hex(8)
    member.failed_logins = 0
    member.locked_until = None
    return initial_password(member.initial_password_salt)


def set_own_password(member, password):
    """Set a known password (demo accounts, the first admin from the CLI)."""
    member.password_hash = hash_password(password)
    member.initial_password_salt = None
    member.must_change_password = False
    member.login_token = secrets.token_hex(8)


def pending_initial_password(member):
    """The initial password still valid for this member, or None once changed."""
    if member.password_hash or not member.initial_password_salt:
        return None
    return initial_password(member.initial_password_salt)
