"""Published index results (results.csv, components.csv: real figures, unknown values left NULL), the
internal CCHC index of departments and districts (cchc_index.csv: invented, marked demo), and the 766
service index of today's communes and wards for the six months before today (service_766.csv: invented,
marked demo; months counted back from the demo's today, so the demo always shows a recent month)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from models.demo._context import DemoContext
from models.demo._files import opt_decimal, opt_int, read_rows
from models.indices import PERIOD_MONTH, ComponentResult, IndexComponent, IndexResult, ScoreIndex
from models.standard_indices import ensure_indices

RESULT_FILES = ("results.csv", "cchc_index.csv")
SERVICE_FILE = "service_766.csv"
SERVICE_INDEX = "766"


async def load_scores(demo: DemoContext) -> None:
    indices = await ensure_indices(demo.session)
    results: dict[tuple[str, str, int], IndexResult] = {}
    for name in RESULT_FILES:
        for row in read_rows(name):
            key = (row["index"], row["unit"], int(row["year"]))
            results[key] = IndexResult(
                index_id=_index(indices, row["index"]).id,
                unit_id=demo.unit(row["unit"]).id,
                year=key[2],
                score=opt_decimal(row["score"]),
                rank=opt_int(row["rank"]),
                rank_total=opt_int(row["rank_total"]),
                group_label=row["group_label"] or None,
                score_delta=opt_decimal(row.get("score_delta", "")),
                rank_delta=opt_int(row.get("rank_delta", "")),
                note=row.get("note", ""),
                source=row["source"],
            )
    demo.session.add_all(results.values())
    await demo.session.flush()
    await _load_components(demo, indices, results)
    await _load_service_index(demo, indices)


def month_back(today: date, months: int) -> tuple[int, int]:
    """The (year, month) ``months`` months before ``today``'s month."""
    count = today.year * 12 + today.month - 1 - months
    return count // 12, count % 12 + 1


async def _load_service_index(demo: DemoContext, indices: dict[str, ScoreIndex]) -> None:
    """Each commune's monthly 766 result (the months it existed in): the total is the sum of its groups."""
    index = _index(indices, SERVICE_INDEX)
    groups = {
        c.number: c for c in (await demo.session.execute(select(IndexComponent))).scalars() if c.index_id == index.id
    }
    rows = []
    results = []
    for row in read_rows(SERVICE_FILE):
        year, month = month_back(demo.today, int(row["months_ago"]))
        unit = demo.unit(row["unit"])
        if not unit.valid_during(date(year, month, 1), date(year, month, 28)):
            continue  # a demo day soon after 1/7/2025: no month before the commune existed
        rows.append(row)
        scores = [Decimal(row[f"g{n}"]) for n in range(1, 6)]
        results.append(
            IndexResult(
                index_id=index.id,
                unit_id=unit.id,
                year=year,
                period=PERIOD_MONTH,
                period_number=month,
                score=sum(scores, Decimal(0)),
                score_places=2,
                source="demo",
            )
        )
    demo.session.add_all(results)
    await demo.session.flush()
    for result, row in zip(results, rows, strict=True):
        for number in range(1, 6):
            demo.session.add(
                ComponentResult(
                    result_id=result.id,
                    component_id=groups[number].id,
                    score=Decimal(row[f"g{number}"]),
                    score_places=2,
                )
            )
    await demo.session.flush()


async def _load_components(
    demo: DemoContext, indices: dict[str, ScoreIndex], results: dict[tuple[str, str, int], IndexResult]
) -> None:
    components = {(c.index_id, c.number): c for c in (await demo.session.execute(select(IndexComponent))).scalars()}
    for row in read_rows("components.csv"):
        result = results[(row["index"], row["unit"], int(row["year"]))]
        component = components[(_index(indices, row["index"]).id, int(row["component"]))]
        demo.session.add(
            ComponentResult(
                result_id=result.id,
                component_id=component.id,
                score=opt_decimal(row["score"]),
                rank=opt_int(row["rank"]),
                rank_total=opt_int(row["rank_total"]),
                score_delta=opt_decimal(row["score_delta"]),
                rank_delta=opt_int(row["rank_delta"]),
            )
        )
    await demo.session.flush()


def _index(indices: dict[str, ScoreIndex], code: str) -> ScoreIndex:
    try:
        return indices[code]
    except KeyError:
        raise ValueError(f"demo data names an unknown index {code!r}") from None
