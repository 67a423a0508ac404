"""Issue 19: a destruction register's filing (备案) with the HRSS department: its day, the
department's reference and who recorded it. The annual statistics and the administrable rules
need no table of their own (settings live in lifecycle_settings).

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("destruction_registers") as batch:
        batch.add_column(sa.Column("filed_with_authority_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("filed_with_authority_ref", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("filed_with_authority_by", sa.String(50), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("destruction_registers") as batch:
        batch.drop_column("filed_with_authority_by")
        batch.drop_column("filed_with_authority_ref")
        batch.drop_column("filed_with_authority_on")
