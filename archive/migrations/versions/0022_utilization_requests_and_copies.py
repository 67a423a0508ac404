"""Issue 17: walk-in and outside-unit requests (利用登记簿), certified copies (复制件) with their
verification digests, and the one-time codes of the citizens' self-service proof.

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "utilization_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(15), nullable=False),
        sa.Column("requester_name", sa.String(50), nullable=False),
        sa.Column("requester_id_number", sa.String(18), nullable=False),
        sa.Column("unit", sa.String(200), nullable=False, server_default=""),
        sa.Column("letter_no", sa.String(100), nullable=False, server_default=""),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("purpose_note", sa.Text(), nullable=False, server_default=""),
        sa.Column("found", sa.JSON(), nullable=False),
        sa.Column("level", sa.String(15), nullable=False, server_default="public"),
        sa.Column("outcome", sa.String(15), nullable=False, server_default="open"),
        sa.Column("outcome_note", sa.Text(), nullable=False, server_default=""),
        sa.Column("registered_by", sa.String(50), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(50), nullable=False, server_default=""),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_utilization_requests")),
        sa.UniqueConstraint("number", name=op.f("uq_utilization_requests_number")),
    )
    op.create_index(op.f("ix_utilization_requests_requester_id_number"), "utilization_requests",
                    ["requester_id_number"])
    op.create_index(op.f("ix_utilization_requests_registered_at"), "utilization_requests", ["registered_at"])
    op.create_table(
        "certified_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(40), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("level", sa.String(15), nullable=False, server_default="public"),
        sa.Column("copies", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("form", sa.String(15), nullable=False, server_default="electronic"),
        sa.Column("copying_organ", sa.String(200), nullable=False),
        sa.Column("requester_name", sa.String(50), nullable=False),
        sa.Column("purpose", sa.String(40), nullable=False, server_default=""),
        sa.Column("approval", sa.String(200), nullable=False, server_default=""),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("issued_by", sa.String(50), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["utilization_requests.id"],
                                name=op.f("fk_certified_copies_request_id_utilization_requests")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certified_copies")),
        sa.UniqueConstraint("serial", name=op.f("uq_certified_copies_serial")),
    )
    op.create_index(op.f("ix_certified_copies_sha256"), "certified_copies", ["sha256"])
    op.create_table(
        "self_service_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_number", sa.String(18), nullable=False),
        sa.Column("person_name", sa.String(50), nullable=False),
        sa.Column("code_hash", sa.String(128), nullable=False),
        sa.Column("salt", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("issued_by", sa.String(50), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_service_codes")),
    )
    op.create_index(op.f("ix_self_service_codes_id_number"), "self_service_codes", ["id_number"])


def downgrade() -> None:
    op.drop_index(op.f("ix_self_service_codes_id_number"), table_name="self_service_codes")
    op.drop_table("self_service_codes")
    op.drop_index(op.f("ix_certified_copies_sha256"), table_name="certified_copies")
    op.drop_table("certified_copies")
    op.drop_index(op.f("ix_utilization_requests_registered_at"), table_name="utilization_requests")
    op.drop_index(op.f("ix_utilization_requests_requester_id_number"), table_name="utilization_requests")
    op.drop_table("utilization_requests")
