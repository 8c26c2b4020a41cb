"""Configuration, CSRF and rate limiting, each on an app of its own."""
import pytest
import sqlalchemy as sa

from app.config import ConfigError, load_config
from app.extensions import db


def test_production_refuses_to_start_without_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(tmp_path, {"APP_ENV": "production"})


def test_development_creates_and_keeps_a_secret_key(tmp_path):
    first = load_config(tmp_path, {})["SECRET_KEY"]
    second = load_config(tmp_path, {})["SECRET_KEY"]
    assert len(first) >= 32 and first == second
    assert (tmp_path / "secret_key").read_text() == first


def test_defaults_and_database_url_forms(tmp_path):
    config = load_config(tmp_path, {})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/app.db"
    assert config["APP_TIMEZONE"] == "Asia/Shanghai"
    pg = load_config(tmp_path, {"DATABASE_URL": "postgres://u@h/db"})
    assert pg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    prod = load_config(tmp_path, {"APP_ENV": "production", "SECRET_KEY": "x" * 40})
    assert prod["SESSION_COOKIE_SECURE"] and prod["REMEMBER_COOKIE_SECURE"]


def test_sqlite_connections_use_wal_and_foreign_keys(app, tmp_path):
    # A SQLite file of its own, so this also runs when the suite is on PostgreSQL.
    engine = sa.create_engine(f"sqlite:///{tmp_path}/pragmas.db")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    engine.dispose()


def test_migrations_match_the_models(app):
    """A model change without a migration fails here (the schema was built by migrations)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_times_show_in_the_configured_zone(app):
    from datetime import datetime, timezone

    from app.timeutil import format_local

    assert format_local(datetime(2026, 11, 26, 1, 30, tzinfo=timezone.utc)) == "2026-11-26 09:30"


def test_forms_without_csrf_token_are_refused(strict_app, factory):
    member = factory.member()
    client = strict_app.test_client()
    response = client.post("/login", data={"phone": member.phone, "password": factory.password})
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)


def test_login_is_rate_limited(strict_app):
    strict_app.config["WTF_CSRF_ENABLED"] = False
    client = strict_app.test_client()
    statuses = [client.post("/login", data={"phone": "13000000000", "password": "x"}).status_code
                for _ in range(4)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429
    page = client.post("/login", data={"phone": "13000000000", "password": "x"}).get_data(as_text=True)
    assert "操作太频繁" in page
