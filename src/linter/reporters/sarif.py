"""``--format sarif``: SARIF 2.1.0 for code-scanning dashboards (validated against the OASIS schema in the tests).

A PDF has no lines, and SARIF forbids line/column regions in a binary artifact, so a finding is
located by: the artifact (the report, relative to the current folder); ``logicalLocations`` for
the page, the table, the row and the cell (or the section and the sentence), each with a
JSON-pointer-like ``fullyQualifiedName``; a ``properties`` bag with the page and the bbox; and
``partialFingerprints`` (code-scanning services only compute fingerprints from lines, so we give
ours). Only rules that fired are described, to keep the file small. Rule packs appear as
``tool.extensions`` with their version and content hash. No timestamps: the same input gives the
same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from linter.core.baseline import FINGERPRINT_VERSION, fingerprint
from linter.core.findings import Finding, Location
from linter.core.results import FileResult, RunResult
from linter.reporters.common import (
    INFORMATION_URI,
    TOOL_NAME,
    config_digest,
    display_path,
    pack_infos,
    relative_uri,
    tool_version,
)

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = f"fiscalLint/{FINGERPRINT_VERSION}"
SRCROOT = "%SRCROOT%"


def _pointer(*parts: str) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def logical_locations(loc: Location) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if loc.page is not None:
        out.append({"name": f"第{loc.page}页", "fullyQualifiedName": _pointer("pages", str(loc.page)), "kind": "object"})
    table = loc.table or loc.table_number
    if table:
        base = ("tables", table)
        out.append({"name": loc.table_number or table, "fullyQualifiedName": _pointer(*base), "kind": "array"})
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


def _location(f: Finding, artifact: dict[str, Any], loc: Location | None = None) -> dict[str, Any]:
    loc = loc if loc is not None else f.location
    props: dict[str, Any] = {}
    for key in ("page", "bbox", "table", "table_number", "row_code", "row_label", "line_no", "column",
                "column_no", "section", "text", "report"):
        value = getattr(loc, key)
        if value is not None:
            props[key] = list(value) if isinstance(value, tuple) else value
    out: dict[str, Any] = {"physicalLocation": {"artifactLocation": artifact}}
    logical = logical_locations(loc)
    if logical:
        out["logicalLocations"] = logical
    described = loc.describe()
    if described:
        out["message"] = {"text": described}
    if props:
        out["properties"] = props
    return out


def _rule_descriptor(run: RunResult, rule_id: str, sample: Finding) -> dict[str, Any]:
    """What SARIF says about a rule: from the rule itself when it is loaded, else from one of its findings."""
    rule = run.rule(rule_id)
    title = rule.title if rule else sample.title
    basis = rule.basis if rule else sample.basis
    category = rule.category if rule else sample.category
    version = rule.version if rule else sample.rule_version
    severity = rule.severity if rule else sample.severity
    if rule is not None and run.config is not None:
        severity = run.config.severity_of(rule_id, severity)
    fix = rule.fix if rule is not None else None
    d: dict[str, Any] = {
        "id": rule_id,
        "shortDescription": {"text": title},
        "fullDescription": {"text": title + (f"（依据：{basis}）" if basis else "")},
        "help": {"text": fix or f"运行 fiscal-lint explain {rule_id} 查看说明、示例与改正方法"},
        "defaultConfiguration": {"level": LEVEL.get(severity, "warning")},
    }
    tags = list(rule.tags) if rule else []
    if category and category not in tags:
        tags.append(category)
    props = {"category": category, "tags": tags or None, "basis": basis, "version": version}
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


def sarif_log(run: RunResult) -> dict[str, Any]:
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
        for f in fr.result.findings:
            if f.rule_id not in rule_index:
                rule_index[f.rule_id] = len(rules)
                rules.append(_rule_descriptor(run, f.rule_id, f))
            result: dict[str, Any] = {
                "ruleId": f.rule_id,
                "ruleIndex": rule_index[f.rule_id],
                "level": LEVEL[f.severity],
                "kind": "fail",
                "message": {"text": f.message},
                "locations": [_location(f, art_loc)],
                "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f)},
                "properties": {
                    "kind": f.kind,
                    "evidence": f.evidence.to_dict(),
                    "args": dict(f.args),
                    "instance": dict(f.instance),
                },
            }
            if f.related:  # the places in other reports of the set the finding rests on
                result["relatedLocations"] = [
                    {"id": k, **_location(f, _related_artifact(rel), rel)} for k, rel in enumerate(f.related, 1)
                ]
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
        "executionSuccessful": all(fr.checked and not fr.result.errors for fr in run.files),
        "exitCode": run.exit_code,
    }
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
    def report(self, run: RunResult, stream: TextIO) -> None:
        stream.write(json.dumps(sarif_log(run), ensure_ascii=False, indent=2) + "\n")
