"""Transfer to the state archive (移交进馆, issue 14): transfer batches and their items, and on each
record where it went and when (a transferred record stays as a read-only tombstone).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "state_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("to_archive", sa.String(200), nullable=False),
        sa.Column("status", sa.String(15), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(50), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("embed", sa.Boolean(), nullable=False),
        sa.Column("package_sha256", sa.String(64), nullable=False),
        sa.Column("package_size", sa.BigInteger(), nullable=False),
        sa.Column("packaged_by", sa.String(50), nullable=False),
        sa.Column("packaged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("check_passed", sa.Boolean(), nullable=True),
        sa.Column("check_results", sa.JSON(), nullable=False),
        sa.Column("checked_by", sa.String(50), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_by", sa.String(100), nullable=False),
        sa.Column("completed_by", sa.String(50), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_state_transfers")),
    )
    op.create_table(
        "state_transfer_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transfer_id", sa.Integer(), nullable=False),
        sa.Column("seq_no", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("volume_id", sa.Integer(), nullable=True),
        sa.Column("archival_code", sa.String(60), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("retention", sa.String(5), nullable=False),
        sa.Column("secrecy", sa.String(15), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("opening", sa.String(10), nullable=False),
        sa.Column("eep_path", sa.String(200), nullable=False),
        sa.Column("eep_sha256", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["transfer_id"], ["state_transfers.id"],
                                name=op.f("fk_state_transfer_items_transfer_id_state_transfers")),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], name=op.f("fk_state_transfer_items_record_id_records")),
        sa.ForeignKeyConstraint(["volume_id"], ["volumes.id"], name=op.f("fk_state_transfer_items_volume_id_volumes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_state_transfer_items")),
    )
    op.create_index(op.f("ix_state_transfer_items_transfer_id"), "state_transfer_items", ["transfer_id"], unique=False)
    op.create_index(op.f("ix_state_transfer_items_record_id"), "state_transfer_items", ["record_id"], unique=False)
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("transferred_to", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("transferred_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.drop_column("transferred_at")
        batch.drop_column("transferred_to")
    op.drop_index(op.f("ix_state_transfer_items_record_id"), table_name="state_transfer_items")
    op.drop_index(op.f("ix_state_transfer_items_transfer_id"), table_name="state_transfer_items")
    op.drop_table("state_transfer_items")
    op.drop_table("state_transfers")
