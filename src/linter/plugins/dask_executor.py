"""The ``dask`` executor: each file of a check run is a task on a ``dask.distributed`` cluster.

``fiscal-lint check --executor dask --scheduler tcp://host:8786 …`` sends the tasks to a running cluster;
without ``--scheduler`` a ``LocalCluster`` of ``-j`` single-threaded worker processes is started for the run and
closed after it. Needs the ``dask`` extra (``pip install 'fiscal-lint[dask]'``) on the client and on every worker,
with the same fiscal-lint, plugins and rule files (the rules travel with the work; plugins do not).

How a task runs: the run's work (configuration, selected rules, cache folder) is scattered to the workers once;
each task forks a child of its worker under the resource guard (:func:`linter.parse.guard.run_guarded`: time,
memory, recursion), exactly as ``--executor local`` does on this machine, and returns the file's result. A file
that cannot be checked comes back as its reason, like any other result. The client receives the results as they
complete and the run puts them back in input order, so every output, and the compliance log the client writes as
results arrive (whole lines), is the same as with ``-j 1``.

A worker lost mid-run (killed, out of memory, its machine gone) costs its task a retry on another worker, not the
run: the scheduler reschedules the tasks the worker held (up to ``distributed.scheduler.allowed-failures``, 3 by
default, after which that one file is reported as not checked).
"""

from __future__ import annotations

import logging
import multiprocessing
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from linter.core.config import ConfigError
from linter.core.errors import InputError
from linter.core.limits import Limits
from linter.parse.guard import run_guarded


def _task(work: Callable[[Any], Any], job: Any, limits: Limits) -> tuple[str, Any]:
    """On a worker: one file, under the guard. Errors travel as plain tuples (exceptions with Chinese and English
    messages do not survive pickling in every form)."""
    outcomes: list[Any] = []
    if limits.enabled:
        me = multiprocessing.current_process()
        daemon = bool(me.daemon)
        if daemon:
            # Dask workers are daemonic processes by default, which multiprocessing forbids to fork; the guard's
            # child is joined or killed by the guard itself, so the flag's only purpose does not arise here.
            me._config["daemon"] = False  # type: ignore[attr-defined]
        try:
            run_guarded([job], work, limits, 1, lambda _job, outcome: outcomes.append(outcome))
        finally:
            if daemon:
                me._config["daemon"] = True  # type: ignore[attr-defined]
    else:  # --timeout 0: no guard, in the worker itself
        try:
            outcomes.append(work(job))
        except InputError as exc:
            outcomes.append(exc)
    outcome = outcomes[0]
    if isinstance(outcome, InputError):
        return "input_error", (outcome.reason, outcome.zh, outcome.en)
    return "ok", outcome


class DaskExecutor:
    def __init__(self, options: Mapping[str, Any]) -> None:
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            raise ConfigError(
                "执行器 dask 需要安装 dask：pip install 'fiscal-lint[dask]'",
                "the dask executor needs dask: pip install 'fiscal-lint[dask]'",
            ) from None
        self.cluster: Any = None
        address = options.get("scheduler")
        try:
            if address:
                self.client = Client(address, timeout=30)
            else:
                with dask.config.set({"distributed.worker.daemon": False}):
                    self.cluster = LocalCluster(
                        n_workers=max(1, int(options.get("jobs") or 1)), threads_per_worker=1, processes=True,
                        dashboard_address=None, silence_logs=logging.ERROR,
                    )
                self.client = Client(self.cluster)
        except (OSError, TimeoutError) as exc:
            if self.cluster is not None:
                self.cluster.close()
            raise ConfigError(f"无法连接 dask 调度器 {address}：{exc}", f"cannot reach the dask scheduler {address}: {exc}") \
                from None

    def run(self, tasks: Sequence[Any], work: Callable[[Any], Any], limits: Limits,
            done: Callable[[Any, Any], None]) -> None:
        from distributed import as_completed

        if not tasks:
            return
        shared = self.client.scatter(work, broadcast=True, hash=False)  # the rules travel once per worker
        run_id = uuid.uuid4().hex[:12]
        futures = []
        of: dict[str, Any] = {}
        for i, task in enumerate(tasks):  # submitted in the run's order (largest first): dask starts them so
            future = self.client.submit(_task, shared, task, limits, key=f"fiscal-lint-{run_id}-{i}", pure=False,
                                        retries=1)
            futures.append(future)
            of[str(future.key)] = task
        for future in as_completed(futures):
            task = of[str(future.key)]
            try:
                status, payload = future.result()
                outcome: Any = payload if status == "ok" else InputError(*payload)
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker after too many lost workers: one file, not the run
                outcome = InputError("executor_error", f"执行器出错：{type(exc).__name__}",
                                     f"executor error: {exc!r}"[:300])
            done(task, outcome)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

