"""the Zalo Official Account and ZNS channel (issue 21, points 1 and 2)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 14:00:00

- ``zalo_oa_tokens``: the OA's OAuth access and refresh tokens (renewed by the bot, so kept in the
  database rather than the configuration; never logged).
- ``zalo_oa_users``: each OA user's follow state and last interaction, which opens the window in which
  the OA may message them.
- ``zns_spend``: ZNS messages and VND spent per month, against the configured cap.
- ``officials.phone``: an official's mobile number (84xxxxxxxxx), where ZNS reaches them; empty for
  every existing official.

New tables and a nullable column: no existing row changes.

Append-only once released (on main): never edited afterwards; the next change is a new revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import AwareDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "zalo_oa_tokens",
        sa.Column("oa_id", sa.String(length=32), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=False),
        sa.Column("expires_at", AwareDateTime(), nullable=False),
        sa.Column("refreshed_at", AwareDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("oa_id", name=op.f("pk_zalo_oa_tokens")),
    )
    op.create_table(
        "zalo_oa_users",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("followed", sa.Boolean(), nullable=False),
        sa.Column("last_interaction_at", AwareDateTime(), nullable=True),
        sa.Column("updated_at", AwareDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_zalo_oa_users")),
    )
    op.create_table(
        "zns_spend",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("vnd", sa.Integer(), nullable=False),
        sa.Column("warned", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_zns_spend")),
    )
    with op.batch_alter_table("officials") as batch:
        batch.add_column(sa.Column("phone", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("officials") as batch:
        batch.drop_column("phone")
    op.drop_table("zns_spend")
    op.drop_table("zalo_oa_users")
    op.drop_table("zalo_oa_tokens")
