"""The demo officials, one per role, each with a console chat account named by its key (officials.csv)."""

from __future__ import annotations

from models.demo._context import DemoContext
from models.demo._files import read_rows
from models.enums import Role
from models.units import ChatAccount, Official

CONSOLE = "console"

# Key -> who it is, for the CLI's help text ("cchc-bot chat --as KEY").
DEMO_ACCOUNTS: dict[str, str] = {row["key"]: row["description"] for row in read_rows("officials.csv")}


async def load_officials(demo: DemoContext) -> None:
    now = demo.clock.now()
    rows = read_rows("officials.csv")
    for row in rows:
        person = Official(
            full_name=row["full_name"],
            title=row["title"],
            role=Role(row["role"]),
            unit_id=demo.unit(row["unit"]).id,
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
