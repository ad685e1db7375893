"""The compliance log: JSON Lines, one record per line (``schemas/compliance-log.schema.json``).

A run writes, in this order:

``run``
    tool and Python version, each rule pack's name, version and content hash, the hash of the
    effective configuration, the start time;
``document`` (one per input, in input order)
    path, sha256, pages, parser, outcome (``checked`` / ``not_checked`` with the reason), counts
    of rule outcomes and of findings; followed by
``finding`` (one per finding of that document)
    every field of the finding plus its stable fingerprint;
``end``
    end time, totals, exit code.

Every record carries the run's id, so runs appending to the same log at the same time (pre-commit
runs hooks in parallel) can be told apart. ``--log FILE`` appends: the file is opened with
``O_APPEND`` and each record goes out whole in a single ``write`` of one complete line, as soon as
the document is done, so a run killed midway leaves whole lines (and no ``end`` record), never
half of one. ``--format jsonl`` prints the same records. Only the ``run`` and ``end`` records hold
times and the run id; everything else is the same for the same input.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from linter.core.results import FileResult, RunResult
from linter.reporters.common import (
    LOG_SCHEMA,
    TOOL_NAME,
    config_digest,
    display_path,
    document_dict,
    finding_dict,
    pack_infos,
    python_version,
    set_dicts,
    summary_dict,
    tool_version,
)


def run_record(run: RunResult, files: int | None = None) -> dict[str, Any]:
    config = run.config
    return {
        "record": "run",
        "schema": LOG_SCHEMA,
        "run": run.run_id,
        "tool": {"name": TOOL_NAME, "version": tool_version()},
        "python": python_version(),
        "packs": pack_infos(run),
        "plugins": [{"name": name, "version": version} for name, version in run.plugins],
        "config": {
            "sha256": config_digest(run),
            "file": str(config.file) if config is not None and config.file is not None else None,
        },
        "fail_on": run.fail_on,
        "baseline": run.baseline.path.as_posix() if run.baseline is not None else None,
        "inputs": files if files is not None else len(run.files),
        "started": run.started,
    }


def file_records(run: RunResult, fr: FileResult) -> Iterator[dict[str, Any]]:
    yield {"record": "document", "run": run.run_id, **document_dict(fr)}
    path = display_path(fr.path)
    for f in fr.result.findings:
        yield {"record": "finding", "run": run.run_id, "path": path, **finding_dict(f)}


def set_records(run: RunResult) -> Iterator[dict[str, Any]]:
    for d in set_dicts(run):
        yield {"record": "set", "run": run.run_id, **d}


def end_record(run: RunResult, interrupted: bool | None = None) -> dict[str, Any]:
    summary = summary_dict(run)
    interrupted = run.interrupted if interrupted is None else interrupted
    if interrupted:
        summary["exit_code"] = 130
    return {"record": "end", "run": run.run_id, **summary, "interrupted": interrupted, "ended": run.ended}


def records(run: RunResult) -> Iterator[dict[str, Any]]:
    yield run_record(run)
    for fr in run.files:
        yield from file_records(run, fr)
    yield from set_records(run)
    yield end_record(run)


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


class JsonlReporter:
    def report(self, run: RunResult, stream: TextIO) -> None:
        for rec in records(run):
            stream.write(dumps(rec))
            stream.flush()


class ComplianceLog:
    """Appends a run's records to a log file as the run goes: one whole line per ``os.write``."""

    def __init__(self, path: Path):
        self.path = path
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(self, record: dict[str, Any]) -> None:
        data = dumps(record).encode("utf-8")
        written = os.write(self.fd, data)  # one system call: the kernel appends the whole line at once
        while written < len(data):  # only on a full disk or a signal; the rest still follows in order
            written += os.write(self.fd, data[written:])

    def start(self, run: RunResult, files: int) -> None:
        self.write(run_record(run, files))

    def file(self, run: RunResult, fr: FileResult) -> None:
        for rec in file_records(run, fr):
            self.write(rec)

    def finish(self, run: RunResult, interrupted: bool | None = None) -> None:
        for rec in set_records(run):
            self.write(rec)
        self.write(end_record(run, interrupted))

    def close(self) -> None:
        try:
            os.fsync(self.fd)
        except OSError:
            pass
        os.close(self.fd)
