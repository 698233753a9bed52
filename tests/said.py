"""What a reader sees of an import's changes and errors: each change line and each error reason rendered
by the templates a chat upload and ``cchc-bot import`` use (templates/uploads/_changes.j2 and
templates/imports/_problems.j2)."""

from __future__ import annotations

from bot.render import TEMPLATES, _environment
from models.importers.result import Change, RowError


def change_line(change: Change, lang: str = "vi") -> str:
    module = _environment(TEMPLATES, lang, "text").get_template("uploads/_changes.j2").module
    return str(module.change(change)).strip()  # type: ignore[attr-defined]


def changes(result_changes: list[Change], lang: str = "vi") -> list[str]:
    return [change_line(change, lang) for change in result_changes]


def reason(error: RowError, lang: str = "vi") -> str:
    module = _environment(TEMPLATES, lang, "text").get_template("imports/_problems.j2").module
    return str(module.reason(error)).strip()  # type: ignore[attr-defined]
