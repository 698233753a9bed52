"""several Zalo bots: each Zalo account bound to the bot it registered on (issue 21, point 3)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 17:00:00

- ``chat_accounts.bot``: the ``[[zalo.bots]]`` name of the bot a Zalo official registered on; their pushes go
  through it and it counts against that bot's ``max_users``. Every existing Zalo account was made on the one
  bot there was: it gets "default" (the bot of ``[zalo] token``, or the first ``[[zalo.bots]]`` entry when there
  is no such token). Accounts on other channels get "".

Append-only once released (on main): never edited afterwards; the next change is a new revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("chat_accounts") as batch:
        batch.add_column(sa.Column("bot", sa.String(length=32), server_default="", nullable=False))
    op.execute(sa.text("UPDATE chat_accounts SET bot = 'default' WHERE channel = 'zalo'"))


def downgrade() -> None:
    with op.batch_alter_table("chat_accounts") as batch:
        batch.drop_column("bot")
