"""What the parts of the demo loader share: the session, the clock, and the units and officials loaded so far.

A plan or drive names units by code or by group; either way only units valid in its period may take part
(the 2024 drive gets the old districts and communes, the current plan today's communes and wards)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models.clock import Clock
from models.enums import UnitKind
from models.lineage import Period
from models.units import Official, Unit

# Shorthands the data files use for "every unit of that level".
GROUPS: dict[str, frozenset[UnitKind]] = {
    "@departments": frozenset({UnitKind.DEPARTMENT, UnitKind.AGENCY}),
    "@districts": frozenset({UnitKind.DISTRICT, UnitKind.CITY, UnitKind.TOWN}),
    "@communes": frozenset({UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWNSHIP}),
}


@dataclass
class DemoContext:
    session: AsyncSession
    clock: Clock
    units: dict[str, Unit] = field(default_factory=dict)  # by code
    officials: dict[str, Official] = field(default_factory=dict)  # by demo account key

    @property
    def today(self) -> date:
        return self.clock.today()

    def unit(self, code: str) -> Unit:
        try:
            return self.units[code]
        except KeyError:
            raise ValueError(f"demo data names an unknown unit code {code!r}") from None

    def unit_during(self, code: str, period: Period, what: str) -> Unit:
        """The unit ``code`` names, refused when it does not exist on any day of ``period``."""
        unit = self.unit(code)
        if not unit.valid_during(*period):
            raise ValueError(f"{what} names {code} ({unit.name}), which does not exist in its period")
        return unit

    def units_of(self, spec: str, period: Period, what: str) -> list[Unit]:
        """Units named by a space-separated list of codes and ``@group`` shorthands, each once, in order;
        a group takes the units of its kinds valid on some day of ``period``, a code must be valid then."""
        found: dict[str, Unit] = {}
        for word in spec.split():
            if word in GROUPS:
                kinds = GROUPS[word]
                found.update(
                    (u.code, u) for u in self.units.values() if UnitKind(u.kind) in kinds and u.valid_during(*period)
                )
            else:
                found[word] = self.unit_during(word, period, what)
        return list(found.values())

    def day(self, text: str) -> date:
        """An ISO date, or a signed number of days from today ("-30", "12")."""
        if text.lstrip("+-").isdigit():
            return self.today + timedelta(days=int(text))
        return date.fromisoformat(text)
