"""Secrecy changes record the level they set and the authority that decided them (DOMAIN.md §4:
the organ that set a level decides its lowering); a hold records the role of the person who
placed it, so only that person or a higher role releases it (DOMAIN.md §6.4).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("secrecy_reviews") as batch:
        batch.add_column(sa.Column("old_level", sa.String(length=15), nullable=False, server_default=""))
        batch.add_column(sa.Column("new_level", sa.String(length=15), nullable=False, server_default=""))
        batch.add_column(sa.Column("authority", sa.String(length=300), nullable=False, server_default=""))
    with op.batch_alter_table("holds") as batch:
        batch.add_column(sa.Column("placed_role", sa.String(length=30), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("holds") as batch:
        batch.drop_column("placed_role")
    with op.batch_alter_table("secrecy_reviews") as batch:
        for name in ("authority", "new_level", "old_level"):
            batch.drop_column(name)
