"""Who am I to the bot: /start (register with an invite code), /help, /ngonngu, and /moi (admins invite)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import own_unit
from handlers.base import ADMINS, Button, Reply, Request, UserError, command, unique_commands
from models import Role, Unit
from models.queries.accounts import (
    ChatIdentity,
    InviteProblem,
    InviteRefused,
    code_wait,
    create_invite,
    record_wrong_code,
    redeem_invite,
)
from models.queries.scores import province_of
from models.queries.units import find_unit, unit_name
from models.text import fold

LANGUAGES = {"vi": "vi", "tiengviet": "vi", "vietnamese": "vi", "en": "en", "english": "en", "tienganh": "en"}
ROLE_WORDS = {
    "canbo": Role.OFFICER,
    "officer": Role.OFFICER,
    "thutruong": Role.UNIT_HEAD,
    "truongdonvi": Role.UNIT_HEAD,
    "unit_head": Role.UNIT_HEAD,
    "unithead": Role.UNIT_HEAD,
    "lanhdao": Role.LEADER,
    "leader": Role.LEADER,
    "quantri": Role.ADMIN,
    "admin": Role.ADMIN,
}
ROLE_NAMES = ("canbo", "thutruong", "lanhdao", "quantri")


@command("start", public=True)
async def start(request: Request) -> Reply | list[Reply]:
    """Unregistered: ``/start CODE`` redeems an invite and welcomes the new official; without a valid
    code, only the registration prompt. Registered: a greeting by name and unit, then the command list."""
    if request.official is not None:
        template = "account/already_registered" if request.args else "account/greeting"
        return [await _greeting(request, template), help_list(request)]
    if not request.args:
        return Reply("account/register_prompt")
    incoming = request.incoming
    who = ChatIdentity(
        incoming.channel,
        incoming.user_id,
        incoming.user_id if incoming.is_group else incoming.chat_id,
        incoming.display_name,
    )
    now = request.clock.now()
    wait = await code_wait(request.session, incoming.channel, incoming.user_id, now)
    if wait:
        minutes = -(-int(wait.total_seconds()) // 60)
        return Reply("account/register_prompt", {"reason": InviteProblem.TOO_MANY.value, "minutes": minutes})
    try:
        request.official = await redeem_invite(request.session, request.args[0], who, now)
    except InviteRefused as refused:
        record_wrong_code(request.session, incoming.channel, incoming.user_id, refused.problem, now)
        return Reply("account/register_prompt", {"reason": refused.problem.value})
    return [await _greeting(request, "account/welcome"), help_list(request)]


async def _greeting(request: Request, template: str) -> Reply:
    assert request.official is not None
    unit = await own_unit(request)
    return Reply(template, {"name": request.official.full_name, "unit": await unit_name(request.session, unit.id)})


@command("help", aliases=("trogiup", "huongdan"))
async def show_help(request: Request) -> Reply:
    """The commands this official's role may use, each with what it does and an example."""
    return help_list(request)


def help_list(request: Request) -> Reply:
    names = [c.name for c in unique_commands() if c.listed and request.role in c.roles]
    return Reply("help/list", {"commands": names})


@command("ngonngu", aliases=("language", "lang"))
async def choose_language(request: Request) -> Reply:
    """``/ngonngu en`` answers in English from now on; without a known language, buttons to choose."""
    official = request.official
    assert official is not None
    chosen = LANGUAGES.get(fold("".join(request.args)))
    if chosen is None:
        return Reply(
            "account/language_choice",
            {"current": official.language},
            buttons=[[Button("account.lang_vi", "/ngonngu vi"), Button("account.lang_en", "/ngonngu en")]],
        )
    official.language = chosen
    return Reply("account/language_set", {"language": chosen})


@command("moi", roles=ADMINS, aliases=("invite",))
async def invite(request: Request) -> Reply:
    """``/moi <unit code or name> <role> [full name]``: a single-use invite code, its expiry and deep link."""
    split = _role_position(request.args)
    if split is None:
        raise UserError("errors/bad_role", roles=ROLE_NAMES)
    at, width, role = split
    assert request.official is not None
    province = await province_of(request.session, await own_unit(request))
    return await invite_reply(
        request.session,
        " ".join(request.args[:at]),
        role,
        " ".join(request.args[at + width :]),
        actor_id=request.official.id,
        now=request.clock.now(),
        ttl=timedelta(hours=request.settings.invite_ttl_hours),
        bot_username=request.settings.bot_username,
        within=province,
    )


def parse_role(text: str) -> Role | None:
    """A role from what an admin types: "canbo", "cán bộ", "officer", "lanhdao", ..."""
    return ROLE_WORDS.get("".join(fold(text).split()))


async def invite_reply(
    session: AsyncSession,
    unit_text: str,
    role: Role,
    full_name: str,
    *,
    actor_id: int | None,
    now: datetime,
    ttl: timedelta,
    bot_username: str,
    within: Unit | None = None,
) -> Reply:
    """Create an invite for the unit named ``unit_text`` and describe it (used by /moi and the CLI).
    ``within``: only that unit's tree (an admin invites into their own province, never another)."""
    unit = await find_unit(session, unit_text, within)
    if unit is None:
        raise UserError("errors/unknown_unit", text=unit_text)
    province_id = within.id if within is not None else None
    created = await create_invite(session, unit, role, full_name, actor_id, now, ttl, province_id)
    bot = bot_username.lstrip("@")
    return Reply(
        "account/invite_created",
        {
            "code": created.code,
            "expires_at": created.expires_at,
            "link": f"https://t.me/{bot}?start={created.code}" if bot else "",
            "unit": await unit_name(session, unit.id),
            "role": role.value,
            "full_name": created.full_name,
        },
    )


def _role_position(args: list[str]) -> tuple[int, int, Role] | None:
    """Where the role word starts in ``args`` (after at least one word of unit), how many words it
    takes ("cán bộ" is two), and the role."""
    for at in range(1, len(args)):
        for width in (3, 2, 1):
            word = "".join(fold(a) for a in args[at : at + width])
            if at + width <= len(args) and word in ROLE_WORDS:
                return at, width, ROLE_WORDS[word]
    return None
