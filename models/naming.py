"""Unit names the way officials write them: "UBND xã Tuấn Sơn"; "UBND xã Minh Sơn, huyện Hữu Lũng" for a
commune that lay in a district (before 1/7/2025); "Sở Nội vụ" within its province and "Sở Nội vụ tỉnh
Lạng Sơn" outside it. The templates' ``macros/units.j2`` follows the same rule for what users read; this
is the one for text written by the models (an importer's row errors), and ``NamedUnit`` carries a unit
into a message so that the templates can name it in the reader's language."""

from __future__ import annotations

from datetime import date

from models.enums import UnitKind

REFORM_DAY = date(2025, 7, 1)  # two-level local government: districts end, communes come under the province
# bodies whose people's committee (UBND) is what a document names
GOVERNED = frozenset(
    {
        UnitKind.PROVINCE,
        UnitKind.CENTRAL_CITY,
        UnitKind.DISTRICT,
        UnitKind.CITY,
        UnitKind.TOWN,
        UnitKind.COMMUNE,
        UnitKind.WARD,
        UnitKind.TOWNSHIP,
        UnitKind.SPECIAL_ZONE,
    }
)
LOCAL = frozenset({UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWNSHIP})
DISTRICT_LEVEL = frozenset({UnitKind.DISTRICT, UnitKind.CITY, UnitKind.TOWN})
PROVINCE_LEVEL = frozenset({UnitKind.PROVINCE, UnitKind.CENTRAL_CITY})
PROVINCIAL_BODIES = frozenset({UnitKind.DEPARTMENT, UnitKind.AGENCY, UnitKind.CENTER})


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def display_name(
    name: str,
    kind: UnitKind | str,
    parent_name: str | None = None,
    parent_kind: UnitKind | str | None = None,
    on: date | None = None,
    *,
    outside: bool = False,
) -> str:
    """The name of a unit as a document of ``on`` writes it (None: as its place in the tree says).

    A commune, ward or township is suffixed with its district only when it lay in one and ``on`` is
    before the reform; a department or agency is suffixed with its province when named ``outside`` it.
    """
    kind = UnitKind(kind)
    parent = UnitKind(parent_kind) if parent_kind else None
    shown = f"UBND {_lower_first(name)}" if kind in GOVERNED else name
    before_reform = on is None or on < REFORM_DAY
    if parent_name and kind in LOCAL and parent in DISTRICT_LEVEL and before_reform:
        shown += f", {_lower_first(parent_name)}"
    if parent_name and outside and kind in PROVINCIAL_BODIES and parent in PROVINCE_LEVEL:
        shown += f" {_lower_first(parent_name)}"
    return shown


class NamedUnit(str):
    """A unit a message names (an importer's row error or change line). Its text is the Vietnamese
    ``display_name`` ("UBND xã Minh Sơn, huyện Hữu Lũng"), for the logs and a reason's Vietnamese fallback;
    its fields are what templates/macros/units.j2 need to name it in the reader's language
    ("Minh Sơn Commune People's Committee, Hữu Lũng District")."""

    __slots__ = ("code", "kind", "name", "parent_kind", "parent_name")
    name: str  # as stored: "Xã Minh Sơn"
    kind: UnitKind
    code: str
    parent_name: str | None
    parent_kind: UnitKind | None

    def __new__(
        cls,
        name: str,
        kind: UnitKind | str,
        code: str = "",
        parent_name: str | None = None,
        parent_kind: UnitKind | str | None = None,
    ) -> NamedUnit:
        named = super().__new__(cls, display_name(name, kind, parent_name, parent_kind))
        named.name, named.kind, named.code = name, UnitKind(kind), code
        named.parent_name, named.parent_kind = parent_name, UnitKind(parent_kind) if parent_kind else None
        return named

    def __getnewargs__(self) -> tuple[object, ...]:  # type: ignore[override]
        return self.name, self.kind, self.code, self.parent_name, self.parent_kind


__all__ = ["PROVINCE_LEVEL", "REFORM_DAY", "NamedUnit", "display_name"]
