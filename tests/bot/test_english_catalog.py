"""The English catalog is English: no translation leaks a Vietnamese word, and every sentence with a count
has a singular and a plural ("1 day left", "2 days left").

What may stay Vietnamese in an English sentence is data: a placeholder's value, what a user typed or a file
says (quoted “…”), and the few proper names below."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.pofile import read_po

from bot.render import CATALOGS, DOMAIN, TEMPLATES

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")  # the quote marks themselves are the style sheet's test
VIETNAMESE = re.compile("[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE)
# Proper names an English sentence says as they are written: the example unit and department of the command
# examples ("/moi Xã Tuấn Sơn chutich …", "/diem cchc 2023 Sở Nội vụ": a user types a name the way the
# province stores it).
PROPER_NAMES = ("Xã Tuấn Sơn", "Sở Nội vụ")


def _english() -> list[Message]:
    path = Path(TEMPLATES / CATALOGS / "en" / "LC_MESSAGES" / f"{DOMAIN}.po")
    with path.open("rb") as po:
        return [m for m in read_po(po, locale="en") if m.id]


def _leaked(text: str) -> list[str]:
    text = QUOTED.sub("", PLACEHOLDER.sub("", text))
    for name in PROPER_NAMES:
        text = text.replace(name, "")
    return [word for word in re.findall(r"\w+", text) if VIETNAMESE.search(word)]


def test_no_english_sentence_leaks_a_vietnamese_word() -> None:
    leaks = {}
    for message in _english():
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        words = [word for form in forms for word in _leaked(form)]
        if words:
            leaks[message.id if isinstance(message.id, str) else message.id[0]] = words
    assert not leaks, leaks


def test_the_check_finds_a_vietnamese_word_outside_placeholders_and_quotes() -> None:
    assert _leaked("target at most 30 bậc") == ["bậc"]
    assert _leaked("People's Committee of Tỉnh Lạng Sơn") == ["Tỉnh", "Lạng", "Sơn"]
    assert _leaked("No unit “Xã Mới” was found in %(unit)s.") == []


def test_every_sentence_with_a_count_has_its_singular_and_its_plural() -> None:
    same = []
    for message in _english():
        if not isinstance(message.id, tuple):
            continue
        singular, plural = message.string
        if not singular or singular == plural:
            same.append(message.id[0])
    assert not same, same
