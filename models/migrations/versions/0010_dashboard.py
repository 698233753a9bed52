"""the dashboard's single-use links, browser sessions and feed tokens (issue 19, points 2 and 3)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 13:40:00

- ``dashboard_links``: a sign-in link ``/bangdieukhien`` gives on Zalo and the console, stored as the
  SHA-256 of its token, valid ten minutes, used once (``used_at``).
- ``dashboard_sessions``: a signed-in browser (from a link or Telegram's Mini App), the SHA-256 of its
  cookie's token, its official and its expiry.
- ``feed_tokens``: the machine feed's consumers (the operations centre), one province each, the SHA-256 of
  their token, revoked by a date.
New tables: no existing row changes.

Append-only once released (on main): never edited afterwards; the next change is a new revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import AwareDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dashboard_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("official_id", sa.Integer(), nullable=False),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.Column("expires_at", AwareDateTime(), nullable=False),
        sa.Column("used_at", AwareDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["official_id"], ["officials.id"], name=op.f("fk_dashboard_links_official_id_officials")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_dashboard_links_token_hash")),
    )
    op.create_index(op.f("ix_dashboard_links_official_id"), "dashboard_links", ["official_id"], unique=False)
    op.create_table(
        "dashboard_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("official_id", sa.Integer(), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.Column("expires_at", AwareDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["official_id"], ["officials.id"], name=op.f("fk_dashboard_sessions_official_id_officials")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_dashboard_sessions_token_hash")),
    )
    op.create_index(op.f("ix_dashboard_sessions_official_id"), "dashboard_sessions", ["official_id"], unique=False)
    op.create_table(
        "feed_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.Column("revoked_at", AwareDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["province_id"], ["units.id"], name=op.f("fk_feed_tokens_province_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_feed_tokens_token_hash")),
    )
    op.create_index(op.f("ix_feed_tokens_province_id"), "feed_tokens", ["province_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_feed_tokens_province_id"), table_name="feed_tokens")
    op.drop_table("feed_tokens")
    op.drop_index(op.f("ix_dashboard_sessions_official_id"), table_name="dashboard_sessions")
    op.drop_table("dashboard_sessions")
    op.drop_index(op.f("ix_dashboard_links_official_id"), table_name="dashboard_links")
    op.drop_table("dashboard_links")
