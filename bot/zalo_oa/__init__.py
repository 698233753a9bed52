"""The province's Zalo Official Account and ZNS (httpx; docs/ZALO_OA.md).

- ``client``: the OA v3 message, ZNS and OAuth token calls; errors sorted by what to do next.
- ``tokens``: the access token from the database, renewed before it expires by one process (a lease).
- ``events``: the signed webhook events (``X-ZEvent-Signature``) read into what the channel does.
- ``channel``: events in through the inbox, replies out (text, buttons where the OA allows).
- ``push_sender``: the dispatcher's sender for OA messages and ZNS (routing: ``jobs/oa_routing.py``).
- ``runner``: ``running(app, server=...)``.
"""

from bot.zalo_oa.runner import OaRunning, running

__all__ = ["OaRunning", "running"]
