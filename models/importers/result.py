"""What an import reports back: the counts, every row error, and the changes it made or would make.

Both are codes with parameters, never sentences: a ``RowError`` is said by the macro ``reason`` of
templates/imports/_problems.j2 and a ``Note`` (one change line) by the macro ``change`` of
templates/uploads/_changes.j2, so each reader gets their own language. ``RowError.reason`` is
Vietnamese, for the logs and as the fallback of a case without a sentence; every importer reports notes,
and a change given as a plain ``str`` (still accepted) is said as it is."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from models.clock import Clock

if TYPE_CHECKING:
    from models.scope import Scope

Step = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Note:
    """One change of an import (a unit added, a measurement corrected): ``code`` names the sentence in
    templates/*/uploads/_changes.j2 and ``params`` fill it (units as names, values as Decimal or date)."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        """A stable text of the note (the digest of a preview), not a sentence for a reader."""
        return f"{self.code}({', '.join(f'{k}={self.params[k]!s}' for k in sorted(self.params))})"


Change = Note | str  # a str: the Vietnamese line of an importer not yet moved to notes


@dataclass(frozen=True)
class RowError:
    """One problem of the file. ``row`` is the spreadsheet row as the user sees it (header = row 1 when
    the header is the first row; 0 when the file itself is unreadable); ``column`` the header text."""

    row: int
    column: str
    code: str  # missing_column, bad_file, empty, bad_date, bad_number, bad_value, unknown_unit, duplicate, ...
    reason: str  # short, Vietnamese: logs, and the fallback of a code or case without a sentence yet
    # what the template of ``code`` (templates/imports/_problems.j2) needs to say it in either language;
    # ``why`` names the case of a code that has several ("bad_date": not_date, no_such_day, ...)
    params: Mapping[str, object] = field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        where = f"Dòng {self.row}" if self.row else "Tệp"
        return f"{where}, cột {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"


class FileProblem(Exception):
    """The file as a whole cannot be imported (not a spreadsheet, no header, a required column missing)."""

    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass
class ImportResult:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)  # one per created/updated item
    skipped_rows: list[int] = field(default_factory=list)  # section titles and notes between data rows
    dry_run: bool = False
    sheet: str = ""  # the worksheet the rows were read from ("" for a CSV)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Batch:
    """What the validation pass of one importer found: errors, or the counted changes and the steps
    that write them. Nothing is written until every row has been checked."""

    kind: str
    scope: Scope | None = None  # the province every row must lie in (None: the demo loader, tests)
    source: str = ""  # the file's name, as uploaded (what a recorded unit alias says it came from)
    clock: Clock = field(default_factory=Clock)  # the import's today (units in operation) and now (rows made)
    result: ImportResult = field(init=False)
    steps: list[Step] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.result = ImportResult(self.kind)

    def error(self, row: int, column: str, code: str, reason: str, params: Mapping[str, object] | None = None) -> None:
        self.result.errors.append(RowError(row, column, code, reason, params or {}))

    def create(self, change: Change, step: Step) -> None:
        self.result.created += 1
        self.result.changes.append(change)
        self.steps.append(step)

    def update(self, change: Change, step: Step) -> None:
        self.result.updated += 1
        self.result.changes.append(change)
        self.steps.append(step)

    def outside(self, row: int, column: str, what: str, *, subject: str = "", name: str = "") -> None:
        """``what`` (a unit, a plan, a drive) lies outside the province this import is limited to.
        ``subject`` ("unit", "parent", "plan", "drive") and ``name`` say it in any language; without
        them the Vietnamese ``what`` is the fallback."""
        province = self.scope.province if self.scope else None
        params: dict[str, object] = {
            "province": (province.name or province.code) if province is not None else "",
            "province_code": province.code if province is not None else "",
        }
        if subject:
            params.update(subject=subject, name=name)
        reason = f"{what} không thuộc tỉnh {params['province_code']}: không được nhập"
        self.error(row, column, "outside_province", reason, params)

    def same(self) -> None:
        self.result.unchanged += 1

    def also(self, change: Change, step: Step) -> None:
        """A change that is not one of the file's rows (the plan a task file belongs to, a participant)."""
        self.result.changes.append(change)
        self.steps.append(step)

    @property
    def failed(self) -> bool:
        return bool(self.result.errors)
