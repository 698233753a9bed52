"""The Telegram channel on python-telegram-bot: polling or webhook, inline buttons, charts, files.

- ``runner``: building, starting and stopping the Application (``running``); its update processor
  hands updates to the inbox's chat order (``bot/inbox.py``).
- ``channel``: one update in (through the inbox), the replies out.
- ``updates``: Telegram update -> ``Incoming``; the shape of a webhook body.
- ``send``: ``Reply`` -> sendMessage / editMessageText / sendPhoto (split, keyboard, typing).
- ``buttons``: inline keyboards; callback data over 64 bytes kept in the database.
- ``commands``: the command menus (setMyCommands) per language and role.
- ``errors``: the one error handler and admin alerts.
- ``limits``: flood-limit pacing and retries (429 ``retry_after``, network errors, 5xx).
- ``accounts``: which chats belong to admins and leaders (alerts, menus).
"""

from bot.problems import StartError  # the one start failure, every channel's
from bot.telegram.limits import Limits
from bot.telegram.runner import bot_username, build, running

__all__ = ["Limits", "StartError", "bot_username", "build", "running"]
