"""Issue 16 exactly-once ingest: per-record leases.

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ingest_leases",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(100), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], name=op.f("fk_ingest_leases_record_id_records")),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_ingest_leases")),
    )
    op.create_index(op.f("ix_ingest_leases_expires_at"), "ingest_leases", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_ingest_leases_expires_at"), table_name="ingest_leases")
    op.drop_table("ingest_leases")
