"""The compliance logs of a ``check`` run: ``--log`` (appended to) and ``jsonl`` outputs written to files (replaced),
each fed report by report as the run goes (see :mod:`linter.commands.check`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from linter.core.config import ConfigError
from linter.reporters.jsonl import ComplianceLog

if TYPE_CHECKING:
    from linter.core.results import FileResult, RunResult
    from linter.run.resume import ResumedReport, ResumeLog


class ReplacingLog(ComplianceLog):
    """A jsonl output file (``-o`` / ``--report jsonl=``): the compliance log written as the run goes, replacing
    what the file held (as every ``-o`` does)."""

    def __init__(self, path: Path):
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_TRUNC, 0o644)


class Logs:
    """Every compliance log of the run (``--log``, jsonl outputs to files), fed as the run goes. Opened when the
    run starts (a run refused before, e.g. ``--resume`` with cross-document rules, leaves every file as it was).
    A report skipped by ``--resume`` already has its records in the resumed log; any other log gets a copy of
    them (under this run's id), so that each log holds every report exactly once."""

    def __init__(self, targets: list[tuple[Path, str]], resume_log: ResumeLog | None,
                 resumed: dict[Path, ResumedReport]):
        self.targets = targets  # (file, "append" --log | "replace" a jsonl output | "continue" the resumed log)
        self.resume_log = resume_log
        self.reports = resumed
        self.logs: list[tuple[ComplianceLog, bool]] = []  # (log, continues the resumed file)

    def start(self, run: RunResult, files: int) -> None:
        try:
            for target, how in self.targets:
                if how == "continue" and self.resume_log is not None:
                    self.resume_log.cut_partial_tail()
                log = ReplacingLog(target) if how == "replace" else ComplianceLog(target)
                self.logs.append((log, how == "continue"))
        except OSError as exc:
            raise ConfigError(f"无法打开日志 {exc.filename}：{exc.strerror}",
                              f"cannot open the log {exc.filename}: {exc.strerror}") from None
        for log, _ in self.logs:
            log.start(run, files)

    def file(self, run: RunResult, fr: FileResult) -> None:
        for log, _ in self.logs:
            log.file(run, fr)

    def resumed(self, run: RunResult, path: Path) -> None:
        for log, continuing in self.logs:
            if not continuing:
                for rec in self.reports[path].records:
                    log.write({**rec, "run": run.run_id})

    def finish(self, run: RunResult, interrupted: bool | None = None) -> None:
        for log, _ in self.logs:
            log.finish(run, interrupted)

    def close(self) -> None:
        for log, _ in self.logs:
            log.close()
