"""unit aliases and component scales (issue 13)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 04:10:00

- ``unit_aliases``: other names and codes a unit is known by in the province's own files ("SNV" for Sở Nội
  vụ, "HL" for huyện Hữu Lũng, an old name). ``folded`` is the alias as ``models.text.fold`` writes it, so a
  look-up is one indexed match whatever the case, diacritics or spacing. Not unique: two provinces may both
  call their department of home affairs "SNV"; the resolver looks within the asker's province.
- ``index_components.min_score``: the bottom of a component's scale where it is not 0 (PAPI's dimensions run
  from 1 to 10). The stored PAPI dimensions get their 1.

Append-only once released (on main): never edited afterwards; the next change is a new revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EXACT = 10_000  # models.base.Exact stores a Decimal times 10 000 as an integer


def upgrade() -> None:
    op.create_table(
        "unit_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=255), nullable=False),
        sa.Column("folded", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_unit_aliases_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_aliases")),
        sa.UniqueConstraint("unit_id", "folded", name=op.f("uq_unit_aliases_unit_id_folded")),
    )
    op.create_index(op.f("ix_unit_aliases_folded"), "unit_aliases", ["folded"], unique=False)
    op.create_index(op.f("ix_unit_aliases_unit_id"), "unit_aliases", ["unit_id"], unique=False)
    op.add_column("index_components", sa.Column("min_score", sa.BigInteger(), nullable=True))
    indices = sa.table("indices", sa.column("id", sa.Integer()), sa.column("code", sa.String()))
    components = sa.table("index_components", sa.column("index_id", sa.Integer()), sa.column("min_score", sa.BigInteger()))
    papi = sa.select(indices.c.id).where(indices.c.code == "PAPI").scalar_subquery()
    op.execute(components.update().where(components.c.index_id == papi).values(min_score=1 * _EXACT))


def downgrade() -> None:
    with op.batch_alter_table("index_components", schema=None) as batch_op:
        batch_op.drop_column("min_score")
    op.drop_index(op.f("ix_unit_aliases_unit_id"), table_name="unit_aliases")
    op.drop_index(op.f("ix_unit_aliases_folded"), table_name="unit_aliases")
    op.drop_table("unit_aliases")
