"""index scales and published precision (issue 13)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:45:00

- ``indices.min_score``: the bottom of an index's scale (PAPI runs from 10 to 80; empty: 0), checked on
  import with ``max_score``. The stored PAPI gets its 10.
- ``index_results`` and ``component_results``: ``score_places`` and ``delta_places``, the number of
  decimals a score and a change were published with ("47,345": 3), so they are shown as published.
  Rows stored before keep them empty and are shown as before (two decimals).

Append-only once released (on main): never edited afterwards; the next change is a new revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EXACT = 10_000  # models.base.Exact stores a Decimal times 10 000 as an integer


def upgrade() -> None:
    op.add_column("indices", sa.Column("min_score", sa.BigInteger(), nullable=True))
    for table in ("index_results", "component_results"):
        op.add_column(table, sa.Column("score_places", sa.Integer(), nullable=True))
        op.add_column(table, sa.Column("delta_places", sa.Integer(), nullable=True))
    indices = sa.table("indices", sa.column("code", sa.String()), sa.column("min_score", sa.BigInteger()))
    op.execute(indices.update().where(indices.c.code == "PAPI").values(min_score=10 * _EXACT))


def downgrade() -> None:
    for table in ("component_results", "index_results"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("delta_places")
            batch_op.drop_column("score_places")
    with op.batch_alter_table("indices", schema=None) as batch_op:
        batch_op.drop_column("min_score")
