"""Sentences translated when a template is compiled read exactly as Jinja2's gettext calls at render time."""

from __future__ import annotations

import gettext
import io

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from jinja2 import DictLoader, Environment, StrictUndefined, TemplateSyntaxError
from markupsafe import escape

from bot.translating import TranslatingEnvironment


def _catalog(
    entries: dict[str | tuple[str, str], str | tuple[str, ...]], locale: str = "en"
) -> gettext.GNUTranslations:
    catalog = Catalog(locale=locale)
    for msgid, msgstr in entries.items():
        catalog.add(msgid, msgstr)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


CATALOG = _catalog(
    {
        "Xin chào %(name)s": "Hello %(name)s",
        "Nhiệm vụ <số> %(n)s": "Task <no.> %(n)s",
        "đạt %(p)s%%": "%(p)s%% done",
        "Tiêu đề": "Title & more",
        ("còn %(num)s ngày", "còn %(num)s ngày"): ("%(num)s day left", "%(num)s days left"),
        ("%(count)s đơn vị", "%(count)s đơn vị"): ("%(count)s unit", "%(count)s units"),
        "%(unit)s": "%(unit)s",
        "Chưa dịch": "",
    }
)

SOURCES = {
    "hello": "{% trans name=who %}Xin chào {{ name }}{% endtrans %}!",
    "angle": "{% trans n=n %}Nhiệm vụ <số> {{ n }}{% endtrans %}",
    "percent": "{% trans p=p %}đạt {{ p }}%{% endtrans %}",
    "call": "<{{ _('Tiêu đề')|trim }}> {{ _('Xin chào %(name)s', name=who) }}",
    "plural": "{% for d in days %}{% trans num=d %}còn {{ num }} ngày{% pluralize %}còn {{ num }} ngày"
    "{% endtrans %};{% endfor %}",
    "count": "{% trans count=days|length %}{{ count }} đơn vị{% pluralize %}{{ count }} đơn vị{% endtrans %}",
    "variable only": "{{ _('%(unit)s', unit=who) ~ '|' }}",
    "untranslated": "{% trans %}Chưa dịch{% endtrans %} {% trans %}Không có trong danh mục{% endtrans %}",
    "not a literal": "{{ _(message) }}",
}
CONTEXT = {"who": "<Ana & Bình>", "n": 7, "p": 85, "days": [0, 1, 2, 21], "message": "Tiêu đề"}


def _environments(catalog: gettext.NullTranslations, html: bool) -> tuple[Environment, Environment]:
    options = dict(
        loader=DictLoader(SOURCES), autoescape=html, undefined=StrictUndefined, extensions=["jinja2.ext.i18n"]
    )
    at_render = Environment(**options)  # type: ignore[arg-type]
    at_compile = TranslatingEnvironment(**options)  # type: ignore[arg-type]
    at_compile.translate_with(catalog)
    said = escape if html else str  # as bot.render installs them: a translation is text, escaped in HTML
    for env in (at_render, at_compile):
        env.install_gettext_callables(  # type: ignore[attr-defined]
            lambda m: said(catalog.gettext(m)), lambda s, p, n: said(catalog.ngettext(s, p, n)), newstyle=True
        )
    return at_render, at_compile


@pytest.mark.parametrize("html", [True, False], ids=["html", "text"])
@pytest.mark.parametrize("catalog", [CATALOG, gettext.NullTranslations()], ids=["english", "source language"])
@pytest.mark.parametrize("name", sorted(SOURCES))
def test_inlined_translation_reads_like_the_runtime_call(
    name: str, catalog: gettext.NullTranslations, html: bool
) -> None:
    at_render, at_compile = _environments(catalog, html)
    assert at_compile.get_template(name).render(CONTEXT) == at_render.get_template(name).render(CONTEXT)


def test_the_english_reads_english_and_escapes_in_html() -> None:
    _, env = _environments(CATALOG, html=True)
    assert env.get_template("hello").render(CONTEXT) == "Hello &lt;Ana &amp; Bình&gt;!"
    assert env.get_template("angle").render(CONTEXT) == "Task &lt;no.&gt; 7"
    assert env.get_template("percent").render(CONTEXT) == "85% done"
    assert env.get_template("plural").render(CONTEXT) == "0 days left;1 day left;2 days left;21 days left;"
    assert env.get_template("call").render(CONTEXT) == "<Title &amp; more> Hello &lt;Ana &amp; Bình&gt;"


def test_a_language_with_three_plural_forms_picks_each() -> None:
    polish = _catalog(
        {("còn %(num)s ngày", "còn %(num)s ngày"): ("%(num)s dzień", "%(num)s dni", "%(num)s dni!")}, "pl"
    )
    context = {**CONTEXT, "days": [0, 1, 2, 5, 22, 112]}
    for html in (True, False):
        at_render, at_compile = _environments(polish, html)
        written = at_compile.get_template("plural").render(context)
        assert written == at_render.get_template("plural").render(context)
        assert written == "0 dni!;1 dzień;2 dni;5 dni!;22 dni;112 dni!;"
        value = at_compile.from_string("{{ ngettext('còn %(num)s ngày', 'còn %(num)s ngày', 22) ~ '.' }}")
        assert value.render() == "22 dni."


def test_no_gettext_call_is_left_for_a_literal_message() -> None:
    _, env = _environments(CATALOG, html=True)
    code = env.compile(SOURCES["hello"] + SOURCES["plural"] + SOURCES["call"], raw=True)
    assert "gettext" not in code and "l_0__" not in code  # l_0__ is how the code names the global _
    assert "l_0__" in env.compile(SOURCES["not a literal"], raw=True)  # a message known only at render time


def test_a_translation_naming_a_variable_the_sentence_lacks_fails_when_compiled() -> None:
    _, env = _environments(_catalog({"Xin chào %(name)s": "Hello %(nmae)s"}), html=False)
    with pytest.raises(TemplateSyntaxError, match="nmae"):
        env.get_template("hello")


def test_the_value_of_a_call_is_markup_in_html_and_text_otherwise() -> None:
    html, text = _environments(CATALOG, html=True)[1], _environments(CATALOG, html=False)[1]
    assert html.from_string("{% set t = _('Tiêu đề') %}{{ t.__html__ is defined }}").render() == "True"
    assert text.from_string("{% set t = _('Tiêu đề') %}{{ t.__html__ is defined }}").render() == "False"
