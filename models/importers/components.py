"""The indices a results file names, and its component columns: "Lĩnh vực 3" or "Thành phần 2" or the
component's name is a score; "Xếp hạng lĩnh vực 1", "Thay đổi bậc lĩnh vực 1" (or "Lĩnh vực 1 - Thay
đổi bậc"), "Thay đổi điểm lĩnh vực 1" give its rank and published changes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.importers.cells import CellError, change_in_places, change_in_points, decimal, rank, show, text
from models.importers.indices import index_code
from models.importers.sheet import header_key
from models.indices import IndexComponent, ScoreIndex

_NUMBERED = re.compile(r"(?:linh vuc|lv|thanh phan|chi so thanh phan|tp)\s*(\d+)")
_MEASURES = (("thay doi diem", "score_delta"), ("thay doi bac", "rank_delta"), ("xep hang", "rank"), ("diem", "score"))


def _measure(header: str) -> tuple[str, str]:
    """ "Lĩnh vực 1 - Thay đổi bậc" -> ("rank_delta", "linh vuc 1")."""
    key = header_key(header)
    for words, attribute in _MEASURES:
        if key.startswith(words + " "):
            return attribute, key.removeprefix(words + " ")
        if key.endswith(" " + words):
            return attribute, key.removesuffix(" " + words)
    return "score", key


def component_values(component: IndexComponent, attribute: str, value: object) -> dict[str, object]:
    """The ComponentResult attributes one cell gives."""
    if attribute == "rank":
        place, total = rank(value)
        return {"rank": place, "rank_total": total} if total else {"rank": place}
    if attribute == "rank_delta":
        return {"rank_delta": change_in_places(value)}
    if attribute == "score_delta":
        delta = change_in_points(value)
        return {"score_delta": delta, "delta_places": _places(delta)}
    score = decimal(value)
    low = component.min_score if component.min_score is not None else Decimal(0)  # PAPI's dimensions: 1
    if score < low or (component.max_score is not None and score > component.max_score):
        high = component.max_score
        reason = f"Điểm {show(score)} ngoài thang {show(low)}–{show(high) if high is not None else ''}"
        shown = {
            "score": score,
            "places": _places(score),
            "low": low,
            "low_places": _places(low.normalize()),  # a bound as written on the scale: "1", not "1,00"
            "high": high,
            "high_places": _places(high.normalize()) if high else 0,
        }
        raise CellError("bad_value", reason, why="component_scale", **shown)
    return {"score": score, "score_places": _places(score)}


def _places(value: Decimal) -> int:
    """The decimals ``value`` was written with ("6,50": 2), kept to show it as published."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


@dataclass
class Catalog:
    by_code: dict[str, ScoreIndex]
    components: dict[int, list[IndexComponent]]  # index id -> its components

    @classmethod
    async def load(cls, session: AsyncSession) -> Catalog:
        indices = {i.code: i for i in (await session.execute(select(ScoreIndex))).scalars()}
        components: dict[int, list[IndexComponent]] = {i.id: [] for i in indices.values()}
        for component in (await session.execute(select(IndexComponent))).scalars():
            components[component.index_id].append(component)
        return cls(indices, components)

    def find(self, value: object) -> ScoreIndex:
        if index := self.by_code.get(index_code(text(value))):
            return index
        known = ", ".join(sorted(self.by_code)) or "chưa có chỉ số nào"
        raise CellError(
            "unknown_index", f"Không có chỉ số '{text(value)}' ({known})", value=text(value), known=sorted(self.by_code)
        )

    def component(self, index: ScoreIndex, header: str) -> tuple[IndexComponent, str] | None:
        """The component a column names for this index and the attribute it holds; None for a column of
        the user's own ("Tỉnh"); CellError when it names a component this index does not have."""
        attribute, key = _measure(header)
        number = int(m[1]) if (m := _NUMBERED.fullmatch(key)) else None
        for component in self.components[index.id]:
            if component.number == number or key in (header_key(component.name_vi), header_key(component.name_en)):
                return component, attribute
        named_elsewhere = any(key == header_key(c.name_vi) for cs in self.components.values() for c in cs)
        if number is not None or named_elsewhere:
            reason = f"Chỉ số {index.code} không có lĩnh vực/thành phần '{header}'"
            raise CellError("unknown_component", reason, index=index.code, header=header)
        return None
