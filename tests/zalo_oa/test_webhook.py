"""The OA's webhook end to end: a signed event is answered as an OA message, an unsigned or wrongly signed
one is refused with 403 before anything is done (one log line, no secret in it), follow and unfollow open
and close the window, and the first reply renews the token from the configured refresh token once."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import select

from bot.app import App
from bot.zalo_oa import OaRunning
from models import ChatAccount, Official
from models.zalo_oa import OaToken, OaUser
from tests.fakes.zalo_oa_server import APP_SECRET, FIRST_REFRESH, OA_SECRET_KEY, FakeOa
from tests.zalo_oa.conftest import CHAIR, hook


async def settle(bot: OaRunning) -> None:
    await asyncio.sleep(0)
    await bot.channel.wait_background()


async def test_a_signed_message_is_answered_on_the_oa_with_its_buttons(bot: OaRunning, oa: FakeOa, app: App) -> None:
    assert await oa.post_event(hook(bot), oa.text_event(CHAIR, "/help")) == 200
    sent = await oa.next_sent(CHAIR)
    assert "/nhiemvu" in sent.text and len(sent.text) <= 2000
    assert oa.renewals == 1  # the configured refresh token, spent once; the new pair is in the database
    async with app.sessions() as session:
        token = (await session.scalars(select(OaToken))).one()
        user = await session.get(OaUser, CHAIR)
    assert token.refresh_token != FIRST_REFRESH and token.access_token in oa.access_tokens
    assert user is not None and user.followed and user.last_interaction_at == app.clock.now()


async def test_a_reply_with_few_options_comes_with_oa_buttons(bot: OaRunning, oa: FakeOa, app: App) -> None:
    async with app.sessions() as session, session.begin():
        account = (await session.scalars(select(ChatAccount).where(ChatAccount.external_id == CHAIR))).one()
        session.add(ChatAccount(official_id=account.official_id, channel="zalo", external_id="zb", chat_id="zb",
                                created_at=account.created_at))  # fmt: skip
    await oa.post_event(hook(bot), oa.text_event(CHAIR, "/kenh"))
    sent = await oa.next_sent(CHAIR)
    assert [b["payload"] for b in sent.buttons] == ["/kenh zalo", "/kenh zalo_oa", "/kenh tudong"]
    assert [b["title"] for b in sent.buttons][1] == "Nhận tin qua Zalo OA" and "\n1. " not in sent.text
    await oa.post_event(hook(bot), oa.text_event(CHAIR, sent.buttons[1]["payload"]))  # pressing sends it back
    assert "Zalo OA" in (await oa.next_sent(CHAIR)).text
    async with app.sessions() as session:
        assert (await session.get(Official, account.official_id)).push_channel == "zalo_oa"  # type: ignore[union-attr]


@pytest.mark.parametrize("signature", ["", "mac=" + "0" * 64, "wrong"])
async def test_an_event_without_the_right_signature_is_refused(
    bot: OaRunning, oa: FakeOa, signature: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    assert await oa.post_event(hook(bot), oa.text_event(CHAIR, "/help"), signature=signature) == 403
    await settle(bot)
    assert oa.to(CHAIR) == [] and oa.renewals == 0
    refused = [r.getMessage() for r in caplog.records if r.name == "bot.webhooks"]
    assert len(refused) == 1
    assert all(secret not in caplog.text for secret in (OA_SECRET_KEY, APP_SECRET, FIRST_REFRESH))


async def test_an_event_signed_with_another_key_is_refused(bot: OaRunning, oa: FakeOa) -> None:
    event = oa.text_event(CHAIR, "/help")
    import json

    body = json.dumps(event, ensure_ascii=False).encode()
    forged = oa.sign(body, event["timestamp"], secret="not-the-oa-key")
    assert await oa.post_event(hook(bot), event, signature=forged) == 403


async def test_follow_opens_the_window_and_unfollow_closes_it(bot: OaRunning, oa: FakeOa, app: App) -> None:
    assert await oa.post_event(hook(bot), oa.follow_event(CHAIR)) == 200
    await settle(bot)
    async with app.sessions() as session:
        assert (await session.get(OaUser, CHAIR)).last_interaction_at == app.clock.now()  # type: ignore[union-attr]
    assert await oa.post_event(hook(bot), oa.follow_event(CHAIR, "unfollow")) == 200
    await settle(bot)
    async with app.sessions() as session:
        user = await session.get(OaUser, CHAIR)
    assert user is not None and not user.followed and user.last_interaction_at is None


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"not json", 400),
        (b"[1, 2]", 400),
        (b'{"event_name": 5, "timestamp": "1"}', 400),
        (b"[" * 100 + b"]" * 100, 400),
        (b'{"event_name": "user_send_text"}', 403),  # no timestamp: nothing to check the signature with
        (b'{"pad": "' + b"x" * 70_000 + b'", "timestamp": "1"}', 413),
    ],
)
async def test_a_malformed_signed_body_is_refused_without_a_traceback(
    bot: OaRunning, oa: FakeOa, body: bytes, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    import httpx

    signature = oa.sign(body, "1")
    async with httpx.AsyncClient() as client:
        response = await client.post(hook(bot), content=body, headers={"X-ZEvent-Signature": signature})
    assert response.status_code == status
    assert "Traceback" not in caplog.text and oa.sent == []


async def test_a_photo_is_answered_that_the_oa_reads_text_only(bot: OaRunning, oa: FakeOa) -> None:
    event = oa.text_event(CHAIR, "")
    event["event_name"] = "user_send_image"
    event["message"] = {"msg_id": "m1", "attachments": [{"type": "image", "payload": {"url": "https://x/y.jpg"}}]}
    assert await oa.post_event(hook(bot), event) == 200
    assert "chỉ đọc được tin nhắn chữ" in (await oa.next_sent(CHAIR)).text


async def test_the_channel_choice_names_the_oa(bot: OaRunning, oa: FakeOa) -> None:
    await oa.post_event(hook(bot), oa.text_event(CHAIR, "/kenh"))
    assert "(Zalo OA)" in (await oa.next_sent(CHAIR)).text
