"""The read-only web dashboard (issue 19, docs/DASHBOARD.md): pages served by the bot's own HTTP server
(``bot/webhooks.py``, a GET route beside the webhooks), signed in from Telegram's Mini App or a
single-use link, scoped by the same rule as the chat (``handlers/access.py``).

- ``initdata``: Telegram's signed Mini App data, checked as Telegram specifies;
- ``http``: the route: sign-in, session cookie, security headers, static files;
- ``pages``: what each page shows, asked of the same queries as the chat commands.
"""
