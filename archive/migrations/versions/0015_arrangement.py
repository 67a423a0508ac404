"""Arrangement (issue 13): what kind of unit a volume is (volume, case file, personnel dossier),
a case file's number and open/closed state, a dossier's person, a monthly SB volume's insurance
type, business step and month; boxes (档案盒) for item-based filing, and the box an item or a
volume sits in.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "boxes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fonds_id", sa.Integer(), nullable=False),
        sa.Column("category_code", sa.String(2), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("retention", sa.String(5), nullable=False),
        sa.Column("org_code", sa.String(10), nullable=False, server_default=""),
        sa.Column("box_no", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("title", sa.Text(), nullable=False, server_default=""),
        sa.Column("department", sa.String(50), nullable=False, server_default=""),
        sa.Column("secrecy", sa.String(15), nullable=False, server_default="internal"),
        sa.Column("status", sa.String(15), nullable=False, server_default="in_store"),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["fonds_id"], ["fonds.id"], name=op.f("fk_boxes_fonds_id_fonds")),
        sa.ForeignKeyConstraint(["category_code"], ["categories.code"], name=op.f("fk_boxes_category_code_categories")),
        sa.ForeignKeyConstraint(["location_id"], ["locations.id"], name=op.f("fk_boxes_location_id_locations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boxes")),
        sa.UniqueConstraint("code", name=op.f("uq_boxes_code")),
        sa.UniqueConstraint("fonds_id", "category_code", "year", "retention", "org_code", "box_no",
                            name="uq_boxes_series_number"),
    )
    with op.batch_alter_table("volumes") as batch:
        batch.add_column(sa.Column("kind", sa.String(12), nullable=False, server_default="volume"))
        batch.add_column(sa.Column("case_no", sa.String(60), nullable=False, server_default=""))
        batch.add_column(sa.Column("case_state", sa.String(10), nullable=False, server_default=""))
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("person_id_number", sa.String(18), nullable=False, server_default=""))
        batch.add_column(sa.Column("person_name", sa.String(50), nullable=False, server_default=""))
        batch.add_column(sa.Column("insurance_type", sa.String(20), nullable=False, server_default=""))
        batch.add_column(sa.Column("business_step", sa.String(10), nullable=False, server_default=""))
        batch.add_column(sa.Column("month", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("box_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_volumes_box_id_boxes"), "boxes", ["box_id"], ["id"])
        batch.create_index("ix_volumes_person_id", ["person_id_number"])
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("box_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_records_box_id_boxes"), "boxes", ["box_id"], ["id"])
        batch.create_index("ix_records_box_id", ["box_id"])
        batch.create_index("ix_records_volume_id", ["volume_id"])


def downgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.drop_index("ix_records_volume_id")
        batch.drop_index("ix_records_box_id")
        batch.drop_constraint(op.f("fk_records_box_id_boxes"), type_="foreignkey")
        batch.drop_column("box_id")
    with op.batch_alter_table("volumes") as batch:
        batch.drop_index("ix_volumes_person_id")
        batch.drop_constraint(op.f("fk_volumes_box_id_boxes"), type_="foreignkey")
        for name in ("box_id", "month", "business_step", "insurance_type", "person_name", "person_id_number",
                     "closed_at", "case_state", "case_no", "kind"):
            batch.drop_column(name)
    op.drop_table("boxes")
