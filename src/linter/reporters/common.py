"""What every machine-readable format says about a run, built once so the formats agree."""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any
from urllib.parse import quote

from linter.core.baseline import fingerprint
from linter.core.findings import STATUSES, Finding, Location
from linter.core.results import FileResult, RunResult

TOOL_NAME = "fiscal-lint"
INFORMATION_URI = "https://github.com/fiscal-lint/fiscal-lint"
LOG_SCHEMA = "fiscal-lint/compliance-log/1"

# the rule categories in the reviewer's words (explain, the HTML and workbook outputs)
CATEGORY_ZH = {
    "identity": "表内勾稽",
    "cross-table": "表间一致",
    "cross-document": "报告间一致",
    "prose-vs-table": "说明与表格一致",
    "completeness": "完整性",
    "wording": "表述",
    "format": "格式",
    "timing": "时效",
}


def tool_version() -> str:
    from linter import __version__

    return __version__


def display_path(path: Path) -> str:
    """The path as the user gave it, with "/" separators (the same on every OS)."""
    return path.as_posix()


def relative_uri(path: Path) -> tuple[str, bool]:
    """(uri, relative): a percent-encoded path relative to the current folder when the file is inside
    it (what code-scanning tools expect), else an absolute ``file://`` URI."""
    resolved = path.resolve()
    try:
        rel = resolved.relative_to(Path.cwd().resolve())
    except ValueError:
        return resolved.as_uri(), False
    return quote(rel.as_posix(), safe="/"), True


def pack_infos(run: RunResult) -> list[dict[str, Any]]:
    return [
        {"name": p.name, "version": p.version, "sha256": p.sha256, "rules": p.rules}
        for p in run.packs
    ]


def config_digest(run: RunResult) -> str | None:
    return run.config.digest() if run.config is not None else None


def python_version() -> str:
    return platform.python_version()


def outcome_of(fr: FileResult) -> str:
    return "checked" if fr.checked else "not_checked"


def reason_of(fr: FileResult) -> dict[str, str] | None:
    if fr.error is None:
        return None
    return {"code": fr.error.reason, "zh": fr.error.zh, "en": fr.error.en}


def rule_counts(fr: FileResult) -> dict[str, int]:
    st = fr.rule_statuses()
    return {s: st.get(s, 0) for s in ("pass", "fail", "not_applicable", "insufficient_data")}


def severity_counts(counter: Any) -> dict[str, int]:
    return {s: counter.get(s, 0) for s in ("error", "warning", "info")}


def document_dict(fr: FileResult) -> dict[str, Any]:
    """The facts about one report shared by the json and jsonl formats."""
    info = fr.info
    return {
        "path": display_path(fr.path),
        "sha256": info.sha256 if info else fr.sha256,
        "pages": info.pages if info else None,
        "parser": dict(info.parser) if info else None,
        "metadata": dict(info.metadata) if info else {},
        "outcome": outcome_of(fr),
        "reason": reason_of(fr),
        "rule_counts": rule_counts(fr),
        "finding_counts": severity_counts(fr.severity_counts()),
        "baselined": fr.baselined,
        "rule_errors": [e.to_dict() for e in fr.result.errors],
        **({"part_of": display_path(fr.part_of)} if fr.part_of is not None else {}),
    }


def finding_dict(f: Finding) -> dict[str, Any]:
    return {**f.to_dict(), "fingerprint": fingerprint(f)}


def place(loc: Location) -> str:
    """Where, in words, without the page: ``公开09表 · 合计 · 决算数/合计`` or the section's heading."""
    parts = []
    if loc.table_number or loc.table:
        parts.append(loc.table_number or loc.table or "")
    row = " ".join(p for p in (loc.row_code, loc.row_label) if p)
    if row:
        parts.append(row)
    if loc.column:
        parts.append("/".join(loc.column))
    if loc.section and not parts:
        parts.append(loc.section)
    return " · ".join(parts)


def related_text(f: Finding) -> str:
    """The places in other reports a cross-document finding rests on: "↔ 2024年部门预算 第5页 …（file）"."""
    parts = []
    for loc in f.related:
        where = loc.describe()
        parts.append(f"↔ {where}" + (f"（{display_path(Path(loc.file))}）" if loc.file else ""))
    return "；".join(parts)


def set_dicts(run: RunResult) -> list[dict[str, Any]]:
    """The report sets of the run (unit, reports and their files) with the outcomes of the cross-document
    rules over the set's reports (per rule and report, the worst of its instances)."""
    if run.grouping is None:
        return []
    by_path = {fr.path: fr for fr in run.files}
    out = []
    for rset in run.grouping.sets:
        counts = {s: 0 for s in STATUSES}
        for report in rset.reports:
            fr = by_path.get(report.members[0].path)
            if fr is None:
                continue
            for rid in run.set_rules:
                counts[fr.result.rule_status(rid) or "not_applicable"] += 1
        out.append({
            "unit": rset.unit,
            "name": rset.name,
            "reports": [
                {"label": r.label, "year": r.key.year, "kind": r.key.kind, "level": r.key.level,
                 "files": [display_path(m.path) for m in r.members], "how": r.how}
                for r in rset.reports
            ],
            "rule_counts": counts,
        })
    return out


def summary_dict(run: RunResult) -> dict[str, Any]:
    return {
        "files": len(run.files),
        "checked": sum(1 for fr in run.files if fr.checked),
        "not_checked": sum(1 for fr in run.files if not fr.checked),
        "finding_counts": severity_counts(run.severity_counts()),
        "rule_counts": dict(run.status_counts()),
        "rule_errors": sum(len(fr.result.errors) for fr in run.files),
        "baselined": sum(fr.baselined for fr in run.files),
        "baseline_stale": run.baseline_stale,
        "exit_code": run.exit_code,
    }
