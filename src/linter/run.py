"""A check run: every input file parsed under the resource guard and evaluated against the rule packs.

The run never stops at a bad file: each file ends as *checked* (with its findings and rule
outcomes) or *not checked* (with the reason), and the exit code says which happened:
0 nothing at or above the fail level, 1 findings at or above it, 2 a file or a rule could not be checked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pluggy

from linter.dsl import RulePack, evaluate
from linter.errors import InputError
from linter.findings import SEVERITIES, STATUSES, EvaluationResult
from linter.guard import Limits, parse_guarded
from linter.model import Document
from linter.parsing import parse_file, supported_formats

EXIT_OK, EXIT_FINDINGS, EXIT_NOT_CHECKED = 0, 1, 2
FAIL_LEVELS = ("error", "warning", "info", "never")


@dataclass
class FileResult:
    path: Path
    document: Document | None = None
    error: InputError | None = None
    result: EvaluationResult = field(default_factory=EvaluationResult)

    @property
    def checked(self) -> bool:
        return self.error is None

    def rule_statuses(self) -> Counter[str]:
        """Per rule (the worst of its instances): how many passed, failed, were not applicable, lacked data."""
        rule_ids = {o.rule_id for o in self.result.outcomes}
        return Counter(self.result.rule_status(rid) or "not_applicable" for rid in rule_ids)


@dataclass
class RunResult:
    files: list[FileResult]
    packs: list[RulePack]
    fail_on: str = "warning"

    def severity_counts(self) -> Counter[str]:
        return Counter(f.severity for fr in self.files for f in fr.result.findings)

    def status_counts(self) -> Counter[str]:
        total: Counter[str] = Counter({s: 0 for s in STATUSES})
        for fr in self.files:
            total.update(fr.rule_statuses())
        return total

    @property
    def exit_code(self) -> int:
        if any(not fr.checked or fr.result.errors for fr in self.files):
            return EXIT_NOT_CHECKED
        if self.fail_on != "never":
            failing = SEVERITIES[: SEVERITIES.index(self.fail_on) + 1]  # type: ignore[arg-type]
            if any(f.severity in failing for fr in self.files for f in fr.result.findings):
                return EXIT_FINDINGS
        return EXIT_OK


def expand_inputs(paths: Iterable[Path], formats: Sequence[str]) -> list[Path]:
    """Files as given; directories searched recursively for files a parser reads. Order is stable."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in formats)
        else:
            out.append(path)
    return out


def check_file(path: Path, packs: list[RulePack], pm: pluggy.PluginManager, limits: Limits) -> FileResult:
    try:
        document = parse_guarded(path, limits) if limits.enabled else parse_file(path, pm)
    except InputError as exc:
        return FileResult(path, error=exc)
    return FileResult(path, document=document, result=evaluate(packs, document))


def run_check(
    paths: Iterable[Path], packs: list[RulePack], pm: pluggy.PluginManager, limits: Limits, fail_on: str
) -> RunResult:
    files = expand_inputs(paths, supported_formats(pm))
    return RunResult([check_file(p, packs, pm, limits) for p in files], packs, fail_on)
