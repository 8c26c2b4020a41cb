"""The public verification page's look-up: a code from a certificate's QR (or typed)
answers valid, revoked, not found or malformed, with a masked name and the facts that
catch an edited certificate (event, dates, kind, hours or award, serial), nothing more.

Every look-up does the same work, found or not: one UPDATE … RETURNING on the unique code
column counts the look-up on the certificate (0 rows when there is none) and one upsert
counts it for the day (found or unknown); a malformed code runs the same two statements
with a value no certificate has. So a guess is answered in the time of a hit, and the
page's rate limit (VERIFY_RATE_LIMIT) bounds guessing: 31^12 codes.
"""
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.errors import message_for
from app.extensions import db
from app.timeutil import format_local, to_local, utcnow
from app.txn import write_transaction

from .constants import CODE_ALPHABET, CODE_LENGTH, KIND_LABELS
from .models import Certificate, VerificationDay

_CODE = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
_NO_CODE = "-" * CODE_LENGTH  # what a malformed code is looked up as: never a code
_MESSAGES = {"not_found": "verify_not_found", "malformed": "verify_malformed"}


@dataclass(frozen=True)
class Verification:
    state: str  # valid, revoked, not_found, malformed
    facts: dict | None = None

    @property
    def found(self):
        return self.facts is not None

    @property
    def message(self):
        """Why nothing was found, in Chinese (None when found)."""
        return None if self.found else message_for(_MESSAGES[self.state])


def normalize(code):
    """A code as printed: upper case, spaces and dashes dropped."""
    return re.sub(r"[\s\-]", "", code or "").upper()[:40]


def well_formed(code):
    return bool(_CODE.match(code))


def mask_name(name):
    """张*梅, 李*, 欧阳**: the first and (from three characters) the last character."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def verify(code, now=None):
    """Look up ``code`` and count the look-up; see the module docstring."""
    now = now or utcnow()
    code = normalize(code)
    valid_form = well_formed(code)
    with write_transaction():
        row = db.session.execute(
            sa.update(Certificate).where(Certificate.code == (code if valid_form else _NO_CODE))
            .values(verify_count=Certificate.verify_count + 1, last_verified_at=now)
            .returning(Certificate.kind, Certificate.serial, Certificate.snapshot, Certificate.issued_at,
                       Certificate.revoked_at)
            .execution_options(synchronize_session=False)).first()
        _count_day(to_local(now).date(), row is not None)
    if row is None:
        return Verification("not_found" if valid_form else "malformed")
    return Verification("revoked" if row.revoked_at is not None else "valid", _facts(row))


def _count_day(day, found):
    table = VerificationDay.__table__
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(table).values(day=day, found=int(found), unknown=int(not found))
    db.session.execute(insert.on_conflict_do_update(
        index_elements=[table.c.day],
        set_={"found": table.c.found + insert.excluded.found,
              "unknown": table.c.unknown + insert.excluded.unknown}))


def _facts(row):
    snapshot = row.snapshot or {}
    facts = {
        "name": mask_name(snapshot.get("name")),
        "event": snapshot.get("event", ""),
        "dates": snapshot.get("dates", ""),
        "kind": KIND_LABELS.get(row.kind, ""),
        "serial": row.serial,
        "issued_on": snapshot.get("issued_on", ""),
        "revoked_on": format_local(row.revoked_at, "%Y-%m-%d") if row.revoked_at else "",
    }
    if row.kind == "award":
        facts["item"] = snapshot.get("item", "")
        facts["award"] = snapshot.get("award", "")
    else:
        facts["hours"] = snapshot.get("hours")
    return facts


def lookups_on(day):
    """(found, unknown) look-ups counted on a local date."""
    row = db.session.get(VerificationDay, day)
    return (row.found, row.unknown) if row is not None else (0, 0)
