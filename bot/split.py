"""Cutting a long message into pieces a chat accepts: Telegram (4,096) and Zalo (2,000) count UTF-16
code units, not Python characters (an emoji outside the BMP is two).

``split_text`` cuts at line ends where it can, else at a space, else between two characters as a reader
sees them: never inside a surrogate pair, never between a letter and its combining marks (Vietnamese in
NFD: "e" + U+0302 + U+0301), never inside an emoji sequence (ZWJ, skin tone, variation selector, flag).
With ``html=True`` (Telegram's HTML) a tag or an entity is never cut, and the elements open at a cut are
closed at the end of the piece and opened again, attributes and all, at the start of the next: every
piece parses on its own (``<b>…</b>``, ``<pre>…</pre>``, ``<a href="…">…</a>``). The closing and
re-opening tags count against the limit (a piece holds at least one character: elements nested so deep
that their tags alone fill a piece would make it longer, which no template comes near).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_MARKUP = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^<>]*>|&#?[a-zA-Z0-9]+;")
TEXT, SPACE, NEWLINE, OPEN, CLOSE, ENTITY = range(6)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (what Telegram and Zalo count)."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


@dataclass(slots=True)
class _Atom:
    """What is never cut: a user-perceived character, a space, a line end, a tag or an entity."""

    text: str
    kind: int
    name: str = ""  # the element's name, for tags

    @property
    def units(self) -> int:
        return utf16_len(self.text)


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _joins(previous: str, char: str) -> bool:
    """Whether ``char`` belongs to the character before it (``previous``: that character so far)."""
    code = ord(char)
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Mc", "Me"):
        return True
    if code == 0x200D or previous.endswith("\u200d"):  # zero-width joiner: an emoji sequence
        return True
    if 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F:
        return True  # variation selectors, skin tones, tag characters (subdivision flags)
    return _regional(char) and len(previous) == 1 and _regional(previous)  # a flag is a pair


def _text_atoms(text: str, atoms: list[_Atom]) -> None:
    for char in text:
        last = atoms[-1] if atoms else None
        if last is not None and last.kind in (TEXT, SPACE) and _joins(last.text, char):
            last.text += char
            last.kind = TEXT
        elif char == "\n":
            atoms.append(_Atom(char, NEWLINE))
        elif char == " ":
            atoms.append(_Atom(char, SPACE))
        else:
            atoms.append(_Atom(char, TEXT))


def _atoms(text: str, html: bool) -> list[_Atom]:
    atoms: list[_Atom] = []
    if not html:
        _text_atoms(text, atoms)
        return atoms
    at = 0
    for found in _MARKUP.finditer(text):
        _text_atoms(text[at : found.start()], atoms)
        if found.group(2) is None:
            atoms.append(_Atom(found.group(0), ENTITY))
        elif found.group(0).endswith("/>"):
            atoms.append(_Atom(found.group(0), ENTITY))  # a self-closed tag: nothing stays open
        else:
            kind = CLOSE if found.group(1) else OPEN
            atoms.append(_Atom(found.group(0), kind, found.group(2).lower()))
        at = found.end()
    _text_atoms(text[at:], atoms)
    return atoms


def _closing(stack: list[_Atom]) -> str:
    return "".join(f"</{tag.name}>" for tag in reversed(stack))


def _after(stack: list[_Atom], atom: _Atom) -> list[_Atom]:
    """The open elements once ``atom`` is read (a stray closing tag changes nothing)."""
    if atom.kind == OPEN:
        return [*stack, atom]
    if atom.kind == CLOSE:
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth].name == atom.name:
                return stack[:depth]
    return stack


def split_text(text: str, limit: int, *, html: bool = False) -> list[str]:
    """Pieces of at most ``limit`` UTF-16 units (see the module's docstring); none blank."""
    if utf16_len(text) <= limit and text.strip():
        return [text]
    atoms = _atoms(text, html)
    pieces: list[str] = []
    start: list[_Atom] = []  # the elements open where this piece begins
    i, count = 0, len(atoms)
    while i < count:
        stack, units = start, sum(tag.units for tag in start)
        closing = utf16_len(_closing(stack))
        line_cut: tuple[int, list[_Atom]] | None = None
        space_cut: tuple[int, list[_Atom]] | None = None
        j = i
        while j < count:
            atom = atoms[j]
            if atom.kind == NEWLINE:
                line_cut = (j, stack)
            elif atom.kind == SPACE and units * 2 > limit:
                space_cut = (j, stack)
            after = _after(stack, atom)
            after_closing = closing if after is stack else utf16_len(_closing(after))
            if units + atom.units + after_closing > limit:
                break
            units += atom.units
            stack, closing = after, after_closing
            j += 1
        if j == count:
            cut, skip, end_stack = count, 0, stack
        elif line_cut is not None and line_cut[0] > i:
            cut, skip, end_stack = line_cut[0], 1, line_cut[1]
        elif space_cut is not None and space_cut[0] > i:
            cut, skip, end_stack = space_cut[0], 1, space_cut[1]
        elif j > i:
            cut, skip, end_stack = j, 0, stack
        else:  # one atom longer than a piece (hundreds of combining marks): cut it, whole code points
            cut, skip, end_stack = i + 1, 0, _after(start, atoms[i])
            if atoms[i].kind in (TEXT, SPACE) and atoms[i].units > limit:
                head, rest = _cut_code_points(atoms[i].text, max(1, limit - utf16_len(_closing(start))))
                atoms[i] = _Atom(rest, TEXT)
                atoms.insert(i, _Atom(head, TEXT))
                count += 1
        body = atoms[i:cut]
        if any(atom.kind in (TEXT, ENTITY) and atom.text.strip() for atom in body):
            opening = "".join(tag.text for tag in start)
            inner = "".join(atom.text for atom in body).strip("\n")
            pieces.append(opening + inner + _closing(end_stack))
        i, start = cut + skip, end_stack
        while skip and i < count and atoms[i].kind == SPACE:  # a cut at a space: the next piece starts at a word
            i += 1
    return pieces


def _cut_code_points(text: str, limit: int) -> tuple[str, str]:
    """The longest head of ``text`` within ``limit`` units that ends on a whole code point, and the rest."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[: max(1, index)], text[max(1, index) :]
    return text, ""
