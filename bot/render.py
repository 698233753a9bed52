"""Render a Reply into text for one channel's format.

Templates: one tree, ``templates/<family>/<name>.j2``, whose sentences are marked for translation
(``{% trans %}`` blocks, Jinja2's i18n extension). Vietnamese is the source language: a template's own words
are the Vietnamese text, and ``templates/locale/en/LC_MESSAGES/messages.po`` holds the English (see
docs/CONTRIBUTING.md, "Sentences").

Formats: ``html`` (Telegram: everything from data escaped, <b> for emphasis) and ``text`` (console,
Zalo: plain text; buttons become numbered lines "1. …" that a reply with the number presses) and ``page``
(the dashboard's HTML pages: the template's own tags kept, everything from data escaped).
Numbers and dates are formatted with Babel for the reader's language: 85,94 · 1.800 · 30/09/2024.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import parse_pattern
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup, escape

from bot.translating import TranslatingEnvironment
from handlers.base import Button, Reply
from models.clock import DEFAULT_TZ

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CATALOGS = "locale"  # under the templates: <lang>/LC_MESSAGES/messages.po (and .mo, compiled by make)
DOMAIN = "messages"
LANGUAGES = ("vi", "en")
LOCALES = {"vi": "vi_VN", "en": "en_US"}
FORMATS = ("html", "text")
PAGE = "page"  # a dashboard page (bot/dashboard/): HTML written in the template, data escaped


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
        """``Button(label="tasks.detail")`` is the macro ``detail`` of ``templates/labels/tasks.j2``."""
        family, _, name = button.label.partition(".")
        env = _environment(self.templates, _lang(lang), fmt, self.tz)
        macro = getattr(env.get_template(f"labels/{family}.j2").module, name, None)
        if macro is None:
            raise KeyError(f"no label macro {name!r} in templates/labels/{family}.j2")
        return str(macro(**button.args)).strip()


class EscapeTemplateText(Extension):
    """In HTML, a template's own words are text too: "/start <mã mời>" must reach Telegram as
    ``&lt;mã mời&gt;``, or Telegram refuses the message. Emphasis comes from the ``bold``/``italic`` filters.

    The words of a ``{% trans %}`` block are left as written: they are the message id the catalog is looked
    up by (the same in both formats), and their translation is escaped when it is looked up (``_gettext``)."""

    def filter_stream(self, stream: TokenStream) -> TokenStream:
        return TokenStream(self._escaped(stream), stream.name, stream.filename)

    @staticmethod
    def _escaped(stream: TokenStream) -> Iterator[Token]:
        in_trans, after_begin = False, False
        for token in stream:
            if after_begin and token.type == "name":
                in_trans = token.value in ("trans", "pluralize") or (in_trans and token.value != "endtrans")
            after_begin = token.type == "block_begin"
            if token.type == "data" and not in_trans:
                yield Token(token.lineno, token.type, str(escape(token.value)))
            else:
                yield token


@cache
def translations(templates: Path, lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang``: the compiled ``.mo`` when it is at least as new as the ``.po``, else the
    ``.po`` compiled in memory (a checkout where ``make`` has not run yet). The source language has none."""
    folder = templates / CATALOGS / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if not po.exists():
        return gettext.NullTranslations()
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as compiled:
            return gettext.GNUTranslations(compiled)
    with po.open("rb") as source:
        catalog = read_po(source, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _lang(lang: str) -> str:
    return lang if lang in LANGUAGES else LANGUAGES[0]


@cache
def _environment(templates: Path, lang: str, fmt: str, tz: ZoneInfo = DEFAULT_TZ) -> Environment:
    if fmt not in (*FORMATS, PAGE):
        raise ValueError(f"unknown format {fmt!r}")
    markup = fmt in ("html", PAGE)
    env = TranslatingEnvironment(
        loader=FileSystemLoader(templates),
        autoescape=markup,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,  # templates change with a release, not while the bot runs: no stat() per render
        extensions=["jinja2.ext.i18n", *([EscapeTemplateText] if fmt == "html" else [])],
    )
    env.policies["ext.i18n.trimmed"] = False  # a sentence's line breaks are the message's
    catalog = translations(templates, lang)
    env.translate_with(catalog)  # sentences translated when a template is compiled (bot/translating.py)
    said = escape if markup else str  # a translation is text: escaped in HTML like the template's

    # Only a message that is not a literal (none so far) is translated at render time.
    @lru_cache(maxsize=8192)
    def _gettext(message: str) -> str:
        return said(catalog.gettext(message))

    @lru_cache(maxsize=8192)
    def _ngettext(singular: str, plural: str, n: int) -> str:
        return said(catalog.ngettext(singular, plural, n))

    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    locale = LOCALES[lang]
    parsed_locale = Locale.parse(locale)
    patterns = {digits: parse_pattern("#,##0" + ("." + "0" * digits if digits else "")) for digits in range(5)}
    html = markup

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
