"""Text folding for matching what people type: "Nhiệm vụ quá hạn" and "nhiem vu qua han" are equal."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # NUL cannot be stored by PostgreSQL
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON may carry them; UTF-8 cannot encode them


def clean(text: str) -> str:
    """Text as a chat client may send it, made safe to store and to send on: control characters other
    than tab and line breaks dropped, a lone surrogate replaced by U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


def hidden_character(text: str) -> tuple[str, str] | None:
    """The first character of ``text`` that cannot be seen or that reorders what is seen, as ("U+202E",
    "RIGHT-TO-LEFT OVERRIDE"): format characters (zero-width spaces and joiners, soft hyphen, a BOM
    inside text, the bidirectional marks, embeddings, overrides and isolates U+200E/F, U+202A–E,
    U+2066–9) and control characters other than tab and line breaks. None when there is none."""
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cf" or (category == "Cc" and ch not in "\t\n\r"):
            return f"U+{ord(ch):04X}", unicodedata.name(ch, "CONTROL")
    return None


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ -> d), collapse white space."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text).strip().lower()
