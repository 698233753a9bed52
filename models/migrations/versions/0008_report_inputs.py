"""units' narrative inputs for the periodic report (issue 17, point 2)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 11:30:00

- ``report_inputs``: what a unit wrote in chat for one period's report to the Ministry (kết quả nổi bật,
  tồn tại hạn chế, kiến nghị), one row per (unit, period, item), replaced when written again until the
  due date, with the official who last wrote it and when. A new table: no existing row changes.

Append-only once released (on main): never edited afterwards; the next change is a new revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import AwareDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_inputs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("item", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("official_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", AwareDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_report_inputs_unit_id_units")),
        sa.ForeignKeyConstraint(["official_id"], ["officials.id"], name=op.f("fk_report_inputs_official_id_officials")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_inputs")),
        sa.UniqueConstraint("unit_id", "period", "item", name=op.f("uq_report_inputs_unit_id_period_item")),
    )
    op.create_index(op.f("ix_report_inputs_unit_id"), "report_inputs", ["unit_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_report_inputs_unit_id"), table_name="report_inputs")
    op.drop_table("report_inputs")
