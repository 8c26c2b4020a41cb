"""statistics: memberships (who belonged where, when), hours targets, corrections (申诉)

Revision ID: 0009
Revises: 0004
Create Date: 2026-11-27 10:10:46.493476

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hours_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('group', sa.String(length=20), nullable=False),
    sa.Column('hours', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.CheckConstraint('"group" in (\'member\', \'cadre\')', name=op.f('ck_hours_target_group_valid')),
    sa.CheckConstraint('hours >= 0', name=op.f('ck_hours_target_hours_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hours_target')),
    sa.UniqueConstraint('year', 'group', name=op.f('uq_hours_target_year'))
    )
    op.create_table('membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_membership_branch_id_branch')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_membership_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership'))
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index('ix_membership_branch', ['branch_id', 'started_on'], unique=False)
        batch_op.create_index('ix_membership_member', ['member_id', 'started_on'], unique=False)

    op.create_table('correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_note', sa.String(length=500), nullable=False),
    sa.Column('checkin_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status in ('pending', 'accepted', 'declined', 'withdrawn')", name=op.f('ck_correction_status_valid')),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkin.id'], name=op.f('fk_correction_checkin_id_checkin')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['member.id'], name=op.f('fk_correction_decided_by_id_member')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_correction_member_id_member')),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_correction_registration_id_registration')),
    sa.ForeignKeyConstraint(['session_id'], ['event_session.id'], name=op.f('fk_correction_session_id_event_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_correction'))
    )
    with op.batch_alter_table('correction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_correction_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_correction_registration', ['registration_id', 'session_id'], unique=False)
        batch_op.create_index('ix_correction_session', ['session_id', 'status'], unique=False)

    if 'committee' not in {column['name'] for column in sa.inspect(op.get_bind()).get_columns('member')}:
        with op.batch_alter_table('member', schema=None) as batch_op:
            batch_op.add_column(sa.Column('committee', sa.Boolean(), nullable=False, server_default=sa.false()))


    # Every member so far: one membership of their present branch since they were created
    # (an inactive member's ends the day they were last changed).
    op.execute(
        "INSERT INTO membership (member_id, branch_id, started_on, ended_on) "
        "SELECT id, branch_id, CAST(created_at AS DATE), "
        "CASE WHEN active THEN NULL ELSE CAST(updated_at AS DATE) END FROM member")


def downgrade():
    # SQLite rebuilds a table to drop a column, which the foreign keys that point at member
    # refuse; there the unused column stays (it has a default) and upgrade() keeps it.
    if op.get_bind().dialect.name != 'sqlite':
        with op.batch_alter_table('member', schema=None) as batch_op:
            batch_op.drop_column('committee')

    with op.batch_alter_table('correction', schema=None) as batch_op:
        batch_op.drop_index('ix_correction_session')
        batch_op.drop_index('ix_correction_registration')
        batch_op.drop_index(batch_op.f('ix_correction_member_id'))

    op.drop_table('correction')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index('ix_membership_member')
        batch_op.drop_index('ix_membership_branch')

    op.drop_table('membership')
    op.drop_table('hours_target')
