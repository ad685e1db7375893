"""Ctrl-C (SIGINT) during a check run: noted, the workers stopped, the run ended at a safe point.

A run ends never half-way through recording a report (its log lines go out whole), never inside the forking of a
worker (an exception there is lost, printed as a traceback), never in a worker (the workers ignore it: the run
stops them). :mod:`linter.run.check` uses :class:`Interrupts` around a run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from typing import Any


class Interrupts:
    """Ctrl-C (SIGINT) during a run, which ends it at a safe point: never half-way through recording a report
    (its log lines go out whole), never inside the forking of a worker (an exception there is lost, printed as
    a traceback), never in a worker (the workers inherit the handler and ignore it: the run stops them).

    With forked workers (:meth:`workers`) the handler only notes the interrupt and kills the workers; the executor
    then finds them gone and the run raises KeyboardInterrupt as it takes the next outcome (:meth:`check`), or as
    a report's recording ends (:meth:`hold`); a worker forked after the interrupt leaves at once (:func:`_work`).
    Otherwise (in this process, or another executor) the handler raises at once, unless a report is being
    recorded. Installed only from the main thread, the only one Python delivers signals to."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.holding = 0
        self.pending = False
        self.forking = False  # the local executor is running: workers are forked and waited for
        self.settled = False  # the run is wrapping up after an interrupt: a second Ctrl-C is noted, nothing more
        self.previous: Any = None
        self.installed = False

    def __enter__(self) -> Interrupts:
        global RUNNING
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handle)
            self.installed = True
            RUNNING = self
        return self

    def __exit__(self, *exc: object) -> None:
        global RUNNING
        if self.installed:
            signal.signal(signal.SIGINT, self.previous if self.previous is not None else signal.SIG_DFL)
            RUNNING = None

    def _handle(self, signum: int, frame: Any) -> None:
        if os.getpid() != self.pid:  # a forked worker: the run stops it
            return
        self.pending = True
        if self.settled:
            return
        if self.forking:
            stop_workers()
        elif not self.holding:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def workers(self, local: bool) -> Iterator[None]:
        """While an executor runs: with ``local`` (forked workers), the handler only notes and stops."""
        self.forking = local
        try:
            yield
        finally:
            self.forking = False
        self.check()

    def check(self) -> None:
        """At a safe point: raise the interrupt noted since."""
        if self.pending and not self.holding and not self.settled:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        self.holding += 1
        try:
            yield
        finally:
            self.holding -= 1
        self.check()


RUNNING: Interrupts | None = None  # the run's interrupt handler (a forked worker sees what its parent had noted)


def stop_workers() -> None:
    """Kill this process's worker processes (from the SIGINT handler: the executor sees them end)."""
    import multiprocessing

    try:
        children = multiprocessing.active_children()
    except Exception:  # noqa: BLE001 - in a signal handler: stopping the workers is best effort, the run stops anyway
        return
    for child in children:
        if child.pid is not None:
            with contextlib.suppress(OSError):
                os.kill(child.pid, signal.SIGKILL)


def stopped_in_worker() -> bool:
    """In a worker forked after the run noted an interrupt: it should leave at once."""
    return RUNNING is not None and RUNNING.pending and os.getpid() != RUNNING.pid
