"""A lone report's parse, started before the rule packs are loaded.

Reading a PDF is most of a check, and loading the rule packs (and the modules behind them) is most of what comes
before it. With one report to check (a pre-commit hook on one changed file), :func:`start` forks the parse as soon
as the plugins are known, and the run takes the model from it (:meth:`Prefetch.take`) instead of parsing in the
rules' worker: the PDF is read on the machine's other core while this process loads the rules. Both stages run
under the resource guard (:class:`linter.parse.guard.GuardedTask`), with the same outcome for a file that cannot
be read, so what a run reports does not depend on whether its parse was started early.

Nothing is started where it cannot help: several inputs (the workers already keep the cores busy), no worker
(``--timeout 0``), another executor, or a model already in the cache.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from linter.core.config import Config
from linter.core.errors import InputError
from linter.core.model import Document
from linter.parse.documents import read_input
from linter.parse.guard import GuardedTask, parse_limited
from linter.run.cache import Cache, code_version, digest
from linter.session import Session


class Prefetch:
    """The parse of ``path`` (whose bytes had ``sha256`` when it was started), running in a guarded worker."""

    def __init__(self, path: Path, sha256: str, task: GuardedTask) -> None:
        self.path = path
        self.sha256 = sha256
        self.task = task
        self.taken = False  # the run took its outcome (a model, or why the file cannot be read)

    def take(self, path: Path, sha256: str) -> Document | InputError | None:
        """The model of ``path`` (or why it could not be read), if this is its parse and the file still has the
        bytes it was started on; None otherwise (the run parses it itself)."""
        if path != self.path or sha256 != self.sha256:
            self.close()
            return None
        outcome: Any = self.task.outcome()
        self.taken = isinstance(outcome, (Document, InputError))
        return outcome if self.taken else None

    def close(self) -> None:
        """Stop the worker if its model is not taken (a resumed report, a run stopped early)."""
        self.task.close()


def start(paths: list[Path], config: Config, session: Session, cache: Cache | None) -> Prefetch | None:
    """Start parsing the one report of a run, when that can shorten it (see the module's notes)."""
    limits = config.limits()
    if len(paths) != 1 or not limits.enabled or config.executor != "local":
        return None
    path = paths[0]
    try:
        if not path.is_file():
            return None
        sha = hashlib.sha256(read_input(path)).hexdigest()
    except (OSError, InputError):  # the run reports it
        return None
    if cache is not None and cache.has_model(digest(sha, code_version(session.plugin_versions()))):
        return None
    pm = session.pm
    return Prefetch(path, sha, GuardedTask(lambda p: parse_limited(p, limits, pm), path, limits))
