"""index results by period (issue 16)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 08:15:00

- ``index_results.period`` ("year", "half", "quarter", "month") and ``period_number`` (1-2, 1-4, 1-12;
  0 for a year, not NULL, so that the unique constraint still forbids two results of one year: NULLs never
  collide): the 766 service index is published by month, quarter and year. Every existing row is a yearly
  result ("year", 0), which is what it was.
- The unique constraint moves from (index, unit, year) to (index, unit, year, period, period_number), so a
  unit may hold the year's result and its months' side by side.

The 766 index itself is not inserted here: ``models.standard_indices.ensure_indices`` (run by
``cchc-bot init``, the demo and the importers) adds the standard indices a database lacks, the 766 one
included.

Append-only once released (on main): never edited afterwards; the next change is a new revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("index_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("period", sa.String(length=8), nullable=False, server_default="year"))
        batch_op.add_column(sa.Column("period_number", sa.Integer(), nullable=False, server_default="0"))
        batch_op.drop_constraint(batch_op.f("uq_index_results_index_id_unit_id_year"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_index_results_index_id_unit_id_year_period_period_number"),
            ["index_id", "unit_id", "year", "period", "period_number"],
        )


def downgrade() -> None:
    op.execute("DELETE FROM component_results WHERE result_id IN (SELECT id FROM index_results WHERE period <> 'year')")
    op.execute("DELETE FROM index_results WHERE period <> 'year'")
    with op.batch_alter_table("index_results", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_index_results_index_id_unit_id_year_period_period_number"), type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_index_results_index_id_unit_id_year"), ["index_id", "unit_id", "year"]
        )
        batch_op.drop_column("period_number")
        batch_op.drop_column("period")
