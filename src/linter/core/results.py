"""What a check run produces, as every output reads it: per file the document's particulars, its findings
and rule outcomes (or why it could not be checked), and for the run the packs, the configuration and the
exit code.

The types sit below the run and the reporters: the run fills them in, reporters and plugins read them.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linter.core.baseline import Baseline, fingerprint
from linter.core.config import Config
from linter.core.errors import InputError
from linter.core.exit_codes import EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_NOT_CHECKED, EXIT_OK
from linter.core.findings import SEVERITIES, STATUSES, EvaluationResult, Finding, PackInfo, RuleMeta
from linter.core.model import Document
from linter.core.sets import Grouping


@dataclass
class DocInfo:
    """What the outputs say about a parsed report (kept in the result cache instead of the whole model)."""

    file_name: str
    sha256: str
    pages: int
    parser: dict[str, str]
    producer: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    # the tables as printed, by canonical key (the first of each key): {"number", "title", "unit"}, so that the
    # outputs name a table as the report does ("公开01表 收入支出决算总表") and give its amounts their unit
    tables: dict[str, dict[str, str | None]] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: Document) -> DocInfo:
        md = {k: v for k, v in vars(doc.metadata).items() if v is not None}
        src = doc.source
        parser = {"name": src.parser.name, "version": src.parser.version}
        tables: dict[str, dict[str, str | None]] = {}
        for t in doc.tables:
            if t.key and t.key not in tables:
                tables[t.key] = {"number": t.number, "title": t.title, "unit": t.unit}
        return cls(src.file_name, src.sha256, src.page_count, parser, src.producer, md, tables)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file_name": self.file_name,
            "sha256": self.sha256,
            "pages": self.pages,
            "parser": dict(self.parser),
            "producer": self.producer,
            "metadata": dict(self.metadata),
            "tables": {k: dict(v) for k, v in self.tables.items()},
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DocInfo:
        return cls(d["file_name"], d["sha256"], int(d["pages"]), dict(d["parser"]), d.get("producer"),
                   dict(d.get("metadata") or {}), {k: dict(v) for k, v in (d.get("tables") or {}).items()})


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
        return Counter(self.result.rule_statuses().values())

    def severity_counts(self) -> Counter[str]:
        return Counter(f.severity for f in self.result.findings)


def _new_run_id() -> str:
    """A random (version 4) UUID as 32 hex digits, as ``uuid.uuid4().hex`` gives, without importing uuid (and with
    it platform) at every start-up."""
    b = bytearray(os.urandom(16))
    b[6] = (b[6] & 0x0F) | 0x40  # version 4
    b[8] = (b[8] & 0x3F) | 0x80  # RFC 4122 variant
    return b.hex()


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
    run_id: str = field(default_factory=_new_run_id)  # ties a run's log records together
    plugins: list[tuple[str, str | None]] = field(default_factory=list)  # (name, version) of each plugin
    rules: dict[str, RuleMeta] = field(default_factory=dict)  # every rule loaded, by id
    grouping: Grouping | None = None  # the report sets, when the run had cross-document rules
    set_rules: list[str] = field(default_factory=list)  # the ids of those rules
    interrupted: bool = False  # stopped by Ctrl-C: ``files`` holds the reports finished before it
    inputs: int = 0  # the files the run was given (folders expanded), finished or not
    resumed: list[Path] = field(default_factory=list)  # complete in the log being resumed: not checked again
    resumed_exit: int = EXIT_OK  # what the resumed reports' records say of the exit code (0, 1 or 2)

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
        if self.interrupted:
            return EXIT_INTERRUPTED
        if self.resumed_exit == EXIT_NOT_CHECKED or any(not fr.checked or fr.result.errors for fr in self.files):
            return EXIT_NOT_CHECKED
        if self.resumed_exit == EXIT_FINDINGS or any(self.fails(f) for fr in self.files for f in fr.result.findings):
            return EXIT_FINDINGS
        return EXIT_OK


NO_RULE_APPLIES = "no_rule_applies"  # the reason code of a report no rule could look at
NOT_APPLIED = ("not_applicable", "insufficient_data")


def mark_if_no_rule_applied(fr: FileResult, across_reports: Collection[str] = ()) -> bool:
    """Turn a report on which no rule applied into a report *not checked*, with the reason (exit code 2).

    Every rule's outcome was "not applicable" or "insufficient data": nothing was checked, and calling that
    clean would be false. A file whose outcomes are reported on another file of
    its report (``part_of``) is left alone, and so is one with findings or rule errors (those speak for
    themselves). The rules ``across_reports`` (they read other reports) are left out of the count: the oldest
    report of a set has no earlier one to be compared with, yet it was read as the others' partner; a run of
    cross-document rules alone is judged by its set records. Returns whether the file was marked."""
    if not fr.checked or fr.part_of is not None or fr.result.findings or fr.result.errors:
        return False
    statuses = Counter(status for rid, status in fr.result.rule_statuses().items() if rid not in across_reports)
    if not statuses or any(status not in NOT_APPLIED for status in statuses):
        return False  # no outcome at all: the run asked for no rule (``fiscal-lint sets`` only groups files)
    kind = " ".join(str(fr.info.metadata[k]) for k in ("fiscal_year", "level", "kind")
                    if fr.info is not None and fr.info.metadata.get(k)) or "未识别 / unrecognised"
    na, nd = statuses.get("not_applicable", 0), statuses.get("insufficient_data", 0)
    fr.error = InputError(
        NO_RULE_APPLIES,
        f"没有适用于此类报告的规则（报告：{kind}；{na} 条规则不适用，{nd} 条数据不足）",
        f"no rule applies to this kind of report (report: {kind}; {na} rules not applicable, {nd} without the "
        "data they need)",
    )
    return True


def keep_selected(fr: FileResult, config: Config) -> None:
    """Drop the findings, outcomes and rule errors of rules ``config`` does not select (the per-file selection of
    an override, when the run evaluated the rules some other file needs)."""
    r = fr.result
    if all(config.selects(o.rule_id) for o in r.outcomes) and all(config.selects(f.rule_id) for f in r.findings):
        return
    r.findings = [f for f in r.findings if config.selects(f.rule_id)]
    r.outcomes = [o for o in r.outcomes if config.selects(o.rule_id)]
    r.errors = [e for e in r.errors if config.selects(e.rule_id)]


def sort_key(f: Finding) -> tuple[Any, ...]:
    """The one canonical order of a report's findings: page, rule, place, message."""
    loc = f.location
    return (loc.page or 0, f.rule_id, loc.describe(), f.message, fingerprint(f))
