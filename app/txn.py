"""Write transactions that hold their lock from the first statement.

On SQLite a transaction that reads first and writes later can fail at once with
"database is locked" when another writer got in between; ``begin_write()``
starts it with BEGIN IMMEDIATE instead, so concurrent writers queue on the busy
timeout. On PostgreSQL it is a plain BEGIN; rows that decide a rule (an event's
capacity) are then locked with SELECT ... FOR UPDATE (``lock()``).
"""
from contextlib import contextmanager

from app.extensions import db


def begin_write():
    if db.session().in_transaction():
        db.session.commit()  # end the read transaction a view may have opened (current_user)
    db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def lock(model, row_id):
    """Load one row and lock it until the transaction ends (PostgreSQL; a no-op
    on SQLite, where begin_write() already holds the database's write lock)."""
    return db.session.scalar(
        db.select(model).where(model.id == row_id).with_for_update().execution_options(
            populate_existing=True)
    )


@contextmanager
def write_transaction():
    """``with write_transaction():`` begin_write(), commit at the end, roll back on any error."""
    begin_write()
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
