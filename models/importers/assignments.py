"""How a task's assignments change when its row changes: the lead and cooperating units the row names
are wanted, the others go (with their progress reports), and those that stay keep their progress.
A unit a group named ("UBND các xã, phường") keeps the group's key; one named itself has none; a unit
named both ways is taken as named itself, and as lead when it is lead either way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import AssignmentRole
from models.importers.lookup import UnitLookup
from models.plans import Assignment, ProgressReport
from models.units import Unit


@dataclass(frozen=True)
class Assignees:
    """The units one cell names: each with the group that named it (None: named itself)."""

    units: list[Unit]
    via: dict[int, str | None]

    @classmethod
    def of(cls, units: list[Unit]) -> Assignees:
        return cls(units, dict.fromkeys((u.id for u in units), None))


Wanted = dict[int, tuple[AssignmentRole, str | None]]  # unit id -> role and the group that named it


def wanted_roles(lead: Assignees, cooperating: Assignees | None, current: dict[int, Assignment]) -> Wanted:
    """Unit id -> role after the import; without a cooperating column the stored cooperating units stay."""
    wanted: Wanted = {u.id: (AssignmentRole.LEAD, lead.via[u.id]) for u in lead.units}
    if cooperating is None:
        kept = [
            (uid, a.via_group) for uid, a in current.items() if a.role == AssignmentRole.COOPERATE and uid not in wanted
        ]
    else:
        kept = [(u.id, cooperating.via[u.id]) for u in cooperating.units]
    for unit_id, via in kept:
        wanted.setdefault(unit_id, (AssignmentRole.COOPERATE, via))
    return wanted


def describe_changes(current: dict[int, Assignment], wanted: Wanted, lookup: UnitLookup) -> list[dict[str, object]]:
    """The assignments added, changed and dropped, as parts of a ``task.update`` note (said by
    templates/*/uploads/_changes.j2); those of a group as one part with their count."""
    found: list[dict[str, object]] = []
    grouped: dict[tuple[str, str, str], int] = {}
    for unit_id, (role, via) in wanted.items():
        code = lookup.by_id[unit_id].code
        if unit_id not in current:
            if via is None:
                found.append({"what": "assign_add", "role": str(role), "code": code})
            else:
                grouped[("group_add", str(role), via)] = grouped.get(("group_add", str(role), via), 0) + 1
        elif current[unit_id].role != role:
            old = str(AssignmentRole(current[unit_id].role))
            found.append({"what": "assign_role", "code": code, "old": old, "new": str(role)})
        elif current[unit_id].via_group != via:  # now named through a group, or by itself
            key = ("group_via", str(role), via) if via else ("group_own", str(role), "")
            grouped[key] = grouped.get(key, 0) + 1
    for unit_id, assignment in current.items():
        if unit_id not in wanted:
            role_was = str(AssignmentRole(assignment.role))
            code = lookup.by_id[unit_id].code
            found.append({"what": "assign_drop", "role": role_was, "code": code, "progress": assignment.progress or 0})
    found += [{"what": what, "role": role, "group": via, "count": n} for (what, role, via), n in grouped.items()]
    return found


async def apply_changes(
    session: AsyncSession, task_id: int, current: dict[int, Assignment], wanted: Wanted, due_on: date | None = None
) -> None:
    """Write ``wanted``; ``due_on``: a recurring task's first due date, for the assignments it adds."""
    for unit_id, (role, via) in wanted.items():
        if unit_id in current:
            current[unit_id].role, current[unit_id].via_group = role, via
        else:
            session.add(Assignment(task_id=task_id, unit_id=unit_id, role=role, via_group=via, due_on=due_on))
    for unit_id, assignment in current.items():
        if unit_id not in wanted:
            await session.execute(delete(ProgressReport).where(ProgressReport.assignment_id == assignment.id))
            await session.delete(assignment)
