"""officials' leave and stand-ins; the self-assessed pace of a progress report (issue 18, points 2 and 5)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 13:40:00

- ``leaves``: an official away from one day to another (both included) and who stands in for them (may be
  nobody), with who recorded it and when. A new table: no existing row changes.
- ``progress_reports.self_assessment``: the unit's own word on its pace when it reported (``on_track``,
  ``at_risk``, ``late``); NULL for every report made before (nobody was asked), and when the official
  skips the question.

Append-only once released (on main): never edited afterwards; the next change is a new revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import AwareDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "leaves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("official_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("stand_in_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["official_id"], ["officials.id"], name=op.f("fk_leaves_official_id_officials")),
        sa.ForeignKeyConstraint(["stand_in_id"], ["officials.id"], name=op.f("fk_leaves_stand_in_id_officials")),
        sa.ForeignKeyConstraint(["created_by_id"], ["officials.id"], name=op.f("fk_leaves_created_by_id_officials")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leaves")),
    )
    op.create_index(op.f("ix_leaves_official_id"), "leaves", ["official_id"], unique=False)
    with op.batch_alter_table("progress_reports") as batch:
        batch.add_column(sa.Column("self_assessment", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("progress_reports") as batch:
        batch.drop_column("self_assessment")
    op.drop_index(op.f("ix_leaves_official_id"), table_name="leaves")
    op.drop_table("leaves")
