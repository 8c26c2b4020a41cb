"""statistics: presence facts, their yearly sums per member and branch, and the triggers that mark an event stale

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 14:30:00

Every write that can change who came to an event's sessions (a check-in, a registration,
a leave, a session, an event's kind) appends the event to presence_stale in the same
transaction, by a trigger, so no write path can forget it; app/stats/facts.py refresh()
recomputes the stale events before statistics read. Every event starts stale: the first
statistics page after the upgrade builds the facts.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

KINDS = ("training", "contest", "sports", "warning_education", "lecture", "other")

# PostgreSQL (statement triggers): the event ids of the transition table {rows}. Check-ins
# have row triggers instead (_postgresql_checkin_triggers): a scan is one row, and a
# statement trigger's transition table cost a tenth of the scan rate.
SOURCES = {
    "registration": "SELECT x.event_id FROM {rows} x",
    "leave_request": "SELECT r.event_id FROM {rows} x JOIN registration r ON r.id = x.registration_id",
    "event_session": "SELECT x.event_id FROM {rows} x",
}
# SQLite (row triggers): the event of the row NEW or OLD ({r}).
SQLITE_SOURCES = {
    # Only a successful check-in counts (a duplicate or refused scan changes nothing), and
    # any change that matters has one on one side or the other.
    "checkin": "SELECT event_id FROM event_session WHERE id = {r}.session_id"
               " AND {r}.result = 'ok'",
    "registration": "SELECT {r}.event_id",
    "leave_request": "SELECT event_id FROM registration WHERE id = {r}.registration_id",
    "event_session": "SELECT {r}.event_id",
}
# Row triggers: only updates of these columns can change attendance.
UPDATED = {
    "checkin": "session_id, registration_id, kind, result",
    "registration": "event_id, member_id, branch_id, status, source",
    "leave_request": "registration_id, session_id, status",
    "event_session": "event_id, starts_at, credit_hours, checkout_required",
}


def upgrade():
    op.create_table(
        'presence_fact',
        sa.Column('registration_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('session_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('branch_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('invited', sa.Integer(), nullable=False),
        sa.Column('expected', sa.Integer(), nullable=False),
        sa.Column('present', sa.Integer(), nullable=False),
        sa.Column('on_leave', sa.Integer(), nullable=False),
        sa.Column('absent', sa.Integer(), nullable=False),
        sa.Column('walk_in', sa.Integer(), nullable=False),
        sa.Column('credit_hours', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('registration_id', 'session_id'),
    )
    op.create_index('ix_presence_fact_event_id', 'presence_fact', ['event_id'])
    op.create_index('ix_presence_fact_starts', 'presence_fact', ['starts_at'])
    op.create_index('ix_presence_fact_member', 'presence_fact', ['year', 'member_id'])
    op.create_table(
        'member_year',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('branch_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('member_id', sa.Integer(), autoincrement=False, nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False)
          for name in ('expected', 'present', 'on_leave', 'absent')),
        sa.Column('hours', sa.Float(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False)
          for name in ('m_expected', 'm_present', 'm_on_leave', 'm_absent')),
        *(sa.Column(f'kind_{kind}', sa.Integer(), nullable=False) for kind in KINDS),
        sa.PrimaryKeyConstraint('year', 'branch_id', 'member_id'),
        sqlite_with_rowid=False,
    )
    op.create_index('ix_member_year_member', 'member_year', ['year', 'member_id', 'hours'])
    op.create_table(
        'presence_stale',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()
    op.execute("INSERT INTO presence_stale (event_id) SELECT id FROM event")


def _sqlite_triggers():
    for table, source in SQLITE_SOURCES.items():
        for op_name, refs in (("insert", ("NEW",)), ("update", ("NEW", "OLD")),
                              ("delete", ("OLD",))):
            when = f"UPDATE OF {UPDATED[table]}" if op_name == "update" else op_name.upper()
            body = " ".join(f"INSERT INTO presence_stale (event_id) {source.format(r=ref)};"
                            for ref in refs)
            op.execute(f'CREATE TRIGGER presence_stale_{table}_{op_name} AFTER {when} '
                       f'ON "{table}" FOR EACH ROW BEGIN {body} END')
    op.execute("CREATE TRIGGER presence_stale_event_kind AFTER UPDATE OF kind ON event "
               "FOR EACH ROW WHEN NEW.kind IS NOT OLD.kind "
               "BEGIN INSERT INTO presence_stale (event_id) VALUES (NEW.id); END")


def _postgresql_checkin_triggers():
    op.execute("""
        CREATE FUNCTION presence_stale_checkin() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'DELETE' AND NEW.result = 'ok' THEN
            INSERT INTO presence_stale (event_id)
              SELECT event_id FROM event_session WHERE id = NEW.session_id;
          END IF;
          IF TG_OP <> 'INSERT' AND OLD.result = 'ok' THEN
            INSERT INTO presence_stale (event_id)
              SELECT event_id FROM event_session WHERE id = OLD.session_id;
          END IF;
          RETURN NULL;
        END $$""")
    for op_name, when in (("insert", "INSERT"), ("update", f"UPDATE OF {UPDATED['checkin']}"),
                          ("delete", "DELETE")):
        condition = {"insert": "NEW.result = 'ok'", "delete": "OLD.result = 'ok'",
                     "update": "NEW.result = 'ok' OR OLD.result = 'ok'"}[op_name]
        op.execute(f"CREATE TRIGGER presence_stale_checkin_{op_name} AFTER {when} ON checkin "
                   f"FOR EACH ROW WHEN ({condition}) EXECUTE FUNCTION presence_stale_checkin()")


def _postgresql_triggers():
    _postgresql_checkin_triggers()
    # Statement-level triggers with transition tables: a bulk insert appends an event once.
    for table, source in SOURCES.items():
        op.execute(f"""
            CREATE FUNCTION presence_stale_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP <> 'DELETE' THEN
                INSERT INTO presence_stale (event_id)
                  SELECT DISTINCT event_id FROM ({source.format(rows='new_rows')}) e;
              END IF;
              IF TG_OP <> 'INSERT' THEN
                INSERT INTO presence_stale (event_id)
                  SELECT DISTINCT event_id FROM ({source.format(rows='old_rows')}) e;
              END IF;
              RETURN NULL;
            END $$""")
        for op_name, refs in (("insert", "NEW TABLE AS new_rows"),
                              ("update", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
                              ("delete", "OLD TABLE AS old_rows")):
            op.execute(f'CREATE TRIGGER presence_stale_{table}_{op_name} AFTER '
                       f'{op_name.upper()} ON "{table}" REFERENCING {refs} FOR EACH STATEMENT '
                       f'EXECUTE FUNCTION presence_stale_{table}()')
    op.execute("""
        CREATE FUNCTION presence_stale_event_kind() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO presence_stale (event_id) VALUES (NEW.id);
          RETURN NULL;
        END $$""")
    op.execute("CREATE TRIGGER presence_stale_event_kind AFTER UPDATE OF kind ON event "
               "FOR EACH ROW WHEN (NEW.kind IS DISTINCT FROM OLD.kind) "
               "EXECUTE FUNCTION presence_stale_event_kind()")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in ("checkin", *SOURCES):
            for op_name in ("insert", "update", "delete"):
                op.execute(f'DROP TRIGGER presence_stale_{table}_{op_name} ON "{table}"')
            op.execute(f"DROP FUNCTION presence_stale_{table}()")
        op.execute("DROP TRIGGER presence_stale_event_kind ON event")
        op.execute("DROP FUNCTION presence_stale_event_kind()")
    else:
        for table in SQLITE_SOURCES:
            for op_name in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER presence_stale_{table}_{op_name}")
        op.execute("DROP TRIGGER presence_stale_event_kind")
    op.drop_table('presence_stale')
    op.drop_table('member_year')
    op.drop_table('presence_fact')
