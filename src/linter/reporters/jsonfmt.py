"""``--format json``: one JSON document for the whole run (no timestamps: the same input gives the same bytes)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from linter.core.results import RunResult
from linter.reporters.common import (
    TOOL_NAME,
    DisplayOptions,
    config_digest,
    document_dict,
    finding_dict,
    pack_infos,
    readable_dict,
    set_dicts,
    summary_dict,
    tables_of,
    tool_version,
)

JSON_FORMAT_VERSION = 1
SCHEMA_URI = "https://fiscal-lint.example/schemas/findings.schema.json"  # schemas/findings.schema.json


def run_dict(run: RunResult, display: DisplayOptions | None = None) -> dict[str, Any]:
    """The whole run (schemas/findings.schema.json). ``--severity`` leaves the findings below it out of ``findings``;
    the counts and the exit code stay those of everything found, and ``summary.shown`` says how many are listed."""
    display = display or DisplayOptions()
    summary = summary_dict(run)
    summary["shown"] = sum(len(display.shown(fr.result.findings)) for fr in run.files)
    return {
        "$schema": SCHEMA_URI,
        "format": f"{TOOL_NAME}/json/{JSON_FORMAT_VERSION}",
        "tool": {"name": TOOL_NAME, "version": tool_version()},
        "packs": pack_infos(run),
        "plugins": [{"name": name, "version": version} for name, version in run.plugins],
        "config_sha256": config_digest(run),
        "fail_on": run.fail_on,
        "baseline": run.baseline.path.as_posix() if run.baseline is not None else None,
        "severity_shown": display.severity,
        "files": [
            {**document_dict(fr), "findings": [{**finding_dict(f), **readable_dict(f, tables_of(fr))}
                                               for f in display.shown(fr.result.findings)]}
            for fr in run.files
        ],
        **({"sets": set_dicts(run)} if run.grouping is not None else {}),
        "summary": summary,
    }


class JsonReporter:
    def __init__(self, display: DisplayOptions | None = None) -> None:
        self.display = display or DisplayOptions()

    def report(self, run: RunResult, stream: TextIO) -> None:
        stream.write(json.dumps(run_dict(run, self.display), ensure_ascii=False, indent=2) + "\n")
