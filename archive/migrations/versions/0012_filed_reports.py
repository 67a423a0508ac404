"""Filed reports and registers take the level, department and category of what they list (issue 12);
no schema change: the slot keeps the chain linear.

Revision ID: 0012
Revises: 0011
"""

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
