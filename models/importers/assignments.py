"""How a task's assignments change when its row changes: the lead and cooperating units the row names
are wanted, the others go (with their progress reports), and those that stay keep their progress."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import AssignmentRole
from models.importers.lookup import UnitLookup
from models.plans import Assignment, ProgressReport
from models.units import Unit

ROLE_WORDS = {AssignmentRole.LEAD: "chủ trì", AssignmentRole.COOPERATE: "phối hợp"}


def wanted_roles(
    lead: Unit, cooperating: list[Unit] | None, current: dict[int, Assignment]
) -> dict[int, AssignmentRole]:
    """Unit id -> role after the import; without a cooperating column the stored cooperating units stay."""
    if cooperating is None:
        keep = [uid for uid, a in current.items() if a.role == AssignmentRole.COOPERATE]
    else:
        keep = [u.id for u in cooperating]
    wanted = {lead.id: AssignmentRole.LEAD}
    for unit_id in keep:
        wanted.setdefault(unit_id, AssignmentRole.COOPERATE)
    return wanted


def describe_changes(
    current: dict[int, Assignment], wanted: dict[int, AssignmentRole], lookup: UnitLookup
) -> list[str]:
    found = []
    for unit_id, role in wanted.items():
        code = lookup.by_id[unit_id].code
        if unit_id not in current:
            found.append(f"thêm {ROLE_WORDS[role]} {code}")
        elif current[unit_id].role != role:
            found.append(f"{code}: {ROLE_WORDS[AssignmentRole(current[unit_id].role)]} → {ROLE_WORDS[role]}")
    for unit_id, assignment in current.items():
        if unit_id not in wanted:
            progress = f" (bỏ cả tiến độ {assignment.progress}%)" if assignment.progress else ""
            found.append(f"bỏ {ROLE_WORDS[AssignmentRole(assignment.role)]} {lookup.by_id[unit_id].code}{progress}")
    return found


async def apply_changes(
    session: AsyncSession, task_id: int, current: dict[int, Assignment], wanted: dict[int, AssignmentRole]
) -> None:
    for unit_id, role in wanted.items():
        if unit_id in current:
            current[unit_id].role = role
        else:
            session.add(Assignment(task_id=task_id, unit_id=unit_id, role=role))
    for unit_id, assignment in current.items():
        if unit_id not in wanted:
            await session.execute(delete(ProgressReport).where(ProgressReport.assignment_id == assignment.id))
            await session.delete(assignment)
