"""The golden corpus: what was rendered, with which context, and what it said.

One JSON file per template file, ``tests/golden/corpus/<family>/<name>.json`` (language-neutral: the same
entry is rendered in every language and format). An entry is one of

- ``{"kind": "template", "name": "tasks/list", "context": {...}}``: ``Renderer.render`` of a Reply;
- ``{"kind": "label", "name": "tasks.detail", "args": {...}}``: ``Renderer.label`` of a Button;
- ``{"kind": "macro", "name": "uploads/_changes#change", "args": [...], "kwargs": {...}}``: a macro of a
  partial called from Python (``tests/said.py``, ``tests/models/test_naming.py``);

plus ``"out"``: ``{"vi/html": [lines], "vi/text": [...], "en/html": [...], "en/text": [...]}`` and ``"test"``,
the test that caused it. Contexts are stored with ``dump`` and rebuilt with ``load``; class names are kept
for the reader only, so renaming a class never breaks the corpus.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import fields, is_dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from bot.render import FORMATS, LANGUAGES, TEMPLATES, Renderer, _environment
from handlers.base import Button, Reply

CORPUS = Path(__file__).resolve().parent / "corpus"
COMBOS = tuple(f"{lang}/{fmt}" for lang in LANGUAGES for fmt in FORMATS)
SCALARS = (type(None), bool, int, float, str, Decimal, date, time, timedelta, Enum)


# --- which template files are pages and which are pieces ----------------------------------------------


def is_partial(name: str) -> bool:
    """A template only included or imported by others: ``_macros.j2``, ``labels/*``, ``macros/*``."""
    return Path(name).name.startswith("_") or name.split("/", 1)[0] in ("labels", "macros")


def template_files(lang: str) -> list[str]:
    """Every template of one language tree, as ``family/name.j2``."""
    root = TEMPLATES / lang
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.j2"))


def one_tree_files() -> list[str]:
    """Every template of the one tree (issue 14: sentences in catalogs), as ``family/name.j2``."""
    skip = {*LANGUAGES, "locale"}
    return sorted(
        p.relative_to(TEMPLATES).as_posix()
        for p in TEMPLATES.rglob("*.j2")
        if p.relative_to(TEMPLATES).parts[0] not in skip
    )


def all_template_files() -> list[str]:
    """Every template file as the coverage tests name it: ``vi/tasks/list.j2`` for a per-language one not
    moved yet, ``errors/not_allowed.j2`` for one of the one tree."""
    return [f"{lang}/{name}" for lang in LANGUAGES for name in template_files(lang)] + one_tree_files()


def source_file(entry: Mapping[str, Any]) -> str:
    """The template file an entry starts from: ``tasks/list.j2``, ``labels/tasks.j2``, ``uploads/_changes.j2``."""
    name = str(entry["name"])
    if entry["kind"] == "label":
        return f"labels/{name.partition('.')[0]}.j2"
    if entry["kind"] == "macro":
        return name.partition("#")[0] + ".j2"
    return f"{name}.j2"


# --- rendering an entry --------------------------------------------------------------------------------

_renderer = Renderer()


def render(kind: str, name: str, context: Any, combo: str) -> str:
    """What the current templates say for one entry in ``combo`` ("vi/html"). Issue 14 changes how a
    language is chosen; this function (and ``record.py``'s twin of it) is the one place to adapt."""
    lang, _, fmt = combo.partition("/")
    if kind == "template":
        return _renderer.render(lang, Reply(name, context), fmt)
    if kind == "label":
        return _renderer.label(lang, Button(name, "", context), fmt)
    if kind == "macro":
        path, _, macro = name.partition("#")
        module = _environment(TEMPLATES, lang, fmt).get_template(f"{path}.j2").module
        return str(getattr(module, macro)(*context[0], **context[1])).strip()
    raise ValueError(f"unknown entry kind {kind!r}")


def entry_context(entry: Mapping[str, Any]) -> Any:
    """The rebuilt context of a stored entry, in the form ``render`` takes."""
    if entry["kind"] == "template":
        return load(entry["context"])
    if entry["kind"] == "label":
        return load(entry["args"])
    return (load(entry["args"]), load(entry["kwargs"]))


def lines(text: str) -> list[str]:
    return text.split("\n")


# --- context to JSON and back --------------------------------------------------------------------------


class Obj:
    """An object of a context, rebuilt: its attributes as the templates read them."""

    def __init__(self, kind: str, attrs: dict[str, Any], text: str | None = None) -> None:
        self.__dict__.update(attrs)
        self._golden_kind = kind
        self._golden_text = text

    def __str__(self) -> str:
        return self._golden_text if self._golden_text is not None else f"<{self._golden_kind}>"

    def __repr__(self) -> str:
        attrs = {k: v for k, v in self.__dict__.items() if not k.startswith("_golden_")}
        return f"{self._golden_kind}({attrs})"


class RowTuple(tuple[Any, ...]):
    """A result row (SQLAlchemy ``Row``, a named tuple): items by position and by name."""

    _fields: tuple[str, ...] = ()
    _golden_kind = "Row"

    def __new__(cls, values: list[Any], names: list[str], kind: str) -> RowTuple:
        row = super().__new__(cls, values)
        row._fields, row._golden_kind = tuple(names), kind
        return row

    def __getattr__(self, name: str) -> Any:
        try:
            return self[self._fields.index(name)]
        except ValueError:
            raise AttributeError(name) from None


class TextObj(str):
    """A ``str`` that also carries fields (``models.naming.NamedUnit``: the text is the Vietnamese name, the
    fields what the templates read to name it in English), rebuilt."""

    _golden_kind: str


class EnumValue(str):
    """An enum member (all of ours are ``StrEnum``): equal to its value, with ``.value`` and ``.name``."""

    name: str
    kind: str

    def __new__(cls, value: str, name: str, kind: str) -> EnumValue:
        member = super().__new__(cls, value)
        member.name, member.kind = name, kind
        return member

    @property
    def value(self) -> str:
        return str.__str__(self)


def dump(value: Any, accessed: Mapping[int, set[str]] | None = None, _path: tuple[int, ...] = ()) -> Any:
    """``value`` as JSON-able data. Objects keep the attributes the templates read (``accessed``, by
    ``id``) and their plain data fields; everything typed (Decimal, dates, enums, tuples, Markup) is tagged."""
    accessed = accessed or {}

    def again(v: Any) -> Any:
        return dump(v, accessed, _path)

    if value is None or type(value) in (bool, int, float, str):
        return value
    if isinstance(value, Markup):
        return {"$markup": str(value)}
    if isinstance(value, Enum):
        return {"$enum": type(value).__name__, "name": value.name, "value": value.value}
    if isinstance(value, EnumValue):  # a stored context, recorded again (GOLDEN_ADD)
        return {"$enum": value.kind, "name": value.name, "value": value.value}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime):
        zone = getattr(value.tzinfo, "key", None)
        return {"$datetime": value.isoformat(), "tz": zone}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$timedelta": value.total_seconds()}
    slots = [n for n in getattr(type(value), "__slots__", ()) if hasattr(value, n)]
    if isinstance(value, TextObj) or (isinstance(value, str) and slots):  # a text with fields (NamedUnit)
        attrs = (
            {k: v for k, v in vars(value).items() if not k.startswith("_golden_")}
            if isinstance(value, TextObj)
            else {n: getattr(value, n) for n in slots}
        )
        kind = value._golden_kind if isinstance(value, TextObj) else type(value).__name__
        return {"$text": kind, "str": str.__str__(value), "attrs": {k: again(v) for k, v in attrs.items()}}
    if isinstance(value, str | int | float):  # a subclass we do not know: keep the plain value
        return type(value).__mro__[-2](value)
    if isinstance(value, Mapping):
        items = list(value.items())
        if all(type(k) is str and not k.startswith("$") for k, _ in items):
            return {k: again(v) for k, v in items}
        return {"$dict": [[again(k), again(v)] for k, v in items]}
    if isinstance(value, list):
        return [again(v) for v in value]
    if isinstance(value, tuple):
        names = getattr(value, "_fields", None)
        if names is not None:  # a named tuple or a result row; properties the templates read come along
            kind = value._golden_kind if isinstance(value, RowTuple) else type(value).__name__
            row = {"$row": kind, "fields": list(names), "values": [again(v) for v in value]}
            extra = sorted(set(accessed.get(id(value), ())).union(_stored_attrs(value)) - set(names))
            if extra:
                row["extra"] = {name: again(getattr(value, name)) for name in extra if hasattr(value, name)}
            return row
        return {"$tuple": [again(v) for v in value]}
    if isinstance(value, set | frozenset):
        members = [again(v) for v in value]
        return {"$set": sorted(members, key=lambda m: json.dumps(m, sort_keys=True))}
    if callable(value):
        return {"$unsupported": type(value).__name__}
    if id(value) in _path:
        return {"$cycle": type(value).__name__}
    return _dump_object(value, accessed, (*_path, id(value)))


def _stored_attrs(value: Any) -> list[str]:
    """The attributes of an object ``load`` made (re-recording a stored context keeps them all)."""
    if isinstance(value, Obj | RowTuple):
        return [name for name in vars(value) if not name.startswith(("_golden_", "_fields"))]
    return []


def _dump_object(value: Any, accessed: Mapping[int, set[str]], path: tuple[int, ...]) -> dict[str, Any]:
    if isinstance(value, Obj):
        attrs = {name: dump(getattr(value, name), accessed, path) for name in _stored_attrs(value)}
        stored: dict[str, Any] = {"$obj": value._golden_kind, "attrs": attrs}
        if value._golden_text is not None:
            stored["str"] = value._golden_text
        return stored
    names = set(accessed.get(id(value), ()))
    names.update(name for name, v in _data_fields(value) if isinstance(v, SCALARS))
    attrs: dict[str, Any] = {}
    for name in sorted(names):
        try:
            attrs[name] = dump(getattr(value, name), accessed, path)
        except Exception:  # an attribute that cannot be read here (an unloaded relationship): the template did not
            continue
    out: dict[str, Any] = {"$obj": type(value).__name__, "attrs": attrs}
    if type(value).__str__ is not object.__str__ and not is_dataclass(value):
        out["str"] = str(value)
    return out


def _data_fields(value: Any) -> Iterator[tuple[str, Any]]:
    """The plain data of an object: a dataclass's fields, an ORM row's loaded columns."""
    if is_dataclass(value):
        for f in fields(value):
            yield f.name, getattr(value, f.name)
        return
    state = getattr(value, "_sa_instance_state", None)
    if state is not None:
        for name, v in state.dict.items():
            if not name.startswith("_"):
                yield name, v


def load(data: Any) -> Any:
    """The context ``dump`` wrote, rebuilt: objects become attribute bags, tags their types again."""
    if isinstance(data, list):
        return [load(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "$obj" in data:
        return Obj(data["$obj"], {k: load(v) for k, v in data["attrs"].items()}, data.get("str"))
    if "$markup" in data:
        return Markup(data["$markup"])
    if "$text" in data:
        text = TextObj(data["str"])
        text._golden_kind = data["$text"]
        text.__dict__.update({k: load(v) for k, v in data["attrs"].items()})
        return text
    if "$enum" in data:
        return EnumValue(data["value"], data["name"], data["$enum"])
    if "$decimal" in data:
        return Decimal(data["$decimal"])
    if "$datetime" in data:
        moment = datetime.fromisoformat(data["$datetime"])
        return moment.astimezone(ZoneInfo(data["tz"])) if data.get("tz") else moment
    if "$date" in data:
        return date.fromisoformat(data["$date"])
    if "$time" in data:
        return time.fromisoformat(data["$time"])
    if "$timedelta" in data:
        return timedelta(seconds=data["$timedelta"])
    if "$dict" in data:
        return {_hashable(load(k)): load(v) for k, v in data["$dict"]}
    if "$row" in data:
        row = RowTuple([load(v) for v in data["values"]], data["fields"], data["$row"])
        row.__dict__.update({k: load(v) for k, v in data.get("extra", {}).items()})
        return row
    if "$tuple" in data:
        return tuple(load(v) for v in data["$tuple"])
    if "$set" in data:
        return {_hashable(load(v)) for v in data["$set"]}
    if "$unsupported" in data or "$cycle" in data:
        return Obj(next(iter(data.values())), {})
    return {k: load(v) for k, v in data.items()}


def _hashable(value: Any) -> Any:
    return tuple(_hashable(v) for v in value) if isinstance(value, list) else value


# --- files ---------------------------------------------------------------------------------------------


def corpus_files(root: Path = CORPUS) -> list[Path]:
    return sorted(root.rglob("*.json"))


def read(path: Path) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["entries"]
    return entries


def write(root: Path, by_file: Mapping[str, list[dict[str, Any]]]) -> None:
    """Replace the corpus under ``root`` by ``by_file`` (template file -> entries)."""
    for old in corpus_files(root):
        old.unlink()
    for source, entries in sorted(by_file.items()):
        path = root / (source.removesuffix(".j2") + ".json")
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"source": source, "entries": entries}, ensure_ascii=False, indent=1, sort_keys=True)
        path.write_text(text + "\n", encoding="utf-8")
