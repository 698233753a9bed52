"""province scope: audit entries name their province; plans and drives get their issuing province

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 22:15:00

- ``audit_log.province_id`` (nullable, indexed): the province a change was made in, so /nhatky shows the
  command line's imports and invites to that province only. Older entries stay NULL and are placed by
  their actor's unit (an entry with neither is shown to no province).
- Plans with no issuing unit get the province of the units they assign when those all lie in one
  province; drives with no organiser the province of their participants likewise. What stays NULL
  (no assignments, or units of several provinces) is shown to nobody in the chat and written only by
  the CLI operator naming the plan (see models/scope.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _provinces(connection: sa.Connection) -> dict[int, int]:
    """Unit id -> id of its province: the nearest unit of kind province among itself and its ancestors,
    else its root (the rule of models.queries.scores.province_of)."""
    rows = connection.execute(sa.text("SELECT id, path, kind FROM units")).all()
    kinds = {unit_id: kind for unit_id, _, kind in rows}
    found: dict[int, int] = {}
    for unit_id, path, _ in rows:
        chain = [int(part) for part in (path or "").strip("/").split("/") if part] or [unit_id]
        provinces = [i for i in chain if kinds.get(i) == "province"]
        found[unit_id] = provinces[-1] if provinces else chain[0]
    return found


def _backfill(connection: sa.Connection, table: str, column: str, members: str, province: dict[int, int]) -> None:
    """Give each row of ``table`` whose ``column`` is NULL the one province of its member units."""
    empty = connection.execute(sa.text(f"SELECT id FROM {table} WHERE {column} IS NULL")).scalars().all()
    for row_id in empty:
        units = connection.execute(sa.text(members), {"id": row_id}).scalars().all()
        found = {province[u] for u in units if u in province}
        if len(found) == 1:
            connection.execute(
                sa.text(f"UPDATE {table} SET {column} = :province WHERE id = :id"),
                {"province": found.pop(), "id": row_id},
            )


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("province_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_log_province_id"), ["province_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_audit_log_province_id_units"), "units", ["province_id"], ["id"])
    connection = op.get_bind()
    province = _provinces(connection)
    assigned = (
        "SELECT DISTINCT a.unit_id FROM assignments a JOIN tasks t ON t.id = a.task_id WHERE t.plan_id = :id"
    )
    _backfill(connection, "plans", "issuing_unit_id", assigned, province)
    joined = "SELECT DISTINCT unit_id FROM drive_participants WHERE drive_id = :id"
    _backfill(connection, "drives", "organiser_unit_id", joined, province)


def downgrade() -> None:
    # the backfilled issuing units and organisers stay: they are true of the data either way
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_audit_log_province_id_units"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_audit_log_province_id"))
        batch_op.drop_column("province_id")
