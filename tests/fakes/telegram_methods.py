"""The Bot API methods of the fake server, with the real answers' JSON shapes and the real errors for
the mistakes a bot can make (bad HTML, a text over 4,096 characters, callback data over 64 bytes, an
unknown chat, editing a message into itself, answering a callback query twice)."""

from __future__ import annotations

import json
import re
import struct
import time
from collections.abc import Awaitable, Callable
from typing import Any

from tests.fakes.telegram_html import HtmlError, parse, utf16_len
from tests.fakes.telegram_world import ApiError, Sent, World

Upload = tuple[str, bytes]  # (file name, content)
Method = Callable[[World, dict[str, Any], dict[str, Upload]], Awaitable[Any]]
METHODS: dict[str, Method] = {}
CHAT_ACTIONS = {"typing", "upload_photo", "upload_document", "record_video", "find_location", "choose_sticker"}


def method(name: str) -> Callable[[Method], Method]:
    def register(fn: Method) -> Method:
        METHODS[name] = fn
        return fn

    return register


def _chat(world: World, params: dict[str, Any]) -> dict[str, Any]:
    if "chat_id" not in params:
        raise ApiError(400, "Bad Request: chat_id is empty")
    try:
        chat = world.chats[int(params["chat_id"])]
    except (KeyError, ValueError):
        raise ApiError(400, "Bad Request: chat not found") from None
    if chat["id"] in world.blocked:
        raise ApiError(403, "Forbidden: bot was blocked by the user")
    return chat


def _text(params: dict[str, Any], key: str = "text", limit: int = 4096) -> tuple[str, list[dict[str, Any]]]:
    raw = str(params.get(key, ""))
    if params.get("parse_mode") == "HTML":
        try:
            plain, entities = parse(raw)
        except HtmlError as exc:
            raise ApiError(400, f"Bad Request: {exc}") from None
    else:
        plain, entities = raw, []
    if key == "text" and not plain.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_len(plain) > limit:
        raise ApiError(
            400, "Bad Request: message is too long" if key == "text" else "Bad Request: message caption is too long"
        )
    return plain, entities


def _keyboard(params: dict[str, Any]) -> list[list[dict[str, Any]]]:
    markup = params.get("reply_markup")
    if not markup:
        return []
    if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    rows: list[list[dict[str, Any]]] = markup["inline_keyboard"]
    for row in rows:
        for button in row:
            data = button.get("callback_data")
            if not button.get("text") or (data is not None and not 1 <= len(str(data).encode()) <= 64):
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return rows


def _bot_message(world: World, chat: dict[str, Any], **content: Any) -> dict[str, Any]:
    message_id = next(world._message_ids)
    message = {"message_id": message_id, "from": world.bot, "chat": chat, "date": int(time.time()), **content}
    world.messages[(chat["id"], message_id)] = message
    return message


def _content(params: dict[str, Any], plain: str, entities: list[dict[str, Any]], key: str = "text") -> dict[str, Any]:
    content: dict[str, Any] = {key: plain}
    if entities:
        content["entities" if key == "text" else "caption_entities"] = entities
    if params.get("reply_markup"):
        content["reply_markup"] = params["reply_markup"]
    return content


@method("getMe")
async def get_me(world: World, params: dict[str, Any], files: dict[str, Upload]) -> Any:
    return world.bot


@method("getUpdates")
async def get_updates(world: World, params: dict[str, Any], files: dict[str, Upload]) -> Any:
    if world.webhook:
        raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook first")
    offset = int(params.get("offset") or 0)
    limit = int(params.get("limit") or 100)
    timeout = float(params.get("timeout") or 0)
    if offset > 0:
        world.updates = [u for u in world.updates if u["update_id"] >= offset]
    elif offset < 0:
        world.updates = world.updates[offset:]
    if not world.updates and timeout > 0:
        try:
            await world.wait_for(lambda: bool(world.updates) or bool(world.webhook), timeout)
        except TimeoutError:
            return []
    return world.updates[:limit]


@method("setWebhook")
async def set_webhook(world: World, params: dict[str, Any], files: dict[str, Upload]) -> Any:
    url = str(params.get("url", ""))
    if not url:
        world.webhook = None
        return True
    if not re.match(r"https?://", url):
        raise ApiError(400, "Bad Request: bad webhook: invalid URL")
    secret = params.get("secret_token")
    if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
        raise ApiError(400, "Bad Request: bad webhook: secret token contains unallowed characters")
    world.webhook = {"url": url, "secret_token": secret, "allowed_updates": params.get("allowed_updates")}
    if params.get("drop_pending_updates"):
        world.updates.clear()
    await world.notify()
    return True


@method("deleteWebhook")
async def delete_webhook(world: World, params: dict[str, Any], files: dict[str, Upload]) -> Any:
    world.webhook = None
    if params.get("drop_pending_updates"):
        world.updates.clear()
    return True


@method("getWebhookInfo")
async def get_webhook_info(world: World, params: dict[str, Any], files: dict[str, Upload]) -> Any:
    hook = world.webhook or {}
    info = {"url": hook.get("url", ""), "has_custom_certificate": False, "pending_update_count": len(world.updates)}
    if hook.get("allowed_updates"):
        info["allowed_updates"] = hook["allowed_updates"]
    return info


@method("sendMessage")
async def send_message(world: World, params: dict[str, Any], files: dict[str, Upload]) -> Any:
    chat = _chat(world, params)
    plain, entities = _text(params)
    buttons = _keyboard(params)
    message = _bot_message(world, chat, **_content(params, plain, entities))
    world.sent.append(Sent("message", chat["id"], message["message_id"], plain, str(params["text"]), buttons))
    await world.notify()
    return message


@method("editMessageText")
async def edit_message_text(world: World, params: dict[str, Any], files: dict[str, Upload]) -> Any:
    chat = _chat(world, params)
    message = world.messages.get((chat["id"], int(params.get("message_id") or 0)))
    if message is None or message["from"]["id"] != world.bot["id"]:
        raise ApiError(400, "Bad Request: message to edit not found")
    plain, entities = _text(params)
    buttons = _keyboard(params)
    if message.get("text") == plain and message.get("reply_markup") == params.get("reply_markup"):
        raise ApiError(400, "Bad Request: message is not modified: specified new message content and reply markup "
                       "are exactly the same as a current content and reply markup of the message")  # fmt: skip
    for key in ("entities", "reply_markup"):
        message.pop(key, None)
    message.update(_content(params, plain, entities), edit_date=int(time.time()))
    world.sent.append(Sent("edit", chat["id"], message["message_id"], plain, str(params["text"]), buttons))
    await world.notify()
    return message


@method("answerCallbackQuery")
async def answer_callback_query(world: World, params: dict[str, Any], files: dict[str, Upload]) -> Any:
    query_id = str(params.get("callback_query_id", ""))
    if world.callbacks.get(query_id, True):
        raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
    world.callbacks[query_id] = True
    return True


async def _send_file(world: World, params: dict[str, Any], files: dict[str, Upload], field: str) -> Any:
    chat = _chat(world, params)
    value = params.get(field)
    if isinstance(value, str) and value.startswith("attach://"):
        upload = files.get(value.removeprefix("attach://"))
    else:
        upload = files.get(field)
    if upload is None:
        if isinstance(value, str) and value in world.files:
            upload = (world.files[value].name, world.files[value].content)
        else:
            raise ApiError(400, f"Bad Request: there is no {field} in the request")
    name, content = upload
    caption, entities = _text(params, "caption", 1024) if params.get("caption") else ("", [])
    buttons = _keyboard(params)
    stored = world.store(content, field + "s", name=name)
    if field == "photo":
        if not content.startswith(b"\x89PNG\r\n\x1a\n") and not content.startswith(b"\xff\xd8"):
            raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
        width, height = struct.unpack(">II", content[16:24]) if content.startswith(b"\x89PNG") else (0, 0)
        size = {"file_id": stored.file_id, "file_unique_id": stored.unique_id, "width": width, "height": height}
        media: Any = [{**size, "file_size": len(content)}]
    else:
        media = {
            "file_name": name,
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": len(content),
        }
    content_fields = _content(params, caption, entities, "caption") if caption else {}
    if not caption and params.get("reply_markup"):
        content_fields["reply_markup"] = params["reply_markup"]
    message = _bot_message(world, chat, **{field: media}, **content_fields)
    world.sent.append(
        Sent(field, chat["id"], message["message_id"], caption, str(params.get("caption", "")), buttons, content,
             filename=name)
    )  # fmt: skip
    await world.notify()
    return message


@method("sendPhoto")
async def send_photo(world: World, params: dict[str, Any], files: dict[str, Upload]) -> Any:
    return await _send_file(world, params, files, "photo")


@method("sendDocument")
async def send_document(world: World, params: dict[str, Any], files: dict[str, Upload]) -> Any:
    return await _send_file(world, params, files, "document")


@method("sendChatAction")
async def send_chat_action(world: World, params: dict[str, Any], files: dict[str, Upload]) -> Any:
    chat = _chat(world, params)
    action = str(params.get("action", ""))
    if action not in CHAT_ACTIONS:
        raise ApiError(400, "Bad Request: wrong parameter action in request")
    world.sent.append(Sent("action", chat["id"], action=action))
    await world.notify()
    return True


@method("getFile")
async def get_file(world: World, params: dict[str, Any], files: dict[str, Upload]) -> Any:
    stored = world.files.get(str(params.get("file_id", "")))
    if stored is None:
        raise ApiError(400, "Bad Request: invalid file_id")
    if len(stored.content) > 20 * 1024 * 1024:
        raise ApiError(400, "Bad Request: file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.unique_id,
        "file_size": len(stored.content),
        "file_path": stored.path,
    }


def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")


@method("setMyCommands")
async def set_my_commands(world: World, params: dict[str, Any], files: dict[str, Upload]) -> Any:
    commands = params.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise ApiError(400, "Bad Request: can't parse commands JSON object")
    for entry in commands:
        if not re.fullmatch(r"[a-z0-9_]{1,32}", str(entry.get("command", ""))):
            raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        if not 1 <= len(str(entry.get("description", "")).strip()) <= 256:
            raise ApiError(400, "Bad Request: command description is empty or too long")
    world.commands[_commands_key(params)] = commands
    await world.notify()
    return True


@method("getMyCommands")
async def get_my_commands(world: World, params: dict[str, Any], files: dict[str, Upload]) -> Any:
    return world.commands.get(_commands_key(params), [])


@method("deleteMyCommands")
async def delete_my_commands(world: World, params: dict[str, Any], files: dict[str, Upload]) -> Any:
    world.commands.pop(_commands_key(params), None)
    return True
