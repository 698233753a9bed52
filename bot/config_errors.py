"""From a pydantic ValidationError to ONE line naming the key and what it may be.

The sentence comes from the declaration of the field that failed (its type and range, in
``models/settings.py``), or from the kind of a check's own error (``_bad`` there): the line says what the
key may be, never pydantic's dump. A secret's value (a token, a webhook secret, the database URL with its
password: the keys the environment may set, ``bot.config.ENVIRONMENT``) is never repeated.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from bot.problems import Problem, short


class ConfigError(Problem):
    """The configuration is wrong; the line names the file and the key (``cli/config_error.j2``)."""

    def __init__(self, kind: str, source: str, lang: str = "vi", **context: Any) -> None:
        super().__init__("config_error", **{"kind": kind, "source": source, "key": "", "got": None, **context})
        self.lang = lang


def from_validation(
    exc: ValidationError,
    model: type[BaseModel],
    source: str,
    lang: str,
    raw: Mapping[str, Any],
    secrets: Collection[tuple[str, str]],
) -> ConfigError:
    """The line for the first error of ``exc``; the value given is repeated unless its (section, key) is
    one of ``secrets``."""
    error = exc.errors()[0]
    loc, kind, ctx = error["loc"], error["type"], dict(error.get("ctx") or {})
    section = str(loc[0])
    if len(loc) == 1:  # the section itself, or a check across its keys
        if kind == "extra_forbidden":
            return ConfigError("unknown_section", source, lang, key=f"[{section}]")
        if kind == "model_type":
            return ConfigError("not_a_table", source, lang, key=f"[{section}]")
        return ConfigError(kind, source, lang, section=f"[{section}]", key=f"[{section}].{ctx.pop('key', '')}", **ctx)
    name = str(loc[1])
    key = f"[{section}].{name}"
    section_model = model.model_fields[section].annotation
    assert isinstance(section_model, type) and issubclass(section_model, BaseModel)
    if len(loc) >= 3 and isinstance(loc[2], int) and _tables(section_model.model_fields.get(name)):
        return _in_entry(error, section_model, source, lang, raw)
    if kind == "extra_forbidden":
        return ConfigError("unknown_key", source, lang, key=key, known=", ".join(sorted(section_model.model_fields)))
    given: Any = raw
    for part in loc:  # a key of a sub-table ([zalo_oa.zns]) sits deeper
        given = given.get(str(part)) if isinstance(given, dict) else None
    got = None if (section, name) in secrets else short(repr(given), 60)
    if kind not in PYDANTIC_KINDS:  # one of our checks (models/settings.py's _bad)
        path = ".".join(str(part) for part in (*loc[1:], *([ctx.pop("key")] if "key" in ctx else [])))
        return ConfigError(kind, source, lang, key=f"[{section}].{path}", got=got, **ctx)
    described = describe(section_model.model_fields[name])
    if described["kind"] == "tables":
        described["table"] = f"{section}.{name}"
    return ConfigError(**described, source=source, lang=lang, key=key, got=got)


def _tables(field: FieldInfo | None) -> bool:
    """Whether ``field`` is a list of tables (``[[zalo.bots]]``): an error names the entry and its key."""
    item = get_args(field.annotation)[0] if field is not None and get_origin(field.annotation) is list else None
    return isinstance(item, type) and issubclass(item, BaseModel)


SECRET_KEYS = frozenset({"token", "webhook_secret"})  # never repeated, wherever they sit


def _in_entry(
    error: Any, section_model: type[BaseModel], source: str, lang: str, raw: Mapping[str, Any]
) -> ConfigError:
    """The line for a key of the ``n``-th ``[[section.name]]`` table: named by the entry's ``name`` when it
    has one (``[[zalo.bots]] "huyen-a".max_users``), else by its number; a token or secret never repeated."""
    loc, kind, ctx = error["loc"], error["type"], dict(error.get("ctx") or {})
    section, name, index = str(loc[0]), str(loc[1]), int(loc[2])
    entries = raw.get(section, {}).get(name) if isinstance(raw.get(section), dict) else None
    entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
    label = entry.get("name") if isinstance(entry, dict) else None
    where = (
        f'[[{section}.{name}]] "{label}"' if isinstance(label, str) and label else f"[[{section}.{name}]] #{index + 1}"
    )
    if len(loc) == 3:  # the entry itself
        return ConfigError("not_a_table" if kind == "model_type" else kind, source, lang, key=where, **ctx)
    field = str(loc[3])
    given = entry.get(field) if isinstance(entry, dict) else None
    got = None if field in SECRET_KEYS else short(repr(given), 60)
    item = get_args(section_model.model_fields[name].annotation)[0]
    if kind == "extra_forbidden":
        return ConfigError(
            "unknown_key", source, lang, key=f"{where}.{field}", known=", ".join(sorted(item.model_fields))
        )
    if kind not in PYDANTIC_KINDS:
        return ConfigError(kind, source, lang, key=f"{where}.{field}", got=got, **ctx)
    if kind == "missing":
        return ConfigError("missing", source, lang, key=f"{where}.{field}")
    return ConfigError(**describe(item.model_fields[field]), source=source, lang=lang, key=f"{where}.{field}", got=got)


PYDANTIC_KINDS = {
    "int_type", "bool_type", "string_type", "list_type", "literal_error", "greater_than_equal", "less_than_equal",
    "too_long", "too_short", "string_too_short", "string_too_long", "int_from_float", "missing", "model_type",
}  # fmt: skip


def describe(field: FieldInfo) -> dict[str, Any]:
    """What a field may be, from its declaration: kind and range for ``cli/config_error.j2``."""
    annotation, metadata = field.annotation, field.metadata
    if annotation is bool:
        return {"kind": "bool"}
    if get_origin(annotation) is Literal:
        return {"kind": "choice", "choices": ", ".join(str(choice) for choice in get_args(annotation))}
    if annotation is int:
        return {"kind": "whole_number", **_bounds(metadata)}
    if get_origin(annotation) is list:
        item = get_args(annotation)[0]
        if isinstance(item, type) and issubclass(item, BaseModel):  # [[zalo.bots]]
            return {"kind": "tables", "table": ""}
        base, item_meta = (
            (get_args(item)[0], _meta(get_args(item)[1:])) if get_origin(item) is Annotated else (item, [])
        )
        most = next((m.max_length for m in metadata if hasattr(m, "max_length")), None)
        kind = "whole_numbers" if base is int else "strings"
        return {"kind": kind, "most": most, **_bounds(item_meta)}
    if annotation is str:
        return {"kind": "string", **_bounds(metadata)}
    return {"kind": "invalid"}


def _meta(extras: tuple[Any, ...]) -> list[Any]:
    found: list[Any] = []
    for extra in extras:
        found.extend(extra.metadata if isinstance(extra, FieldInfo) else [extra])
    return found


def _bounds(metadata: list[Any]) -> dict[str, Any]:
    """Low and high ends from annotated-types' Ge/Le (numbers) and MinLen/MaxLen (strings)."""
    bounds: dict[str, Any] = {"low": None, "high": None}
    for item in metadata:
        for attribute, end in (("ge", "low"), ("min_length", "low"), ("le", "high"), ("max_length", "high")):
            if hasattr(item, attribute):
                bounds[end] = getattr(item, attribute)
    return bounds
