"""A period as officials type it, read from a command's words (folded: no diacritics, lower case).

Months: "thang 10/2026", "t10/2026", "10/2026", "thang 10 2026", "thang 10 nam 2026"; quarters:
"quy 3/2026", "quy III 2026", "q3/2026"; halves: "6 thang 2026", "6 thang dau nam 2026", "6 thang cuoi
nam 2026"; the tokens buttons send ("2026-10", "2026-q3", "2026-h1"). A bare year stays with the caller
(a yearly index reads it as before).
"""

from __future__ import annotations

import re

from models.indices import PERIOD_HALF, PERIOD_MONTH, PERIOD_NUMBERS, PERIOD_QUARTER, Period

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_YEAR = r"(?:nam )?(\d{4})"
_FORMS = (  # (pattern, kind, which group is the number); the year is the last group
    (re.compile(r"6 thang (?:(dau|cuoi) )?" + _YEAR), PERIOD_HALF),
    (re.compile(r"(?:quy|q) ?(\d|iv|i{1,3}) ?(?:/ ?| )" + _YEAR), PERIOD_QUARTER),
    (re.compile(r"(?:thang |t)?(\d{1,2}) ?/ ?(\d{4})"), PERIOD_MONTH),
    (re.compile(r"thang (\d{1,2}) " + _YEAR), PERIOD_MONTH),
)
_TOKEN = re.compile(r"\d{4}-(?:[hq]\d|\d{1,2})")


class BadPeriod(ValueError):
    """A period typed with a number that names none ("tháng 13/2026", "quý 5/2026")."""


def take_period(words: list[str]) -> tuple[Period | None, str, list[str]]:
    """The period in ``words`` (folded), the text that named it, and the other words in their order.
    Raises ``BadPeriod`` (with the text) for a month or quarter that does not exist."""
    text = " ".join(words)
    for pattern, kind in _FORMS:
        for found in pattern.finditer(text):
            if not _whole_words(text, found.start(), found.end()):
                continue
            period = _period(kind, found)
            rest = (text[: found.start()] + " " + text[found.end() :]).split()
            return period, found[0], rest
    for i, word in enumerate(words):
        if _TOKEN.fullmatch(word):
            token = Period.from_token(word)
            if token is None:
                raise BadPeriod(word)
            return token, word, words[:i] + words[i + 1 :]
    return None, "", words


def _whole_words(text: str, start: int, end: int) -> bool:
    return (start == 0 or text[start - 1] == " ") and (end == len(text) or text[end] == " ")


def _period(kind: str, found: re.Match[str]) -> Period:
    year = int(found.groups()[-1])
    if kind == PERIOD_HALF:
        return Period(year, kind, 2 if found[1] == "cuoi" else 1)
    raw = found[1]
    number = ROMAN[raw] if raw in ROMAN else int(raw)
    if not 1 <= number <= PERIOD_NUMBERS[kind]:
        raise BadPeriod(found[0])
    return Period(year, kind, number)
