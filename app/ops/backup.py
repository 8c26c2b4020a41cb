"""Online backup and restore of a SQLite database, through SQLite's backup API.

``backup()`` copies the live database in one step of the backup API: the copy is the
database as of one moment (one read transaction), taken while the app keeps serving (in
WAL mode writers do not wait for it). It is written beside the target under a temporary
name, checked (``PRAGMA integrity_check``), switched from WAL to a plain one-file
database and only then renamed into place, so a half-written backup never carries the
target's name.

``restore()`` writes a backup back into the live database, again through the backup API,
so an app process that has it open never reads a torn file: it sees the old database or
the restored one. It refuses a file that is not a sound backup of this system (not a
SQLite file, failing its integrity check, without the migration table, or migrated by
newer code than this one), refuses the database itself as its source, and waits for a
write in progress like any writer (15 s, then refuses). What it replaces is first copied
beside the database (``app.db.before-restore-<time>``), so a mistaken restore can be
undone. The caller then brings the schema up to date (``flask db upgrade``; the CLI does
it).

PostgreSQL has its own tools (``pg_dump`` / ``pg_restore``, README): ``postgres_commands()``
writes them for the configured database, the password left out.

    sqlite_file(url) -> Path | None
    backup(url, target, overwrite=False) -> Copy
    restore(url, source, now=None) -> Restored
    postgres_commands(url, path) -> tuple[str, str]
"""
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from app.errors import DomainError

BUSY_TIMEOUT = 15  # seconds, as the app's own connections (app/__init__.py)


@dataclass(frozen=True)
class Copy:
    path: Path
    size: int
    revisions: tuple[str, ...]


@dataclass(frozen=True)
class Restored:
    source: Copy
    replaced: Path | None  # the copy of what the restore replaced


def sqlite_file(url):
    """The database file of a SQLite URL; None for another database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise DomainError("backup_memory_database")
    return Path(parsed.database)


def _connect(path):
    return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT, isolation_level=None)


def _revisions(connection):
    try:
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError:
        return None
    return tuple(sorted(row[0] for row in rows))


def _inspect(path):
    """The revisions of a sound backup file, or the DomainError saying why it is not one."""
    with open(path, "rb") as file:
        if file.read(16) != b"SQLite format 3\x00":
            raise DomainError("backup_not_sqlite", path=str(path))
    connection = _connect(path)
    try:
        if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise DomainError("backup_damaged", path=str(path))
        revisions = _revisions(connection)
    except sqlite3.DatabaseError:
        raise DomainError("backup_damaged", path=str(path)) from None
    finally:
        connection.close()
    if not revisions:
        raise DomainError("backup_not_ours", path=str(path))
    return revisions


def _copy(source_path, target, overwrite):
    """Back up ``source_path`` into ``target`` (a temporary name first, then renamed)."""
    target = Path(target)
    if target.exists() and not overwrite:
        raise DomainError("backup_exists", path=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        source = _connect(source_path)
        copy = _connect(temporary)
        try:
            source.backup(copy)  # all pages in one step: one consistent moment
            copy.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
        finally:
            copy.close()
            source.close()
        revisions = _inspect(temporary)
        with open(temporary, "rb") as file:
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Copy(target, target.stat().st_size, revisions)


def backup(url, target, overwrite=False):
    """A consistent copy of the live SQLite database of ``url`` at ``target``."""
    source = sqlite_file(url)
    if source is None:
        raise DomainError("backup_use_pg_dump")
    if not source.exists():
        raise DomainError("backup_no_database", path=str(source))
    return _copy(source, target, overwrite)


def restore(url, source, now=None):
    """Put the backup ``source`` back as the SQLite database of ``url``."""
    from .health import migration_state

    database = sqlite_file(url)
    if database is None:
        raise DomainError("backup_use_pg_restore")
    source = Path(source)
    if not source.is_file():
        raise DomainError("backup_missing", path=str(source))
    if database.exists() and source.resolve() == database.resolve():
        raise DomainError("backup_is_database", path=str(source))
    revisions = _inspect(source)
    if migration_state(revisions) == "unknown":
        raise DomainError("backup_newer", path=str(source), revision=", ".join(revisions))
    replaced = None
    if database.exists():
        stamp = (now or datetime.now()).strftime("%Y%m%dT%H%M%S")
        replaced = _copy(database, database.with_name(f"{database.name}.before-restore-{stamp}"),
                         overwrite=False).path
    copy_from = _connect(source)
    live = _connect(database)
    try:
        live.execute("PRAGMA journal_mode = WAL")
        copy_from.backup(live)  # takes the write lock: waits for a writer, never tears a reader
    except sqlite3.OperationalError:
        raise DomainError("backup_database_busy") from None
    finally:
        live.close()
        copy_from.close()
    return Restored(Copy(source, source.stat().st_size, revisions), replaced)


def postgres_commands(url, path):
    """The pg_dump and pg_restore commands for the PostgreSQL database of ``url``."""
    parsed = make_url(url)
    target = URL.create("postgresql", username=parsed.username, host=parsed.host,
                        port=parsed.port, database=parsed.database,
                        query=parsed.query).render_as_string()  # no password: ~/.pgpass
    return (f"pg_dump --format=custom --file={path} '{target}'",
            f"pg_restore --clean --if-exists --no-owner --dbname='{target}' {path}")
