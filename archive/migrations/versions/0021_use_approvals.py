"""Issue 17 use matrix, consultation approvals, relation declarations: the approval matrix row's
`consultation` condition and the cross-check flags of a request.

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("approval_rules") as batch:
        batch.add_column(sa.Column("consultation", sa.Boolean(), nullable=True))
    with op.batch_alter_table("loan_requests") as batch:
        batch.add_column(sa.Column("flags", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("loan_requests") as batch:
        batch.drop_column("flags")
    with op.batch_alter_table("approval_rules") as batch:
        batch.drop_column("consultation")
