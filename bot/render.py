"""Render a Reply into text for one channel's format.

Formats: ``html`` (Telegram: everything from data escaped, <b> for emphasis) and ``text`` (console,
Zalo: plain text; buttons become numbered lines "1. …" that a reply with the number presses).
Numbers and dates are formatted with Babel for the reader's language: 85,94 · 1.800 · 30/09/2024.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import parse_pattern
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup, escape

from handlers.base import Button, Reply
from models.clock import DEFAULT_TZ

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LANGUAGES = ("vi", "en")
LOCALES = {"vi": "vi_VN", "en": "en_US"}
FORMATS = ("html", "text")


class Renderer:
    """``tz``: the zone a date-time is written in (``[bot].timezone``); dates are written as they are."""

    def __init__(self, templates: Path = TEMPLATES, tz: ZoneInfo = DEFAULT_TZ) -> None:
        self.templates, self.tz = templates, tz

    def render(self, lang: str, reply: Reply, fmt: str = "text", *, numbered_buttons: bool = False) -> str:
        env = _environment(self.templates, _lang(lang), fmt, self.tz)
        body = env.get_template(f"{reply.template}.j2").render(reply.context).strip()
        if numbered_buttons and reply.buttons:
            labels = [self.label(lang, b, fmt) for row in reply.buttons for b in row]
            body += "\n\n" + "\n".join(f"{i}. {label}" for i, label in enumerate(labels, start=1))
        return body

    def label(self, lang: str, button: Button, fmt: str = "text") -> str:
        """``Button(label="tasks.detail")`` is the macro ``detail`` of ``templates/<lang>/labels/tasks.j2``."""
        family, _, name = button.label.partition(".")
        env = _environment(self.templates, _lang(lang), fmt, self.tz)
        macro = getattr(env.get_template(f"labels/{family}.j2").module, name, None)
        if macro is None:
            raise KeyError(f"no label macro {name!r} in templates/{lang}/labels/{family}.j2")
        return str(macro(**button.args)).strip()


class EscapeTemplateText(Extension):
    """In HTML, a template's own words are text too: "/start <mã mời>" must reach Telegram as
    ``&lt;mã mời&gt;``, or Telegram refuses the message. Emphasis comes from the ``bold``/``italic`` filters."""

    def filter_stream(self, stream: TokenStream) -> TokenStream:
        return TokenStream(
            (Token(t.lineno, t.type, str(escape(t.value))) if t.type == "data" else t for t in stream),
            stream.name,
            stream.filename,
        )


def _lang(lang: str) -> str:
    return lang if lang in LANGUAGES else LANGUAGES[0]


@cache
def _environment(templates: Path, lang: str, fmt: str, tz: ZoneInfo = DEFAULT_TZ) -> Environment:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    env = Environment(
        loader=FileSystemLoader(templates / lang),
        autoescape=fmt == "html",
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,  # templates change with a release, not while the bot runs: no stat() per render
        extensions=[EscapeTemplateText] if fmt == "html" else [],
    )
    locale = LOCALES[lang]
    parsed_locale = Locale.parse(locale)
    patterns = {digits: parse_pattern("#,##0" + ("." + "0" * digits if digits else "")) for digits in range(5)}
    html = fmt == "html"

    def unknown() -> str:
        return str(env.get_template("labels/common.j2").module.unknown()).strip()  # type: ignore[attr-defined]

    @lru_cache(maxsize=4096)  # the same counts, scores and ranks come back message after message
    def number(value: Decimal | int | float, digits: int) -> str:
        """``value`` with ``digits`` decimals; a value written with more is rounded half up, the way
        published figures are shortened (47,345 -> 47,35), not Babel's default half-to-even."""
        pattern = patterns.get(digits) or parse_pattern("#,##0." + "0" * digits)  # parsed once per digits
        exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
        return str(pattern.apply(exact, parsed_locale))

    @lru_cache(maxsize=4096)  # deadlines repeat too
    def calendar_day(value: date) -> str:
        return format_date(value, "dd/MM/yyyy", locale=parsed_locale)

    def num(value: Decimal | int | float | None, digits: int = 2) -> str:
        return unknown() if value is None else number(value, digits)

    def signed(value: Decimal | int | None, digits: int = 2) -> str:
        if value is None:
            return unknown()
        text = num(-value if value < 0 else value, digits)
        return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else text)

    def pct(value: Decimal | int | None, digits: int = 2) -> str:
        return unknown() if value is None else f"{num(value, digits)}%"

    def day(value: date | datetime | None) -> str:
        if value is None:
            return unknown()
        if isinstance(value, datetime):
            return format_datetime(value.astimezone(tz), "HH:mm dd/MM/yyyy", locale=parsed_locale)
        return calendar_day(value)

    def isoday(value: str | None) -> str:
        """A date stored as an ISO string (a push's JSON context), written like ``day``."""
        return day(date.fromisoformat(value) if value else None)

    def bold(value: Any) -> Any:
        return Markup("<b>%s</b>") % escape(value) if html else value

    def italic(value: Any) -> Any:
        return Markup("<i>%s</i>") % escape(value) if html else value

    env.filters.update(num=num, signed=signed, pct=pct, day=day, isoday=isoday, bold=bold, italic=italic)
    env.globals.update(unknown=unknown, fmt=fmt, lang=lang)
    return env
