"""Long lists in pages: the one rule for which page a user gets and the buttons that turn pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from handlers.base import Button

T = TypeVar("T")


def page_of(items: Sequence[T], page: int, size: int) -> tuple[int, int, list[T]]:
    """The page (clamped to 1..last: a forged or stale button never shows an empty page), the number of
    pages, and the items on it."""
    pages = max(1, -(-len(items) // max(1, size)))
    page = min(max(1, page), pages)
    return page, pages, list(items[(page - 1) * size : page * size])


def page_buttons(page: int, pages: int, line: Callable[[int], str]) -> list[list[Button]]:
    """◀/▶ buttons whose data is ``line(page)``, the command line that shows that page."""
    row = [Button("common.prev_page", line(page - 1))] if page > 1 else []
    row += [Button("common.next_page", line(page + 1))] if page < pages else []
    return [row] if row else []
