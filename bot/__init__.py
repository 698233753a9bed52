"""The bot process.

- Wiring: ``app`` (the database, the router, the renderer), ``config``, ``cli``, ``serve`` (every
  configured channel in one process, with the push runtime).
- Shared services: ``inbox`` (what every channel does between receiving and sending: duplicates, each
  chat's order, background work, the router's answer), ``render``, ``charts``, ``split``, ``webhooks``,
  ``push``, ``problems`` (one-line failures, ``StartError`` included).
- One package per channel, each only converting updates in and replies out: ``telegram``, ``zalo``,
  ``console``.
"""
