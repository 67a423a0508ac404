"""Issue 19 registry (DOMAIN.md §15): the copy and extract register, the deliberation committee's
officers and their special access approvals (合议), and non-record documents destroyed.
Fixity repair needs no table: repairs are audit events.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "special_officers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(50), nullable=False),
        sa.Column("office", sa.String(20), nullable=False),
        sa.Column("appointed_by", sa.String(50), nullable=False),
        _when("appointed_at"),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_special_officers")),
        sa.UniqueConstraint("username", "office", name="uq_special_officers_username_office"),
    )
    with op.batch_alter_table("special_officers") as batch:
        batch.create_index(batch.f("ix_special_officers_username"), ["username"], unique=False)
    op.create_table(
        "special_access_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("grantee", sa.String(50), nullable=False),
        sa.Column("uses", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("approver", sa.String(50), nullable=False),
        sa.Column("approver_office", sa.String(20), nullable=False),
        _when("approved_at"),
        sa.Column("valid_until", sa.Date(), nullable=True),
        _when("revoked_at", nullable=True),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"],
                                name=op.f("fk_special_access_approvals_record_id_records")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_special_access_approvals")),
    )
    with op.batch_alter_table("special_access_approvals") as batch:
        batch.create_index(batch.f("ix_special_access_approvals_record_id"), ["record_id"], unique=False)
    op.create_table(
        "copy_register",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(30), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("pages", sa.String(50), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("copying_organ", sa.String(200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("reader", sa.String(50), nullable=False),
        sa.Column("reader_unit", sa.String(200), nullable=False),
        sa.Column("secrecy", sa.String(15), nullable=False),
        sa.Column("superior_secret", sa.Boolean(), nullable=False),
        sa.Column("issuing_organ_approval", sa.String(200), nullable=False),
        sa.Column("approved_by", sa.String(50), nullable=False),
        sa.Column("special_approval_id", sa.Integer(), nullable=True),
        sa.Column("request_no", sa.String(40), nullable=False),
        sa.Column("annotation", sa.Text(), nullable=False),
        sa.Column("registered_by", sa.String(50), nullable=False),
        _when("registered_at"),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], name=op.f("fk_copy_register_record_id_records")),
        sa.ForeignKeyConstraint(["special_approval_id"], ["special_access_approvals.id"],
                                name=op.f("fk_copy_register_special_approval_id_special_access_approvals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_copy_register")),
        sa.UniqueConstraint("number", name=op.f("uq_copy_register_number")),
    )
    with op.batch_alter_table("copy_register") as batch:
        batch.create_index(batch.f("ix_copy_register_record_id"), ["record_id"], unique=False)
    op.create_table(
        "non_record_destructions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(30), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("department", sa.String(50), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("secrecy", sa.String(15), nullable=False),
        sa.Column("carrier", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("registered_by", sa.String(50), nullable=False),
        _when("registered_at"),
        sa.Column("approved_by", sa.String(50), nullable=False),
        _when("approved_at", nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("place", sa.String(100), nullable=False),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("destruction_unit", sa.String(200), nullable=False),
        sa.Column("receipt_no", sa.String(100), nullable=False),
        sa.Column("executed_by", sa.String(50), nullable=False),
        _when("destroyed_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_non_record_destructions")),
        sa.UniqueConstraint("number", name=op.f("uq_non_record_destructions_number")),
    )


def downgrade() -> None:
    op.drop_table("non_record_destructions")
    with op.batch_alter_table("copy_register") as batch:
        batch.drop_index(batch.f("ix_copy_register_record_id"))
    op.drop_table("copy_register")
    with op.batch_alter_table("special_access_approvals") as batch:
        batch.drop_index(batch.f("ix_special_access_approvals_record_id"))
    op.drop_table("special_access_approvals")
    with op.batch_alter_table("special_officers") as batch:
        batch.drop_index(batch.f("ix_special_officers_username"))
    op.drop_table("special_officers")
