"""The unit that took over from one that ended: the one place the lineage of units (formed from, merged
into, issue 12) answers "who replaced it?" for the refusals that name a successor (an invite to
"Huyện Hữu Lũng", ended 30/06/2025, says which unit to invite into instead)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models.units import Unit


async def successor_of(session: AsyncSession, unit: Unit) -> Unit | None:
    """The unit ``unit`` was merged into or that was formed from it, when there is exactly one; None when
    none is known. Until the lineage table is filled in (issue 12, the lineage part), none is known."""
    return None
