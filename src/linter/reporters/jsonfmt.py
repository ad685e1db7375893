"""``--format json``: one JSON document for the whole run (no timestamps: the same input gives the same bytes)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from linter.core.results import RunResult
from linter.reporters.common import (
    TOOL_NAME,
    config_digest,
    document_dict,
    finding_dict,
    pack_infos,
    set_dicts,
    summary_dict,
    tool_version,
)

JSON_FORMAT_VERSION = 1


def run_dict(run: RunResult) -> dict[str, Any]:
    return {
        "format": f"{TOOL_NAME}/json/{JSON_FORMAT_VERSION}",
        "tool": {"name": TOOL_NAME, "version": tool_version()},
        "packs": pack_infos(run),
        "plugins": [{"name": name, "version": version} for name, version in run.plugins],
        "config_sha256": config_digest(run),
        "fail_on": run.fail_on,
        "baseline": run.baseline.path.as_posix() if run.baseline is not None else None,
        "files": [
            {**document_dict(fr), "findings": [finding_dict(f) for f in fr.result.findings]} for fr in run.files
        ],
        **({"sets": set_dicts(run)} if run.grouping is not None else {}),
        "summary": summary_dict(run),
    }


class JsonReporter:
    def report(self, run: RunResult, stream: TextIO) -> None:
        stream.write(json.dumps(run_dict(run), ensure_ascii=False, indent=2) + "\n")
