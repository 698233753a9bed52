"""unit lineage: predecessors and successors of units; a unit code unique per day, not for ever; new kinds

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:30:00

- ``unit_lineage``: a predecessor unit, its successor, the day the successor took over and how
  (formed_from, merged_into, renamed), so a commune's history survives the 1/7/2025 reform.
- ``units.code`` loses its global unique constraint and keeps an index: the official codes of the new
  communes reuse a predecessor's code. "No two units with one code valid on the same day" is checked by
  the importer and by ``models.lineage.code_clash`` (no portable constraint can say it on SQLite).
- The new unit kinds (central_city, special_zone, center) are values of the existing ``kind`` column: no
  schema change. Every stored row is kept as it is.

Append-only: this revision never changes once released; the next change is revision 0004.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "unit_lineage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("predecessor_id", sa.Integer(), nullable=False),
        sa.Column("successor_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("how", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["predecessor_id"], ["units.id"], name=op.f("fk_unit_lineage_predecessor_id_units")
        ),
        sa.ForeignKeyConstraint(["successor_id"], ["units.id"], name=op.f("fk_unit_lineage_successor_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_lineage")),
        sa.UniqueConstraint(
            "predecessor_id", "successor_id", name=op.f("uq_unit_lineage_predecessor_id_successor_id")
        ),
    )
    with op.batch_alter_table("unit_lineage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_lineage_predecessor_id"), ["predecessor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_lineage_successor_id"), ["successor_id"], unique=False)
    # on SQLite this rebuilds the units table (models/migrations/env.py turns foreign keys off around it
    # and checks every reference before committing)
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_units_code"), type_="unique")
        batch_op.create_index(batch_op.f("ix_units_code"), ["code"], unique=False)


def downgrade() -> None:
    # fails, as it should, when a code is by then used by two units (a predecessor and its successor)
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_units_code"))
        batch_op.create_unique_constraint(batch_op.f("uq_units_code"), ["code"])
    with op.batch_alter_table("unit_lineage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_lineage_successor_id"))
        batch_op.drop_index(batch_op.f("ix_unit_lineage_predecessor_id"))
    op.drop_table("unit_lineage")
