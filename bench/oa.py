"""``python -m bench.oa``: pushes to ``--officials`` (2,000) officials on the province's Zalo OA, mixing the
three routes, through the real outbox, dispatcher, routing and OA/ZNS sender against the fake OA + ZNS
server over real HTTP (``tests/fakes/zalo_oa_server``).

The officials are split in three: window open (an OA message), window closed with a phone (the urgent
push by ZNS; the non-urgent one waits), window closed without a phone but on the Zalo bot too (both by the
other channel, an in-process recorder here). Each official gets one urgent push (a deadline) and one
non-urgent one. After the first drain the waiting officials "write" (their interaction is recorded and
their waiting pushes released, as the OA channel does) and a second drain sends them merged.

Printed: the time of each drain, the achieved rate of each paced channel against ``--per-second``, the
messages per route, ZNS messages and VND spent, and lost (a push neither sent nor waiting) and doubled (a
chat that got more messages than it should) — both must be 0.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from bot import config as configuration
from bot.app import App, build, prepare
from bot.push_path import dispatcher
from bot.zalo.push_sender import Senders
from bot.zalo_oa import running
from jobs.oa_routing import interacted, release_waiting
from jobs.outbox import Push, enqueue
from models import ChatAccount, FrozenClock, Official, OutboxMessage, Unit
from models.clock import DEFAULT_TZ
from models.enums import Role
from models.settings_oa import ZnsConfig, ZnsTemplate
from models.zalo_oa import ZnsSpend
from tests.fakes.other_channel import DEADLINE_CTX, INFO_CTX, OtherChannel
from tests.fakes.zalo_oa_server import APP_ID, APP_SECRET, FIRST_REFRESH, OA_ID, OA_SECRET_KEY, FakeOa

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=DEFAULT_TZ)


def oa_user(n: int) -> str:
    return f"{n:018d}"


async def populate(app: App, officials: int) -> list[tuple[int, str, str]]:
    """``officials`` new officials with OA accounts; (id, OA user id, route) of each."""
    made: list[tuple[int, str, str]] = []
    now = app.clock.now()
    async with app.sessions() as session, session.begin():
        unit = (await session.scalars(select(Unit).where(Unit.parent_id.is_not(None)).limit(1))).one()
        routes = ("open", "zns", "other")
        phones = [f"849{n:08d}" if routes[n % 3] == "zns" else None for n in range(officials)]
        people = [
            Official(full_name=f"Cán bộ {n}", role=Role.OFFICER, unit_id=unit.id, created_at=now, phone=phones[n])
            for n in range(officials)
        ]
        session.add_all(people)
        await session.flush()
        for n, person in enumerate(people):
            route, user = routes[n % 3], oa_user(n)
            account = {"official_id": person.id, "created_at": now}
            session.add(ChatAccount(channel="zalo_oa", external_id=user, chat_id=user, last_seen_at=now, **account))
            if route == "other":
                session.add(ChatAccount(official_id=person.id, channel="zalo", external_id=f"z{n}", chat_id=f"z{n}",
                                        created_at=now, last_seen_at=now - timedelta(days=1)))  # fmt: skip
            if route == "open":
                await interacted(session, user, now)
            made.append((person.id, user, route))
        deadlines = (Push("deadline", f"bench:d:{p}", p, DEADLINE_CTX, now, urgent=True) for p, _, _ in made)
        await enqueue(session, deadlines)
        await enqueue(session, (Push("zalo_budget_low", f"bench:i:{p}", p, INFO_CTX, now) for p, _, _ in made))
    return made


async def run(officials: int, per_second: int) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as folder:
        async with FakeOa() as oa:
            oa.template("250001", "task_no", "due_date")
            config = configuration.load(None, environ={})
            config = configuration.replace(config, "database", url=f"sqlite+aiosqlite:///{folder}/oa.db")
            template = ZnsTemplate(template_id="250001", params={"task_no": "task.number", "due_date": "task.due"})
            zns = ZnsConfig(base_url=oa.base_url, monthly_cap_vnd=10_000_000, templates={"deadline": template})
            config = configuration.replace(
                config, "zalo_oa", app_id=APP_ID, oa_id=OA_ID, app_secret=APP_SECRET, oa_secret_key=OA_SECRET_KEY,
                refresh_token=FIRST_REFRESH, api_url=oa.base_url, oauth_url=oa.base_url, webhook_port=0, zns=zns,
                per_second=per_second, chat_per_minute=60,
            )  # fmt: skip
            config = configuration.replace(config, "dispatch", batch_size=1000)
            config = configuration.replace(config, "zalo", per_second=per_second)  # the other channel, same pace
            app = build(config, FrozenClock(at=NOW))
            await prepare(app, load_demo=True)
            made = await populate(app, officials)
            for _, user, route in made:
                if route == "open":
                    oa.follow(user)  # an OA message reaches only a follower
            other = OtherChannel()
            async with running(app) as bot:
                drains = []
                for step in ("first", "after the waiting officials write"):
                    if step != "first":
                        async with app.sessions() as session, session.begin():
                            for _, user, route in made:
                                if route == "zns":
                                    oa.follow(user)
                                    await interacted(session, user, app.clock.now())
                                    await release_waiting(session, user, app.clock.now())
                    started = time.perf_counter()
                    done = await dispatcher(app, Senders(bot.sender, other)).drain_all()
                    drains.append((step, time.perf_counter() - started, done))
                async with app.sessions() as session:
                    status = Counter((await session.execute(select(OutboxMessage.status).where(
                        OutboxMessage.dedupe_key.like("bench:%")))).scalars())  # fmt: skip
                    spend = (await session.scalars(select(ZnsSpend))).one()
            await app.close()
        per_chat = Counter(s.user_id for s in oa.sent)
        expected = {"open": 1, "zns": 1, "other": 1}  # one merged message per chat (ZNS goes to the phone)
        doubled = sum(1 for _, user, route in made if route != "other" and per_chat[user] > expected[route])
        doubled += sum(1 for count in Counter(o.chat_id for o in other.got).values() if count > 1)
        doubled += sum(1 for count in Counter(z.phone for z in oa.zns).values() if count > 1)
        lost = sum(n for s, n in status.items() if str(s) != "sent")
        print(f"python -m bench.oa --officials {officials} --per-second {per_second}  ({platform.node()}, "
              f"{platform.processor() or platform.machine()}, {time.strftime('%d/%m/%Y %H:%M')})")  # fmt: skip
        for step, seconds, done in drains:
            print(f"  drain {step}: {seconds:.2f} s, {done.messages} messages ({done.sent} pushes), "
                  f"{done.deferred} deferred")  # fmt: skip
        first = drains[0]
        rate = first[2].messages / first[1]
        print(f"  OA messages {len(oa.sent)}, ZNS {len(oa.zns)}, other channel {len(other.got)}")
        print(f"  ZNS spent: {spend.messages} messages, {spend.vnd:,} VND".replace(",", "."))
        print(
            f"  first drain {rate:.1f} messages/s, each channel paced at {per_second}/s: ratio {rate / per_second:.2f}"
        )
        print(f"  lost {lost}, doubled {doubled}")
        return {"lost": lost, "doubled": doubled, "oa": len(oa.sent), "zns": len(oa.zns), "other": len(other.got)}


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.oa", description=__doc__.splitlines()[0])
    p.add_argument("--officials", type=int, default=2000)
    p.add_argument("--per-second", type=int, default=100, help="[zalo_oa].per_second for the run (default 100)")
    args = p.parse_args()
    asyncio.run(run(args.officials, args.per_second))


if __name__ == "__main__":
    main()
