"""Write transactions that hold their lock from the first statement.

On SQLite a transaction that reads first and writes later can fail at once with
"database is locked" when another writer got in between; ``begin_write()``
starts it with BEGIN IMMEDIATE instead, so concurrent writers queue on the busy
timeout. On PostgreSQL it is a plain BEGIN; rows that decide a rule (an event's
capacity) are then locked with SELECT ... FOR UPDATE (``lock()``).
"""
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, InvalidRequestError

from app.errors import DomainError
from app.extensions import db

_WRITING = "write_transaction_open"  # key in the session's info dict while a writer runs


def begin_write(keep_loaded=False):
    """``keep_loaded``: end the read transaction without expiring what it loaded, so
    objects read just before (the actor, a member) are not read again under the lock;
    only for writers that re-read under the lock every row that decides their rule."""
    session = db.session()
    if session.in_transaction():
        # End the read transaction a view may have opened (current_user).
        expire, session.expire_on_commit = session.expire_on_commit, not keep_loaded
        try:
            session.commit()
        finally:
            session.expire_on_commit = expire
    db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def writing():
    """Whether a write_transaction() is open in this session."""
    return bool(db.session().info.get(_WRITING))


def lock(model, row_id, keep_loaded=False):
    """Load one row and lock it until the transaction ends (PostgreSQL; a no-op
    on SQLite, where begin_write() already holds the database's write lock).

    ``keep_loaded``: re-read only the row's columns, leaving the relationships already
    loaded on it (see begin_write(keep_loaded=True)) as they are."""
    if keep_loaded:
        row = db.session.get(model, row_id)  # from the identity map when loaded
        if row is None:
            return None
        try:
            db.session.refresh(row, [attr.key for attr in sa.inspect(model).column_attrs],
                               with_for_update=True)
        except InvalidRequestError:  # deleted meanwhile
            return None
        return row
    return db.session.scalar(
        db.select(model).where(model.id == row_id).with_for_update().execution_options(
            populate_existing=True)
    )


@contextmanager
def write_transaction(conflict=None, keep_loaded=False):
    """``with write_transaction():`` begin_write(), commit at the end, roll back on any error.

    ``conflict``: the DomainError code to raise, after the rollback, for an IntegrityError
    (a unique row another process wrote first; on PostgreSQL a check made inside the
    transaction cannot see it), instead of letting it become a 500.
    ``keep_loaded``: see begin_write().
    """
    info = db.session().info
    if info.get(_WRITING):
        # A writer inside another would commit the outer one's half-done work.
        raise RuntimeError("write_transaction() is already open: a writer was wrapped twice")
    begin_write(keep_loaded)
    info[_WRITING] = True
    try:
        yield
        db.session.commit()
    except BaseException as exc:
        db.session.rollback()
        if conflict is not None and isinstance(exc, IntegrityError):
            raise DomainError(conflict) from None
        raise
    finally:
        info.pop(_WRITING, None)
