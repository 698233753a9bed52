"""bot/split.py: pieces within the limit in UTF-16 units, cut at line ends, then spaces, never inside a
character as a reader sees it; HTML elements closed and opened again across pieces."""

from __future__ import annotations

import unicodedata

from bot.split import split_text, utf16_len

NFD = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết được ")  # letters with two combining marks


def test_a_short_text_is_one_piece_and_a_blank_one_none() -> None:
    assert split_text("một\nhai", 100) == ["một\nhai"]
    assert split_text("\n \n", 100) == []


def test_emoji_count_two_units() -> None:
    pieces = split_text("😀" * 3000, 4096)
    assert [utf16_len(p) for p in pieces] == [4096, 1904]
    assert "".join(pieces) == "😀" * 3000


def test_a_letter_is_never_separated_from_its_combining_marks() -> None:
    text = NFD * 300
    for limit in (7, 50, 333, 2000):
        pieces = split_text(text, limit)
        assert all(utf16_len(p) <= limit for p in pieces)
        assert all(not unicodedata.combining(p[0]) for p in pieces)
        assert "".join(pieces).replace(" ", "") == text.replace(" ", "")


def test_emoji_sequences_stay_whole() -> None:
    family, flag, thumb = "👨\u200d👩\u200d👧", "🇻🇳", "👍🏽"
    text = (family + flag + thumb) * 200
    pieces = split_text(text, 101)
    assert "".join(pieces) == text
    for piece in pieces:
        assert not piece.startswith(("\u200d", "🏽", "🇳")) and not piece.endswith("\u200d")
        assert piece.startswith(family)


def test_lines_are_kept_whole_where_they_fit() -> None:
    lines = [f"dòng {i} " + "x" * 40 for i in range(100)]
    pieces = split_text("\n".join(lines), 500)
    assert all(utf16_len(p) <= 500 for p in pieces)
    assert "\n".join(pieces).split("\n") == lines


def test_a_long_line_is_cut_at_a_space() -> None:
    words = ["từ"] * 600
    pieces = split_text(" ".join(words), 100)
    assert all(not p.startswith(" ") and not p.endswith(" ") for p in pieces)
    assert " ".join(pieces).split(" ") == words


def test_open_elements_are_closed_and_opened_again_with_their_attributes() -> None:
    text = '<a href="https://cchc.vn/?a=1&amp;b=2"><b>' + "chữ đậm " * 50 + "</b></a>"
    pieces = split_text(text, 120, html=True)
    assert len(pieces) > 3
    for piece in pieces:
        assert piece.startswith('<a href="https://cchc.vn/?a=1&amp;b=2"><b>') and piece.endswith("</b></a>")
        assert utf16_len(piece) <= 120


def test_a_tag_or_an_entity_is_never_cut() -> None:
    text = ("a &amp; b &lt;c&gt; <i>nghiêng</i> " * 100).strip()
    for piece in split_text(text, 37, html=True):
        assert piece.count("<") == piece.count(">")
        assert "&" not in piece.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "")


def test_a_character_longer_than_a_piece_is_still_cut_and_nothing_is_lost() -> None:
    text = "a" + "\u0301" * 300
    pieces = split_text(text, 100)
    assert all(utf16_len(p) <= 100 for p in pieces)
    assert "".join(pieces) == text
