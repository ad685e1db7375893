"""Built-in executors, registered through the same hook a third-party executor uses (``fiscal_lint_executors``).

``local``: forked worker processes on this machine, ``-j`` at a time, each file under the resource guard
(:func:`linter.parse.guard.run_guarded`). ``dask``: each file a task on a ``dask.distributed`` cluster
(:mod:`linter.plugins.dask_executor`; the ``dask`` extra), imported only when asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from linter.core.limits import Limits
from linter.core.markers import hookimpl
from linter.parse.guard import run_guarded


class LocalExecutor:
    """``options["jobs"]`` forked workers at once; one fork per file (a fresh address space each time, so a file
    that grows the heap gives it back, and the memory cap applies to one file)."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.workers = max(1, int(options.get("jobs") or 1))

    def run(self, tasks: Sequence[Any], work: Callable[[Any], Any], limits: Limits,
            done: Callable[[Any, Any], None]) -> None:
        run_guarded(list(tasks), work, limits, self.workers, done)

    def close(self) -> None:
        pass


def _dask(options: Mapping[str, Any]) -> Any:
    from linter.plugins.dask_executor import DaskExecutor

    return DaskExecutor(options)


@hookimpl
def fiscal_lint_executors() -> dict[str, Any]:
    return {"local": LocalExecutor, "dask": _dask}
