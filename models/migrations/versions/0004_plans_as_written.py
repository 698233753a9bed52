"""plans as written (issue 13): the group an assignment came from ("UBND các xã, phường"), a recurring
deadline's rule ("Hằng quý", "Trước ngày 15 của tháng cuối quý"), each assignment's open period's due date,
and a task's product (sản phẩm) and note (ghi chú) as the plan writes them

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:45:00

Append-only once released (on main): never edited afterwards; the next change is a new revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recurrence", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("product", sa.String(length=500), server_default="", nullable=False))
        batch_op.add_column(sa.Column("note", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("via_group", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_column("due_on")
        batch_op.drop_column("via_group")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("note")
        batch_op.drop_column("product")
        batch_op.drop_column("recurrence")
