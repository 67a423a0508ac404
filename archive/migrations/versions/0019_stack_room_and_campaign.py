"""Issue 19: record links (签发稿/正本, 批示/报告), stack-room log and readings, personnel review form.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_record_id", sa.Integer(), nullable=False),
        sa.Column("to_record_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(50), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["from_record_id"], ["records.id"], name=op.f("fk_record_links_from_record_id_records")),
        sa.ForeignKeyConstraint(["to_record_id"], ["records.id"], name=op.f("fk_record_links_to_record_id_records")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_links")),
        sa.UniqueConstraint("from_record_id", "to_record_id", "kind", name="uq_record_links_pair"),
    )
    op.create_index(op.f("ix_record_links_from_record_id"), "record_links", ["from_record_id"])
    op.create_index(op.f("ix_record_links_to_record_id"), "record_links", ["to_record_id"])
    op.create_table(
        "stack_room_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room", sa.String(30), nullable=False),
        sa.Column("person_name", sa.String(50), nullable=False),
        sa.Column("username", sa.String(50), nullable=False),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.String(50), nullable=False),
        sa.Column("recorded_by", sa.String(50), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stack_room_entries")),
    )
    op.create_index(op.f("ix_stack_room_entries_entered_at"), "stack_room_entries", ["entered_at"])
    op.create_table(
        "stack_room_readings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room", sa.String(30), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("temperature", sa.Float(), nullable=False),
        sa.Column("humidity", sa.Float(), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("alert", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(50), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stack_room_readings")),
    )
    op.create_index(op.f("ix_stack_room_readings_taken_at"), "stack_room_readings", ["taken_at"])
    op.create_table(
        "personnel_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id_number", sa.String(18), nullable=False),
        sa.Column("person_name", sa.String(50), nullable=False),
        sa.Column("from_unit", sa.String(100), nullable=False),
        sa.Column("arrived_on", sa.Date(), nullable=False),
        sa.Column("how_came", sa.String(15), nullable=False),
        sa.Column("alteration", sa.Text(), nullable=False),
        sa.Column("inconsistencies", sa.Text(), nullable=False),
        sa.Column("missing", sa.JSON(), nullable=False),
        sa.Column("wrong_key_data", sa.Text(), nullable=False),
        sa.Column("status", sa.String(15), nullable=False),
        sa.Column("reviewed_by", sa.String(50), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("return_reason", sa.Text(), nullable=False),
        sa.Column("returned_by", sa.String(50), nullable=False),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("commitment_due", sa.Date(), nullable=True),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personnel_reviews")),
    )
    op.create_index(op.f("ix_personnel_reviews_person_id_number"), "personnel_reviews", ["person_id_number"])
    op.create_index(op.f("ix_personnel_reviews_status"), "personnel_reviews", ["status"])


def downgrade() -> None:
    op.drop_table("personnel_reviews")
    op.drop_table("stack_room_readings")
    op.drop_table("stack_room_entries")
    op.drop_table("record_links")
