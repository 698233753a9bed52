"""Every command for every role in both languages reads as recorded in ``tests/golden/transcripts/``
(issue 15, point 7): the file a reviewer reads against ``docs/STYLE_VI.md``.

A difference is a mistake or a change of wording: when it is meant, record again with
``TRANSCRIPTS_RECORD=1 .venv/bin/pytest -q -p no:cacheprovider tests/style/test_transcripts.py``
(``make transcripts``; ``make golden`` does it too) and review ``git diff tests/golden/transcripts``.
"""

from __future__ import annotations

import asyncio
import difflib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from models.queries import accounts
from tests.style import transcripts as t

RECORDING = bool(os.environ.get("TRANSCRIPTS_RECORD"))
SHOWN_LINES = 80


@pytest.fixture(scope="module")
def demo(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[t.PushSeen]]]:
    """The demo loaded on NOW into a migrated SQLite file, and the pushes each demo official gets on it."""
    path = tmp_path_factory.mktemp("transcripts") / "demo.db"

    async def build() -> dict[str, list[t.PushSeen]]:
        await t.load_demo_file(path, sqlite_template)
        pushes_copy = path.with_name("pushes.db")
        pushes_copy.write_bytes(path.read_bytes())
        return await t.demo_pushes(pushes_copy)

    with ThreadPoolExecutor(1) as pool:  # a module fixture, built on its own loop
        pushes = pool.submit(asyncio.run, build()).result()
    return path, pushes


@pytest.mark.parametrize("lang", t.LANGUAGES)
@pytest.mark.parametrize("role", list(t.ROLES))
async def test_every_command_reads_as_recorded(
    demo: tuple[Path, dict[str, list[t.PushSeen]]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    role: str,
    lang: str,
) -> None:
    path, pushes = demo
    codes = iter(f"ABCDEFG{c}" for c in accounts.CODE_ALPHABET)  # invite codes the same at every run
    monkeypatch.setattr(accounts, "new_code", lambda length=accounts.CODE_LENGTH: next(codes))
    copy = tmp_path / "demo.db"
    copy.write_bytes(path.read_bytes())
    now = await t.transcript(copy, role, lang, pushes[role])
    recorded = t.transcript_path(role, lang)
    if RECORDING:
        recorded.parent.mkdir(parents=True, exist_ok=True)
        recorded.write_text(now, encoding="utf-8")
        return
    assert recorded.is_file(), f"no transcript {recorded}: record it with `make transcripts`"
    before = recorded.read_text(encoding="utf-8")
    if now != before:
        diff = list(difflib.unified_diff(before.split("\n"), now.split("\n"), "recorded", "now", lineterm=""))
        more = f"\n… {len(diff) - SHOWN_LINES} more diff lines" if len(diff) > SHOWN_LINES else ""
        pytest.fail(
            f"{recorded.name} reads differently now:\n" + "\n".join(diff[:SHOWN_LINES]) + more + "\n\n"
            "If the new wording is meant: `make transcripts`, then review `git diff tests/golden/transcripts`."
        )


def test_each_role_gets_pushes_and_every_kind_is_shown(demo: tuple[Path, dict[str, list[t.PushSeen]]]) -> None:
    """The transcripts show every push kind the jobs produce on the demo; each unit's head gets the
    overdue notice of the unit."""
    _, pushes = demo
    kinds = {p.kind for seen in pushes.values() for p in seen}
    assert kinds == set(t.KINDS), f"kinds no demo official gets: {sorted(set(t.KINDS) - kinds)}"
    assert "overdue" in {p.kind for p in pushes["chair"]}
    assert "digest_leader" in {p.kind for p in pushes["leader"]}
