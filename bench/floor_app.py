"""The floor of a check-in (issue 12): the least a scan can cost on this machine.

A bare Flask app whose scan is one indexed SELECT (the ticket by its code), one INSERT
(the check-in row) and a COMMIT, on the same database, with the app's own engine settings
(SQLite: WAL, synchronous NORMAL, a busy timeout, BEGIN IMMEDIATE; pool_pre_ping as the
app has it). No login, no CSRF, no rules: bench/checkin.py serves it beside the app with the
same gunicorn settings and divides the app's requests/s by this one's.

    DATABASE_URL=sqlite:///... gunicorn --pythonpath bench floor_app:app
"""
import os
import sqlite3
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import Flask, jsonify, request


def _url():
    url = os.environ["DATABASE_URL"]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


engine = sa.create_engine(_url(), pool_pre_ping=True)


@sa.event.listens_for(engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in ("busy_timeout = 15000", "journal_mode = WAL", "synchronous = NORMAL",
                   "foreign_keys = ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


@sa.event.listens_for(engine, "begin")
def _sqlite_begin(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


TICKET = sa.text("SELECT registration_id FROM ticket WHERE code = :code")
INSERT = sa.text(
    "INSERT INTO checkin (session_id, registration_id, kind, method, at, result, late, device,"
    " nonce, reason, scanned) VALUES (:session_id, :registration_id, 'entry', 'ticket_scan',"
    " :at, 'ok', false, '', :nonce, '', :code)")

app = Flask(__name__)


@app.post("/api/v1/sessions/<int:session_id>/scans")
def scan(session_id):
    body = request.get_json()
    with engine.begin() as connection:
        registration_id = connection.execute(TICKET, {"code": body["code"]}).scalar()
        connection.execute(INSERT, {
            "session_id": session_id, "registration_id": registration_id,
            "at": datetime.now(timezone.utc).replace(tzinfo=None), "nonce": body.get("nonce"),
            "code": body["code"]})
    return jsonify({"result": "ok" if registration_id else "refused"})
