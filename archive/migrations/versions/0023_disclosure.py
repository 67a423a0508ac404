"""Issue 17 disclosure: who reviewed each record's disclosure attribute and when, the review
history, the request register, and the working-day calendar with the shipped 2024–2027 data.

Existing state secrets and personnel files get the attribute the rules require (不予公开, with
the reason 国家秘密 or 个人隐私); every other record keeps its attribute.

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("disclosure_reviewed_by", sa.String(50), nullable=False, server_default=""))
        batch.add_column(sa.Column("disclosure_reviewed_at", sa.DateTime(timezone=True), nullable=True))
    records = sa.table("records", sa.column("secrecy", sa.String), sa.column("category_code", sa.String),
                       sa.column("disclosure", sa.String), sa.column("disclosure_reason", sa.String))
    op.execute(records.update().where(records.c.secrecy.in_(["secret", "confidential", "top_secret"]))
               .values(disclosure="not_disclosed", disclosure_reason="state_secret"))
    op.execute(records.update().where(records.c.category_code == "RS",
                                      records.c.secrecy.not_in(["secret", "confidential", "top_secret"]))
               .values(disclosure="not_disclosed", disclosure_reason="personal_privacy"))

    op.create_table(
        "disclosure_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("disclosure", sa.String(15), nullable=False),
        sa.Column("reason", sa.String(30), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("previous", sa.String(15), nullable=False),
        sa.Column("previous_reason", sa.String(100), nullable=False),
        sa.Column("decided_by", sa.String(50), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], name=op.f("fk_disclosure_reviews_record_id_records")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_reviews")),
    )
    op.create_index(op.f("ix_disclosure_reviews_record_id"), "disclosure_reviews", ["record_id"])
    op.create_table(
        "disclosure_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("requester", sa.String(200), nullable=False),
        sa.Column("requester_kind", sa.String(15), nullable=False),
        sa.Column("id_number", sa.String(30), nullable=False),
        sa.Column("contact", sa.String(200), nullable=False),
        sa.Column("form", sa.String(15), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("record_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(15), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("extended", sa.Boolean(), nullable=False),
        sa.Column("extension_reason", sa.Text(), nullable=False),
        sa.Column("extension_approved_by", sa.String(50), nullable=False),
        sa.Column("extended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(15), nullable=False),
        sa.Column("outcome_reason", sa.String(30), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answered_by", sa.String(50), nullable=False),
        sa.Column("registered_by", sa.String(50), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_requests")),
        sa.UniqueConstraint("number", name=op.f("uq_disclosure_requests_number")),
    )
    op.create_index("ix_disclosure_requests_status_due", "disclosure_requests", ["status", "due_on"])
    calendar = op.create_table(
        "workday_calendar",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(50), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_workday_calendar")),
    )
    from archive.clock import utcnow
    from archive.workdays import shipped_rows

    now = utcnow()
    op.bulk_insert(calendar, [{**row, "updated_by": "system:migration", "updated_at": now} for row in shipped_rows()])


def downgrade() -> None:
    op.drop_table("workday_calendar")
    op.drop_index("ix_disclosure_requests_status_due", table_name="disclosure_requests")
    op.drop_table("disclosure_requests")
    op.drop_index(op.f("ix_disclosure_reviews_record_id"), table_name="disclosure_reviews")
    op.drop_table("disclosure_reviews")
    with op.batch_alter_table("records") as batch:
        batch.drop_column("disclosure_reviewed_at")
        batch.drop_column("disclosure_reviewed_by")
