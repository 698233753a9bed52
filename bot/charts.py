"""Charts as PNG images, drawn with matplotlib (Agg, no display) in a worker thread so the event loop
keeps answering other chats while a chart is drawn.

A handler asks for a chart with ``Reply.chart``; a channel that can send images offers it (a button with
``handlers.charts.chart_line(spec)``, the command ``/bieudo``, which the router checks like any other)
and calls ``Charts.draw`` when the answer is the chart itself (``Reply.chart_now``):

- ``{"kind": "index_history", "index": "PAR", "unit_id": 1}``: the unit's score (top) and rank
  (bottom, 1 at the top) in one index as lines over the years (the 766 index: over its months, quarters
  or years, the kind of its latest result), each step's change labelled.
- ``{"kind": "drive_leaderboard", "drive_id": 3}``: the drive's standings as horizontal bars.
- ``{"kind": "ranking_table", "index": "PAR", "year": 2023, "level": "provinces", "unit_id": 1}``: an
  index's table of a year (or a period: ``"year": "2026-10"``) as horizontal bars, the unit's own bar
  coloured (/xephang).
- ``{"kind": "compare", "index": "766", "year": 2026, "period": "month", "number": 10, "unit_id": 1}``:
  the unit against its peers (/sosanh): the components of the period as grouped bars (unit · average ·
  best), or, where no component was published, the periods up to it as lines (unit, average, best, worst).

Numbers come from ``models.queries.charts``; every word on a chart from
``templates/labels/charts.j2``. matplotlib is imported when the first chart is drawn.
"""

from __future__ import annotations

import asyncio
import io
import logging
import math
import textwrap
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.render import Renderer
from handlers.base import Button
from models import Clock
from models.queries.charts import (
    CompareBars,
    DriveBars,
    IndexHistory,
    RankingBars,
    compare_bars,
    drive_bars,
    index_history,
    ranking_bars,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)
_DRAWING = threading.Lock()  # matplotlib's font cache and text layout are not thread-safe
UP, DOWN, FLAT = "#1a7f37", "#cf222e", "#57606a"


@dataclass(frozen=True)
class Words:
    title: str
    axes: tuple[str, ...]
    values: list[str]  # one label per data point (or bar)
    changes: list[tuple[str, str]]  # per step between two years: (points, places)
    ticks: tuple[str, ...] = ()  # the x axis' labels where they are not the years ("T10/2026", "Q3 2026")


class Charts:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock, renderer: Renderer) -> None:
        self.sessions, self.clock, self.renderer = sessions, clock, renderer

    async def draw(self, lang: str, spec: Mapping[str, Any]) -> bytes | None:
        """The PNG for ``spec``; None when there is nothing to draw (no data, an unknown kind)."""
        kind = spec.get("kind")
        async with self.sessions() as session:
            if kind == "index_history":
                history = await index_history(session, str(spec["index"]), int(spec["unit_id"]))
                if history is None:
                    return None
                words = self._history_words(lang, history)
                return await asyncio.to_thread(_locked, _index_png, history, words)
            if kind == "drive_leaderboard":
                board = await drive_bars(session, int(spec["drive_id"]), self.clock.today())
                if board is None or not board.bars:
                    return None
                words = self._board_words(lang, board)
                return await asyncio.to_thread(_locked, _board_png, board, words)
            if kind == "ranking_table":
                table = await ranking_bars(
                    session, str(spec["index"]), str(spec["year"]), str(spec["level"]), int(spec["unit_id"])
                )
                if table is None:
                    return None
                words = self._ranking_words(lang, table)
                return await asyncio.to_thread(_locked, _ranking_png, table, words)
            if kind == "compare":
                found = await compare_bars(
                    session,
                    str(spec["index"]),
                    int(spec["year"]),
                    str(spec["period"]),
                    int(spec["number"]),
                    int(spec["unit_id"]),
                )
                if found is None:
                    return None
                words = self._compare_words(lang, found, spec)
                return await asyncio.to_thread(_locked, _compare_png, found, words)
        log.warning("unknown chart kind %r", kind)
        return None

    def _word(self, lang: str, macro: str, **args: Any) -> str:
        return self.renderer.label(lang, Button(f"charts.{macro}", "", args), "text")

    def _history_words(self, lang: str, history: IndexHistory) -> Words:
        points = history.points
        yearly = all(p.period == "year" for p in points)
        changes = []
        for before, after in pairwise(points):
            moved = after.score - before.score if after.score is not None and before.score is not None else None
            places = before.rank - after.rank if after.rank is not None and before.rank is not None else None
            changes.append(
                (
                    self._word(lang, "points_change", v=moved) if moved is not None else "",
                    self._word(lang, "places_change", n=places) if places is not None else "",
                )
            )
        return Words(
            self._word(
                lang, "index_title", code=history.code, name=history.name_vi, unit=history.unit, periods=not yearly
            ),
            (
                self._word(lang, "score_axis", kind=history.score_kind),
                self._word(lang, "rank_axis"),
                self._word(lang, "year_axis") if yearly else self._word(lang, "period_axis"),
            ),
            [self._word(lang, "value", v=p.score) if p.score is not None else "" for p in points]
            + [self._word(lang, "rank_of", rank=p.rank, total=p.rank_total) if p.rank else "" for p in points],
            changes,
            () if yearly else tuple(self._tick(lang, p.year, p.period, p.period_number) for p in points),
        )

    def _tick(self, lang: str, year: int, kind: str, number: int) -> str:
        return self.renderer.label(lang, Button("periods.period", "", {"year": year, "kind": kind, "number": number}))

    def _board_words(self, lang: str, board: DriveBars) -> Words:
        return Words(
            self._word(lang, "leaderboard_title", title=board.title, day=board.as_of),
            (self._word(lang, "points_axis"),),
            [self._word(lang, "value", v=bar.points) for bar in board.bars],
            [],
        )

    def _ranking_words(self, lang: str, table: RankingBars) -> Words:
        return Words(
            self._word(lang, "ranking_title", code=table.code, period=table.period, level=table.level),
            (self._word(lang, "score_axis", kind=table.score_kind),),
            [self._word(lang, "bar_name", rank=bar.rank, unit=bar.unit) for bar in table.bars]
            + [self._word(lang, "value", v=bar.score) for bar in table.bars],
            [],
        )

    def _compare_words(self, lang: str, found: CompareBars, spec: Mapping[str, Any]) -> Words:
        """Title, score axis, the legend (unit, average, best, worst) and each group's label."""
        when = {"year": int(spec["year"]), "kind": str(spec["period"]), "number": int(spec["number"])}
        title = self._word(lang, "compare_title", code=found.code, unit=found.unit, peers=found.peers, **when)
        legend = [
            self._word(lang, "unit_label", unit=found.unit),
            self._word(lang, "average_label"),
            self._word(lang, "best_label"),
            self._word(lang, "worst_label"),
        ]
        if found.fields:
            names = [en if lang == "en" else vi for vi, en in found.names]
            ticks = [f"{p.label[0]}. {name}" for p, name in zip(found.points, names, strict=True)]
        else:
            ticks = [self._tick(lang, *p.label) for p in found.points]
        return Words(title, (self._word(lang, "score_axis", kind=found.score_kind),), legend, [], tuple(ticks))


def _locked(draw: Any, data: Any, words: Words) -> bytes:
    with _DRAWING:
        figure: Figure = draw(_figure_class(), data, words)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
        return buffer.getvalue()


def _figure_class() -> type[Figure]:
    """matplotlib is imported with the first chart: a process that never draws one saves its ~40 MB."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure


def _colour(text: str) -> str:
    return UP if text.startswith(("+", "↑")) else DOWN if text.startswith(("−", "↓")) else FLAT


def _index_png(figure_class: type[Figure], history: IndexHistory, words: Words) -> Figure:
    """Score (top) and rank (bottom) as lines over the years, or over the periods in order (the months of
    the 766 index: one step each, labelled as officials write them)."""
    years = [p.year for p in history.points] if not words.ticks else list(range(len(history.points)))
    figure = figure_class(figsize=(8, 6.2))
    top, bottom = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    figure.suptitle(textwrap.fill(words.title, 70), fontsize=12, fontweight="bold")
    count = len(years)
    score_labels, rank_labels = words.values[:count], words.values[count:]
    scored = [
        (x, float(p.score), label)
        for x, p, label in zip(years, history.points, score_labels, strict=True)
        if p.score is not None
    ]
    ranked = [
        (x, p.rank, label) for x, p, label in zip(years, history.points, rank_labels, strict=True) if p.rank is not None
    ]
    if scored:
        # NaN for a year without a score breaks the line: nothing is drawn where nothing was published
        scores = [float(p.score) if p.score is not None else math.nan for p in history.points]
        top.plot(years, scores, marker="o", color="#0969da", linewidth=2)
        for x, y, label in scored:
            top.annotate(label, (x, y), textcoords="offset points", xytext=(0, 8), ha="center", fontsize=9)
        low, high = min(y for _, y, _ in scored), max(y for _, y, _ in scored)
        pad = max((high - low) * 0.25, 1.0)
        top.set_ylim(low - pad, high + pad)
    if ranked:
        ranks = [float(p.rank) if p.rank is not None else math.nan for p in history.points]
        bottom.plot(years, ranks, marker="s", color="#8250df", linewidth=2)
        for x, y, label in ranked:
            bottom.annotate(label, (x, y), textcoords="offset points", xytext=(0, -14), ha="center", fontsize=9)
        worst = max(y for _, y, _ in ranked)
        bottom.set_ylim(worst + max(2, worst * 0.15), max(0, min(y for _, y, _ in ranked) - max(2, worst * 0.15)))
    for (before, after), (points, places) in zip(pairwise(years), words.changes, strict=True):
        middle = (before + after) / 2
        if points:
            top.text(middle, 0.04, points, transform=top.get_xaxis_transform(), ha="center", fontsize=10,
                     color=_colour(points))  # fmt: skip
        if places:
            bottom.text(middle, 0.06, places, transform=bottom.get_xaxis_transform(), ha="center", fontsize=10,
                        color=_colour(places))  # fmt: skip
    top.set_ylabel(words.axes[0])
    bottom.set_ylabel(words.axes[1])
    bottom.set_xlabel(words.axes[2])
    bottom.set_xticks(years)
    bottom.set_xticklabels(list(words.ticks) or [str(y) for y in years], rotation=30 if words.ticks else 0)
    if count == 1:
        bottom.set_xlim(years[0] - 1, years[0] + 1)
    for axis in (top, bottom):
        axis.grid(True, alpha=0.3)
        axis.spines[["top", "right"]].set_visible(False)
    return figure


def _board_png(figure_class: type[Figure], board: DriveBars, words: Words) -> Figure:
    bars = board.bars
    figure = figure_class(figsize=(8, 1.2 + 0.36 * len(bars)))
    axis = figure.subplots()
    names = [f"{bar.rank}. {bar.unit[:38]}" for bar in bars]
    values = [float(bar.points) for bar in bars]
    colours = ["#bf8700" if bar.rank == 1 else "#0969da" for bar in bars]
    axis.barh(range(len(bars)), values, color=colours)
    axis.set_yticks(range(len(bars)))
    axis.set_yticklabels(names, fontsize=9)
    axis.invert_yaxis()
    for position, (value, label) in enumerate(zip(values, words.values, strict=True)):
        axis.text(value, position, f" {label}", va="center", fontsize=8)
    axis.set_xlim(0, max(max(values, default=0) * 1.15, 1))
    axis.set_xlabel(words.axes[0])
    axis.set_title(textwrap.fill(words.title, 80), fontsize=11, fontweight="bold", loc="left")
    axis.spines[["top", "right"]].set_visible(False)
    return figure


def _ranking_png(figure_class: type[Figure], table: RankingBars, words: Words) -> Figure:
    bars = table.bars
    count = len(bars)
    names, values = words.values[:count], words.values[count:]
    figure = figure_class(figsize=(8, 1.2 + 0.3 * count))
    axis = figure.subplots()
    scores = [float(bar.score) for bar in bars]
    colours = ["#cf222e" if bar.mine else "#8c959f" for bar in bars]  # own unit coloured, the rest grey
    axis.barh(range(count), scores, color=colours)
    axis.set_yticks(range(count))
    axis.set_yticklabels([name[:40] for name in names], fontsize=8)
    for tick, bar in zip(axis.get_yticklabels(), bars, strict=True):
        if bar.mine:
            tick.set_fontweight("bold")
    axis.invert_yaxis()
    for position, (score, label) in enumerate(zip(scores, values, strict=True)):
        axis.text(score, position, f" {label}", va="center", fontsize=7)
    low, high = min(scores), max(scores)
    pad = max((high - low) * 0.1, 1.0)
    axis.set_xlim(max(0.0, low - pad * 3), high + pad * 1.5)  # the differences, not the zero, are the story
    axis.set_xlabel(words.axes[0])
    axis.set_ylim(count - 0.5, -0.5)
    axis.set_title(textwrap.fill(words.title, 80), fontsize=11, fontweight="bold", loc="left")
    axis.spines[["top", "right"]].set_visible(False)
    return figure


def _compare_png(figure_class: type[Figure], found: CompareBars, words: Words) -> Figure:
    """The unit beside its peers: per component three bars (the unit's coloured, the average grey, the best
    green); over periods four lines (the unit's bold). Nothing is drawn where nothing was published."""
    figure = figure_class(figsize=(8, 5))
    axis = figure.subplots()
    xs = list(range(len(found.points)))
    series = [
        ([p.mine for p in found.points], "#cf222e"),
        ([p.average for p in found.points], "#8c959f"),
        ([p.best for p in found.points], UP),
        ([p.worst for p in found.points], "#bf8700"),
    ]
    if found.fields:
        width = 0.27
        for shift, ((values, colour), label) in enumerate(zip(series[:3], words.values, strict=False)):
            heights = [float(v) if v is not None else 0.0 for v in values]
            axis.bar([x + (shift - 1) * width for x in xs], heights, width, color=colour, label=label)
        axis.set_xticks(xs)
        axis.set_xticklabels([textwrap.fill(t, 16) for t in words.ticks], fontsize=8)
    else:
        for (values, colour), label in zip(series, words.values, strict=True):
            ys = [float(v) if v is not None else math.nan for v in values]
            axis.plot(xs, ys, marker="o", color=colour, label=label, linewidth=2.5 if colour == "#cf222e" else 1.5)
        axis.set_xticks(xs)
        axis.set_xticklabels(list(words.ticks), rotation=30, fontsize=9)
    axis.set_ylabel(words.axes[0])
    axis.legend(fontsize=9)
    axis.grid(True, axis="y", alpha=0.3)
    axis.set_title(textwrap.fill(words.title, 80), fontsize=11, fontweight="bold", loc="left")
    axis.spines[["top", "right"]].set_visible(False)
    return figure
