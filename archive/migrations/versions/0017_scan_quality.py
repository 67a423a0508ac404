"""Issue 19 scanning quality and social-insurance fields: a record's 业务流水号 (one transaction is
one item), the three-way outcome of a four-property check (passed, failed, not checked) and an
index to find the same page image in another record.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("transaction_no", sa.String(50), nullable=False, server_default=""))
        batch.create_index("ix_records_transaction_no", ["transaction_no"])
    with op.batch_alter_table("four_property_checks") as batch:
        batch.add_column(sa.Column("outcome", sa.String(12), nullable=False, server_default=""))
    op.create_index("ix_pages_sha256", "pages", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_pages_sha256", table_name="pages")
    with op.batch_alter_table("four_property_checks") as batch:
        batch.drop_column("outcome")
    with op.batch_alter_table("records") as batch:
        batch.drop_index("ix_records_transaction_no")
        batch.drop_column("transaction_no")
