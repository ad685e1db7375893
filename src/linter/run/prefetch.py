"""A lone report's parse, started before the plugins, the rule language and the rule packs are loaded.

Reading a PDF is most of a check, and loading the plugins, the rule language and the packs is most of what comes
before it. With one report to check (a pre-commit hook on one changed file), :func:`start` forks the parse as soon
as the configuration is read: the worker builds its own plugin manager (the same plugins, without the rule
language, which it does not need) and reads the PDF on the machine's other core while this process loads the rest.
The run then takes the model (:meth:`Prefetch.take`) instead of parsing in the rules' worker. Both stages run under
the resource guard (:class:`linter.parse.guard.GuardedTask`), with the same outcome for a file that cannot be read,
so what a run reports does not depend on whether its parse was started early.

Nothing is started where it cannot help: several inputs (the workers already keep the cores busy), no worker
(``--timeout 0``), another executor; and the worker parses nothing when the model is in the cache.
"""

from __future__ import annotations

import gc
import hashlib
from pathlib import Path
from typing import Any

from linter.core.config import Config
from linter.core.errors import InputError
from linter.core.limits import Limits
from linter.core.model import Document
from linter.parse.documents import read_input
from linter.parse.guard import GuardedTask, parse_limited
from linter.run.cache import Cache, code_version, digest


class Prefetch:
    """The parse of ``path`` (whose bytes had ``sha256`` when it was started), running in a guarded worker."""

    def __init__(self, path: Path, sha256: str, task: GuardedTask) -> None:
        self.path = path
        self.sha256 = sha256
        self.task = task
        self.taken = False  # the run took its outcome (a model, or why the file cannot be read)

    def take(self, path: Path, sha256: str) -> Document | InputError | None:
        """The model of ``path`` (or why it could not be read), if this is its parse and the file still has the
        bytes it was started on; None otherwise, and when the model is in the cache (the run reads it there)."""
        if path != self.path or sha256 != self.sha256:
            self.close()
            return None
        outcome: Any = self.task.outcome()
        self.taken = isinstance(outcome, (Document, InputError))
        return outcome if self.taken else None

    def close(self) -> None:
        """Stop the worker if its model is not taken (a resumed report, a run stopped early)."""
        self.task.close()


class _Parse:
    """In the worker: the plugins, then the model (None when the cache has it, or the plugins cannot be loaded:
    the run then finds the model, or reports the plugin, itself)."""

    def __init__(self, sha256: str, config: Config, cache: Cache | None) -> None:
        self.sha256 = sha256
        self.disabled = tuple(config.disable_plugins)
        self.limits = config.limits()
        self.cache = cache

    def __call__(self, path: Path) -> Document | None:
        from linter.session.plugin_manager import make_manager, plugin_versions

        try:
            pm = make_manager(self.disabled, functions=False)
        except Exception:  # noqa: BLE001 - the run builds the same manager and reports what is wrong with it
            return None
        if self.cache is not None and self.cache.has_model(digest(self.sha256, code_version(plugin_versions(pm)))):
            return None
        return parse_limited(path, self.limits, pm)


def start(paths: list[Path], config: Config, cache: Cache | None) -> Prefetch | None:
    """Start parsing the one report of a run, when that can shorten it (see the module's notes)."""
    limits: Limits = config.limits()
    if len(paths) != 1 or not limits.enabled or config.executor != "local":
        return None
    path = paths[0]
    try:
        if not path.is_file():
            return None
        sha = hashlib.sha256(read_input(path)).hexdigest()
    except (OSError, InputError):  # the run reports it
        return None
    # what start-up made lives as long as the process: out of the collector's sight before the fork, the worker's
    # collections neither walk it nor write to its pages (each write a copy-on-write fault): 25 ms of a 14-page parse
    gc.freeze()
    return Prefetch(path, sha, GuardedTask(_Parse(sha, config, cache), path, limits))
