"""Import batches and the write: check an upload and keep it, commit it once, all or nothing.

``create_batch()`` keeps the uploaded bytes in an ImportBatch between "check" and "import",
so any app process can finish it; ``commit_batch()`` re-reads and re-checks the stored file
inside the write transaction and writes every row, or nothing. ``import_roster()`` is the
same write without a stored batch (the CLI).

The write runs in ``write_transaction()``: on SQLite the write lock is held from the first
statement, so the check inside sees exactly what the write then changes; a phone taken by
another process after the check (PostgreSQL) ends as import_conflict.
"""
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import defer

from app.audit.service import record
from app.errors import DomainError, message_for
from app.extensions import db
from app.timeutil import utcnow
from app.txn import write_transaction

from ..memberships import sync_memberships
from ..models import ImportBatch, Member
from ..normalize import clean_text
from ..passwords import new_initial_salt
from .checking import check_roster
from .reading import read_roster

BATCH_TTL = timedelta(hours=24)  # an uncommitted check older than this is refused
INSERT_CHUNK = 1_000


@dataclass
class ImportResult:
    counts: dict
    new_member_ids: list
    batch: ImportBatch = None


def create_batch(actor, data, filename):
    """Read and check an upload; keep it in an ImportBatch for the commit step.

    File-level problems raise DomainError and store nothing. Row problems are kept on the
    batch (the first SHOWN_PROBLEMS of them) for the check page.
    """
    check = check_roster(read_roster(data, filename))
    with write_transaction(conflict="import_conflict"):
        _purge_expired()
        batch = ImportBatch(
            created_by_id=actor.id,
            filename=_clean_filename(filename),
            file_data=data,
            status="validated",
            row_count=check.row_count,
            error_count=len(check.problems),
            summary=check.summary(),
        )
        db.session.add(batch)
    return batch


def commit_batch(actor, batch_id):
    """Re-read and re-check a validated batch against the current database and write every
    row in one transaction, or nothing. Returns an ImportResult.

    The write does exactly what the check page showed, or nothing: when the database
    changed since the check so that the file no longer fits (a branch was deactivated),
    the new problems are stored on the batch and import_has_errors is raised; when it
    would now do something else (a member with one of the file's phones was created or
    changed meanwhile, so a new row became a rename), the new check is stored for the
    page to show and import_changed is raised.
    """
    batch = _committable_batch(batch_id)
    seen = batch.summary.get("plan")
    table = read_roster(batch.file_data, batch.filename)  # before taking the write lock
    with write_transaction(conflict="import_conflict"):
        check = check_roster(table)
        changed = check.ok and check.plan_digest() != seen
        if check.ok and not changed:
            result = _write(actor, check, _claim(batch_id))
        else:
            _store_check(batch_id, check)
    if not check.ok:
        raise DomainError("import_has_errors", count=len(check.problems))
    if changed:
        raise DomainError("import_changed")
    return result


def import_roster(actor, table, filename):
    """Check and write a roster read by read_roster() in one transaction (the CLI).

    With an actor, a committed ImportBatch is recorded too, so the page lists the
    initial passwords; ImportBatch needs its creator, so without one there is none.
    """
    with write_transaction(conflict="import_conflict"):
        check = check_roster(table)
        if not check.ok:
            raise DomainError("import_has_errors", count=len(check.problems))
        batch = None
        if actor is not None:
            batch = ImportBatch(created_by_id=actor.id, filename=_clean_filename(filename),
                                status="committed", committed_at=utcnow())
            db.session.add(batch)
        result = _write(actor, check, batch, filename)
    return result

def _write(actor, check, batch, filename=None):
    """Insert and update the members of a clean Check, and log it; inside the write transaction."""
    now = utcnow()
    new_ids = _insert_members(check.new, now)
    _update_members(check.updates, now)
    # New members join their branch; an update may move or reactivate one.
    sync_memberships([*new_ids, *(member_id for member_id, _, _ in check.updates)])
    counts = check.counts
    if batch is not None:
        batch.file_data = None
        batch.row_count = check.row_count
        batch.error_count = 0
        batch.summary = check.summary()
        batch.new_member_ids = new_ids
        filename = batch.filename
    record(actor, "member.import", batch, filename=filename,
           **{key: counts[key] for key in ("rows", "new", "updated", "reactivated", "unchanged")})
    return ImportResult(counts=counts, new_member_ids=new_ids, batch=batch)


def _insert_members(rows, now):
    """Bulk insert new members with initial passwords; returns their ids in row order."""
    ids = []
    statement = sa.insert(Member).returning(Member.id, sort_by_parameter_order=True)
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = [
            {
                **row,
                "active": True,
                "password_hash": None,
                "initial_password_salt": new_initial_salt(),
                "must_change_password": True,
                "login_token": secrets.token_hex(8),
                "failed_logins": 0,
                "created_at": now,
                "updated_at": now,
            }
            for row in rows[start:start + INSERT_CHUNK]
        ]
        ids.extend(db.session.scalars(statement, chunk).all())
    return ids


def _update_members(updates, now):
    """Bulk update by primary key: the file's fields overwrite, the member is active again;
    a changed role signs the member out (new login token). Passwords stay as they are."""
    if not updates:
        return
    db.session.execute(
        sa.update(Member),
        [{"id": member_id, **values, "active": True, "updated_at": now}
         for member_id, values, _ in updates],
    )
    rotated = [{"id": member_id, "login_token": secrets.token_hex(8)}
               for member_id, _, role_changed in updates if role_changed]
    if rotated:
        db.session.execute(sa.update(Member), rotated)


def _committable(batch_id, now):
    return (
        ImportBatch.id == batch_id,
        ImportBatch.status == "validated",
        ImportBatch.error_count == 0,
        ImportBatch.file_data.is_not(None),
        ImportBatch.created_at >= now - BATCH_TTL,
    )


def _committable_batch(batch_id):
    """The batch, if it may be committed now; else the DomainError saying why not."""
    batch = db.session.get(ImportBatch, batch_id, populate_existing=True)
    if batch is None:
        raise DomainError("not_found")
    if batch.status == "committed":
        raise DomainError("import_already_committed")
    if batch.error_count:
        raise DomainError("import_has_errors", count=batch.error_count)
    if is_expired(batch) or batch.file_data is None:
        raise DomainError("import_expired")
    return batch


def _claim(batch_id):
    """Mark the batch committed, if it still may be: once only, even with two processes
    committing it at the same moment (the second waits on the row, then finds it taken)."""
    now = utcnow()
    claimed = db.session.execute(
        sa.update(ImportBatch).where(*_committable(batch_id, now))
        .values(status="committed", committed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        _committable_batch(batch_id)  # raises the reason
        raise DomainError("import_already_committed")
    return db.session.get(ImportBatch, batch_id, populate_existing=True,
                          options=[defer(ImportBatch.file_data)])


def _store_check(batch_id, check):
    """The database changed since the check: keep the new check on the batch, for the
    page to show (with problems, the batch can no longer be committed)."""
    db.session.execute(
        sa.update(ImportBatch).where(ImportBatch.id == batch_id, ImportBatch.status == "validated")
        .values(error_count=len(check.problems), summary=check.summary())
        .execution_options(synchronize_session=False)
    )


def _purge_expired():
    """Drop the stored bytes of batches nobody committed in time (they can never be)."""
    db.session.execute(
        sa.update(ImportBatch)
        .where(ImportBatch.status == "validated", ImportBatch.file_data.is_not(None),
               ImportBatch.created_at < utcnow() - BATCH_TTL)
        .values(file_data=None)
        .execution_options(synchronize_session=False)
    )


def _clean_filename(filename):
    return clean_text((filename or "").replace("\\", "/").rsplit("/", 1)[-1])[:255]


def is_expired(batch, now=None):
    """An uncommitted batch past BATCH_TTL (its bytes are purged later; see _purge_expired)."""
    return batch.status == "validated" and batch.created_at < (now or utcnow()) - BATCH_TTL


def batch_state(batch):
    """committed, expired, has_problems or ready (to commit)."""
    if batch.status == "committed":
        return "committed"
    if batch.error_count:
        return "has_problems"
    if is_expired(batch):
        return "expired"
    return "ready"


def state_message(batch):
    """Why a batch cannot be committed, in words; None when it can."""
    state = batch_state(batch)
    if state == "has_problems":
        return message_for("import_has_errors", count=batch.error_count)
    if state == "expired":
        return message_for("import_expired")
    if state == "committed":
        return message_for("import_already_committed")
    return None


def get_batch(batch_id):
    """A batch without its stored bytes (they can be 10 MB); raises not_found."""
    batch = db.session.scalar(
        sa.select(ImportBatch).where(ImportBatch.id == batch_id)
        .options(defer(ImportBatch.file_data))
    )
    if batch is None:
        raise DomainError("not_found")
    return batch


def recent_batches(limit=10):
    return db.session.scalars(
        sa.select(ImportBatch).options(defer(ImportBatch.file_data))
        .order_by(ImportBatch.id.desc()).limit(limit)
    ).all()

