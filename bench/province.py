"""The rows of one province of the benchmark database (see ``bench.national`` for the whole).

Every province draws from its own seeded generator, so the first four provinces of a 34-province database
are the same as those of a 4-province one. Deadlines are placed around ``today`` so that every task status
occurs: done on time, done late, overdue, due within 30 days ("trong hạn"), not yet due.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from random import Random

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bench import names
from bench.national import BenchError, Params, Writer
from models import DEFAULT_TZ, AssignmentRole, DeadlineKind, Role, TaskStatus, UnitKind
from models.base import Base
from models.indices import PERIOD_MONTH, PERIOD_YEAR
from models.rules import task_status
from models.standard_indices import ensure_indices

PAR_MAX = (9, 9, 11, 8, 12, 9, 12, 30)  # nominal field maxima (sum 100) when the index gives none
CENTS = Decimal("0.01")
NATIONAL = ("PAR", "SIPAS", "PAPI", "PCI", "DTI")
NATIONAL_YEARS = 5  # the years before the plan's: 2021-2025 for a 2026 database
MERGED = 2025  # from this year on the provinces are ranked among the 34 (before: among the 63 of the time)
SERVICE = "766"
# score of the best province, points lost per place, and the decimals published
SCALE = {
    "PAR": (Decimal("93.00"), Decimal("0.17"), 2),
    "SIPAS": (Decimal("92.00"), Decimal("0.20"), 2),
    "PAPI": (Decimal("47.00"), Decimal("0.10"), 2),
    "PCI": (Decimal("73.00"), Decimal("0.25"), 2),
    "DTI": (Decimal("0.800"), Decimal("0.006"), 3),
}


@dataclass(frozen=True)
class Published:
    """One province's line of a national table: its rank (None: "không xếp hạng") and score."""

    rank: int | None
    score: Decimal
    total: int


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
        self.years = range(params.year - NATIONAL_YEARS, params.year)
        self.tables = {
            (code, year): _national_table(rng, code, year, params.provinces) for code in NATIONAL for year in self.years
        }
        self.months = [_month_back(today, back) for back in range(params.service_months, 0, -1)]

    async def indices(self, conn: AsyncConnection) -> None:
        """The standard indices (``models.standard_indices.ensure_indices``) and their components."""
        session = AsyncSession(bind=conn)  # joins the build's transaction
        await ensure_indices(session)
        await session.flush()
        await session.close()
        idx, comp = Base.metadata.tables["indices"], Base.metadata.tables["index_components"]
        for row in await conn.execute(select(idx.c.id, idx.c.code)):
            self.index[row.code] = _Index(row.id)
        by_id = {i.id: i for i in self.index.values()}
        query = select(comp.c.id, comp.c.index_id, comp.c.number, comp.c.max_score).order_by(comp.c.number)
        for part in await conn.execute(query):
            by_id[part.index_id].components.append((part.id, part.number, part.max_score))
        missing = [code for code in (*NATIONAL, "CCHC", SERVICE) if code not in self.index]
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
        self._service_results(rng, [*departments, *communes])
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
        """The province's line in each national table, with the index's fields or components."""
        for (code, year), table in self.tables.items():
            line = table[number - 1]
            score: Decimal | None = line.score
            note = ""
            if code == "SIPAS" and year == self.p.year - 3 and number % 12 == 6:
                score, note = None, "trên 79%"  # published as a bound only: stays unknown
            group = None
            if code == "PAPI" and line.rank is not None:
                group = names.PAPI_GROUPS[min(3, (line.rank - 1) * 4 // line.total)]
            places = SCALE[code][2]
            result = self._result(code, root, (year, PERIOD_YEAR, 0), score, places, line.rank, line.total, group, note)
            for component, part, maximum in self.index[code].components:
                ceiling = maximum or Decimal(PAR_MAX[part - 1] if code == "PAR" else 100)
                value = (ceiling * Decimal(rng.randint(70, 98)) / 100).quantize(CENTS)
                rank = rng.randint(1, line.total)
                self.w.add("component_results", result, component, value, rank, line.total, 2)

    def _internal_results(self, rng: Random, units: list[int]) -> None:
        """The province's own CCHC index: departments ranked among departments, communes among communes."""
        for year in (self.p.year - 2, self.p.year - 1):
            scores = sorted((Decimal(rng.randint(6500, 9800)) / 100 for _ in units), reverse=True)
            order = rng.sample(units, len(units))
            for rank, (unit, score) in enumerate(zip(order, scores, strict=True), start=1):
                self._result("CCHC", unit, (year, PERIOD_YEAR, 0), score, 2, rank, len(units), None, "")

    def _service_results(self, rng: Random, units: list[int]) -> None:
        """The 766 index of every department and commune for each month: the five groups and their sum,
        without ranks (the portal publishes scores; a unit's place is counted among its peers). Each unit
        has a level that drifts from month to month, and each group scatters around it."""
        index = self.index[SERVICE]
        for unit in units:
            level = rng.randint(550, 950)  # per mille of each group's maximum
            for year, month in self.months:
                level = min(1000, max(300, level + rng.randint(-40, 45)))
                cents = [
                    int(maximum or 0) * min(1000, max(0, level + rng.randint(-120, 120))) // 10
                    for _, _, maximum in index.components
                ]
                total = Decimal(sum(cents)) / 100
                result = self._result(SERVICE, unit, (year, PERIOD_MONTH, month), total, 2, None, None, None, "")
                for (component, _, _), part in zip(index.components, cents, strict=True):
                    self.w.add("component_results", result, component, Decimal(part) / 100, None, None, 2)

    def _result(
        self,
        code: str,
        unit: int,
        period: tuple[int, str, int],
        score: Decimal | None,
        places: int,
        rank: int | None,
        total: int | None,
        group: str | None,
        note: str,
    ) -> int:
        year, kind, number = period
        # a year's table comes out in May of the next year, a month's on the 10th of the next month
        published = date(year + 1, 5, 15) if kind == PERIOD_YEAR else date(year + number // 12, number % 12 + 1, 10)
        values = (score, places, rank, total, group, note, published, "bench: synthetic")
        return self.w.add("index_results", self.index[code].id, unit, year, kind, number, *values)

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


def _national_table(rng: Random, code: str, year: int, provinces: int) -> list[Published]:
    """A national table as published, by province number: ranks among the 63 provinces of the time (the
    34 from ``MERGED`` on), scores falling with the rank, one tie ("đồng hạng": the province just below
    another takes its rank and score) and, in one table of four, a province left unranked."""
    total = max(63 if year < MERGED else 34, provinces)
    ranks = rng.sample(range(1, total + 1), provinces)
    top, step, places = SCALE[code]
    unit = Decimal(1).scaleb(-places)
    noise = int(step / unit)  # less than a place's worth: scores keep the order of the ranks
    scores = {r: top - step * r + unit * rng.randrange(noise) for r in range(1, total + 1)}
    if provinces > 1:
        better = rng.choice(sorted(ranks)[:-1])
        ranks[ranks.index(min(r for r in ranks if r > better))] = better
    table = [Published(r, scores[r], total) for r in ranks]
    if provinces > 2 and rng.random() < 0.25:
        at = rng.randrange(provinces)
        table[at] = Published(None, table[at].score, total)
    return table


def _month_back(today: date, months: int) -> tuple[int, int]:
    """The (year, month) ``months`` months before ``today``'s month."""
    count = today.year * 12 + today.month - 1 - months
    return count // 12, count % 12 + 1
