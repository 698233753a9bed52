"""Telegram's HTML parse mode, as strict as the real server: the allowed tags, balanced, with every
``<`` and ``&`` of the text escaped. Returns the plain text and its entities (offsets in UTF-16 units)."""

from __future__ import annotations

import html
import re
from typing import Any

TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
}
NAMED_ENTITIES = {"lt", "gt", "amp", "quot"}
_TOKEN = re.compile(r"<[^<>]*>|&[^;\s<>&]*;|[<&]|[^<&]+")
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)((?:\s+[a-z-]+\s*=\s*\"[^\"]*\")*)\s*>")


class HtmlError(ValueError):
    """The text is not valid Telegram HTML (the real server answers 400 "can't parse entities")."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities of ``source``; raises HtmlError where Telegram would refuse it."""
    plain: list[str] = []
    offset = 0
    open_tags: list[tuple[str, int, str]] = []
    entities: list[dict[str, Any]] = []
    for match in _TOKEN.finditer(source):
        token = match.group(0)
        if token.startswith("<"):
            tag = _TAG.fullmatch(token)
            if tag is None or tag.group(2).lower() not in TAGS:
                raise HtmlError(
                    f"can't parse entities: unsupported start tag {token[:30]!r} at byte offset {match.start()}"
                )
            closing, name, attrs = tag.group(1), tag.group(2).lower(), tag.group(3)
            if closing:
                if not open_tags or open_tags[-1][0] != name:
                    raise HtmlError(f"can't parse entities: unmatched end tag at byte offset {match.start()}")
                _, start, url = open_tags.pop()
                entity: dict[str, Any] = {"type": TAGS[name], "offset": start, "length": offset - start}
                if name == "a":
                    entity["url"] = url
                if entity["length"]:
                    entities.append(entity)
            else:
                href = re.search(r'href\s*=\s*"([^"]*)"', attrs)
                open_tags.append((name, offset, html.unescape(href.group(1)) if href else ""))
            continue
        if token.startswith("&"):
            if token in ("&", "<") or not _entity_ok(token):
                raise HtmlError(
                    f"can't parse entities: character {token[0]!r} must be escaped at byte offset {match.start()}"
                )
            token = html.unescape(token)
        elif token == "<":
            raise HtmlError(f"can't parse entities: unescaped '<' at byte offset {match.start()}")
        plain.append(token)
        offset += utf16_len(token)
    if open_tags:
        raise HtmlError(f"can't parse entities: can't find end tag corresponding to start tag {open_tags[-1][0]!r}")
    return "".join(plain), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _entity_ok(token: str) -> bool:
    body = token[1:-1]
    if body.startswith("#x") or body.startswith("#X"):
        return len(body) > 2 and all(c in "0123456789abcdefABCDEF" for c in body[2:])
    if body.startswith("#"):
        return body[1:].isdigit()
    return body in NAMED_ENTITIES
