"""The indices the province is ranked on, as the secretariat keeps them (``cchc-bot indices``): list them
with their scales and components, add an index of its own (a new national index, a province's own
ranking), add or rename a component. The standard ones are made by ``models.standard_indices``.

A refusal is an ``IndexRefused`` with the reason as data (``kind`` and context), which the CLI says in
one line from ``templates/cli/indices_refused.j2``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import ScoreKind
from models.importers.indices import index_code
from models.indices import IndexComponent, ScoreIndex

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
PERCENT_SCALE = (Decimal(0), Decimal(100))


class IndexRefused(Exception):
    """A change the catalogue refuses: ``kind`` names why (a template branch), ``context`` the details."""

    def __init__(self, kind: str, **context: object) -> None:
        super().__init__(kind)
        self.kind = kind
        self.context = context


@dataclass(frozen=True)
class IndexEntry:
    code: str
    name_vi: str
    name_en: str
    score_kind: str  # points | percent
    min_score: Decimal | None
    max_score: Decimal | None
    components: tuple[tuple[int, str, str, Decimal | None, Decimal | None], ...]  # number, name_vi, name_en, min, max


async def list_catalog(session: AsyncSession) -> list[IndexEntry]:
    """Every index with its scale and components, by code."""
    indices = list((await session.execute(select(ScoreIndex).order_by(ScoreIndex.code))).scalars())
    parts: dict[int, list[IndexComponent]] = {}
    for part in (await session.execute(select(IndexComponent).order_by(IndexComponent.number))).scalars():
        parts.setdefault(part.index_id, []).append(part)
    return [
        IndexEntry(
            i.code,
            i.name_vi,
            i.name_en,
            str(i.score_kind),
            i.min_score,
            i.max_score,
            tuple((c.number, c.name_vi, c.name_en, c.min_score, c.max_score) for c in parts.get(i.id, [])),
        )
        for i in indices
    ]


async def _index(session: AsyncSession, code: str) -> ScoreIndex | None:
    wanted = index_code(code)
    return (await session.execute(select(ScoreIndex).where(ScoreIndex.code == wanted))).scalar_one_or_none()


async def add_index(
    session: AsyncSession,
    code: str,
    name_vi: str,
    *,
    name_en: str = "",
    kind: str = "points",
    low: Decimal | None = None,
    high: Decimal | None = None,
    publisher: str = "",
) -> ScoreIndex:
    """A new index: ``code`` as files and /diem name it ("PCI", "CCHC-XA"), its Vietnamese name, its kind
    (points or percent) and its scale (percent: 0–100 unless given). Refused: a code taken or not
    written as a code, an empty name, an unknown kind, a scale whose bottom is not below its top."""
    written = code.strip().upper()
    if not _CODE.match(written):
        raise IndexRefused("bad_code", code=code)
    if await _index(session, written) is not None:
        raise IndexRefused("code_taken", code=index_code(written))
    if not name_vi.strip():
        raise IndexRefused("no_name", code=written)
    if kind not in (ScoreKind.POINTS.value, ScoreKind.PERCENT.value):
        raise IndexRefused("bad_kind", kind_written=kind)
    if kind == ScoreKind.PERCENT.value:
        low = PERCENT_SCALE[0] if low is None else low
        high = PERCENT_SCALE[1] if high is None else high
    _check_scale(low, high)
    index = ScoreIndex(
        code=written,
        name_vi=name_vi.strip()[:255],
        name_en=(name_en.strip() or name_vi.strip())[:255],
        publisher=publisher.strip()[:255],
        score_kind=ScoreKind(kind),
        min_score=low if low else None,
        max_score=high,
    )
    session.add(index)
    await session.flush()
    return index


def _check_scale(low: Decimal | None, high: Decimal | None) -> None:
    for value in (low, high):
        if value is not None and (value < 0 or value != value.quantize(Decimal("0.0001"))):
            raise IndexRefused("bad_scale", low=_plain(low), high=_plain(high))
    if low is not None and high is not None and low >= high:
        raise IndexRefused("bad_scale", low=_plain(low), high=_plain(high))


def _plain(value: Decimal | None) -> Decimal | None:
    """A bound as the secretariat wrote it: 10, not the stored 10.00 (nor 1E+1)."""
    if value is None or not value.is_finite():
        return value
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


async def set_component(
    session: AsyncSession,
    code: str,
    number: int,
    name_vi: str,
    *,
    name_en: str = "",
    low: Decimal | None = None,
    high: Decimal | None = None,
) -> tuple[IndexComponent, bool]:
    """Add component ``number`` (1, 2 …, in report order) of index ``code``, or rename it; with its own
    scale's bottom and top when given (PAPI's dimensions: 1–10). Returns it and whether it was added.
    Refused: an unknown index, a number below 1 or above 99, an empty name, a bad scale (its bottom not
    below its top, the one given checked against the one stored)."""
    index = await _index(session, code)
    if index is None:
        known = list((await session.execute(select(ScoreIndex.code).order_by(ScoreIndex.code))).scalars())
        raise IndexRefused("unknown_index", code=code, known=known)
    if not 1 <= number <= 99:
        raise IndexRefused("bad_number", number=number)
    if not name_vi.strip():
        raise IndexRefused("no_name", code=index.code)
    _check_scale(low, high)
    query = select(IndexComponent).where(IndexComponent.index_id == index.id, IndexComponent.number == number)
    component = (await session.execute(query)).scalar_one_or_none()
    if component is not None:  # a bound not given keeps the stored one; the two must still make a scale
        _check_scale(component.min_score if low is None else low, component.max_score if high is None else high)
    added = component is None
    if component is None:
        component = IndexComponent(index_id=index.id, number=number, name_vi="", name_en="")
        session.add(component)
    component.name_vi = name_vi.strip()[:255]
    component.name_en = (name_en.strip() or component.name_en or name_vi.strip())[:255]
    if low is not None:
        component.min_score = low if low else None  # 0 is the default bottom: stored as none
    if high is not None:
        component.max_score = high
    await session.flush()
    return component, added


__all__ = ["IndexEntry", "IndexRefused", "add_index", "list_catalog", "set_component"]
