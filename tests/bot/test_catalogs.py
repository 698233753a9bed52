"""The sentences of the one template tree and the English catalog stay in step: every sentence marked for
translation has its English, with the same placeholders; the catalog holds nothing no template says any
more; a sentence's translation is escaped in HTML like the template's own words; and every template is
written once (no per-language copy is left to drift)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.render import CATALOGS, DOMAIN, LANGUAGES, TEMPLATES, Renderer
from handlers.base import Reply

ROOT = TEMPLATES.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
SOURCE = "vi"  # the msgids are Vietnamese: no catalog


@cache
def said_in_templates() -> dict[str, list[str]]:
    """msgid (a str, or the singular of a plural) -> where it is said."""
    found: dict[str, list[str]] = {}
    method = [("**/*.j2", "jinja2")]
    options = {"**/*.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}
    for filename, lineno, message, _comments, _context in extract_from_dir(str(TEMPLATES), method, options_map=options):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, []).append(f"templates/{filename}:{lineno}")
    return found


def catalog(lang: str) -> dict[str, str | tuple[str, ...]]:
    path = TEMPLATES / CATALOGS / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as po:
        entries = read_po(po, locale=lang)
    return {
        (m.id if isinstance(m.id, str) else m.id[0]): (m.string if isinstance(m.string, str) else tuple(m.string))
        for m in entries
        if m.id
    }


def test_every_sentence_has_its_translation_with_the_same_placeholders() -> None:
    said = said_in_templates()
    for lang in set(LANGUAGES) - {SOURCE}:
        translated = catalog(lang)
        missing = [f"{where[0]}: {msgid!r}" for msgid, where in said.items() if not translated.get(msgid)]
        assert missing == [], f"no {lang} translation (run `make messages`, then translate):\n" + "\n".join(missing)
        for msgid, string in translated.items():
            for one in (string,) if isinstance(string, str) else string:
                if one:
                    assert set(PLACEHOLDER.findall(one)) == set(PLACEHOLDER.findall(msgid)), (lang, msgid, one)


def test_the_catalog_holds_no_sentence_the_templates_no_longer_say() -> None:
    said = said_in_templates()
    for lang in set(LANGUAGES) - {SOURCE}:
        stale = sorted(msgid for msgid in catalog(lang) if msgid not in said)
        assert stale == [], f"stale entries in the {lang} catalog (run `make messages`):\n" + "\n".join(stale)


def test_a_translation_is_escaped_in_html_like_the_templates_own_words(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "t.j2").write_text("{% trans %}Gửi: /start <mã mời> cho {{ who }}{% endtrans %}")
    folder = tmp_path / CATALOGS / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / f"{DOMAIN}.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Gửi: /start <mã mời> cho %(who)s"\nmsgstr "Send: /start <invite code> to %(who)s"\n',
        encoding="utf-8",
    )
    renderer = Renderer(tmp_path)
    reply = Reply("x/t", {"who": "<b>A & B</b>"})
    assert renderer.render("vi", reply, "html") == "Gửi: /start &lt;mã mời&gt; cho &lt;b&gt;A &amp; B&lt;/b&gt;"
    assert renderer.render("en", reply, "html") == "Send: /start &lt;invite code&gt; to &lt;b&gt;A &amp; B&lt;/b&gt;"
    assert renderer.render("en", reply, "text") == "Send: /start <invite code> to <b>A & B</b>"


def test_every_template_is_written_once() -> None:
    per_language = sorted(str(p.relative_to(TEMPLATES)) for lang in LANGUAGES for p in (TEMPLATES / lang).rglob("*.j2"))
    assert per_language == [], "a template is written once in templates/<family>/, its English in the catalog"
