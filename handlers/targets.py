"""/chitieu: the multi-year targets (chỉ tiêu) the official's unit sees, met or not.

Argument forms: ``/chitieu`` (every programme: "Nghị quyết 60-NQ/TU: 10/18 chỉ tiêu đạt và vượt" and each
target against its latest value), ``/chitieu <tên chương trình>`` (only programmes whose name contains
the words), ``/chitieu 5`` (target 5 with its measurements over time).
"""

from __future__ import annotations

from handlers.access import own_unit
from handlers.base import Commands, Reply, Request, UserError, is_number
from models.queries.targets import target_histories, target_numbers, visible_programmes
from models.text import fold

commands = Commands()


@commands.command("chitieu", in_groups=True, aliases=("targets",), intents=("chi tieu",))
async def targets(request: Request) -> Reply:
    """Each programme with how many targets are met ("10/18 chỉ tiêu đạt và vượt", as of the latest
    measurement), then every target's latest value against its goal, unknown values shown as unknown.
    With a number: that target's measurements over time."""
    unit = await own_unit(request)
    today = request.clock.today()
    if len(request.args) == 1 and is_number(request.args[0]):
        number = int(request.args[0])
        histories = await target_histories(request.session, unit, number, today)
        if not histories:
            numbers = await target_numbers(request.session, unit)
            raise UserError("errors/targets_unknown", number=number, numbers=numbers)
        return Reply("targets/detail", {"histories": histories, "today": today})
    programmes = await visible_programmes(request.session, unit, today)
    wanted = fold(" ".join(request.args))
    chosen = [p for p in programmes if wanted and wanted in fold(p.name)]
    return Reply("targets/list", {"programmes": chosen or programmes, "today": today})
