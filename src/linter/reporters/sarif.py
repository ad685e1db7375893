"""``--format sarif``: SARIF 2.1.0 for code-scanning dashboards (validated against the OASIS schema in the tests).

A PDF has no lines. Code-scanning services (GitHub) accept a result only with a text ``region``, so **a page is a
line**: ``region.startLine`` is the page number of the report (``endLine`` the last page of a sentence printed across
a page break); a finding about the whole report (no page) points at page 1 and says so. Every message also says the
page in words ("第5页"), with the place as the report prints it (表号 and title, row, column, or the section's
heading) and, for a finding that compares two places, the other one ("另见 公开03表 支出决算表 第7页", also given as
``relatedLocations``). The finer place is in ``logicalLocations`` (page, table, row, cell, or section and sentence,
each with a JSON-pointer-like ``fullyQualifiedName``) and in the ``properties`` bag (page, bbox). We give our own
``partialFingerprints`` (code-scanning services compute theirs from lines of text). Each rule that fired is described
with the explanation ``fiscal-lint explain`` prints (what, why, basis, example, fix) in ``fullDescription``,
``help.text`` and ``help.markdown``. Rule packs appear as ``tool.extensions`` with their version and content hash.
No timestamps: the same input gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from linter.core.baseline import FINGERPRINT_VERSION, fingerprint
from linter.core.findings import Finding, Location, RuleMeta
from linter.core.results import FileResult, RunResult
from linter.reporters.common import (
    INFORMATION_URI,
    TOOL_NAME,
    DisplayOptions,
    Tables,
    also_text,
    config_digest,
    display_path,
    numbers_text,
    other_places,
    pack_infos,
    related_text,
    relative_uri,
    table_label,
    tables_of,
    tool_version,
    where,
)
from linter.reporters.explanation import markdown, plain_text, rule_explanation

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = f"fiscalLint/{FINGERPRINT_VERSION}"
SRCROOT = "%SRCROOT%"


def _pointer(*parts: str) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def logical_locations(loc: Location, tables: Tables | None = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if loc.page is not None:
        out.append({"name": f"第{loc.page}页", "fullyQualifiedName": _pointer("pages", str(loc.page)), "kind": "object"})
    table = loc.table or loc.table_number
    if table:
        base = ("tables", table)
        out.append({"name": table_label(loc, tables), "fullyQualifiedName": _pointer(*base), "kind": "array"})
        row = " ".join(p for p in (loc.row_code, loc.row_label) if p)
        if row:
            out.append({"name": row, "fullyQualifiedName": _pointer(*base, "rows", row), "kind": "object"})
            if loc.column:
                col = "/".join(loc.column)
                out.append({
                    "name": f"{row} · {col}",
                    "fullyQualifiedName": _pointer(*base, "rows", row, "cells", col),
                    "kind": "value",
                })
        elif loc.column:
            col = "/".join(loc.column)
            out.append({"name": col, "fullyQualifiedName": _pointer(*base, "columns", col), "kind": "array"})
    if loc.section:
        out.append({"name": loc.section, "fullyQualifiedName": _pointer("sections", loc.section), "kind": "object"})
        if loc.text:
            out.append({"name": loc.text, "fullyQualifiedName": _pointer("sections", loc.section, "text", loc.text),
                        "kind": "value"})
    return out


def region(loc: Location) -> dict[str, Any]:
    """The page as a line (what GitHub accepts for a result): ``startLine`` = the page, ``endLine`` = the last page
    of a sentence printed across a page break; page 1 for a finding about the whole report."""
    first = loc.page or 1
    last = loc.continued[-1].get("page", first) if loc.continued else first
    out: dict[str, Any] = {"startLine": first}
    if isinstance(last, int) and last > first:
        out["endLine"] = last
    return out


def _location(f: Finding, artifact: dict[str, Any], loc: Location | None = None,
              tables: Tables | None = None) -> dict[str, Any]:
    loc = loc if loc is not None else f.location
    props: dict[str, Any] = {}
    for key in ("page", "bbox", "table", "table_number", "row_code", "row_label", "line_no", "column",
                "column_no", "section", "text", "report"):
        value = getattr(loc, key)
        if value is not None:
            props[key] = list(value) if isinstance(value, tuple) else value
    if loc.continued:  # a sentence printed across a page break: its boxes on the later pages
        props["continued"] = [dict(part) for part in loc.continued]
    if loc.table or loc.table_number:
        props["table_name"] = table_label(loc, tables)
    out: dict[str, Any] = {"physicalLocation": {"artifactLocation": artifact, "region": region(loc)}}
    logical = logical_locations(loc, tables)
    if logical:
        out["logicalLocations"] = logical
    described = where(loc, tables)
    if described:
        out["message"] = {"text": described}
    if props:
        out["properties"] = props
    return out


def result_message(f: Finding, tables: Tables | None = None) -> str:
    """The finding's message with its page and place in words, the other place it compares with, and its
    numbers: what a dashboard shows without opening the PDF."""
    lines = [f.message]
    place_ = where(f.location, tables) or "整份报告（无页码） / the whole report"
    lines.append(f"位置 / where：{place_}")
    also = also_text(f, tables)
    if also:
        lines.append(also)
    numbers = numbers_text(f, tables)
    if numbers:
        lines.append(numbers)
    if f.related:
        lines.append(related_text(f, tables))
    return "\n".join(lines)


def _rule_descriptor(run: RunResult, rule_id: str, sample: Finding) -> dict[str, Any]:
    """What SARIF says about a rule: its explanation as ``fiscal-lint explain`` gives it (from the rule when it is
    loaded, else from one of its findings)."""
    rule = run.rule(rule_id) or RuleMeta(rule_id, sample.title, sample.severity, sample.rule_version, sample.basis,
                                         None, sample.category)
    severity = rule.severity
    if run.rule(rule_id) is not None and run.config is not None:
        severity = run.config.severity_of(rule_id, severity)
    e = rule_explanation(rule)
    d: dict[str, Any] = {
        "id": rule_id,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": plain_text(e)},
        "help": {"text": plain_text(e), "markdown": markdown(e)},
        "defaultConfiguration": {"level": LEVEL.get(severity, "warning")},
    }
    tags = list(rule.tags)
    if rule.category and rule.category not in tags:
        tags.append(rule.category)
    props = {"category": rule.category, "tags": tags or None, "basis": rule.basis, "version": rule.version}
    props = {k: v for k, v in props.items() if v}
    if props:
        d["properties"] = props
    return d


def _related_artifact(loc: Location) -> dict[str, Any]:
    """The artifact location of another report of the set (by its path as given; not in ``artifacts``
    unless it was also an input, so it has no index)."""
    uri, relative = relative_uri(Path(loc.file or ""))
    return {"uri": uri, "uriBaseId": SRCROOT} if relative else {"uri": uri}


def _artifact(fr: FileResult, index: int) -> tuple[dict[str, Any], dict[str, Any]]:
    uri, relative = relative_uri(fr.path)
    location: dict[str, Any] = {"uri": uri, "index": index}
    if relative:
        location["uriBaseId"] = SRCROOT
    artifact: dict[str, Any] = {"location": {k: v for k, v in location.items() if k != "index"}}
    suffix = fr.path.suffix.lower()
    artifact["mimeType"] = {
        ".pdf": "application/pdf",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }.get(suffix, "application/octet-stream")
    sha = fr.info.sha256 if fr.info else fr.sha256
    if sha:
        artifact["hashes"] = {"sha-256": sha}
    return artifact, location


def sarif_log(run: RunResult, display: DisplayOptions | None = None) -> dict[str, Any]:
    display = display or DisplayOptions()
    artifacts, results, notifications = [], [], []
    rule_index: dict[str, int] = {}
    rules: list[dict[str, Any]] = []
    for i, fr in enumerate(run.files):
        artifact, art_loc = _artifact(fr, i)
        artifacts.append(artifact)
        if not fr.checked:
            assert fr.error is not None
            notifications.append({
                "level": "error",
                "message": {"text": f"{display_path(fr.path)}: 未检查 / not checked: {fr.error.message}"},
                "descriptor": {"id": f"not-checked/{fr.error.reason}"},
                "locations": [{"physicalLocation": {"artifactLocation": art_loc}}],
            })
        for err in fr.result.errors:
            notifications.append({
                "level": "error",
                "message": {"text": f"{display_path(fr.path)}: 规则出错 / rule error {err.rule_id}: {err.message}"},
                "descriptor": {"id": "rule-error"},
                "associatedRule": {"id": err.rule_id},
                "locations": [{"physicalLocation": {"artifactLocation": art_loc}}],
            })
        tables = tables_of(fr)
        for f in display.shown(fr.result.findings):
            if f.rule_id not in rule_index:
                rule_index[f.rule_id] = len(rules)
                rules.append(_rule_descriptor(run, f.rule_id, f))
            result: dict[str, Any] = {
                "ruleId": f.rule_id,
                "ruleIndex": rule_index[f.rule_id],
                "level": LEVEL[f.severity],
                "kind": "fail",
                "message": {"text": result_message(f, tables)},
                "locations": [_location(f, art_loc, tables=tables)],
                "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f)},
                "properties": {
                    "kind": f.kind,
                    "evidence": f.evidence.to_dict(),
                    "args": dict(f.args),
                    "instance": dict(f.instance),
                },
            }
            # the other places of this report it compares with, then those in other reports of the set
            related = [_location(f, art_loc, other, tables) for other in other_places(f, tables)]
            related += [_location(f, _related_artifact(rel), rel, tables) for rel in f.related]
            if related:
                result["relatedLocations"] = [{"id": k, **loc} for k, loc in enumerate(related, 1)]
            if run.baseline is not None:
                result["baselineState"] = "new"
            results.append(result)
    # rules in id order, results pointing at them by index: one canonical file for one input
    order = sorted(range(len(rules)), key=lambda k: rules[k]["id"])
    remap = {old: new for new, old in enumerate(order)}
    rules = [rules[k] for k in order]
    for r in results:
        r["ruleIndex"] = remap[r["ruleIndex"]]
    invocation: dict[str, Any] = {
        "executionSuccessful": not run.interrupted and all(fr.checked and not fr.result.errors for fr in run.files),
        "exitCode": run.exit_code,
    }
    if run.interrupted:
        notifications.append({
            "level": "error",
            "message": {"text": f"运行被中断：已检查 {len(run.files)} / {run.inputs} 份报告 / interrupted: "
                                f"{len(run.files)} of {run.inputs} reports checked"},
            "descriptor": {"id": "interrupted"},
        })
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run_obj: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": tool_version(),
                "semanticVersion": tool_version(),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            },
            "extensions": [
                {"name": p["name"], "version": p["version"], "properties": {"sha256": p["sha256"], "rules": p["rules"]}}
                for p in pack_infos(run)
            ],
        },
        "invocations": [invocation],
        "artifacts": artifacts,
        "results": results,
        "properties": {"configSha256": config_digest(run), "failOn": run.fail_on},
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run_obj]}


class SarifReporter:
    def __init__(self, display: DisplayOptions | None = None) -> None:
        self.display = display or DisplayOptions()

    def report(self, run: RunResult, stream: TextIO) -> None:
        stream.write(json.dumps(sarif_log(run, self.display), ensure_ascii=False, indent=2) + "\n")
