"""Every push template renders, in both languages and both formats, from the JSON context the jobs store."""

from __future__ import annotations

import json
import os
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import TEMPLATES, Renderer
from handlers.base import Reply
from jobs.due import due_pushes
from jobs.kinds import KINDS
from models import DEFAULT_TZ, Leave
from models.standard_indices import ensure_indices
from tests.jobs.conftest import NOW, SETTINGS, World
from tests.jobs.test_drives import make_drive
from tests.jobs.test_index_news import month_result

DAYS = [NOW, datetime(2024, 6, 23, 8, tzinfo=DEFAULT_TZ)] + [
    datetime(d.year, d.month, d.day, 9, tzinfo=DEFAULT_TZ)
    for d in (
        date(2024, 5, 1),
        date(2024, 5, 8),
        date(2024, 6, 10),
        date(2024, 6, 15),
        date(2024, 6, 17),  # the report's secretariat day
        date(2024, 6, 25),  # the report's escalation day
        date(2024, 7, 31),
    )
]


def test_every_kind_has_a_template() -> None:
    """Written once; its English is in the catalog (tests/bot/test_catalogs.py checks every sentence)."""
    for kind in KINDS:
        assert (TEMPLATES / "push" / f"{kind}.j2").is_file(), f"push/{kind}.j2"


async def test_every_push_renders_from_its_stored_context(session: AsyncSession, world: World) -> None:
    await make_drive(session)
    index = (await ensure_indices(session))["766"]  # May's 766 results: MS fell, YT is the lower of the two
    for unit, april, may in (("MS", "16", "14"), ("YT", "13", "13.5")):
        await month_result(session, index, world.units[unit], (2024, 4), [april] * 5)
        await month_result(session, index, world.units[unit], (2024, 5), [may] * 5)
    back = NOW.date() - timedelta(days=1)  # a leave that ended the day before: its catch-up is due at NOW
    session.add(
        Leave(
            official_id=world.people["msh"],
            starts_on=back - timedelta(days=3),
            ends_on=back,
            created_by_id=world.people["msh"],
            created_at=NOW,
        )
    )
    seen: dict[str, dict[str, object]] = {}
    for when in DAYS:
        for push in await due_pushes(session, when, SETTINGS):
            seen.setdefault(push.kind, json.loads(json.dumps(push.context)))  # exactly what the outbox keeps
    assert set(seen) == set(KINDS)
    renderer = Renderer()
    for kind, context in seen.items():
        for lang in ("vi", "en"):
            for fmt in ("text", "html"):
                text = renderer.render(lang, Reply(f"push/{kind}", context), fmt)
                assert text and "None" not in text, (kind, lang, fmt, text)
                if fmt == "text" and os.environ.get("SHOW_PUSHES"):
                    print(f"--- {lang}/{kind}\n{text}")
    deadline = renderer.render("vi", Reply("push/deadline", seen["deadline"]))
    assert "/capnhat" in deadline and "/2024" in deadline
    overdue = renderer.render("en", Reply("push/overdue", seen["overdue"]))
    assert "25/05/2024" in overdue and "7 days overdue" in overdue
