"""One resolver for unit names, as people write them: imports (``importers.lookup``), commands
(``queries.units.find_unit``, ``queries.scores.ranked_units``) and invites (``queries.in_operation``)
ask it which stored units a text means.

What it accepts, best match first:
1. a unit's code ("LS", "06457"), case ignored;
2. the name with or without "UBND"/"Ủy ban nhân dân", case-, diacritics- and white-space-insensitive, also
   as "name, parent" ("Xã Minh Sơn, huyện Hữu Lũng"); abbreviations "TP."/"TP" (thành phố), "TX." (thị xã),
   "TT." (thị trấn); for a province, the names and aliases of the built-in list ("Thừa Thiên Huế", "TP.HCM")
   and its official code ("20" for a province stored as "LS");
3. the name without its kind ("Hải Phòng", "Minh Sơn"), or with a kind that fits it ("tỉnh Lạng Sơn" for a
   province stored as "Lạng Sơn"); when such a bare name means a province and units below one, the
   province is meant (as the press writes "Lạng Sơn");
4. a department followed by its province ("Sở Nội vụ tỉnh Lạng Sơn"): that department of that province.

Aliases (``models.units.UnitAlias``: the codes and names a province's own files use, "SNV" for the unit
stored as "LS.SNV") count as the unit's own: an alias code matches like a code (after the codes the units
are stored under), an alias name like a name. Only the aliases of the units a resolver is built over are
read, so an alias is looked for in the province in question (two provinces may both write "SNV").

Dates are the callers' business: the resolver lists every unit a text may mean, they keep the ones valid
on the day asked about (``models.lineage``). ``closest`` gives the names nearest to one that matches
nothing ("Có phải: …?")."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import UnitKind
from models.naming import GOVERNED, PROVINCE_LEVEL
from models.provinces import find_province
from models.text import fold
from models.units import Unit, UnitAlias

# the words a kind is written with before a name, folded ("thanh pho" for "Thành phố" and "TP.")
KIND_WORDS: dict[UnitKind, tuple[str, ...]] = {
    UnitKind.PROVINCE: ("tinh",),
    UnitKind.CENTRAL_CITY: ("thanh pho",),
    UnitKind.DISTRICT: ("huyen", "quan"),
    UnitKind.CITY: ("thanh pho",),
    UnitKind.TOWN: ("thi xa",),
    UnitKind.COMMUNE: ("xa",),
    UnitKind.WARD: ("phuong",),
    UnitKind.TOWNSHIP: ("thi tran",),
    UnitKind.SPECIAL_ZONE: ("dac khu",),
}
_PREFIX = re.compile(r"^(thanh pho|thi xa|thi tran|dac khu|tinh|huyen|quan|xa|phuong)\s+(?=\S)")
_ABBREVIATIONS = ((re.compile(r"\btp\b\.?\s*"), "thanh pho "), (re.compile(r"\btx\b\.?\s*"), "thi xa "))
_TOWNSHIP = re.compile(r"\btt\.\s*")
_COMMITTEE = re.compile(r"\b(uy ban nhan dan|ubnd)\b")
_PUNCTUATION = re.compile(r"[.\-–—:;()\"'“”«»]")
_PROVINCE_AFTER = re.compile(r"^(?P<body>.+?)\s+(?:cua\s+)?(?:tinh|thanh pho)\s+(?P<province>\S.*)$")


@lru_cache(maxsize=65536)  # the same few thousand names, message after message
def spelled(text: str) -> str:
    """``text`` folded the one way names are compared: "UBND TP. Hồ Chí Minh" -> "thanh pho ho chi minh"."""
    folded = fold(text)
    for pattern, replacement in _ABBREVIATIONS:
        folded = pattern.sub(replacement, folded)
    folded = _TOWNSHIP.sub("thi tran ", folded)
    folded = _COMMITTEE.sub("ubnd", folded)
    folded = _PUNCTUATION.sub(" ", folded)
    folded = " ".join(folded.replace(" ,", ",").split())
    return folded.removeprefix("ubnd ").strip()


def without_kind(key: str) -> tuple[str | None, str]:
    """("xa", "minh son") of "xa minh son"; (None, key) when the key starts with no kind word."""
    found = _PREFIX.match(key)
    return (found[1], key[found.end() :]) if found else (None, key)


def _province_entry_keys(unit: Unit) -> tuple[frozenset[str], frozenset[str]]:
    """The names (full and bare) and codes the built-in list knows a stored province by."""
    return _entry_keys(unit.name)


@lru_cache(maxsize=256)
def _entry_keys(name: str) -> tuple[frozenset[str], frozenset[str]]:
    entry = find_province(name)
    if entry is None:
        return frozenset(), frozenset()
    names = {spelled(written) for written in (entry.name, *entry.aliases)}
    return frozenset(names | {without_kind(written)[1] for written in names}), frozenset({entry.code})


class Resolver:
    """The units of ``units`` by every key a text may name them with. ``known``: units by id for the
    parents and provinces of ``units`` (their ancestors; ``units`` themselves are added). ``aliases``:
    other codes and names of the units (those of other units are left out)."""

    def __init__(
        self, units: Iterable[Unit], known: Mapping[int, Unit] | None = None, aliases: Iterable[UnitAlias] = ()
    ) -> None:
        self.units = list(units)
        self.known: dict[int, Unit] = {**(known or {}), **{u.id: u for u in self.units}}
        self.codes: dict[str, list[Unit]] = defaultdict(list)
        self.aliases: dict[str, list[Unit]] = defaultdict(list)  # official codes of provinces
        self.full: dict[str, list[Unit]] = defaultdict(list)
        self.bare: dict[str, list[Unit]] = defaultdict(list)
        self.province_keys: dict[int, set[str]] = {}
        for unit in self.units:
            self.codes[fold(unit.code)].append(unit)
            for key in self.full_keys(unit):
                _add(self.full, key, unit)
            for key in self.bare_keys(unit):
                _add(self.bare, key, unit)
            if unit.kind in PROVINCE_LEVEL:
                for code in _province_entry_keys(unit)[1]:
                    _add(self.aliases, code, unit)
        mine = {u.id: u for u in self.units}
        for alias in aliases:
            if (owner := mine.get(alias.unit_id)) is None:
                continue
            if alias.kind == "code":
                _add(self.codes, fold(alias.alias), owner)  # after the units stored under that code
                continue
            for key in self.full_keys(owner, alias.alias):
                _add(self.full, key, owner)
            for key in self.bare_keys(owner, alias.alias):
                _add(self.bare, key, owner)

    def full_keys(self, unit: Unit, name: str | None = None) -> set[str]:
        """The keys of the unit's name (or of ``name``, an alias), alone and followed by its parent's."""
        own = spelled(unit.name if name is None else name)
        keys = {own}
        parent = self.known.get(unit.parent_id) if unit.parent_id else None
        if parent is not None:
            keys.add(f"{own}, {spelled(parent.name)}")
        if unit.kind in PROVINCE_LEVEL and name is None:
            keys |= _province_entry_keys(unit)[0]
        return keys

    def bare_keys(self, unit: Unit, name: str | None = None) -> set[str]:
        """The name (or ``name``, an alias) without its kind ("hai phong"), for a unit a kind is written
        before; a department's name without the province after it ("so noi vu" of "Sở Nội vụ tỉnh Lạng
        Sơn")."""
        own = spelled(unit.name if name is None else name)
        if unit.kind in GOVERNED:
            kind, bare = without_kind(own)
            keys = {bare} if kind is not None else set()
            if unit.kind in PROVINCE_LEVEL:
                keys |= {key for key in _province_entry_keys(unit)[0] if without_kind(key)[0] is None}
            return keys
        after = _PROVINCE_AFTER.match(own)
        return {after["body"]} if after else set()

    def province_names(self, unit: Unit) -> set[str]:
        """The bare keys of the province ``unit`` lies in (itself for a province)."""
        if unit.id not in self.province_keys:
            ids = [int(part) for part in unit.path.strip("/").split("/") if part] or [unit.id]
            chain = [self.known[i] for i in ids if i in self.known]
            provinces = [u for u in chain if u.kind in PROVINCE_LEVEL] or chain[:1]
            found = provinces[-1] if provinces else unit
            keys = {without_kind(spelled(found.name))[1]}
            keys |= {without_kind(key)[1] for key in _province_entry_keys(found)[0]}
            self.province_keys[unit.id] = keys
        return self.province_keys[unit.id]

    def named(self, text: str) -> list[Unit]:
        """The units ``text`` means, of the first rule that finds any (see the module's docstring)."""
        if not text.strip():
            return []
        if found := self.codes.get(fold(text)):
            return list(found)
        key = spelled(text)
        if found := self.full.get(key):
            return list(found)
        if found := self._bare(key):
            return found
        if found := self.aliases.get(fold(text)):
            return list(found)
        after = _PROVINCE_AFTER.match(key)
        if after is not None:
            body, province = after["body"], without_kind(spelled(after["province"]))[1]
            inner = self.full.get(body, []) + [u for u in self._bare(body) if u not in self.full.get(body, [])]
            return [u for u in inner if province in self.province_names(u)]
        return []

    def _bare(self, key: str) -> list[Unit]:
        kind, bare = without_kind(key)
        found = [u for u in self.bare.get(bare, []) if kind is None or kind in KIND_WORDS.get(UnitKind(u.kind), ())]
        provinces = [u for u in found if u.kind in PROVINCE_LEVEL]
        return provinces if provinces and kind is None else found

    def closest(self, text: str, limit: int = 3) -> list[Unit]:
        """The units whose names are nearest to ``text`` (for "Có phải: …?"), nearest first."""
        key = spelled(text)
        names = {**self.bare, **{k: v for k, v in self.full.items() if "," not in k}}
        units: list[Unit] = []
        for near in difflib.get_close_matches(key, list(names), n=limit * 2, cutoff=0.72):
            units += [u for u in names[near] if u not in units]
        return units[:limit]


def _add(keys: dict[str, list[Unit]], key: str, unit: Unit) -> None:
    if key and unit not in keys[key]:
        keys[key].append(unit)


def ancestor_ids(units: Iterable[Unit]) -> set[int]:
    """The ids on the paths of ``units`` (their parents, provinces and themselves)."""
    return {int(part) for unit in units for part in unit.path.strip("/").split("/") if part}


_FEW = 1000  # up to this many units, their aliases are asked for by id; beyond, all are read (one query)


async def aliases_of(session: AsyncSession, units: Iterable[Unit] | None = None) -> list[UnitAlias]:
    """The aliases of ``units`` (every alias when None), in one query."""
    query = select(UnitAlias).order_by(UnitAlias.id)
    ids = None if units is None else [u.id for u in units]
    if ids is not None and len(ids) <= _FEW:
        if not ids:
            return []
        query = query.where(UnitAlias.unit_id.in_(ids))
    return list((await session.execute(query)).scalars())


async def resolver_of(session: AsyncSession, units: Iterable[Unit]) -> Resolver:
    """A resolver over ``units`` (a query's candidates), with their ancestors read for parent names and
    provinces, and their aliases."""
    chosen = list(units)
    have = {u.id for u in chosen}
    wanted = [i for i in ancestor_ids(chosen) if i not in have]
    known = {}
    if wanted:
        known = {u.id: u for u in (await session.execute(select(Unit).where(Unit.id.in_(wanted)))).scalars()}
    return Resolver(chosen, known, await aliases_of(session, chosen))


__all__ = ["KIND_WORDS", "Resolver", "aliases_of", "ancestor_ids", "resolver_of", "spelled", "without_kind"]
