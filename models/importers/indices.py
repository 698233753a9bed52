"""How files name the standard indices and their fields ("PAR INDEX", "Lĩnh vực 3", "III"). The indices
themselves are defined once in ``models.standard_indices`` (re-exported here for the importers)."""

from __future__ import annotations

import re

from models.standard_indices import (
    PAPI_DIMENSIONS,
    PAR_FIELDS,
    SIPAS_COMPONENTS,
    STANDARD_INDICES,
    StandardIndex,
    ensure_indices,
)
from models.text import fold

# The words that identify a field when a file shortens its name ("Thể chế", "CCTTHC" is not guessed).
_FIELD_WORDS = ("chi dao", "the che", "thu tuc", "bo may", "cong vu", "tai chinh", "chinh phu", "tac dong")


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


_INDEX_KEYS = {_key(alias): s.code for s in STANDARD_INDICES for alias in (s.code, s.name_vi, *s.aliases)}


def index_code(text: str) -> str:
    """The stored code of an index as files write it: "PAR INDEX" -> "PAR"; unknown text comes back
    as written, upper-cased, so a province's own index with its own code is still found."""
    return _INDEX_KEYS.get(_key(text), text.strip().upper())


def field_number(text: str) -> int | None:
    """The PAR INDEX field (1..8) a task file means: "3", "Lĩnh vực 3", "III", the name, a short name."""
    folded = re.sub(r"[^a-z0-9 ]", " ", fold(text))
    folded = re.sub(r"^(linh vuc|lv)\s*", "", " ".join(folded.split()))
    romans = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii")
    if folded.isdecimal():
        return int(folded) if 1 <= int(folded) <= len(PAR_FIELDS) else None
    if folded in romans:
        return romans.index(folded) + 1
    matches = [n for n, word in enumerate(_FIELD_WORDS, start=1) if word in folded]
    return matches[0] if len(matches) == 1 else None


__all__ = [
    "PAPI_DIMENSIONS",
    "PAR_FIELDS",
    "SIPAS_COMPONENTS",
    "STANDARD_INDICES",
    "StandardIndex",
    "ensure_indices",
    "field_number",
    "index_code",
]
