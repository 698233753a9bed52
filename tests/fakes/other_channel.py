"""An official's other channel (the Zalo bot, say), in process, for the Zalo OA routing tests and
``bench.oa``: a ``jobs.sender.Sender`` that records what it is given; and the contexts of the two pushes
those send, an urgent deadline reminder and a non-urgent notice."""

from __future__ import annotations

from jobs.sender import Outcome, Outgoing

DEADLINE_CTX = {"task": {"id": 1, "number": 5, "content": "Rà soát thủ tục hành chính", "due": "2026-12-05"},
                "role": "lead", "progress": 40, "days_left": 3}  # fmt: skip
INFO_CTX = {"month": "2026-12", "used": 1, "budget": 2, "percent": 50, "left": 1}


class OtherChannel:
    """The official's other channel, recording what it is given."""

    channels = frozenset({"zalo"})

    def __init__(self) -> None:
        self.got: list[Outgoing] = []

    async def send(self, out: Outgoing) -> Outcome:
        self.got.append(out)
        return Outcome.sent()
