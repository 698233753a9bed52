"""The unit that took over from one that ended: the one place the lineage of units (formed from, merged
into, issue 12) answers "who replaced it?" for the refusals that name a successor (an invite to
"Huyện Hữu Lũng", ended 30/06/2025, says which unit to invite into instead)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models.lineage import successors
from models.units import Unit


async def successor_of(session: AsyncSession, unit: Unit) -> Unit | None:
    """The unit still in existence that carries ``unit`` on (it was merged into it, or it was formed from
    it, through any number of generations), when there is exactly one; None when none is known or the
    unit was split among several (a district among its communes)."""
    standing = [later for later in await successors(session, unit) if later.valid_to is None]
    return standing[0] if len(standing) == 1 else None
