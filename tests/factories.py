"""Small builders for tests: a tiny province built through the same functions the product uses.

Helpers may add functions here; keep each one small and named for what it builds.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    DEFAULT_TZ,
    Assignment,
    AssignmentRole,
    ChatAccount,
    DeadlineKind,
    Official,
    Plan,
    Role,
    Task,
    Unit,
    UnitKind,
)
from models.tree import add_unit

T0 = datetime(2024, 1, 1, 8, 0, tzinfo=DEFAULT_TZ)


async def unit(session: AsyncSession, code: str, kind: UnitKind, parent: Unit | None = None, name: str = "") -> Unit:
    return await add_unit(session, code=code, name=name or code, kind=kind, parent=parent)


async def official(
    session: AsyncSession,
    at: Unit,
    role: Role = Role.OFFICER,
    *,
    name: str = "Cán bộ",
    channel: str = "console",
    external_id: str | None = None,
    language: str = "vi",
) -> Official:
    person = Official(full_name=name, role=role, unit_id=at.id, language=language, created_at=T0)
    session.add(person)
    await session.flush()
    ext = external_id or f"u{person.id}"
    session.add(ChatAccount(official_id=person.id, channel=channel, external_id=ext, chat_id=ext, created_at=T0))
    await session.flush()
    return person


async def plan(session: AsyncSession, year: int = 2024, code: str | None = None) -> Plan:
    p = Plan(code=code or f"KH-{year}", year=year, title=f"Kế hoạch CCHC năm {year}")
    session.add(p)
    await session.flush()
    return p


async def task(
    session: AsyncSession,
    in_plan: Plan,
    number: int,
    due: date,
    lead: Unit,
    *,
    cooperating: list[Unit] | None = None,
    progress: int = 0,
    completed_on: date | None = None,
    field: int = 1,
    content: str = "Nhiệm vụ",
) -> Task:
    t = Task(
        plan_id=in_plan.id,
        number=number,
        content=content,
        field=field,
        deadline_text=due.strftime("%d/%m/%Y"),
        deadline_kind=DeadlineKind.DATE,
        due_date=due,
    )
    session.add(t)
    await session.flush()
    session.add(
        Assignment(
            task_id=t.id, unit_id=lead.id, role=AssignmentRole.LEAD, progress=progress, completed_on=completed_on
        )
    )
    for other in cooperating or []:
        session.add(Assignment(task_id=t.id, unit_id=other.id, role=AssignmentRole.COOPERATE))
    await session.flush()
    return t


def d(text: str) -> Decimal:
    return Decimal(text)
