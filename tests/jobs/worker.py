"""A separate process for the crash, two-process and lease tests (and the broadcast benchmark):

python -m tests.jobs.worker dispatch DB_URL BASE_URL TEMPLATES [--claim-seconds S] [--rate N] [--go FILE]
        [--in-flight N] [--clock-ahead SECONDS]
    drains the outbox to the (fake) Bot API until no row is pending or being sent, then prints
    "sent N" (messages this process sent) and exits;
python -m tests.jobs.worker lease DB_URL OUT --seconds S
    runs the runtime with the scheduler lease and a stand-in scheduler that appends "start NAME" /
    "stop NAME" lines to OUT, until killed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from jobs.lease import SchedulerLease
from jobs.runtime import Runtime
from models import Clock, OutboxMessage
from models.db import create_engine, session_factory

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijk"  # tests.fakes.telegram_server.TOKEN


async def dispatch(args: argparse.Namespace) -> None:
    from telegram.ext import ExtBot

    from bot.push_path import PushSender
    from bot.render import Renderer
    from bot.telegram import Limits
    from bot.telegram.limits import PacingLimiter
    from jobs.dispatcher import Dispatcher
    from jobs.sender import Outcome, Outgoing
    from models.settings import DispatchConfig, Rates

    class Counting(PushSender):
        sent = 0

        async def send(self, out: Outgoing) -> Outcome:
            outcome = await super().send(out)
            if outcome.result == "sent":
                Counting.sent += 1
            return outcome

    engine = create_engine(args.db)
    sessions = session_factory(engine)
    limits = Limits(overall_per_second=args.rate, overall_burst=args.rate, chat_per_second=100, chat_burst=100)
    rates = Rates(per_second=args.rate, chat_per_minute=6000, group_per_minute=6000)
    dispatch = DispatchConfig.model_construct(  # not validated: sub-second waits keep the test short
        claim_seconds=args.claim_seconds, poll_seconds=0.1, batch_size=20, backoff_seconds=0.5, in_flight=args.in_flight
    )
    async with ExtBot(TOKEN, base_url=args.base_url, rate_limiter=PacingLimiter(limits)) as bot:
        sender = Counting(Renderer(Path(args.templates)), telegram=bot)
        clock = Ahead(seconds=args.clock_ahead) if args.clock_ahead else Clock()
        dispatcher = Dispatcher(sessions, sender, clock=clock, dispatch=dispatch, rates={"telegram": rates})
        print("ready", flush=True)
        while args.go and not Path(args.go).exists():  # start together with the other process
            await asyncio.sleep(0.02)
        while True:
            await dispatcher.drain_all()
            async with sessions() as session:
                left = await session.scalar(
                    select(func.count()).where(OutboxMessage.status.in_(["pending", "sending"]))
                )
            if not left:
                break
            await asyncio.sleep(0.1)  # rows claimed by a killed process: sent once their claim expires
    await engine.dispose()
    print(f"sent {Counting.sent}", flush=True)


@dataclass
class Ahead(Clock):
    """The OS clock, ``seconds`` ahead: a machine whose clock is wrong."""

    seconds: float = 0.0

    def now(self) -> datetime:
        return super().now() + timedelta(seconds=self.seconds)


class Marker:
    """A stand-in scheduler that says when it runs."""

    def __init__(self, out: Path, name: str) -> None:
        self.out, self.name = out, name

    def _say(self, what: str) -> None:
        with self.out.open("a", encoding="utf-8") as f:
            f.write(f"{what} {self.name}\n")

    def start(self) -> None:
        self._say("start")

    def shutdown(self) -> None:
        self._say("stop")


async def lease(args: argparse.Namespace) -> None:
    engine = create_engine(args.db)
    sessions = session_factory(engine)
    name = f"p{os.getpid()}"
    holder = SchedulerLease(sessions, name, seconds=args.seconds, clock=Clock())
    async with Runtime(lease=holder, scheduler=lambda: Marker(Path(args.out), name)):
        print("ready", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="mode", required=True)
    d = sub.add_parser("dispatch")
    d.add_argument("db")
    d.add_argument("base_url")
    d.add_argument("templates")
    d.add_argument("--claim-seconds", type=float, default=30.0)
    d.add_argument("--rate", type=int, default=5000)
    d.add_argument("--go", default="", help="wait for this file to exist before draining")
    d.add_argument("--in-flight", type=int, default=1)
    d.add_argument("--clock-ahead", type=float, default=0.0, help="this process's clock is so many seconds ahead")
    lp = sub.add_parser("lease")
    lp.add_argument("db")
    lp.add_argument("out")
    lp.add_argument("--seconds", type=float, default=2.0)
    args = p.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    asyncio.run(dispatch(args) if args.mode == "dispatch" else lease(args))


if __name__ == "__main__":
    sys.exit(main())
