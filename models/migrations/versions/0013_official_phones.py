"""officials' phones: registration by phone (issue 21, point 4)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 17:00:00

- ``invites.official_id``: the official an invite was made for, when the secretariat's list of officials
  (the ``officials`` import) already holds them; redeeming it binds the chat to that official instead of
  creating a new one. NULL for every existing invite (they create their official, as before).
- ``uq_officials_phone``: one mobile number belongs to one official (ZNS sends an invite code to it).
  Several NULLs are allowed on both databases. Should two officials already share a number (typed by
  hand since revision 0011), the one made first keeps it and the others' are cleared before the index
  is made: the import reports the clash when the list is loaded again.

Append-only once released (on main): never edited afterwards; the next change is a new revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invites") as batch:
        batch.add_column(sa.Column("official_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_invites_official_id_officials"), "officials", ["official_id"], ["id"])
    op.execute(
        "UPDATE officials SET phone = NULL WHERE phone IS NOT NULL AND id > "
        "(SELECT min(o.id) FROM officials o WHERE o.phone = officials.phone)"
    )
    op.create_index(op.f("uq_officials_phone"), "officials", ["phone"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("uq_officials_phone"), table_name="officials")
    with op.batch_alter_table("invites") as batch:
        batch.drop_constraint(op.f("fk_invites_official_id_officials"), type_="foreignkey")
        batch.drop_column("official_id")
