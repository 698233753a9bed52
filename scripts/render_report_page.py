"""``python -m scripts.render_report_page`` (``make report-picture``): the first page of the demo's quarterly
report as a picture, ``docs/report_first_page.png``, shown in docs/REPORT_CCHC.md.

It loads the demo into a fresh SQLite database as on 10/03/2026 (its own day), drafts the province's
report of quý I/2026 with bot/report_docx.py, converts the .docx with LibreOffice (``soffice --headless
--convert-to pdf``) and the first page with poppler (``pdftoppm -png -r 80 -f 1 -l 1``). Those two are
not test dependencies: install them once with
``apt-get install -y --no-install-recommends libreoffice-writer-nogui poppler-utils``.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from bot.report_docx import draft_report
from models import DEFAULT_TZ, FrozenClock
from models.db import create_engine, session_factory, upgrade
from models.demo import load_demo
from models.queries.report import report_period
from models.queries.units import find_unit

DEMO_DAY = datetime(2026, 3, 10, 9, 0, tzinfo=DEFAULT_TZ)  # the demo's own day: quý I/2026 is the open period
OUT = Path(__file__).resolve().parent.parent / "docs" / "report_first_page.png"


async def demo_report(folder: Path, unit: str, period_key: str, lang: str) -> Path:
    """The demo's report of ``unit`` for ``period_key`` as a .docx in ``folder``."""
    url = f"sqlite+aiosqlite:///{folder / 'demo.db'}"
    await upgrade(url)
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            await load_demo(session, FrozenClock(at=DEMO_DAY))
            await session.commit()
            found = await find_unit(session, unit)
            period = report_period(period_key)
            assert found is not None and period is not None, (unit, period_key)
            document, _ = await draft_report(session, found, period, lang=lang)
    finally:
        await engine.dispose()
    path = folder / "bao_cao.docx"
    path.write_bytes(document)
    return path


def first_page_png(docx: Path, out: Path, dpi: int) -> None:
    """The first page of ``docx`` as ``out`` (LibreOffice to PDF, then pdftoppm)."""
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            sys.exit(
                f"{tool} not found: apt-get install -y --no-install-recommends libreoffice-writer-nogui poppler-utils"
            )
    folder = docx.parent
    profile = f"-env:UserInstallation=file://{folder / 'lo-profile'}"  # no profile left in the user's home
    subprocess.run(
        ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(docx)],
        check=True,
        capture_output=True,
    )
    stem = folder / "page"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(dpi),
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(docx.with_suffix(".pdf")),
            str(stem),
        ],
        check=True,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(stem.with_suffix(".png"), out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m scripts.render_report_page", description=__doc__.splitlines()[0])
    p.add_argument("--unit", default="LS", help="the unit's code or name (default: the demo's province)")
    p.add_argument("--period", default="2026-Q1", help="the report's period (default: the demo's quarter)")
    p.add_argument("--lang", default="vi", choices=("vi", "en"))
    p.add_argument("--dpi", type=int, default=80)
    p.add_argument("--out", type=Path, default=OUT)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        docx = asyncio.run(demo_report(Path(tmp), args.unit, args.period, args.lang))
        first_page_png(docx, args.out, args.dpi)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
