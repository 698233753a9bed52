"""Reading an upload off the event loop: ``await read_book(name, data)`` parses the bytes once
(``book.parse``, within the caps of ``limits``) in a worker process and returns its sheets.

Why a process and not ``asyncio.to_thread``: parsing XML is pure Python holding the GIL, so a thread
would still slow every other chat while it runs, and a thread can be neither stopped nor held to a
memory ceiling. The worker process gets its own core, an address-space ceiling (``MEMORY_CEILING``,
so an unforeseen bomb ends in MemoryError there, not in the bot being killed), and is terminated
when a file takes longer than ``TIMEOUT`` seconds. The caps refuse every known bomb before a cell
is read, so in practice the ceiling and the timeout are a second line. One worker (``spawn``, so no
lock or connection of the bot is inherited) is started on first use and kept: the first file pays
about half a second to start it, later ones only the copy of their bytes (measured in
tests/security/test_files_bombs.py). Imports that run without an event loop use ``book.parse``.
Like every ``spawn`` start, the worker imports the program's main module again: an entry point must
be guarded by ``if __name__ == "__main__"`` (the ``cchc-bot`` script and ``python -m bench`` are)."""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from models.importers.book import Book, parse
from models.importers.limits import refuse
from models.importers.result import FileProblem, RowError

MEMORY_CEILING = 1024 * 1024 * 1024  # address space of the worker: Python and openpyxl take ~150 MB of it
TIMEOUT = 30.0  # seconds; the caps keep a real file (and every refusal) to a few seconds at most

_pool: ProcessPoolExecutor | None = None


def _limit_memory() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = MEMORY_CEILING if hard == resource.RLIM_INFINITY else min(MEMORY_CEILING, hard)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))


def _parse(name: str, data: bytes) -> Book | RowError:
    """In the worker: the book, or the error of its refusal (an exception with fields pickles badly)."""
    try:
        return parse(name, data)
    except FileProblem as problem:
        return problem.error
    except MemoryError:
        return _too_complex().error


def peak_memory(reset: bool = False) -> int:
    """In the worker: its peak resident memory (bytes) since it started or since the last reset. Linux's
    VmHWM is of this process's own address space (ru_maxrss would include the parent's, kept across exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            peak = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))
        if reset:
            with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
                clear.write("5")  # resets VmHWM to the current resident size
    except (OSError, StopIteration):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return peak


def _too_complex() -> FileProblem:
    return refuse("too_complex", "Tệp quá phức tạp để đọc: hãy chép dữ liệu sang một tệp mới và gửi lại")


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        context = multiprocessing.get_context("spawn")
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_limit_memory)
    return _pool


def stop() -> None:
    """Terminate the worker (a file that took too long, a test that wants a fresh one); the next file
    starts another."""
    global _pool
    pool, _pool = _pool, None
    if pool is None:
        return
    for process in list(getattr(pool, "_processes", {}).values()):  # 3.11 has no public way to kill them
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


async def in_worker(function: Callable[..., object], *args: object) -> object:
    """``function(*args)`` in the worker, at most TIMEOUT seconds."""
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(_executor(), function, *args)
    return await asyncio.wait_for(future, TIMEOUT)


async def read_book(name: str, data: bytes) -> Book:
    """The sheets of the file, read in the worker; FileProblem with one error when it cannot be read."""
    try:
        read = await in_worker(_parse, name, data)
    except TimeoutError:
        stop()
        seconds = int(TIMEOUT)
        raise refuse("too_slow", f"Đọc tệp mất hơn {seconds} giây: hãy chia nhỏ tệp", seconds=seconds) from None
    except BrokenProcessPool:
        stop()
        raise _too_complex() from None
    if isinstance(read, RowError):
        raise FileProblem(read)
    if not isinstance(read, Book):
        raise TypeError(f"worker returned {type(read).__name__}")
    return read
