"""plan warnings and bound

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 10:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema: ``plan.warnings`` (plans stored before it have none recorded: an
    empty list, so they still read back) and ``plan.bound``."""
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bound", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("warnings", sa.JSON(), nullable=True))
    plan = sa.table("plan", sa.column("warnings", sa.JSON()))
    op.execute(plan.update().values(warnings=[]))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_column("warnings")
        batch_op.drop_column("bound")
