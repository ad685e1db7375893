"""What a check run produces, as every output reads it: per file the document's particulars, its findings
and rule outcomes (or why it could not be checked), and for the run the packs, the configuration and the
exit code.

The types sit below the run and the reporters: the run fills them in, reporters and plugins read them.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linter.core.baseline import Baseline, fingerprint
from linter.core.config import Config
from linter.core.errors import InputError
from linter.core.findings import SEVERITIES, STATUSES, EvaluationResult, Finding, PackInfo, RuleMeta
from linter.core.model import Document
from linter.core.sets import Grouping

EXIT_OK, EXIT_FINDINGS, EXIT_NOT_CHECKED = 0, 1, 2
FAIL_LEVELS = ("error", "warning", "info", "never")


@dataclass
class DocInfo:
    """What the outputs say about a parsed report (kept in the result cache instead of the whole model)."""

    file_name: str
    sha256: str
    pages: int
    parser: dict[str, str]
    producer: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: Document) -> DocInfo:
        md = {k: v for k, v in vars(doc.metadata).items() if v is not None}
        src = doc.source
        parser = {"name": src.parser.name, "version": src.parser.version}
        return cls(src.file_name, src.sha256, src.page_count, parser, src.producer, md)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file_name": self.file_name,
            "sha256": self.sha256,
            "pages": self.pages,
            "parser": dict(self.parser),
            "producer": self.producer,
            "metadata": dict(self.metadata),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DocInfo:
        return cls(d["file_name"], d["sha256"], int(d["pages"]), dict(d["parser"]), d.get("producer"),
                   dict(d.get("metadata") or {}))


@dataclass
class FileResult:
    path: Path
    info: DocInfo | None = None
    error: InputError | None = None
    result: EvaluationResult = field(default_factory=EvaluationResult)
    sha256: str | None = None  # of the bytes read, also for a file that could not be checked
    baselined: int = 0  # findings left out because the baseline accepts them
    cached: str | None = None  # "result" | "model" | None: how much the cache saved (not part of any output)
    part_of: Path | None = None  # one file of a report of several: the file its rule outcomes are reported on

    @property
    def checked(self) -> bool:
        return self.error is None

    def rule_statuses(self) -> Counter[str]:
        """Per rule (the worst of its instances): how many passed, failed, were not applicable, lacked data."""
        rule_ids = {o.rule_id for o in self.result.outcomes}
        return Counter(self.result.rule_status(rid) or "not_applicable" for rid in rule_ids)

    def severity_counts(self) -> Counter[str]:
        return Counter(f.severity for f in self.result.findings)


@dataclass
class RunResult:
    files: list[FileResult]
    packs: list[PackInfo]
    fail_on: str = "warning"
    config: Config | None = None
    baseline: Baseline | None = None
    baseline_stale: int = 0  # baseline entries for the checked reports that matched nothing (fixed since)
    started: str = ""  # ISO 8601 UTC; only the compliance log's run records show them
    ended: str = ""
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)  # ties a run's log records together
    plugins: list[tuple[str, str | None]] = field(default_factory=list)  # (name, version) of each plugin
    rules: dict[str, RuleMeta] = field(default_factory=dict)  # every rule loaded, by id
    grouping: Grouping | None = None  # the report sets, when the run had cross-document rules
    set_rules: list[str] = field(default_factory=list)  # the ids of those rules

    def severity_counts(self) -> Counter[str]:
        return Counter(f.severity for fr in self.files for f in fr.result.findings)

    def status_counts(self) -> Counter[str]:
        total: Counter[str] = Counter({s: 0 for s in STATUSES})
        for fr in self.files:
            total.update(fr.rule_statuses())
        return total

    def rule(self, rule_id: str) -> RuleMeta | None:
        return self.rules.get(rule_id)

    def fails(self, f: Finding) -> bool:
        """Whether this finding counts against the exit code (at or above ``fail_on``)."""
        if self.fail_on == "never":
            return False
        return f.severity in SEVERITIES[: SEVERITIES.index(self.fail_on) + 1]

    @property
    def exit_code(self) -> int:
        if any(not fr.checked or fr.result.errors for fr in self.files):
            return EXIT_NOT_CHECKED
        if any(self.fails(f) for fr in self.files for f in fr.result.findings):
            return EXIT_FINDINGS
        return EXIT_OK


def sort_key(f: Finding) -> tuple[Any, ...]:
    """The one canonical order of a report's findings: page, rule, place, message."""
    loc = f.location
    return (loc.page or 0, f.rule_id, loc.describe(), f.message, fingerprint(f))
