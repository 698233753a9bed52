"""Recording by hand another code (or name) a unit is known by in the province's own files
(``models.units.UnitAlias``), for a file that names a unit it does not list: ``cchc-bot units alias``.
A units import records the codes of the units its rows list (``models.importers.unit_rows``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.lineage import overlap, period_of, units_named
from models.resolver import resolver_of
from models.text import fold
from models.tree import subtree_clause
from models.units import Unit, UnitAlias

KINDS = ("code", "name")
LONGEST = {"code": 64, "name": 255}  # as long as a unit's code or name may be


class AliasRefused(Exception):
    """Why an alias cannot be recorded: ``kind`` (unknown_unit, ambiguous_unit, empty, too_long, own,
    taken) and what the sentence of ``templates/cli/units_alias_refused.j2`` needs."""

    def __init__(self, kind: str, **context: object) -> None:
        super().__init__(kind)
        self.kind = kind
        self.context = context


@dataclass(frozen=True)
class Recorded:
    unit: Unit
    alias: str
    kind: str
    added: bool  # False: the unit had it already


async def record_alias(
    session: AsyncSession, unit_text: str, alias: str, *, within: Unit | None, kind: str = "code", source: str = ""
) -> Recorded:
    """Record ``alias`` for the one unit ``unit_text`` names (in the province ``within``); AliasRefused
    when it names none or several, or when the alias already names another unit of the province that
    exists on a day the unit does (a code used by two units at once would name neither)."""
    written = " ".join(alias.split())
    if kind not in KINDS or not written:
        raise AliasRefused("empty", unit=unit_text)
    if len(written) > LONGEST[kind]:
        raise AliasRefused("too_long", alias=written[:40] + "…", limit=LONGEST[kind])
    found = await units_named(session, unit_text, (None, None), within)
    if not found:
        raise AliasRefused("unknown_unit", unit=unit_text)
    if len(found) > 1:
        raise AliasRefused("ambiguous_unit", unit=unit_text, candidates=[(u.name, u.code) for u in found])
    unit = found[0]
    if kind == "code" and fold(written) == fold(unit.code):
        raise AliasRefused("own", alias=written, name=unit.name, code=unit.code)
    scope = subtree_clause(within) if within is not None else None
    query = select(Unit) if scope is None else select(Unit).where(scope)
    resolver = await resolver_of(session, (await session.execute(query)).scalars())
    others = resolver.codes.get(fold(written), []) if kind == "code" else resolver.named(written)
    for other in others:
        if other.id != unit.id and overlap(period_of(other), period_of(unit))[0]:
            raise AliasRefused("taken", alias=written, name=other.name, code=other.code)
    stored = await session.execute(
        select(UnitAlias).where(UnitAlias.unit_id == unit.id, UnitAlias.folded == fold(written))
    )
    if stored.scalars().first() is not None:
        return Recorded(unit, written, kind, added=False)
    session.add(UnitAlias(unit_id=unit.id, alias=written, folded=fold(written), kind=kind, source=source))
    await session.flush()
    return Recorded(unit, written, kind, added=True)


__all__ = ["AliasRefused", "Recorded", "record_alias"]
