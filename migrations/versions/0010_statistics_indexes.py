"""statistics: a covering index for who came to which session (attendance.presence_rows)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 11:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.create_index('ix_checkin_session_registration',
                              ['session_id', 'registration_id', 'result', 'kind'], unique=False)


def downgrade():
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.drop_index('ix_checkin_session_registration')
