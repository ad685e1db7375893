"""``check --resume LOG``: the reports already complete in a compliance log, so that a long batch that was
interrupted (Ctrl-C, a killed CI job) is continued instead of started again.

A report is complete in the log when its ``document`` record is followed by every ``finding`` record it counts
(``finding_counts``), all of one run: a run killed between the two leaves an incomplete report, which is checked
again. Only runs that would give the same result are used: the same rule packs (name, version, content hash),
the same configuration hash and the same baseline. A report is matched by its path (as given on the command
line) and the sha256 of its bytes, so a file changed since is checked again. The log is only read here; when the
run continues the same file, :meth:`ResumeLog.cut_partial_tail` drops a last line left half written (only a full
disk or a kill in the middle of a ``write`` leaves one), so the next record starts on a line of its own.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linter.core.config import ConfigError
from linter.core.exit_codes import EXIT_FINDINGS, EXIT_NOT_CHECKED, EXIT_OK
from linter.core.findings import SEVERITIES


@dataclass
class ResumedReport:
    """One report complete in the log: its records as they were written (document first, then findings)."""

    path: str
    sha256: str | None
    records: list[dict[str, Any]]

    def exit_code(self, fail_on: str) -> int:
        """What this report says of the run's exit code (0, 1 or 2), judged at ``fail_on``."""
        doc = self.records[0]
        if doc.get("outcome") != "checked" or doc.get("rule_errors"):
            return EXIT_NOT_CHECKED
        failing = SEVERITIES[: SEVERITIES.index(fail_on) + 1] if fail_on in SEVERITIES else ()
        if any(r.get("severity") in failing for r in self.records[1:]):
            return EXIT_FINDINGS
        return EXIT_OK


@dataclass
class ResumeLog:
    path: Path
    reports: dict[tuple[str, str | None], ResumedReport] = field(default_factory=dict)
    other_runs: int = 0  # runs in the log with other packs or configuration (their reports are not reused)
    partial_tail: int = 0  # bytes of a last line without its newline (a record cut short)

    def find(self, path: str, sha256: str | None) -> ResumedReport | None:
        return self.reports.get((path, sha256))

    def cut_partial_tail(self) -> None:
        """Before appending to this log: drop a last line that was cut short (it holds no whole record)."""
        if self.partial_tail:
            size = self.path.stat().st_size
            os.truncate(self.path, size - self.partial_tail)
            self.partial_tail = 0


def _bad(path: Path, zh: str, en: str) -> ConfigError:
    return ConfigError(f"无法续查：{path}：{zh}", f"cannot resume from {path}: {en}")


def read_log(path: Path, packs: list[dict[str, Any]], config_sha256: str | None, baseline: str | None) -> ResumeLog:
    """The reports complete in the compliance log ``path`` from runs with these packs, configuration and baseline
    (as the ``run`` record writes them). A file that is not a compliance log is a ConfigError (exit 2)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _bad(path, "文件不存在", "no such file") from None
    except OSError as exc:
        raise _bad(path, str(exc.strerror), str(exc.strerror)) from None
    log = ResumeLog(path)
    lines = data.split(b"\n")
    if lines and lines[-1]:  # no newline after the last line: a record cut short
        log.partial_tail = len(lines[-1])
    lines = lines[:-1]
    usable: dict[str, bool] = {}  # run id → its packs and configuration are this run's
    open_docs: dict[str, tuple[ResumedReport, int]] = {}  # run id → its report still collecting findings
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            rec = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise _bad(path, f"第 {number} 行不是 JSON", f"line {number} is not JSON") from None
        if not isinstance(rec, dict) or "record" not in rec or "run" not in rec:
            raise _bad(path, f"第 {number} 行不是合规日志的记录（JSON Lines，fiscal-lint --log 或 --report jsonl=）",
                       f"line {number} is not a compliance-log record") from None
        run_id, kind = str(rec["run"]), rec["record"]
        if kind == "run":
            same = (rec.get("packs") == packs and (rec.get("config") or {}).get("sha256") == config_sha256
                    and rec.get("baseline") == baseline)
            usable[run_id] = same
            log.other_runs += 0 if same else 1
        elif kind == "document":
            open_docs.pop(run_id, None)  # a report whose findings did not all follow is incomplete
            if usable.get(run_id):
                report = ResumedReport(str(rec.get("path")), rec.get("sha256"), [rec])
                expected = sum(int(v) for v in (rec.get("finding_counts") or {}).values())
                if expected == 0:
                    log.reports[(report.path, report.sha256)] = report
                else:
                    open_docs[run_id] = (report, expected)
        elif kind == "finding":
            if run_id in open_docs:
                report, expected = open_docs[run_id]
                if rec.get("path") != report.path:
                    open_docs.pop(run_id)
                    continue
                report.records.append(rec)
                if len(report.records) - 1 == expected:
                    log.reports[(report.path, report.sha256)] = report
                    open_docs.pop(run_id)
        else:  # set and end records close what is open
            open_docs.pop(run_id, None)
    return log
