"""Schedule changes are proposed by one person and approved or rejected by another in their own
session: a status, the decision's time and note, and a new entry's category, kind and keywords
waiting in the proposal. Existing rows were approved when written.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("schedule_changes") as batch:
        batch.add_column(sa.Column("status", sa.String(length=10), nullable=False, server_default="approved"))
        batch.add_column(sa.Column("scheme", sa.String(length=20), nullable=False, server_default=""))
        batch.add_column(sa.Column("category_code", sa.String(length=2), nullable=False, server_default=""))
        batch.add_column(sa.Column("kind", sa.String(length=100), nullable=False, server_default=""))
        batch.add_column(sa.Column("keywords", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("decision_note", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("schedule_changes") as batch:
        for name in ("decision_note", "decided_at", "keywords", "kind", "category_code", "scheme", "status"):
            batch.drop_column(name)
