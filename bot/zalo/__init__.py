"""The Zalo channel on the Zalo Bot API (httpx; see docs/ZALO.md and ZALO_BOT_API.md).

- ``client``: the HTTP calls, the ``{ok, result}`` envelope, error codes sorted into retry / give up / fatal.
- ``updates``: Zalo update -> ``Incoming`` and its dedup key; groups and mentions.
- ``channel``: one update in (through the inbox, ``bot/inbox.py``; buttons as numbered options), the
  replies out.
- ``send``: ``Reply`` -> sendMessage pieces of ≤ 2,000 UTF-16 units, charts by public URL, typing.
- ``receive``: long polling and the webhook route.
- ``runner``: ``running(app)`` and ``run_zalo(app, stop)``.
- ``push``: the dispatcher's Zalo sender and the monthly message budget.
"""

from bot.problems import StartError  # the one start failure, every channel's
from bot.zalo.runner import run_zalo, running, running_bots

__all__ = ["StartError", "run_zalo", "running", "running_bots"]
