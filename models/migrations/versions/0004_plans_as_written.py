"""plans as written (issue 13): placeholder revision, filled in by the plans helper before release

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:45:00

Append-only once released (on main): never edited afterwards; the next change is a new revision.
"""

from collections.abc import Sequence

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
