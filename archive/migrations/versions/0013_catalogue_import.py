"""Catalogue import (issue 14): the old retention term kept beside today's period, on records and
volumes; a volume's 起止日期 and 备注 as the old 案卷目录 wrote them.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("legacy_retention", sa.String(20), nullable=False, server_default=""))
    with op.batch_alter_table("volumes") as batch:
        batch.add_column(sa.Column("legacy_retention", sa.String(20), nullable=False, server_default=""))
        batch.add_column(sa.Column("date_range", sa.String(40), nullable=False, server_default=""))
        batch.add_column(sa.Column("notes", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("volumes") as batch:
        batch.drop_column("notes")
        batch.drop_column("date_range")
        batch.drop_column("legacy_retention")
    with op.batch_alter_table("records") as batch:
        batch.drop_column("legacy_retention")
