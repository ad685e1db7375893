"""Run work on untrusted files in worker processes, each under a wall-clock, memory and recursion limit.

pdfminer.six on hostile input can hang on a reference loop, recurse until the interpreter dies, or
allocate gigabytes; a pre-commit hook must never freeze a commit or take the machine down. Each file
is handled in a forked child: the parent waits at most ``limits.timeout`` seconds, the child's address
space is capped with ``RLIMIT_AS``, and whatever goes wrong comes back as an :class:`InputError` for
that file only. :func:`run_guarded` is the one worker runner: ``fiscal-lint parse`` runs the parser in
it, ``fiscal-lint check`` the parser and the rules.

The :class:`~linter.core.limits.Limits` also carry what the parser enforces itself (with or without a
worker): the decompressed size of one stream, the number of pages, and the objects on one page.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import pickle
import signal
import sys
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, TypeVar

import pluggy

from linter.core.errors import InputError
from linter.core.limits import Limits, MiB
from linter.core.model import Document
from linter.parse import documents

J = TypeVar("J")

TOO_DEEP = ("too_deep", "PDF 结构嵌套过深，无法读取", "the PDF nests objects too deeply to be read")


def apply_limits(limits: Limits) -> None:
    """Cap this process (a worker): address space and recursion depth."""
    import resource

    try:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
    except (ValueError, OSError):  # a lower hard limit is already in force: keep it
        pass
    sys.setrecursionlimit(limits.recursion)


def parse_limited(path: Path, limits: Limits, pm: pluggy.PluginManager) -> Document:
    """In a worker of :func:`run_guarded` (which has applied ``limits``): parse, and turn a parser failure
    into an :class:`InputError` that names it as such (memory exhaustion is the runner's to report)."""
    try:
        return documents.parse_file(path, pm, {"limits": limits})
    except (InputError, MemoryError):
        raise
    except RecursionError:
        raise InputError(*TOO_DEEP) from None
    except Exception as exc:  # noqa: BLE001 - a parser bug must not take the batch down
        raise InputError("parser_error", f"解析出错：{type(exc).__name__}", f"parser error: {exc!r}"[:300]) from None


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


# ---- the worker runner ----------------------------------------------------------------------------


@functools.cache
def _prctl() -> Callable[..., int] | None:
    """libc's prctl, or None off Linux. Looked up in the process that forks the workers, before it forks: each
    worker would otherwise import ctypes and open libc again (4 ms a file)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return prctl


def _die_with(parent: int) -> None:
    """Have the kernel kill this worker when the run that forked it dies (SIGKILL, the OOM killer): an orphan
    would go on parsing, then block for ever on a result nobody reads. Linux only (prctl PR_SET_PDEATHSIG)."""
    prctl = _prctl()
    if prctl is None:
        return
    prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the run died before the request took effect
        os._exit(1)


def _worker_main(conn: Connection, work: Callable[[Any], Any], job: Any, limits: Limits, parent: int) -> None:
    _die_with(parent)
    # Ctrl-C reaches the whole process group: the parent decides (it stops the workers); a worker that took
    # the KeyboardInterrupt itself would print its stack
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        apply_limits(limits)
        conn.send(("ok", work(job)))
    except InputError as exc:
        conn.send(("input_error", (exc.reason, exc.zh, exc.en)))
    except MemoryError:
        err = memory_error(limits)
        conn.send(("input_error", (err.reason, err.zh, err.en)))
    except Exception as exc:  # noqa: BLE001 - a bug (in a rule's evaluation too) must cost one file, not the batch
        conn.send(("input_error", ("internal_error", f"内部错误：{type(exc).__name__}", f"internal error: {exc!r}")))
    finally:
        conn.close()


def _context() -> Any:
    # fork: a worker starts with the parent's imports, plugins and loaded rule packs in place
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _start(ctx: Any, work: Callable[[Any], Any], job: Any, limits: Limits) -> tuple[Connection, Any, float]:
    """Fork a worker for ``work(job)``: the end of the pipe its outcome comes through, the process, the deadline."""
    _prctl()  # once, here: the worker inherits it
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_worker_main, args=(sender, work, job, limits, os.getpid()), daemon=True)
    proc.start()
    sender.close()
    return receiver, proc, time.monotonic() + limits.timeout


def _receive(conn: Connection, proc: Any, limits: Limits) -> Any:
    """The outcome a worker sent (what ``work`` returned, or an InputError)."""
    try:
        status, payload = conn.recv()
        return payload if status == "ok" else InputError(*payload)
    except (EOFError, OSError, pickle.UnpicklingError):
        # died without a word, or in the middle of one (the kernel's OOM killer while the result was being
        # sent): name the cause from the exit status; it costs this file, not the batch
        proc.join(5)
        return worker_died(proc.exitcode, limits)


def _end(conn: Connection, proc: Any) -> None:
    if proc.is_alive():
        proc.kill()
    proc.join()
    conn.close()


def run_guarded(jobs: Sequence[J], work: Callable[[J], Any], limits: Limits, workers: int,
                done: Callable[[J, Any], None]) -> None:
    """Run ``work(job)`` for each job in up to ``workers`` forked processes at once, each under ``limits``;
    call ``done(job, outcome)`` as each finishes, where outcome is what ``work`` returned or an InputError."""
    ctx = _context()
    queue = list(reversed(jobs))
    running: dict[Connection, tuple[J, Any, float]] = {}
    try:
        while queue or running:
            while queue and len(running) < max(1, workers):
                job = queue.pop()
                conn, proc, deadline = _start(ctx, work, job, limits)
                running[conn] = (job, proc, deadline)
            now = time.monotonic()
            soonest = min(deadline for _, _, deadline in running.values())
            ready = wait(list(running), timeout=max(0.0, soonest - now))
            finished: list[tuple[Connection, Any]] = []
            for ready_conn in ready:
                assert isinstance(ready_conn, Connection)
                finished.append((ready_conn, _receive(ready_conn, running[ready_conn][1], limits)))
            now = time.monotonic()
            for conn, (_job, _proc, deadline) in list(running.items()):
                if conn not in ready and now >= deadline:
                    finished.append((conn, timeout_error(limits)))
            for conn, outcome in finished:
                job, proc, _ = running.pop(conn)
                _end(conn, proc)
                done(job, outcome)
    finally:
        for conn, (_job, proc, _) in running.items():
            _end(conn, proc)


class GuardedTask:
    """One ``work(job)`` started in a worker under ``limits`` now, its outcome taken later: what ``work``
    returned, or an InputError (:meth:`outcome`). :meth:`close` stops a worker whose outcome is not wanted."""

    def __init__(self, work: Callable[[J], Any], job: J, limits: Limits) -> None:
        self.limits = limits
        self.conn, self.proc, self.deadline = _start(_context(), work, job, limits)
        self.closed = False

    def outcome(self) -> Any:
        """Wait (until the deadline at most) for the outcome; the worker is ended either way."""
        try:
            ready = wait([self.conn], timeout=max(0.0, self.deadline - time.monotonic()))
            return _receive(self.conn, self.proc, self.limits) if ready else timeout_error(self.limits)
        finally:
            self.close()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            _end(self.conn, self.proc)


def parse_guarded(path: Path, limits: Limits, pm: pluggy.PluginManager) -> Document:
    """Parse ``path`` in a worker under ``limits``; raise InputError for anything that goes wrong."""
    outcomes: list[Any] = []
    run_guarded([path], lambda p: parse_limited(p, limits, pm), limits, 1, lambda _job, out: outcomes.append(out))
    if isinstance(outcomes[0], InputError):
        raise outcomes[0]
    document: Document = outcomes[0]
    return document
