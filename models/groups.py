"""Group assignees as plans write them: "Các sở, ban, ngành", "UBND các xã, phường", "Các cơ quan, đơn
vị thuộc UBND tỉnh", "UBND các huyện, thành phố" (plans before 1/7/2025), with or without "Các" and
"UBND", in any case and with or without diacritics.

A group is stored by its key on each assignment it made (``assignments.via_group``): the task is shown
with the group once, and every unit of the group counts the task as its own. Which units a group means
depends on the day: the communes of 2023 are not those of 2026 (``members``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from models.enums import UnitKind
from models.text import fold
from models.units import Unit

DEPARTMENTS = "departments"  # các sở, ban, ngành
PROVINCIAL_BODIES = "provincial_bodies"  # các cơ quan, đơn vị thuộc UBND tỉnh
COMMUNES = "communes"  # UBND các xã, phường (, thị trấn, đặc khu)
DISTRICTS = "districts"  # UBND các huyện, thành phố (, thị xã)

# as the import preview names them (the chat's own words for them are in templates/*/labels/tasks.j2)
WRITTEN = {
    DEPARTMENTS: "Các sở, ban, ngành",
    PROVINCIAL_BODIES: "Các cơ quan, đơn vị thuộc UBND tỉnh",
    COMMUNES: "UBND các xã, phường",
    DISTRICTS: "UBND các huyện, thành phố",
}
KINDS: dict[str, frozenset[UnitKind]] = {
    DEPARTMENTS: frozenset({UnitKind.DEPARTMENT, UnitKind.AGENCY}),
    PROVINCIAL_BODIES: frozenset({UnitKind.DEPARTMENT, UnitKind.AGENCY, UnitKind.CENTER}),
    COMMUNES: frozenset({UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWNSHIP, UnitKind.SPECIAL_ZONE}),
    DISTRICTS: frozenset({UnitKind.DISTRICT, UnitKind.CITY, UnitKind.TOWN}),
}
# only units directly below the province: a department's own sub-agencies are not "các sở, ban, ngành"
_TOP_LEVEL = {DEPARTMENTS, PROVINCIAL_BODIES, DISTRICTS}

_PUNCT = re.compile(r"[^a-z0-9 ]+")
_PLURAL = re.compile(r"\b(cac|tat ca|cap)\b")
_NOISE = re.compile(r"\b(ubnd|uy ban nhan dan|cac|tat ca|tren dia ban( tinh)?)\b")
_COMMUNE_WORDS = r"(xa|phuong|thi tran|dac khu)"
_DISTRICT_WORDS = r"(huyen|thanh pho|thi xa)"
_TERMS = re.compile(r"thi tran|dac khu|thanh pho|thi xa|doan the|\w+")
_PATTERNS = (
    (re.compile(rf"cap xa|{_COMMUNE_WORDS}( {_COMMUNE_WORDS})*"), COMMUNES),
    (re.compile(rf"cap huyen|{_DISTRICT_WORDS}( {_DISTRICT_WORDS})*"), DISTRICTS),
    (re.compile(r"(so|so ban|so nganh|so ban nganh)( doan the)?( tinh)?"), DEPARTMENTS),
    (re.compile(r"co quan( don vi| chuyen mon)?( truc)? thuoc (ubnd |uy ban nhan dan )?tinh"), PROVINCIAL_BODIES),
)


def _words(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", fold(text)).split())


_VAGUE = re.compile(r"(cac )?(co quan|don vi|so|nganh)( (co quan|don vi|so|nganh))*( co)? lien quan( khac)?")


def vague(text: str) -> bool:
    """ "Các cơ quan, đơn vị liên quan": no unit in particular (left out of cooperating units)."""
    return bool(_VAGUE.fullmatch(_words(text)))


def group_of(text: str) -> str | None:
    """The key of the group ``text`` names, or None when it names no group ("UBND xã Tuấn Sơn")."""
    words = _words(text)
    if not words:
        return None
    for pattern, key in _PATTERNS[3:]:
        if pattern.fullmatch(_NOISE.sub(" ", words).strip()) or pattern.fullmatch(words.removeprefix("cac ")):
            return key
    plural = bool(_PLURAL.search(words))
    core = " ".join(_NOISE.sub(" ", words).split())
    for pattern, key in _PATTERNS[:3]:
        # "UBND xã", "Thành phố", "Sở" alone are a unit's name cut short, not a group
        if pattern.fullmatch(core) and (plural or len(_TERMS.findall(core)) > 1):
            return key
    return None


@dataclass(frozen=True)
class Parts:
    """A cell split into the groups it names and the rest (unit names, ", "- and "; "-separated)."""

    groups: list[str]
    names: str
    vague: bool = False  # the cell also said "các cơ quan, đơn vị liên quan"


def split(cell: str) -> Parts:
    """ "Các sở, ban, ngành; UBND các xã, phường, Sở Nội vụ" -> groups [departments, communes], names
    "Sở Nội vụ". Lists are separated by ";" or new lines, and a group's own commas do not split it."""
    groups: list[str] = []
    rest: list[str] = []
    unspecific = False
    for part in re.split(r"[;\n]", cell):
        pieces = [p.strip() for p in part.split(",")]
        i, run = 0, []
        while i < len(pieces):
            if (
                tail := next((j for j in range(len(pieces), i, -1) if vague(", ".join(pieces[i:j]))), None)
            ) is not None:
                unspecific, i = True, tail
                continue
            found = next(
                ((j, key) for j in range(len(pieces), i, -1) if (key := group_of(", ".join(pieces[i:j])))), None
            )
            if found is None:
                run.append(pieces[i])
                i += 1
                continue
            j, key = found
            if key not in groups:
                groups.append(key)
            if any(run):
                rest.append(", ".join(p for p in run if p))
            run, i = [], j
        if any(run):
            rest.append(", ".join(p for p in run if p))
    return Parts(groups, "; ".join(rest), unspecific)


def members(key: str, province: Unit, units: Iterable[Unit]) -> list[Unit]:
    """The units of ``province`` that group ``key`` means among ``units`` (already those valid in the
    plan's period), in code order."""
    kinds = KINDS[key]
    found = [
        u
        for u in units
        if u.kind in kinds
        and u.path.startswith(province.path)
        and u.id != province.id
        and (key not in _TOP_LEVEL or u.parent_id == province.id)
    ]
    return sorted(found, key=lambda u: (u.code, u.id))
