"""/tailen: an admin sends an .xlsx or .csv file and imports it after seeing what it would change.

1. The file arrives (with or without the caption ``/tailen <kind> [plan, drive or index code] [year]``).
   The kind comes from the caption, else from the file's headers; when that is not clear, buttons ask.
2. A dry run answers with the counts and the first changes and a Confirm button, or with every bad
   row (row number, column, reason) and nothing to confirm.
3. Confirm imports the same bytes, all or nothing; Cancel forgets them. The file waits in the
   conversation state (so a restart or another worker can finish the job) with what the preview
   showed: the kind, the target (province, plan or drive), the file's SHA-256 and a digest of the
   changes. Confirm checks all of them again first; when anything differs (a newer plan now exists,
   someone changed a task meanwhile) it imports nothing and asks for a new preview.

Every upload is limited to the admin's province (``handlers.access.province_scope``): a row naming a
unit, plan or drive of another province is an error of the file, listed with the others.

The bytes are read once per step (guessing the kind and the dry run share one reading), in the
importers' worker process, never on the event loop (``models.importers.worker``).

The channel downloads the files ``SPREADSHEETS`` admits when the router says the sender may upload
(``Router.may_download``) and fills ``Incoming.file.content``; a file that was not downloaded (too big,
not a spreadsheet) is refused here with the reason.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import PurePath
from typing import Any

from handlers.access import province_scope
from handlers.base import ADMINS, Button, Commands, FileRef, Files, Reply, Request, UserError, is_number
from handlers.conversation import end_flow, start_flow
from models.importers.book import Book
from models.importers.result import FileProblem, ImportResult
from models.importers.run import KINDS, import_bytes
from models.importers.worker import read_book
from models.queries.uploads import guess_kinds, latest_drive_code, latest_plan_code, target_of
from models.scope import Scope
from models.text import fold

commands = Commands()

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
SUFFIXES = (".xlsx", ".xlsm", ".csv")
SPREADSHEETS = Files(SUFFIXES, MAX_UPLOAD_BYTES)  # what a channel downloads for /tailen
FLOW = "upload"
SHOWN = 15  # changes or errors listed in one message; the rest are counted
KIND_WORDS = {
    "donvi": "units",
    "units": "units",
    "nhiemvu": "tasks",
    "kehoach": "tasks",
    "tasks": "tasks",
    "ketqua": "results",
    "diem": "results",
    "chiso": "results",
    "results": "results",
    "tieuchi": "drive_criteria",
    "criteria": "drive_criteria",
    "chamdiem": "drive_measurements",
    "solieu": "drive_measurements",
    "measurements": "drive_measurements",
    "766": "766",
    "dvc": "766",
    "chisodvc": "766",
    "canbo": "officials",
    "can_bo": "officials",
    "danhsachcanbo": "officials",
    "officials": "officials",
}


def is_spreadsheet(name: str) -> bool:
    return PurePath(name).suffix.lower() in SUFFIXES


@commands.command("tailen", takes_files=True, files=SPREADSHEETS, roles=ADMINS, aliases=("upload",))
async def upload(request: Request) -> Reply:
    """A file: its dry run. ``/tailen loai <kind>``: the dry run as that kind. ``/tailen xacnhan``: import
    the waiting file. ``/tailen huy``: forget it. Nothing else: how to upload."""
    words = [fold(arg) for arg in request.args]
    file = request.incoming.file
    if file is not None:
        return await _received(request, file, words, request.args)
    pending = _pending(request)
    if words[:1] == ["loai"] and len(words) > 1 and words[1] in KINDS and pending:
        return await _dry_run(request, {**pending, "kind": words[1]}, edit=True)
    if words[:1] == ["xacnhan"] and pending and pending.get("kind") and pending.get("preview"):
        return await _confirm(request, pending)
    if words[:1] == ["huy"] and pending:
        await end_flow(request)
        return Reply("uploads/cancelled", {"name": pending["name"]}, edit=True)
    if words[:1] in (["xacnhan"], ["huy"], ["loai"]):
        raise UserError("uploads/nothing_pending")
    return Reply("uploads/how", {"max_mb": MAX_UPLOAD_BYTES // (1024 * 1024), "kinds": list(KINDS)})


def _pending(request: Request) -> dict[str, Any] | None:
    state = request.state
    return dict(state.data) if state is not None and state.flow == FLOW and "content" in state.data else None


async def _received(request: Request, file: FileRef, words: list[str], raw: list[str]) -> Reply:
    if file.kind != "document" or not is_spreadsheet(file.name):
        raise UserError("uploads/not_spreadsheet", name=file.name)
    if file.size > MAX_UPLOAD_BYTES or file.content is None:
        raise UserError("uploads/too_big", name=file.name, max_mb=MAX_UPLOAD_BYTES // (1024 * 1024))
    kind = KIND_WORDS.get(words[0]) if words else None
    rest = raw[1:] if kind else raw
    pending: dict[str, Any] = {
        "name": file.name,
        "content": base64.b64encode(file.content).decode("ascii"),
        "args": rest,
        "kind": kind,
    }
    book: Book | None = None
    if kind is None:
        try:
            book = await read_book(file.name, file.content)
        except FileProblem as problem:
            return Reply("uploads/refused", {"name": file.name, "error": problem.error})
        guesses = guess_kinds(book)
        if len(guesses) == 1:
            pending["kind"] = guesses[0]
        else:
            await start_flow(request, FLOW, "kind", pending)
            choices = guesses or list(KINDS)
            buttons = [[Button("uploads.kind", f"/tailen loai {k}", {"kind": k})] for k in choices]
            return Reply("uploads/choose_kind", {"name": file.name}, buttons=buttons)
    return await _dry_run(request, pending, book=book)


async def _options(request: Request, scope: Scope, kind: str, args: list[str]) -> dict[str, object]:
    """The plan, drive or index and the year named in the caption (a 766 table: its period); the
    province's latest plan or drive otherwise."""
    year = next((a for a in args if is_number(a) and len(a) == 4), None)
    code = next((a for a in args if a != year), None)
    options: dict[str, object] = {"year": int(year)} if year else {}
    if kind == "tasks":
        options["plan"] = code or await latest_plan_code(request.session, scope) or ""
    elif kind.startswith("drive_"):
        options["drive"] = code or await latest_drive_code(request.session, scope) or ""
    elif kind == "results" and code:
        options["index"] = code
    elif kind == "766" and args:  # "/tailen 766 10/2026", "/tailen 766 Quý III/2026": the table's period
        return {"period": " ".join(args)}
    return options


async def _run(
    request: Request, pending: dict[str, Any], *, dry_run: bool, book: Book | None = None
) -> tuple[ImportResult, dict[str, object], dict[str, Any]]:
    """Import (or dry-run) the waiting file into the admin's province; also what it was aimed at.
    ``book``: the file already read, when this step has read it."""
    scope = await province_scope(request)
    options = await _options(request, scope, pending["kind"], list(pending.get("args") or []))
    content = base64.b64decode(pending["content"])
    result = await import_bytes(
        request.session,
        pending["kind"],
        pending["name"],
        content,
        dry_run=dry_run,
        options=options,
        actor_id=request.official.id if request.official else None,
        clock=request.clock,
        scope=scope,
        book=book,
    )
    target = {
        "kind": pending["kind"],
        "sha256": hashlib.sha256(content).hexdigest(),
        **await target_of(request.session, scope, options, pending["kind"]),
    }
    return result, options, target


def _digest(result: ImportResult) -> str:
    """What a preview showed, in a few bytes: the counts and every change line (a ``Note`` by its code
    and parameters)."""
    shown = [result.created, result.updated, result.unchanged, *(str(change) for change in result.changes)]
    return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()


def _summary(pending: dict[str, Any], result: ImportResult, options: dict[str, object]) -> dict[str, Any]:
    return {
        "name": pending["name"],
        "kind": pending["kind"],
        "options": options,
        "result": result,
        "errors": result.errors[:SHOWN],
        "more_errors": max(0, len(result.errors) - SHOWN),
        "changes": result.changes[:SHOWN],
        "more_changes": max(0, len(result.changes) - SHOWN),
    }


async def _dry_run(request: Request, pending: dict[str, Any], *, edit: bool = False, book: Book | None = None) -> Reply:
    pending.pop("preview", None)
    result, options, target = await _run(request, pending, dry_run=True, book=book)
    if not result.ok:
        await end_flow(request)
        return Reply("uploads/errors", _summary(pending, result, options), edit=edit)
    await start_flow(request, FLOW, "confirm", {**pending, "preview": {**target, "changes": _digest(result)}})
    buttons = [[Button("uploads.confirm", "/tailen xacnhan"), Button("uploads.cancel", "/tailen huy")]]
    return Reply("uploads/preview", _summary(pending, result, options), buttons=buttons, edit=edit)


async def _confirm(request: Request, pending: dict[str, Any]) -> Reply:
    """Import exactly what the preview showed: the same bytes, kind and target, the same changes;
    otherwise nothing, and the admin is asked to send the file again."""
    try:  # read once for the check and the import
        book: Book | None = await read_book(pending["name"], base64.b64decode(pending["content"]))
    except FileProblem:
        book = None  # the import reports the problem with the file
    check, _, target = await _run(request, pending, dry_run=True, book=book)
    if {**target, "changes": _digest(check)} != pending["preview"] or not check.ok:
        await end_flow(request)
        return Reply("uploads/changed_since_preview", {"name": pending["name"]}, edit=True)
    result, options, _ = await _run(request, pending, dry_run=False, book=book)
    await end_flow(request)
    if not result.ok:
        return Reply("uploads/errors", _summary(pending, result, options), edit=True)
    return Reply("uploads/done", _summary(pending, result, options), edit=True)
