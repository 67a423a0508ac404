"""Audit anchoring: when the chain head was last anchored (anchors are due every N events or M
minutes), and an index on the event target (verify checks that every user, record, loan, hold,
appraisal and destruction register in the catalog still has its events).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_head") as batch:
        batch.add_column(sa.Column("anchored_at", sa.String(length=32), nullable=True))
    with op.batch_alter_table("audit_events") as batch:
        batch.create_index("ix_audit_events_target", ["target"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_index("ix_audit_events_target")
    with op.batch_alter_table("audit_head") as batch:
        batch.drop_column("anchored_at")
