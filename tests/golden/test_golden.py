"""Every recorded message still reads the same, word for word, in both languages and both formats.

The corpus (tests/golden/corpus, recorded by ``make golden``) holds contexts the test suite rendered and
what they said then. Here each is rendered again with today's templates. A difference is either a
mistake or an intended change of wording: then re-record with ``make golden`` and review the corpus diff.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, nodes
from jinja2.runtime import Macro

from bot.render import LANGUAGES, TEMPLATES
from tests.golden import corpus

RECORDING = bool(os.environ.get("GOLDEN_RECORD"))
FILES = corpus.corpus_files()
SHOWN = 3  # differing entries shown in full per corpus file
HOW = "If the new wording is intended: `make golden`, then review the corpus diff (tests/golden/README.md)."

# Macros no recorded message calls, with why. Keep it short: each line here is a sentence nobody checks.
UNCALLED: dict[str, str] = {}

pytestmark = pytest.mark.skipif(RECORDING, reason="recording the corpus: nothing to compare with")


@dataclass(repr=False)
class Rendered:
    """Today's rendering of every corpus entry, and what rendering it touched."""

    differences: dict[Path, list[str]] = field(default_factory=dict)
    entries: dict[Path, int] = field(default_factory=dict)
    roots: set[str] = field(default_factory=set)  # "template" entries' template files
    loaded: set[str] = field(default_factory=set)  # every template file loaded, "vi/tasks/list.j2"
    called: set[str] = field(default_factory=set)  # every macro called, "vi/labels/tasks.j2#detail"


@pytest.fixture(scope="module")
def rendered() -> Rendered:
    result = Rendered()
    with _watching(result):
        for path in FILES:
            entries = corpus.read(path)
            result.entries[path] = len(entries)
            result.differences[path] = [d for i, e in enumerate(entries) if (d := _difference(path, i, e))]
            result.roots.update(corpus.source_file(e) for e in entries if e["kind"] == "template")
    return result


def _difference(path: Path, number: int, entry: dict[str, Any]) -> str:
    """'' when the entry still renders as recorded, else a unified diff of each combo that does not."""
    where = f"{path.relative_to(corpus.CORPUS.parent.parent.parent)} entry {number} ({entry['kind']} {entry['name']}"
    where += f", recorded by {entry.get('test', '?')})"
    context = corpus.entry_context(entry)
    parts = []
    for combo in corpus.COMBOS:
        try:
            now = corpus.lines(corpus.render(entry["kind"], entry["name"], context, combo))
        except Exception as exc:  # a template that no longer renders this context
            now = [f"!! {type(exc).__name__}: {exc}"]
        if now != entry["out"][combo]:
            diff = difflib.unified_diff(entry["out"][combo], now, f"recorded {combo}", f"now {combo}", lineterm="")
            parts.append("\n".join(diff))
    return f"{where}\n" + "\n".join(parts) if parts else ""


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(corpus.CORPUS).as_posix() for p in FILES])
def test_recorded_messages_read_the_same(rendered: Rendered, path: Path) -> None:
    __tracebackhide__ = True
    differences = rendered.differences[path]
    if differences:
        shown = "\n\n".join(differences[:SHOWN])
        more = f"\n\n… and {len(differences) - SHOWN} more entries differ" if len(differences) > SHOWN else ""
        pytest.fail(
            f"{len(differences)} of {rendered.entries[path]} entries read differently now:\n\n{shown}{more}\n\n{HOW}"
        )


def test_every_message_template_is_in_the_corpus(rendered: Rendered) -> None:
    names = [name for lang in LANGUAGES for name in corpus.template_files(lang)] + corpus.one_tree_files()
    pages = {name for name in names if not corpus.is_partial(name)}
    missing = sorted(pages - rendered.roots)
    assert not missing, f"templates no recorded test renders: {missing}; add a test causing them, `make golden`"


def test_every_template_file_is_read_in_both_languages(rendered: Rendered) -> None:
    files = set(corpus.all_template_files())
    missing = sorted(files - rendered.loaded)
    assert not missing, f"template files the corpus never reads: {missing}"


def test_every_macro_and_button_label_is_said(rendered: Rendered) -> None:
    macros = set()
    for path in corpus.all_template_files():
        tree = Environment(extensions=["jinja2.ext.i18n"]).parse((TEMPLATES / path).read_text(encoding="utf-8"))
        macros.update(f"{path}#{m.name}" for m in tree.find_all(nodes.Macro))
    missing = sorted(m for m in macros - rendered.called if m.split("/", 1)[1] not in UNCALLED)
    assert not missing, f"macros (button labels included) no recorded message calls: {missing}"


def test_the_corpus_is_there() -> None:
    assert FILES, f"no corpus under {corpus.CORPUS}: record it with `make golden`"


class _watching:
    """Note every template file loaded and every macro called while the corpus renders."""

    def __init__(self, into: Rendered) -> None:
        self.into = into
        self.patch = pytest.MonkeyPatch()

    def __enter__(self) -> None:
        into, root = self.into, str(TEMPLATES) + "/"
        get_template, call = Environment.get_template, Macro.__call__

        def get_template_(env: Environment, name: Any, *args: Any, **kwargs: Any) -> Any:
            template = get_template(env, name, *args, **kwargs)
            if template.filename and template.filename.startswith(root):
                into.loaded.add(template.filename[len(root) :])
            return template

        def call_(macro: Macro, *args: Any, **kwargs: Any) -> Any:
            filename = macro._func.__code__.co_filename
            if filename.startswith(root):
                into.called.add(f"{filename[len(root) :]}#{macro.name}")
            return call(macro, *args, **kwargs)

        self.patch.setattr(Environment, "get_template", get_template_)
        self.patch.setattr(Macro, "__call__", call_)

    def __exit__(self, *exc: object) -> None:
        self.patch.undo()
