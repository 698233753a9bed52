"""Published index results (results.csv, components.csv: real figures, unknown values left NULL) and the
internal CCHC index of departments and districts (cchc_index.csv: invented, marked demo)."""

from __future__ import annotations

from sqlalchemy import select

from models.demo._context import DemoContext
from models.demo._files import opt_decimal, opt_int, read_rows
from models.indices import ComponentResult, IndexComponent, IndexResult, ScoreIndex
from models.standard_indices import ensure_indices

RESULT_FILES = ("results.csv", "cchc_index.csv")


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
