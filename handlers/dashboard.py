"""/bangdieukhien: the way into the web dashboard (bot/dashboard/, docs/DASHBOARD.md).

On Telegram the answer carries a button that opens the dashboard as a Mini App (Telegram signs who
opens it); on Zalo and the console, a link that signs in once within ``[dashboard].link_minutes``. The
link's token is stored hashed (``models/dashboard.py``): only this answer ever holds it.
"""

from __future__ import annotations

from handlers.base import Button, Commands, Reply, Request, UserError
from models.dashboard import create_link

commands = Commands()


# listed=False: /help stays one Zalo message; /tomtat's line names it
@commands.command("bangdieukhien", aliases=("dashboard",), intents=("bang dieu khien",), listed=False)
async def dashboard(request: Request) -> Reply:
    """The dashboard's button (Telegram) or a single-use link (Zalo, console)."""
    assert request.official is not None
    config = request.settings.dashboard
    if not config.enabled:
        raise UserError("errors/dashboard_off")
    base = config.public_url.rstrip("/")
    if request.incoming.channel == "telegram":
        button = Button("dashboard.open", "/bangdieukhien", url=f"{base}/telegram", web_app=True)
        return Reply("dashboard/open", {"url": None, "minutes": config.link_minutes}, buttons=[[button]])
    token = await create_link(request.session, request.official.id, request.clock.now(), config.link_minutes)
    return Reply("dashboard/open", {"url": f"{base}/lienket/{token}", "minutes": config.link_minutes})
