"""Fingerprints of findings, and the baseline file: known findings accepted with a justification.

A PDF cannot carry ``# noqa``, so accepted findings live in a committed file beside the
reports. Each entry names the report (its path relative to the baseline file), the rule, the
finding's fingerprint, where it is and why it is accepted (``justification``, required).
``check --baseline FILE`` then reports only findings that are not in it.

The fingerprint identifies *what* is wrong and *where in the report's structure*, never where
on the page: it hashes the rule id, the table's canonical key, the row (code and label), the
column path, the section heading, the sentence, the loop instance and the matched text, all
with whitespace removed and NFKC-normalised. Page numbers, bounding boxes, 行次 and the numbers
themselves are left out, so the fingerprint survives re-parsing, a page inserted before the
table, a re-layout, and a change of an amount that keeps the defect.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from linter.core.findings import Finding

FINGERPRINT_VERSION = "v1"
BASELINE_VERSION = 1
DEFAULT_BASELINE = "fiscal-lint-baseline.json"

# message arguments that hold the verdict's numbers: not part of what the finding *is*
_NUMERIC_ARGS = {"lhs", "rhs", "diff", "tolerance", "lhs_interval", "rhs_interval"}
_SPACE = re.compile(r"\s+")


def _norm(text: str | None) -> str:
    if not text:
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def _is_number(text: str) -> bool:
    try:
        Decimal(text.replace(",", "").rstrip("%"))
    except InvalidOperation:
        return False
    return True


def fingerprint_material(f: Finding) -> list[Any]:
    loc = f.location
    args = sorted((k, _norm(v)) for k, v in f.args.items() if k not in _NUMERIC_ARGS and not _is_number(v))
    return [
        FINGERPRINT_VERSION,
        f.rule_id,
        loc.table or _norm(loc.table_number),
        _norm(loc.row_code),
        _norm(loc.row_label),
        [_norm(c) for c in loc.column or []],
        _norm(loc.section),
        _norm(loc.text),
        sorted((k, _norm(v)) for k, v in f.instance.items()),
        sorted(_norm(m) for m in f.evidence.matches),
        args,
    ]


def fingerprint(f: Finding) -> str:
    """A stable id of the finding: 32 hex digits (128 bits of sha256)."""
    data = json.dumps(fingerprint_material(f), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


class BaselineError(Exception):
    """A baseline file that cannot be used (exit code 2). One line, Chinese then English."""

    def __init__(self, path: Path, zh: str, en: str):
        super().__init__(f"{path}: {zh} / {en}")


@dataclass
class Entry:
    path: str  # the report, relative to the baseline file's folder, with "/" separators
    rule_id: str
    fingerprint: str
    location: str = ""  # human-readable, for reviewers of the file
    message: str = ""
    justification: str = ""

    def key(self) -> tuple[str, str]:
        return (self.path, self.fingerprint)

    def to_dict(self) -> dict[str, str]:
        return {
            "path": self.path,
            "rule_id": self.rule_id,
            "fingerprint": self.fingerprint,
            "location": self.location,
            "message": self.message,
            "justification": self.justification,
        }


@dataclass
class Baseline:
    path: Path
    entries: list[Entry] = field(default_factory=list)

    @property
    def root(self) -> Path:
        return self.path.resolve().parent

    def report_key(self, report: Path) -> str:
        return report_key(report, self.root)

    def counter(self) -> Counter[tuple[str, str]]:
        return Counter(e.key() for e in self.entries)

    def to_json(self) -> str:
        entries = sorted(self.entries, key=lambda e: (e.path, e.rule_id, e.fingerprint, e.message))
        data = {
            "version": BASELINE_VERSION,
            "tool": "fiscal-lint",
            "fingerprint": FINGERPRINT_VERSION,
            "entries": [e.to_dict() for e in entries],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def write(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(self.to_json(), encoding="utf-8")
        tmp.replace(self.path)


def report_key(report: Path, root: Path) -> str:
    resolved = report.resolve()
    try:
        return resolved.relative_to(root).as_posix()
    except ValueError:
        return resolved.as_posix()


def load_baseline(path: Path, *, require_justification: bool = True) -> Baseline:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(path, "基线文件不存在", "no such baseline file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(path, f"无法读取基线文件：{exc}", f"cannot read the baseline file: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION or not isinstance(data.get("entries"), list):
        raise BaselineError(path, f"不是第 {BASELINE_VERSION} 版基线文件", f"not a version {BASELINE_VERSION} baseline file")
    entries = []
    for i, raw in enumerate(data["entries"]):
        try:
            entry = Entry(**{k: str(raw[k]) for k in ("path", "rule_id", "fingerprint")},
                          **{k: str(raw.get(k) or "") for k in ("location", "message", "justification")})
        except (KeyError, TypeError):
            raise BaselineError(path, f"第 {i + 1} 条缺少 path/rule_id/fingerprint",
                                f"entry {i + 1} lacks path/rule_id/fingerprint") from None
        if require_justification and not entry.justification.strip():
            raise BaselineError(
                path,
                f"第 {i + 1} 条（{entry.rule_id} {entry.path}）没有 justification（接受理由）",
                f"entry {i + 1} ({entry.rule_id} {entry.path}) has no justification",
            )
        entries.append(entry)
    return Baseline(path, entries)


@dataclass
class Split:
    new: list[Finding]
    baselined: list[Finding]


def split_findings(baseline: Baseline, report: Path, findings: Iterable[Finding],
                   remaining: Counter[tuple[str, str]]) -> Split:
    """Separate new findings from baselined ones. ``remaining`` counts unused entries and is consumed,
    so two identical findings need two entries, and what is left at the end was fixed (stale)."""
    key = baseline.report_key(report)
    out = Split([], [])
    for f in findings:
        k = (key, fingerprint(f))
        if remaining[k] > 0:
            remaining[k] -= 1
            out.baselined.append(f)
        else:
            out.new.append(f)
    return out


def make_entries(baseline_root: Path, report: Path, findings: Iterable[Finding]) -> list[Entry]:
    key = report_key(report, baseline_root)
    return [Entry(key, f.rule_id, fingerprint(f), f.location.describe(), f.message) for f in findings]


def carry_justifications(new: list[Entry], old: Baseline | None, default: str | None,
                         per_rule: dict[str, str]) -> list[Entry]:
    """Give each entry a justification: the one it already had in ``old`` (same report and
    fingerprint), else the most specific ``per_rule`` prefix, else ``default``. Entries that get
    none are returned (the caller refuses to write the file)."""
    previous: dict[tuple[str, str], list[str]] = {}
    if old is not None:
        for e in old.entries:
            previous.setdefault(e.key(), []).append(e.justification)
    missing = []
    for e in new:
        kept = previous.get(e.key())
        if kept:
            e.justification = kept.pop(0)
        if not e.justification.strip():
            best = -1
            for prefix, text in per_rule.items():
                p = prefix.rstrip(".")
                if (e.rule_id == p or e.rule_id.startswith(p + ".")) and len(p) > best:
                    best, e.justification = len(p), text
        if not e.justification.strip() and default:
            e.justification = default
        if not e.justification.strip():
            missing.append(e)
    return missing
