"""签名签到: a per-session flag and the signatures kept with check-in rows

Revision ID: 0006
Revises: 0008
Create Date: 2026-11-28 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signature_required', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    op.create_table('checkin_signature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checkin_id', sa.Integer(), nullable=False),
    sa.Column('image', sa.LargeBinary(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('device', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkin.id'], name=op.f('fk_checkin_signature_checkin_id_checkin')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['member.id'], name=op.f('fk_checkin_signature_recorded_by_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_signature')),
    sa.UniqueConstraint('checkin_id', name=op.f('uq_checkin_signature_checkin_id'))
    )


def downgrade():
    op.drop_table('checkin_signature')
    with op.batch_alter_table('event_session', schema=None) as batch_op:
        batch_op.drop_column('signature_required')
