"""The console channel: the bot in a terminal (``cchc-bot chat``, and ``cchc-bot run`` without a token).

- ``channel``: a typed line -> ``Incoming`` -> the inbox -> the replies printed as text.
"""

from bot.console.channel import ACCOUNT_LENGTH, CHANNEL, QUIT, accounts, chat, render

__all__ = ["ACCOUNT_LENGTH", "CHANNEL", "QUIT", "accounts", "chat", "render"]
