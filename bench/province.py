"""The rows of one province of the benchmark database (see ``bench.national`` for the whole).

Every province draws from its own seeded generator, so the first four provinces of a 34-province database
are the same as those of a 4-province one. Deadlines are placed around ``today`` so that every task status
occurs: done on time, done late, overdue, due within 30 days ("trong hạn"), not yet due.
"""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from random import Random
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bench import names
from bench.national import BenchError, Params, Writer
from models import DEFAULT_TZ, AssignmentRole, DeadlineKind, Role, ScoreKind, TaskStatus, UnitKind
from models.base import Base
from models.importers.indices import PAR_FIELDS, SIPAS_COMPONENTS
from models.rules import task_status

PAR_MAX = (9, 9, 11, 8, 12, 9, 12, 30)  # nominal field maxima (sum 100) when the importer gives none
CENTS = Decimal("0.01")
NATIONAL = ("PAR", "SIPAS", "PAPI")
HISTORIC_YEARS = (2022, 2023)  # ranked among the 63 provinces of the time


@dataclass
class _Index:
    id: int
    components: list[tuple[int, int, Decimal | None]] = field(default_factory=list)  # id, number, max


class Generator:
    def __init__(self, writer: Writer, params: Params, today: date) -> None:
        self.w = writer
        self.p = params
        self.today = today
        self.statuses: Counter[TaskStatus] = Counter()
        self.index: dict[str, _Index] = {}
        self.created = datetime(params.year, 1, 5, 8, 0, tzinfo=DEFAULT_TZ)
        rng = Random(f"{params.seed}:national")
        self.rank_total = max(63, params.provinces)
        self.ranks = {
            (code, year): rng.sample(range(1, self.rank_total + 1), params.provinces)
            for code in NATIONAL
            for year in HISTORIC_YEARS
        }

    async def indices(self, conn: AsyncConnection) -> None:
        """The standard indices, from ``models.importers.ensure_indices`` when it exists."""
        ensure = _ensure_indices()
        if ensure is not None:
            session = AsyncSession(bind=conn)  # joins the build's transaction
            await ensure(session)
            await session.flush()
            await session.close()
        else:
            await _insert_indices(conn)
        idx, comp = Base.metadata.tables["indices"], Base.metadata.tables["index_components"]
        for row in await conn.execute(select(idx.c.id, idx.c.code)):
            self.index[row.code] = _Index(row.id)
        by_id = {i.id: i for i in self.index.values()}
        query = select(comp.c.id, comp.c.index_id, comp.c.number, comp.c.max_score).order_by(comp.c.number)
        for part in await conn.execute(query):
            by_id[part.index_id].components.append((part.id, part.number, part.max_score))
        missing = [code for code in (*NATIONAL, "CCHC") if code not in self.index]
        if missing:
            raise BenchError(f"standard indices missing: {', '.join(missing)}")

    def province(self, number: int) -> None:
        rng = Random(f"{self.p.seed}:{number}")
        word, name = names.PROVINCES[number - 1] if number <= len(names.PROVINCES) else ("Tỉnh", f"Số {number}")
        code = f"P{number:02d}"
        root = self._unit(code, f"{word} {name}", UnitKind.PROVINCE, None, "/")
        departments = [self._department(code, root, i, word) for i in range(self.p.departments)]
        communes = []
        for j in range(self.p.communes):
            ward = rng.random() < 0.25
            kind = UnitKind.WARD if ward else UnitKind.COMMUNE
            communes.append(self._unit(f"{code}-X{j + 1:03d}", names.commune_name(rng, ward), kind, root, f"/{root}/"))
        self._officials(rng, root, departments, communes)
        self._plan(rng, code, name, root, departments, communes)
        self._national_results(rng, number, root)
        self._internal_results(rng, departments)
        self._internal_results(rng, communes)
        self._drive(rng, code, name, root, communes)

    # --- units and people ---------------------------------------------------------------------------

    def _unit(self, code: str, name: str, kind: UnitKind, parent: int | None, parent_path: str) -> int:
        unit = self.w.new_id("units")
        return self.w.add("units", code, name, kind, parent, f"{parent_path}{unit}/", None, None, row_id=unit)

    def _department(self, code: str, root: int, i: int, word: str) -> int:
        label, is_department = names.DEPARTMENTS[i % len(names.DEPARTMENTS)]
        if label in ("Văn phòng UBND", "Thanh tra"):
            label = f"{label} {word.lower()}"
        if i >= len(names.DEPARTMENTS):
            label = f"{label} {i // len(names.DEPARTMENTS) + 1}"
        kind = UnitKind.DEPARTMENT if is_department else UnitKind.AGENCY
        return self._unit(f"{code}-S{i + 1:02d}", label, kind, root, f"/{root}/")

    def _officials(self, rng: Random, root: int, departments: list[int], communes: list[int]) -> None:
        self._official(rng, root, Role.LEADER, "Chủ tịch UBND")
        self._official(rng, root, Role.ADMIN, "Tổ thư ký cải cách hành chính")
        for _ in range(max(0, self.p.officials_per_unit - 3)):
            self._official(rng, root, Role.OFFICER, "Chuyên viên Văn phòng UBND")
        for unit, head in [*((d, "Giám đốc") for d in departments), *((c, "Chủ tịch UBND") for c in communes)]:
            self._official(rng, unit, Role.UNIT_HEAD, head)
            for _ in range(self.p.officials_per_unit - 1):
                self._official(rng, unit, Role.OFFICER, "Công chức")

    def _official(self, rng: Random, unit: int, role: Role, title: str) -> None:
        language = "en" if rng.random() < 0.1 else "vi"
        person = self.w.add("officials", names.person_name(rng), title, role, unit, language, True, False, self.created)
        ext = f"bench-{person}"
        self.w.add("chat_accounts", person, "console", ext, ext, "", False, self.created)

    # --- the plan, its tasks and assignments --------------------------------------------------------

    def _plan(self, rng: Random, code: str, name: str, root: int, departments: list[int], communes: list[int]) -> None:
        year = self.p.year
        title = f"Kế hoạch cải cách hành chính năm {year} ({name})"
        plan = self.w.add("plans", f"KH-CCHC-{year}-{code}", year, title, root, date(year, 1, 10))
        everyone = [*departments, *communes]
        for number in range(1, self.p.tasks + 1):
            field_no = 1 + (number - 1) % 8
            kind, due, deadline = self._deadline(rng, number)
            contents = names.TASK_CONTENTS[field_no]
            content = f"{contents[number % len(contents)]} (nội dung {number})"
            task = self.w.add("tasks", plan, number, content, field_no, deadline, kind, due)
            lead = departments[(number - 1) % len(departments)]
            others = rng.sample([u for u in everyone if u != lead], self.p.units_per_task - 1)
            self._assignment(rng, task, lead, AssignmentRole.LEAD, due)
            for unit in others:
                self._assignment(rng, task, unit, AssignmentRole.COOPERATE, due)

    def _deadline(self, rng: Random, number: int) -> tuple[DeadlineKind, date, str]:
        """Most deadlines passed, some fall within 30 days, some later; every tenth task is continuous."""
        year, today = self.p.year, self.today
        if number % 10 == 0:
            return DeadlineKind.CONTINUOUS, date(year, 12, 31), "Thường xuyên"
        draw = rng.random()
        if draw < 0.6:
            due = today - timedelta(days=rng.randint(1, 320))
        elif draw < 0.8:
            due = today + timedelta(days=rng.randint(0, 30))
        else:
            due = min(today + timedelta(days=rng.randint(31, 120)), date(year, 12, 31))
        if number % 3 == 0:  # a period, "tháng 6": due on the month's last day
            next_month = date(due.year, due.month, 28) + timedelta(days=4)
            due = next_month - timedelta(days=next_month.day)
            return DeadlineKind.PERIOD, due, f"Tháng {due.month}"
        return DeadlineKind.DATE, due, due.strftime("%d/%m/%Y")

    def _assignment(self, rng: Random, task: int, unit: int, role: AssignmentRole, due: date) -> None:
        today, draw = self.today, rng.random()
        completed: date | None = None
        if due < today and draw < 0.62:
            completed = due - timedelta(days=rng.randint(0, 20))
        elif due < today and draw < 0.8:
            completed = due + timedelta(days=rng.randint(1, min(60, (today - due).days)))
        elif due >= today and draw < 0.25:
            completed = today - timedelta(days=rng.randint(0, 30))
        progress = 100 if completed else rng.choice((0, 10, 20, 30, 50, 70, 80, 90))
        touched = completed or (today - timedelta(days=rng.randint(0, 60)) if progress else None)
        updated = datetime.combine(touched, clock_time(9), DEFAULT_TZ) if touched else None
        self.statuses[task_status(due, progress, completed, today)] += 1
        self.w.add("assignments", task, unit, role, progress, completed, updated)

    # --- published results --------------------------------------------------------------------------

    def _national_results(self, rng: Random, number: int, root: int) -> None:
        top = {"PAR": Decimal("93.00"), "SIPAS": Decimal("92.00"), "PAPI": Decimal("47.00")}
        step = {"PAR": Decimal("0.17"), "SIPAS": Decimal("0.20"), "PAPI": Decimal("0.10")}
        total = self.rank_total
        for code in NATIONAL:
            for year in HISTORIC_YEARS:
                rank = self.ranks[code, year][number - 1]
                score: Decimal | None = (
                    top[code] - step[code] * rank + Decimal(rng.randrange(int(step[code] * 100))) / 100
                )
                note = ""
                if code == "SIPAS" and year == 2023 and number % 12 == 6:
                    score, note = None, "trên 79%"  # published as a bound only: stays unknown
                group = names.PAPI_GROUPS[min(3, (rank - 1) * 4 // total)] if code == "PAPI" else None
                result = self._result(code, root, year, score, rank, total, group, note)
                for component, part, maximum in self.index[code].components:
                    ceiling = maximum or Decimal(PAR_MAX[part - 1] if code == "PAR" else 100)
                    value = (ceiling * Decimal(rng.randint(70, 98)) / 100).quantize(CENTS)
                    self.w.add("component_results", result, component, value, rng.randint(1, total), total)

    def _internal_results(self, rng: Random, units: list[int]) -> None:
        """The province's own CCHC index: departments ranked among departments, communes among communes."""
        for year in (self.p.year - 2, self.p.year - 1):
            scores = sorted((Decimal(rng.randint(6500, 9800)) / 100 for _ in units), reverse=True)
            order = rng.sample(units, len(units))
            for rank, (unit, score) in enumerate(zip(order, scores, strict=True), start=1):
                self._result("CCHC", unit, year, score, rank, len(units), None, "")

    def _result(
        self,
        code: str,
        unit: int,
        year: int,
        score: Decimal | None,
        rank: int,
        total: int,
        group: str | None,
        note: str,
    ) -> int:
        published, source = date(year + 1, 5, 15), "bench: synthetic"
        return self.w.add(
            "index_results", self.index[code].id, unit, year, score, rank, total, group, note, published, source
        )

    # --- a competition drive ------------------------------------------------------------------------

    def _drive(self, rng: Random, code: str, name: str, root: int, communes: list[int]) -> None:
        starts, ends = self.today - timedelta(days=60), self.today + timedelta(days=90)
        title = f"Đợt thi đua cao điểm hiện đại hóa bộ phận một cửa cấp xã ({name})"
        drive = self.w.add("drives", f"TD-{self.p.year}-{code}", title, root, starts, ends)
        criteria = [
            self.w.add("drive_criteria", drive, n, label, Decimal(weight), Decimal(target), "%")
            for n, (label, weight, target) in enumerate(names.DRIVE_CRITERIA, start=1)
        ]
        for unit in communes:
            participant = self.w.add("drive_participants", drive, unit)
            for criterion in criteria:
                value = Decimal(rng.randint(3000, 9000)) / 100
                for days in (10, 30, 50):
                    self.w.add("drive_measurements", participant, criterion, starts + timedelta(days=days), value)
                    value = min(Decimal(100), value + Decimal(rng.randint(0, 1500)) / 100)


def _ensure_indices() -> Any:
    """``ensure_indices`` of the importers (being written alongside), or None when it is not there yet."""
    for module in ("models.importers", "models.importers.indices"):
        try:
            found = getattr(importlib.import_module(module), "ensure_indices", None)
        except ImportError:
            continue
        if found is not None:
            return found
    return None


async def _insert_indices(conn: AsyncConnection) -> None:
    """PAR INDEX (8 fields), SIPAS (5 components), PAPI, PCI, DTI and the internal CCHC index."""
    idx, comp = Base.metadata.tables["indices"], Base.metadata.tables["index_components"]
    rows = [
        ("PAR", "Chỉ số cải cách hành chính", "PAR INDEX", "Bộ Nội vụ", ScoreKind.POINTS, 100),
        ("SIPAS", "Chỉ số hài lòng về sự phục vụ hành chính", "SIPAS", "Bộ Nội vụ", ScoreKind.PERCENT, 100),
        ("PAPI", "Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh", "PAPI", "UNDP", ScoreKind.POINTS, 80),
        ("PCI", "Chỉ số năng lực cạnh tranh cấp tỉnh", "PCI", "VCCI", ScoreKind.POINTS, 100),
        ("DTI", "Chỉ số chuyển đổi số", "DTI", "Bộ TT&TT", ScoreKind.POINTS, None),
        ("CCHC", "Chỉ số cải cách hành chính nội bộ", "Internal CCHC index", "UBND tỉnh", ScoreKind.POINTS, 100),
    ]
    for code, vi, en, publisher, kind, top in rows:
        values = {"code": code, "name_vi": vi, "name_en": en, "publisher": publisher, "score_kind": kind}
        key = (await conn.execute(insert(idx).values(**values, max_score=top))).inserted_primary_key
        assert key is not None
        parts = {"PAR": PAR_FIELDS, "SIPAS": SIPAS_COMPONENTS}.get(code, ())
        maxima: tuple[int | None, ...] = PAR_MAX if code == "PAR" else (None,) * len(parts)
        if parts:
            await conn.execute(
                insert(comp),
                [
                    {"index_id": key[0], "number": n, "name_vi": vi_name, "name_en": en_name, "max_score": top_n}
                    for n, ((vi_name, en_name), top_n) in enumerate(zip(parts, maxima, strict=True), start=1)
                ],
            )
