"""The demo officials, one per role, each with a console chat account named by its key (officials.csv).
Each holds an office of a unit valid on the day the demo is loaded: the demo loads only into today's
province (from 01/07/2025), never with a clock set before the reform."""

from __future__ import annotations

from models.demo._context import DemoContext
from models.demo._files import read_rows
from models.enums import Role
from models.units import ChatAccount, Official, Unit

CONSOLE = "console"

# Key -> who it is, for the CLI's help text ("cchc-bot chat --as KEY").
DEMO_ACCOUNTS: dict[str, str] = {row["key"]: row["description"] for row in read_rows("officials.csv")}


def _office(demo: DemoContext, row: dict[str, str]) -> Unit:
    unit = demo.unit(row["unit"])
    if not unit.valid_on(demo.today):
        raise ValueError(
            f"officials.csv: {row['key']} works at {unit.name}, which does not exist on {demo.today:%d/%m/%Y}"
            " (the demo is the province as it is since 01/07/2025)"
        )
    return unit


async def load_officials(demo: DemoContext) -> None:
    now = demo.clock.now()
    rows = read_rows("officials.csv")
    for row in rows:
        person = Official(
            full_name=row["full_name"],
            title=row["title"],
            role=Role(row["role"]),
            unit_id=_office(demo, row).id,
            language="vi",
            active=True,
            created_at=now,
        )
        demo.session.add(person)
        demo.officials[row["key"]] = person
    await demo.session.flush()
    demo.session.add_all(
        ChatAccount(
            official_id=demo.officials[row["key"]].id,
            channel=CONSOLE,
            external_id=row["key"],
            chat_id=row["key"],
            display_name=row["full_name"],
            created_at=now,
        )
        for row in rows
    )
    await demo.session.flush()
