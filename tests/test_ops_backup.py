"""Backups (issue 12, item 8): `flask backup PATH` copies a live SQLite database while
another thread keeps writing, and `flask restore PATH` puts that copy back with nothing
of it lost; on PostgreSQL the CLI points to pg_dump / pg_restore, and those commands do
the same under load.

The SQLite tests use a database file of their own (``app_on``), so they run whichever
database the suite is on; the pg_dump test runs when the suite is on PostgreSQL."""
import os
import sqlite3
import subprocess
import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.ops import backup as backups
from app.org.models import Branch


class Writer(threading.Thread):
    """Commits one member after another into ``app``'s database (``factory.member``, one
    transaction each) until ``stop()``. ``committed`` counts the members committed so far."""

    def __init__(self, app, factory, branch_id):
        super().__init__(daemon=True)
        self.app, self.factory, self.branch_id = app, factory, branch_id
        self.committed = 0
        self.error = None
        self.stopping = threading.Event()

    def run(self):
        try:
            with self.app.app_context():
                branch = db.session.get(Branch, self.branch_id)
                while not self.stopping.is_set():
                    self.factory.member(name=f"写入{self.committed}", branch=branch)
                    self.committed += 1
                db.session.remove()
        except Exception as error:  # noqa: BLE001  (the test reports it)
            self.error = error

    def wait_for(self, count, timeout=30):
        deadline = time.monotonic() + timeout
        while self.committed < count:
            assert self.error is None, self.error
            assert time.monotonic() < deadline, f"the writer committed only {self.committed}"
            time.sleep(0.01)

    def stop(self):
        self.stopping.set()
        self.join(timeout=30)
        assert self.error is None, self.error


def names(connection_or_path):
    """The names of the members in a SQLite file (or an SQLAlchemy connection), sorted."""
    if isinstance(connection_or_path, (str, os.PathLike)):
        with sqlite3.connect(connection_or_path) as connection:
            return sorted(row[0] for row in connection.execute("SELECT name FROM member"))
    return sorted(connection_or_path.scalars(sa.text("SELECT name FROM member")))


def flask(app, *args, input=None):
    """``flask --app wsgi ARGS`` against ``app`` (its own app context: the CLI would
    otherwise run in the suite's app, already current in every test)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args), input=input)


def written(count):
    return sorted(f"写入{n}" for n in range(count))


@pytest.fixture
def sqlite_app(app_on, tmp_path):
    """An app on a migrated SQLite file of its own (``sqlite_app.database``)."""
    path = tmp_path / "live.db"
    other = app_on(f"sqlite:///{path}")
    other.database = path
    return other


def branch_in(other, factory):
    with other.app_context():
        return factory.branch("第一党支部").id


def test_backup_under_load_then_restore_brings_back_everything_the_backup_holds(
        sqlite_app, factory, tmp_path):
    writer = Writer(sqlite_app, factory, branch_in(sqlite_app, factory))
    writer.start()
    writer.wait_for(30)

    before = writer.committed
    result = flask(sqlite_app, "backup", str(tmp_path / "copy.db"))
    after = writer.committed
    writer.wait_for(after + 20)  # the writer went on after the backup: it ran under load
    writer.stop()

    assert result.exit_code == 0, result.output
    assert "已备份到" in result.output and "迁移版本" in result.output
    held = names(tmp_path / "copy.db")
    # One moment of the database: every member committed before the backup started, and
    # then only whole, consecutive commits (a prefix of what the writer wrote).
    assert before <= len(held) <= after
    assert held == written(len(held))
    assert not (tmp_path / "copy.db-wal").exists()  # one file, no WAL beside it
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    total = writer.committed
    assert total > len(held)

    result = flask(sqlite_app, "restore", "--yes", str(tmp_path / "copy.db"))

    assert result.exit_code == 0, result.output
    assert "已从" in result.output and "原数据库已另存为" in result.output
    with sqlite_app.app_context():  # the app's pooled connections see the restored database
        assert names(db.session) == held
        assert db.session.scalar(sa.text("PRAGMA journal_mode")) == "wal"
    assert names(sqlite_app.database) == held
    replaced = list(tmp_path.glob("live.db.before-restore-*"))
    assert len(replaced) == 1 and names(replaced[0]) == written(total)  # what it replaced
    assert sqlite_app.test_client().get("/healthz").status_code == 200


def test_restore_asks_first_and_does_nothing_when_told_no(sqlite_app, factory, tmp_path):
    assert flask(sqlite_app, "backup", str(tmp_path / "empty.db")).exit_code == 0
    with sqlite_app.app_context():
        factory.member(name="备份后加入")

    result = flask(sqlite_app, "restore", str(tmp_path / "empty.db"), input="n\n")

    assert result.exit_code != 0
    assert "替换当前数据库" in result.output
    assert names(sqlite_app.database) == ["备份后加入"]


def test_backup_refuses_to_overwrite_unless_told(sqlite_app, tmp_path):
    target = tmp_path / "copy.db"
    target.write_bytes(b"an earlier backup")

    result = flask(sqlite_app, "backup", str(target))
    assert result.exit_code == 1
    assert "已存在" in result.output and "--overwrite" in result.output
    assert target.read_bytes() == b"an earlier backup"

    assert flask(sqlite_app, "backup", "--overwrite", str(target)).exit_code == 0
    assert names(target) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".copy.db")] == []


@pytest.mark.parametrize("damage, message", [
    ("text", "不是 SQLite 数据库文件"),
    ("truncated", "已损坏"),
    ("foreign", "不是本系统的数据库备份"),
    ("newer", "来自更新版本的系统"),
    ("itself", "就是当前数据库本身"),
    ("missing", "找不到备份文件"),
])
def test_restore_refuses_what_is_not_a_sound_backup_of_this_system(
        sqlite_app, factory, tmp_path, damage, message):
    with sqlite_app.app_context():
        factory.member(name="原有人员")
    source = tmp_path / "source.db"
    if damage in ("truncated", "newer"):
        assert flask(sqlite_app, "backup", str(source)).exit_code == 0
    if damage == "text":
        source.write_text("姓名,手机号\n")
    elif damage == "truncated":
        data = source.read_bytes()
        source.write_bytes(data[: len(data) // 2])
    elif damage == "foreign":
        with sqlite3.connect(source) as other:
            other.execute("CREATE TABLE notes (text TEXT)")
    elif damage == "newer":
        with sqlite3.connect(source) as copy:
            copy.execute("UPDATE alembic_version SET version_num = '9999'")
    elif damage == "itself":
        source = sqlite_app.database

    result = flask(sqlite_app, "restore", "--yes", str(source))

    assert result.exit_code == 1
    assert message in result.output
    assert names(sqlite_app.database) == ["原有人员"]
    assert list(tmp_path.glob("live.db.before-restore-*")) == []


def test_restore_of_an_older_backup_brings_its_schema_up_to_date(app_on, tmp_path):
    old = app_on(f"sqlite:///{tmp_path / 'old.db'}", migrate=False)
    with old.app_context():
        from flask_migrate import upgrade

        upgrade(revision="0002")
    sqlite_app = app_on(f"sqlite:///{tmp_path / 'live.db'}")

    result = flask(sqlite_app, "restore", "--yes", str(tmp_path / "old.db"))

    assert result.exit_code == 0, result.output
    assert "数据库结构已更新到当前版本" in result.output
    assert sqlite_app.test_client().get("/healthz").get_json()["migrations"] == "current"


def test_on_postgresql_the_cli_gives_the_pg_dump_and_pg_restore_commands(app_on):
    pg = app_on("postgresql://dangjian:secret-password@db.example/dangjian", migrate=False)

    dumped = flask(pg, "backup", "/var/backups/dangjian.dump")
    restored = flask(pg, "restore", "/var/backups/dangjian.dump")

    assert dumped.exit_code == restored.exit_code == 1
    assert "请用 pg_dump 备份" in dumped.output and "请用 pg_restore 恢复" in restored.output
    for result in (dumped, restored):
        assert ("pg_dump --format=custom --file=/var/backups/dangjian.dump "
                "'postgresql://dangjian@db.example/dangjian'") in result.output
        assert "pg_restore --clean --if-exists --no-owner" in result.output
        assert "secret-password" not in result.output


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="the suite runs on SQLite")
def test_pg_dump_under_load_and_pg_restore_lose_nothing(app, factory, tmp_path):
    """The README's PostgreSQL commands, as the CLI writes them, under the same load."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    fresh = f"restore_{uuid.uuid4().hex[:8]}"
    fresh_url = sa.engine.make_url(url).set(database=fresh)
    writer = Writer(app, factory, factory.branch("第一党支部").id)
    writer.start()
    writer.wait_for(30)
    dump_file = tmp_path / "dangjian.dump"
    dump, _ = backups.postgres_commands(url, dump_file)

    before = writer.committed
    subprocess.run(dump, shell=True, check=True)
    after = writer.committed
    writer.wait_for(after + 20)
    writer.stop()

    admin = sa.create_engine(sa.engine.make_url(url).set(database="postgres"),
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{fresh}"'))
    try:
        _, restore = backups.postgres_commands(fresh_url.render_as_string(hide_password=False),
                                               dump_file)
        subprocess.run(restore, shell=True, check=True)
        restored = sa.create_engine(fresh_url)
        with restored.connect() as connection:
            held = names(connection)
        restored.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)'))
        admin.dispose()
    assert before <= len(held) <= after
    assert held == written(len(held))
