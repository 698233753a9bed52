"""Record the golden corpus while the test suite runs (``make golden``; see README.md).

Enabled by ``GOLDEN_RECORD=<corpus directory>`` (tests/conftest.py registers this plugin then). Every
``Renderer.render`` and ``Renderer.label`` a test causes, every reply ``Router.answer`` returns, and every
macro of a template a test calls from Python, is rendered again here in every language and format. A
capture whose four outputs are new for its template is kept as a candidate with its context
(``corpus.dump``) and the template lines it ran. A candidate is kept only when its stored context, loaded
back, renders exactly the same four outputs.

At the end of the session each template keeps the candidates that together run every template line any
candidate ran (greedy), then more up to ``KEEP`` chosen for spread of output length; the corpus directory
is rewritten. Hypothesis runs derandomized, so the same suite records the same outputs.

``GOLDEN_ADD=1`` (with a run of a few test files) first records every entry the corpus already holds
again, then what the run adds, and chooses among both: a partial run adds to the corpus, never shrinks it.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from jinja2 import Environment
from jinja2.runtime import Macro

from bot.render import TEMPLATES, Renderer
from handlers.base import Button, Incoming, Reply
from handlers.router import Router
from tests.golden import corpus

KEEP = {"template": 20, "label": 6, "macro": 6}  # per template / label / macro, beyond those that add lines
MOST = 150  # at most this many entries per template / label / macro, however many new lines they run
CANDIDATES = 400  # candidates kept per key while the suite runs (the first, and any that run new lines)
NOT_RECORDED = ("tests/golden/test_golden.py", "tests/style/")  # the corpus itself; the transcripts are golden already
ROOT = str(TEMPLATES) + "/"
TMP = re.compile(r"pytest-of-[^/\s\"]+/pytest-\d+")  # a test's tmp_path differs from run to run


def steady(text: str) -> str:
    return TMP.sub("pytest-of-golden/pytest-0", text)


@dataclass
class Candidate:
    entry: dict[str, Any]
    lines: frozenset[str]
    size: int
    order: int


@dataclass
class Key:
    candidates: list[Candidate] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # output hashes
    lines: set[str] = field(default_factory=set)


class Recorder:
    def __init__(self, target: Path, add: bool = False) -> None:
        self.target = target
        self.add = add  # keep what the corpus holds and add what this (partial) run renders
        self.keys: dict[tuple[str, str], Key] = {}
        self.test = ""
        self.order = 0
        self.local = threading.local()
        self.lock = threading.Lock()
        self.problems: dict[str, str] = {}  # what could not be recorded faithfully, by template
        self.captures = 0
        self.failed = False

    # --- hooks ---------------------------------------------------------------------------------------

    def pytest_configure(self, config: pytest.Config) -> None:
        from hypothesis import settings

        settings.register_profile("golden-record", derandomize=True, database=None)
        settings.load_profile("golden-record")
        self._patch()

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if not self.add:
            return
        for path in corpus.corpus_files(self.target):  # first, so that what is stored stays preferred
            for entry in corpus.read(path):
                self.test = entry.get("test", "?")
                self.capture(entry["kind"], entry["name"], corpus.entry_context(entry))
        self.test = ""

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Iterator[None]:
        self.test = "" if item.nodeid.startswith(NOT_RECORDED) else item.nodeid
        try:
            return (yield)
        finally:
            self.test = ""

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.failed = True

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        by_file: dict[str, list[dict[str, Any]]] = {}
        for (kind, _name), key in sorted(self.keys.items()):
            for candidate in choose(key.candidates, KEEP[kind]):
                by_file.setdefault(corpus.source_file(candidate.entry), []).append(candidate.entry)
        corpus.write(self.target, by_file)
        self.summary = (
            f"golden: {self.captures} renders seen, {sum(map(len, by_file.values()))} entries in "
            f"{len(by_file)} files written to {self.target}"
        )

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.write_line(self.summary)
        for name, problem in sorted(self.problems.items()):
            terminalreporter.write_line(f"golden: NOT RECORDED {name}: {problem}")
        if self.failed:
            terminalreporter.write_line("golden: some tests failed; the corpus lacks what they would have rendered")

    # --- interception --------------------------------------------------------------------------------

    def _patch(self) -> None:
        recorder = self
        render, label, call, answer = Renderer.render, Renderer.label, Macro.__call__, Router.answer
        getattr_, getitem = Environment.getattr, Environment.getitem

        def render_(self: Renderer, lang: str, reply: Reply, fmt: str = "text", **kw: Any) -> str:
            with recorder._inside():  # the macros it calls are part of this capture
                text = render(self, lang, reply, fmt, **kw)
            if self.templates == TEMPLATES:
                recorder.capture("template", reply.template, reply.context)
            return text

        def label_(self: Renderer, lang: str, button: Button, fmt: str = "text") -> str:
            with recorder._inside():
                text = label(self, lang, button, fmt)
            if self.templates == TEMPLATES:
                recorder.capture("label", button.label, button.args)
            return text

        def call_(self: Macro, *args: Any, **kwargs: Any) -> Any:
            if getattr(recorder.local, "depth", 0):
                return call(self, *args, **kwargs)
            with recorder._inside():
                out = call(self, *args, **kwargs)
            filename = self._func.__code__.co_filename
            if filename.startswith(ROOT):
                template = filename[len(ROOT) :].removesuffix(".j2")  # templates/<family>/<name>.j2
                recorder.capture("macro", f"{template}#{self.name}", (list(args), kwargs))
            return out

        def getattr__(self: Environment, obj: Any, attribute: str) -> Any:
            recorder._note(obj, attribute)
            return getattr_(self, obj, attribute)

        def getitem_(self: Environment, obj: Any, argument: Any) -> Any:
            if isinstance(argument, str):
                recorder._note(obj, argument)
            return getitem(self, obj, argument)

        async def answer_(self: Router, incoming: Incoming, **options: Any) -> Any:
            """Every reply a message caused, rendered by its test or not (many check only the template);
            ``Router.handle`` and every channel's inbox come through ``answer``."""
            answered = await answer(self, incoming, **options)
            for reply in answered.replies:
                recorder.capture("template", reply.template, reply.context)
                for button in (b for row in reply.buttons for b in row):
                    recorder.capture("label", button.label, button.args)
            return answered

        Router.answer = answer_  # type: ignore[method-assign]
        Renderer.render = render_  # type: ignore[method-assign]
        Renderer.label = label_  # type: ignore[method-assign]
        Macro.__call__ = call_  # type: ignore[method-assign]
        Environment.getattr = getattr__  # type: ignore[method-assign]
        Environment.getitem = getitem_  # type: ignore[method-assign]
        self._original = (render, label, call)

    @contextmanager
    def _inside(self, attr: str = "depth") -> Iterator[None]:
        """``depth``: inside a render (macros called are not captures of their own); ``mine``: inside one
        of the recorder's own renders (nothing is captured)."""
        setattr(self.local, attr, getattr(self.local, attr, 0) + 1)
        try:
            yield
        finally:
            setattr(self.local, attr, getattr(self.local, attr) - 1)

    def _note(self, obj: Any, attribute: str) -> None:
        accessed = getattr(self.local, "accessed", None)
        if accessed is not None and not isinstance(obj, dict | list | str):
            accessed.setdefault(id(obj), (obj, set()))[1].add(attribute)

    def _render(self, kind: str, name: str, context: Any, combo: str) -> str:
        """``corpus.render`` through the unpatched Renderer (no capture of our own renders)."""
        render, label, _ = self._original
        lang, _, fmt = combo.partition("/")
        with self._inside(), self._inside("mine"):
            if kind == "template":
                return render(corpus._renderer, lang, Reply(name, context), fmt)
            if kind == "label":
                return label(corpus._renderer, lang, Button(name, "", context), fmt)
            return corpus.render(kind, name, context, combo)

    # --- one capture ---------------------------------------------------------------------------------

    def capture(self, kind: str, name: str, context: Any) -> None:
        if not self.test or getattr(self.local, "mine", 0):
            return
        with self.lock:
            self.captures += 1
            try:
                self._capture(kind, name, context)
            except Exception as exc:  # a context only one language can render is a template bug: say it
                self.problems.setdefault(f"{kind} {name}", f"{type(exc).__name__}: {exc}"[:300])

    def _capture(self, kind: str, name: str, context: Any) -> None:
        key = self.keys.setdefault((kind, name), Key())
        self.local.accessed = {}
        try:
            outputs = {combo: steady(self._render(kind, name, context, combo)) for combo in corpus.COMBOS}
        finally:
            accessed, self.local.accessed = self.local.accessed, None
        digest = hashlib.sha256(json.dumps(outputs, sort_keys=True).encode()).hexdigest()
        if digest in key.seen:
            return
        key.seen.add(digest)
        ran = self._lines(kind, name, context)
        if len(key.candidates) >= CANDIDATES and ran <= key.lines:
            return
        stored = self._stored(kind, name, context, {k: objects[1] for k, objects in accessed.items()})
        loaded = corpus.entry_context(stored)
        again = {combo: self._render(kind, name, loaded, combo) for combo in corpus.COMBOS}
        if again != outputs:
            combo = next(c for c in corpus.COMBOS if again[c] != outputs[c])
            self.problems.setdefault(
                f"{kind} {name}", f"the stored context renders differently ({combo}) in {self.test}"
            )
            return
        stored["out"] = {combo: corpus.lines(text) for combo, text in outputs.items()}
        stored["test"] = self.test
        key.lines |= ran
        size = sum(len(text) for text in outputs.values())
        key.candidates.append(Candidate(stored, frozenset(ran), size, self.order))
        self.order += 1

    def _stored(self, kind: str, name: str, context: Any, accessed: dict[int, set[str]]) -> dict[str, Any]:
        entry: dict[str, Any] = {"kind": kind, "name": name}
        if kind == "template":
            entry["context"] = corpus.dump(context, accessed)
        elif kind == "label":
            entry["args"] = corpus.dump(context, accessed)
        else:
            entry["args"] = corpus.dump(context[0], accessed)
            entry["kwargs"] = corpus.dump(context[1], accessed)
        return json.loads(steady(json.dumps(entry)))  # exactly what the file will hold

    def _lines(self, kind: str, name: str, context: Any) -> set[str]:
        """The template lines (of the compiled templates) rendering this capture runs, in every combo."""
        ran: set[str] = set()

        def local(frame: FrameType, event: str, arg: Any) -> Callable[..., Any]:
            if event == "line":
                ran.add(f"{frame.f_code.co_filename[len(ROOT) :]}:{frame.f_lineno}")
            return local

        def trace(frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
            return local if frame.f_code.co_filename.startswith(ROOT) else None

        before = sys.gettrace()
        sys.settrace(trace)
        try:
            for combo in corpus.COMBOS:
                self._render(kind, name, context, combo)
        finally:
            sys.settrace(before)
        return ran


def choose(candidates: list[Candidate], keep: int) -> list[Candidate]:
    """The candidates that together run every line any of them ran (greedily, most new lines first), then
    more up to ``keep``, spread over output length; in the order the suite met them."""
    chosen: list[Candidate] = []
    covered: set[str] = set()
    rest = list(candidates)
    while rest and len(chosen) < MOST:
        best = max(rest, key=lambda c: (len(c.lines - covered), -c.order))
        if not best.lines - covered:
            break
        chosen.append(best)
        covered |= best.lines
        rest.remove(best)
    rest.sort(key=lambda c: (c.size, c.order))
    room = keep - len(chosen)
    if room > 0 and rest:
        step = len(rest) / room
        picks = sorted({min(int(i * step + step / 2), len(rest) - 1) for i in range(room)})
        chosen.extend(rest[i] for i in picks)
    return sorted(chosen, key=lambda c: c.order)
