"""``cchc-bot init``: a working database for a real province without the demo – the province's unit (from
the built-in list, ``models.provinces``) and the standard indices with their components.

Running it again changes nothing and says so; on a database that holds other provinces it adds this one
beside them. The province is recognised among the stored ones by its unit code or by its name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.clock import Clock
from models.enums import UnitKind
from models.naming import PROVINCE_LEVEL
from models.provinces import ProvinceEntry
from models.scope import provinces
from models.standard_indices import add_missing_indices
from models.system import AuditEntry
from models.text import fold
from models.tree import add_unit
from models.units import Unit


class CodeTaken(Exception):
    """The unit code asked for the province belongs to another unit already."""

    def __init__(self, code: str, name: str) -> None:
        super().__init__(code)
        self.code = code
        self.name = name


@dataclass(frozen=True)
class InitResult:
    """What ``init_province`` did: the province's unit, whether it was created, the indices and components
    added, and the other provinces the database holds."""

    province: Unit
    created: bool
    added_indices: tuple[str, ...]
    added_components: int
    others: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return self.created or bool(self.added_indices) or self.added_components > 0


def _same(unit: Unit, entry: ProvinceEntry) -> bool:
    """A stored province is this one when its name says so ("Tỉnh Lạng Sơn", "UBND tỉnh Lạng Sơn"),
    whatever its unit code: a code alone (the demo's "LS", or "04" asked for by mistake) never decides."""
    return f" {fold(entry.short_name)} " in f" {fold(unit.name)} "


async def init_province(session: AsyncSession, entry: ProvinceEntry, clock: Clock, code: str = "") -> InitResult:
    """Make sure ``entry`` (one of the current 34) is stored as a province with unit code ``code`` (its
    official code by default) and that the standard indices exist; flush, the caller commits."""
    if not entry.current:
        raise ValueError(f"{entry.name} is not one of the current provinces")
    code = code.strip() or entry.code
    stored = await provinces(session)
    province = next((unit for unit in stored if unit.kind in PROVINCE_LEVEL and _same(unit, entry)), None)
    created = province is None
    if province is None:
        taken = (await session.execute(select(Unit).where(Unit.code == code))).scalars().first()
        if taken is not None:
            raise CodeTaken(code, taken.name)
        kind = UnitKind.CENTRAL_CITY if entry.central_city else UnitKind.PROVINCE
        province = await add_unit(session, code=code, name=entry.name, kind=kind)
    ensured = await add_missing_indices(session)
    others = tuple(unit.code for unit in stored if unit.id != province.id)
    result = InitResult(province, created, ensured.added_indices, ensured.added_components, others)
    if result.changed:
        session.add(
            AuditEntry(
                at=clock.now(),
                actor_id=None,
                province_id=province.id,
                action="province.init",
                subject=f"{province.code} {province.name}"[:255],
                detail={
                    "created": created,
                    "official_code": entry.code,
                    "indices": list(ensured.added_indices),
                    "components": ensured.added_components,
                },
            )
        )
        await session.flush()
    return result


__all__ = ["CodeTaken", "InitResult", "init_province"]
