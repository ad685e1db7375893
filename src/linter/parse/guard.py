"""Parse untrusted files in a worker process with a wall-clock, memory and recursion limit.

pdfminer.six on hostile input can hang on a reference loop, recurse until the
interpreter dies, or allocate gigabytes; a pre-commit hook must never freeze a
commit or take the machine down. Each file is parsed in a forked child: the
parent waits at most ``timeout`` seconds, the child's address space is capped
with ``RLIMIT_AS``, and whatever goes wrong comes back as an :class:`InputError`
for that file only.

The same :class:`Limits` carry the limits the parser enforces itself (they apply
with or without the worker): the decompressed size of one stream, the number of
pages, and the number of objects (characters, lines, rectangles, curves, images)
on one page.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
from dataclasses import dataclass
from multiprocessing.context import ForkContext, SpawnContext
from pathlib import Path
from typing import Any

from linter.core.errors import InputError
from linter.core.model import Document

MiB = 1024**2


@dataclass(frozen=True)
class Limits:
    timeout: float = 120.0  # seconds of wall-clock time per file; 0 = no worker, no time limit
    memory: int = 2 * 1024**3  # bytes of address space per worker
    recursion: int = 3000  # Python frames in the worker; pdfminer recurses on nested objects
    max_stream: int = 128 * MiB  # decompressed bytes of one PDF stream (a compression bomb stops here)
    max_pages: int = 1000  # pages per document (a disclosure has tens)
    max_page_objects: int = 100_000  # characters, lines, rectangles, curves and images on one page

    @property
    def enabled(self) -> bool:
        return self.timeout > 0

    def describe(self) -> str:
        """The limits in force, for logs and ``--help``."""
        return (
            f"timeout {self.timeout:g} s, memory {self.memory // MiB} MB, recursion {self.recursion}, "
            f"stream {self.max_stream // MiB} MB, pages {self.max_pages}, objects/page {self.max_page_objects}"
        )


def apply_limits(limits: Limits) -> None:
    """Cap this process (a worker): address space and recursion depth."""
    import resource

    try:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
    except (ValueError, OSError):  # a lower hard limit is already in force: keep it
        pass
    sys.setrecursionlimit(limits.recursion)


def parse_limited(path: Path, limits: Limits, disabled: tuple[str, ...] = ()) -> Document:
    """In a worker: parse under ``limits``; whatever goes wrong becomes an :class:`InputError`."""
    apply_limits(limits)
    try:
        from linter.parse.documents import parse_file
        from linter.plugin_manager import make_manager

        return parse_file(path, make_manager(disabled), {"limits": limits})
    except InputError:
        raise
    except MemoryError:
        raise memory_error(limits) from None
    except RecursionError:
        raise InputError(*TOO_DEEP) from None
    except Exception as exc:  # noqa: BLE001 - a parser bug must not take the batch down
        raise InputError("parser_error", f"解析出错：{type(exc).__name__}", f"parser error: {exc!r}"[:300]) from None


def _child(conn: Any, path: Path, limits: Limits, disabled: tuple[str, ...]) -> None:
    try:
        conn.send(("ok", parse_limited(path, limits, disabled)))
    except InputError as exc:
        conn.send(("input_error", (exc.reason, exc.zh, exc.en)))
    finally:
        conn.close()


TOO_DEEP = ("too_deep", "PDF 结构嵌套过深，无法读取", "the PDF nests objects too deeply to be read")


def timeout_error(limits: Limits) -> InputError:
    return InputError(
        "timeout",
        f"解析超时（超过 {limits.timeout:g} 秒），已停止",
        f"parsing took longer than {limits.timeout:g} s and was stopped",
    )


def memory_error(limits: Limits) -> InputError:
    mb = limits.memory // MiB
    return InputError("memory_limit", f"解析超出内存上限（{mb} MB）", f"parsing exceeded the memory limit ({mb} MB)")


def worker_died(exitcode: int | None, limits: Limits) -> InputError:
    """The worker ended without a word: name the cause as well as the exit status allows."""
    if exitcode is not None and exitcode < 0 and -exitcode in (signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT):
        name = signal.Signals(-exitcode).name  # a C stack overflow on deep nesting, or a crash in a C library
        return InputError("parser_crash", f"解析进程崩溃（{name}）", f"the parser process crashed ({name})")
    return memory_error(limits)  # SIGKILL from the kernel's OOM killer, or MemoryError while sending


def parse_guarded(path: Path, limits: Limits, disabled: tuple[str, ...] = ()) -> Document:
    """Parse ``path`` in a forked worker under ``limits``; raise InputError for anything that goes wrong."""
    # fork: the worker starts with the parent's imports in place (no second start-up cost)
    if "fork" in multiprocessing.get_all_start_methods():
        ctx: ForkContext | SpawnContext = multiprocessing.get_context("fork")
    else:
        ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_child, args=(sender, path, limits, disabled), daemon=True)
    worker.start()
    sender.close()
    status: str = "input_error"
    payload: Any = None
    error: InputError | None = None
    try:
        if not receiver.poll(limits.timeout):
            raise timeout_error(limits)
        try:
            status, payload = receiver.recv()
        except EOFError:  # the worker died without a word
            worker.join(5)
            error = worker_died(worker.exitcode, limits)
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()
        receiver.close()
    if error is not None:
        raise error
    if status == "ok":
        document: Document = payload
        return document
    raise InputError(*payload)
