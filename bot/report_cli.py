"""``cchc-bot report --unit LS --period 2026-Q4 --out bao_cao.docx [--xlsx phu_luc.xlsx] [--lang vi]``: the
periodic CCHC report of a unit drafted as files (bot/report_docx.py). What it wrote, or why not, is one
line from ``templates/cli/report_*.j2``; a period with no plan still writes a report that says "chưa có
số liệu" where the data is missing, and says so."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Config


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``report`` command."""
    report = sub.add_parser("report", help="draft the periodic CCHC report of a unit (.docx, and its .xlsx appendix)")
    report.add_argument("--unit", required=True, help='the unit by its code or name, e.g. "LS", "LS.SNV"')
    report.add_argument(
        "--period",
        required=True,
        help="2026-Q1, 2026-H1 (or 2026-Q2: six months), 2026-Q3, 2026 (or 2026-Q4: the year)",
    )
    report.add_argument("--out", required=True, type=Path, help="the report's .docx file")
    report.add_argument("--xlsx", type=Path, help="the appendix's .xlsx file (default: beside --out)")
    report.add_argument("--lang", choices=("vi", "en"), help="the report's language (default: the configured one)")


async def run_report(config: Config, args: argparse.Namespace) -> int:
    from bot.app import build
    from bot.cli import CliError
    from bot.problems import Problem
    from bot.report_docx import draft_report
    from models.db import upgrade
    from models.queries.report import report_period
    from models.queries.tasks import plan_for
    from models.queries.units import find_unit

    lang = args.lang or config.bot.default_language
    period = report_period(args.period)
    if period is None:
        raise CliError("report_refused", kind="bad_period", period=args.period)
    xlsx: Path = args.xlsx or args.out.with_name(args.out.stem + "_phu_luc.xlsx")
    await upgrade(config.database.url, lock_timeout=config.database.lock_timeout_seconds)
    app = build(config)
    try:
        async with app.sessions() as session:
            unit = await find_unit(session, args.unit)
            if unit is None:
                raise CliError("report_refused", kind="unknown_unit", unit=args.unit)
            planned = await plan_for(session, unit, period.year) is not None
            document, appendix = await draft_report(session, unit, period, lang=lang, renderer=app.renderer)
    finally:
        await app.close()
    args.out.write_bytes(document)
    xlsx.write_bytes(appendix)
    done = Problem("report_written", docx=str(args.out), xlsx=str(xlsx), year=str(period.year), planned=planned)
    print(done.line(lang))
    return 0
