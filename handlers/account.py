"""Who am I to the bot: /start (register with an invite code), /help, /ngonngu, and /moi (admins invite)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import zns_invites
from handlers.access import own_unit
from handlers.base import ADMINS, Button, Commands, Reply, Request, UserError
from handlers.roles import RoleWord, listed_words, role_position, words_fitting
from models import Role, Unit
from models.queries import successors
from models.queries.accounts import (
    ChatIdentity,
    InviteProblem,
    InviteRefused,
    code_wait,
    create_invite,
    record_wrong_code,
    redeem_invite,
    usable_invite,
)
from models.queries.in_operation import closest_named, ended_on, units_named
from models.queries.scores import province_of
from models.queries.units import UnitName, unit_name, unit_names
from models.queries.zalo_bots import full_here
from models.settings_oa import INVITE_KIND
from models.text import fold

commands = Commands()

LANGUAGES = {"vi": "vi", "tiengviet": "vi", "vietnamese": "vi", "en": "en", "english": "en", "tienganh": "en"}


@commands.command("start", public=True)
async def start(request: Request) -> Reply:
    """Unregistered: ``/start CODE`` redeems an invite and welcomes the new official; without a valid
    code, only the registration prompt. Registered: a greeting by name and unit. Either way a few lines: who they
    are registered as and the 4–7 commands of their role (``FIRST_COMMANDS``), then /help for the rest."""
    if request.official is not None:
        return await _greeting(request, "account/already_registered" if request.args else "account/greeting")
    if not request.args:
        return Reply("account/register_prompt")
    incoming = request.incoming
    who = ChatIdentity(
        incoming.channel,
        incoming.user_id,
        incoming.user_id if incoming.is_group else incoming.chat_id,
        incoming.display_name,
        incoming.bot,
    )
    now = request.clock.now()
    wait = await code_wait(request.session, incoming.channel, incoming.user_id, now)
    if wait:
        minutes = -(-int(wait.total_seconds()) // 60)
        return Reply("account/register_prompt", {"reason": InviteProblem.TOO_MANY.value, "minutes": minutes})
    try:
        if incoming.channel == "zalo" and (full := await _bot_full(request, request.args[0], now)) is not None:
            return full
        request.official = await redeem_invite(request.session, request.args[0], who, now)
    except InviteRefused as refused:
        record_wrong_code(request.session, incoming.channel, incoming.user_id, refused.problem, now)
        return Reply("account/register_prompt", {"reason": refused.problem.value})
    return await _greeting(request, "account/welcome")


async def _bot_full(request: Request, code: str, now: datetime) -> Reply | None:
    """A good code sent to a Zalo bot that already carries ``max_users`` officials: refused before it is
    used (the code stays good), naming the bots that still have room (by their link when configured)."""
    zalo = request.settings.zalo
    here = zalo.bot_named(request.incoming.bot)
    if here is None:
        return None
    others = await full_here(request.session, zalo.all_bots(), here)
    if others is None:
        return None
    await usable_invite(request.session, code, now)  # a wrong code is said as such
    context = {"bot": here.name, "max": here.max_users, "code": code.strip().upper(),
               "others": [{"name": bot.name, "link": bot.link} for bot in others]}  # fmt: skip
    return Reply("account/zalo_bot_full", context)


# The first contact names the few commands of a role's daily work (the rest: /help), in this order; a word after
# the name is typed with it ("/nhiemvu tatca": a leader's tasks are every unit's).
FIRST_COMMANDS: dict[Role, tuple[str, ...]] = {
    Role.LEADER: ("tomtat", "diem", "nhiemvu tatca", "thidua", "chitieu"),
    Role.UNIT_HEAD: ("nhiemvu", "capnhat", "diem", "thidua"),
    Role.OFFICER: ("nhiemvu", "capnhat", "diem", "thidua"),
    Role.ADMIN: ("tomtat", "diem", "nhiemvu tatca", "thidua", "chitieu", "tailen", "moi"),
}


def first_commands(request: Request) -> list[str]:
    """What the welcome lists for this official's role: FIRST_COMMANDS, less any the role may not use."""
    role = request.role
    if role is None:
        return []
    allowed = {c.name for c in request.commands.unique() if role in c.roles}
    return [line for line in FIRST_COMMANDS[role] if line.split()[0] in allowed]


async def _greeting(request: Request, template: str) -> Reply:
    """Who the official is registered as (name, unit, role), the commands of that role, and /help."""
    assert request.official is not None
    unit = await own_unit(request)
    context = {
        "name": request.official.full_name,
        "unit": await unit_name(request.session, unit.id),
        "role": request.official.role,
        "commands": first_commands(request),
    }
    return Reply(template, context)


@commands.command("help", in_groups=True, aliases=("trogiup", "huongdan"))
async def show_help(request: Request) -> Reply:
    """The commands this official's role may use, each with what it does and an example."""
    return help_list(request)


def help_list(request: Request) -> Reply:
    names = [c.name for c in request.commands.unique() if c.listed and request.role in c.roles]
    return Reply("help/list", {"commands": names, "role_words": listed_words() if "moi" in names else []})


@commands.command("ngonngu", aliases=("language", "lang"))
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


@commands.command("moi", roles=ADMINS, aliases=("invite",))
async def invite(request: Request) -> Reply:
    """``/moi <unit code or name> <role> [full name]``: a single-use invite code, its expiry and deep link;
    ``/moi zns <official's number or unit>``: codes sent by ZNS to officials of the imported list.
    The role is a word people use ("chutich", "giám đốc", "canbo": ``handlers/roles.py``); the unit must be
    in operation today; two units in operation with that name: a choice between them."""
    if request.args and fold(request.args[0]) == zns_invites.WORD:
        return await _invite_by_zns(request, request.args[1:])
    split = role_position(request.args)
    if split is None:
        zns = request.settings.zns is not None and INVITE_KIND in request.settings.zns.templates
        raise UserError("errors/bad_role", groups=listed_words(), typed=" ".join(request.args), zns=zns)
    at, width, word = split
    assert request.official is not None
    province = await province_of(request.session, await own_unit(request))
    role_text, full_name = " ".join(request.args[at : at + width]), " ".join(request.args[at + width :])
    try:
        return await invite_reply(
            request.session,
            " ".join(request.args[:at]),
            word,
            full_name,
            actor_id=request.official.id,
            now=request.clock.now(),
            ttl=timedelta(hours=request.settings.invite_ttl_hours),
            bot_username=request.settings.bot_username,
            within=province,
            role_text=role_text,
        )
    except AmbiguousUnit as many:  # pressing a unit's button sends /moi again with its code
        buttons = [
            [Button("account.unit_choice", f"/moi {unit.code} {role_text} {full_name}".strip(), {"unit": unit})]
            for unit in many.choices
        ]
        return Reply(many.template, {**many.context, "listed": False}, buttons=buttons)


async def _invite_by_zns(request: Request, args: list[str]) -> Reply:
    """``/moi zns <số>``: an invite code by ZNS to that official of the list (/canbo shows the numbers);
    ``/moi zns <đơn vị>``: to each of the unit's officials not yet on a chat who has a number."""
    assert request.official is not None
    text = " ".join(args)
    if not text:
        raise UserError("errors/admin_usage", command="moi_zns")
    province = await province_of(request.session, await own_unit(request))
    found = await zns_invites.people_of(request.session, text, province)
    try:
        unit = found[1] if found else await operating_unit(request.session, text, request.clock.today(), province)
    except AmbiguousUnit as many:
        buttons = [[Button("account.unit_choice", f"/moi zns {u.code}", {"unit": u})] for u in many.choices]
        return Reply(many.template, {**many.context, "listed": False}, buttons=buttons)
    return await zns_invites.zns_invite_reply(
        request.session,
        unit=unit,
        people=[found[0]] if found else await zns_invites.unit_people(request.session, unit),
        one=found is not None,
        actor_id=request.official.id,
        now=request.clock.now(),
        ttl=timedelta(hours=request.settings.invite_ttl_hours),
        config=request.settings.zns,
        tz=request.settings.bot.tz,
        within=province,
        bot_username=request.settings.bot_username,
    )


async def invite_reply(
    session: AsyncSession,
    unit_text: str,
    role: RoleWord,
    full_name: str,
    *,
    actor_id: int | None,
    now: datetime,
    ttl: timedelta,
    bot_username: str,
    within: Unit | None = None,
    role_text: str = "",
) -> Reply:
    """Create an invite for the unit named ``unit_text`` and describe it (used by /moi and the CLI).
    ``within``: only that unit's tree (an admin invites into their own province, never another).
    ``role``: the word's role at that unit (``role_text``, as typed, names a word that does not fit it)."""
    unit = await operating_unit(session, unit_text, now.date(), within)
    granted = role.role_at(unit)
    if granted is None:
        raise UserError(
            "errors/role_unfit", word=role_text, unit=await unit_name(session, unit.id), fitting=words_fitting(unit)
        )
    province_id = within.id if within is not None else None
    created = await create_invite(session, unit, granted, full_name, actor_id, now, ttl, province_id)
    bot = bot_username.lstrip("@")
    return Reply(
        "account/invite_created",
        {
            "code": created.code,
            "expires_at": created.expires_at,
            "link": f"https://t.me/{bot}?start={created.code}" if bot else "",
            "unit": await unit_name(session, unit.id),
            "role": granted.value,
            "full_name": created.full_name,
        },
    )


class AmbiguousUnit(UserError):
    """More than one unit in operation has the name typed: the admin chooses (by code)."""

    def __init__(self, text: str, choices: list[UnitName]) -> None:
        super().__init__("account/choose_unit", text=text, choices=choices, listed=True)
        self.choices = choices


async def operating_unit(session: AsyncSession, text: str, day: date, within: Unit | None) -> Unit:
    """The unit ``text`` names that is in operation on ``day`` (an abolished namesake is passed over).
    Refused: no such unit; only units out of operation then (with the day they ended or begin, and the
    unit that replaced them when one is known); several in operation (``AmbiguousUnit``)."""
    named = await units_named(session, text, day, within)
    if len(named.operating) == 1:
        return named.operating[0]
    if named.operating:
        names = await unit_names(session, [unit.id for unit in named.operating])
        raise AmbiguousUnit(text, [names[unit.id] for unit in named.operating])
    if not named.not_operating:
        near = await closest_named(session, text, day, within)
        names = await unit_names(session, [unit.id for unit in near])
        raise UserError("errors/unknown_unit", text=text, near=[names[unit.id] for unit in near])
    gone = named.not_operating[0]
    successor = await successors.successor_of(session, gone)
    if successor is not None and within is not None and not successor.is_within(within):
        successor = None  # never name a unit of another province
    ended = ended_on(gone)
    raise UserError(
        "errors/unit_not_operating",
        unit=await unit_name(session, gone.id),
        ended=ended if ended is not None and ended <= day else None,
        begins=gone.valid_from,
        successor=await unit_name(session, successor.id) if successor is not None else None,
    )
