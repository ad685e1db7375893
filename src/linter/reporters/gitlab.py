"""``--format gitlab``: a GitLab Code Quality report (``artifacts: reports: codequality``).

A JSON array, one issue per finding: ``description`` (the message with its page and printed place), ``check_name``
(the rule id), ``fingerprint`` (unique per report and finding: our stable fingerprint with the report's path),
``severity`` and ``location`` with ``path`` and ``lines.begin``, which, as in the SARIF and GitHub outputs, is the
page (1 for a finding about the whole report). A report that could not be checked is one ``blocker`` issue.
No timestamps: the same input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TextIO

from linter.core.baseline import fingerprint
from linter.core.results import RunResult
from linter.reporters.common import CATEGORY_ZH, DisplayOptions, also_text, numbers_text, tables_of, where
from linter.reporters.github import file_of

# GitLab's levels: info, minor, major, critical, blocker (an error of a report is what blocks a merge)
SEVERITY = {"error": "critical", "warning": "major", "info": "info"}
CATEGORY = {"wording": "Style", "format": "Style", "completeness": "Bug Risk"}


def _fingerprint(path: str, *parts: str) -> str:
    return hashlib.sha256("\0".join((path, *parts)).encode("utf-8")).hexdigest()


def gitlab_issues(run: RunResult, display: DisplayOptions | None = None) -> list[dict[str, Any]]:
    display = display or DisplayOptions()
    issues: list[dict[str, Any]] = []
    for fr in run.files:
        path = file_of(fr.path)
        if not fr.checked:
            assert fr.error is not None
            issues.append({
                "type": "issue",
                "description": f"未检查 / not checked: {fr.error.message}",
                "check_name": f"not-checked/{fr.error.reason}",
                "fingerprint": _fingerprint(path, "not-checked", fr.error.reason),
                "severity": "blocker",
                "categories": ["Bug Risk"],
                "location": {"path": path, "lines": {"begin": 1}},
            })
        for err in fr.result.errors:
            issues.append({
                "type": "issue",
                "description": f"规则出错 / rule error {err.rule_id}: {err.message}",
                "check_name": err.rule_id,
                "fingerprint": _fingerprint(path, "rule-error", err.rule_id),
                "severity": "blocker",
                "categories": ["Bug Risk"],
                "location": {"path": path, "lines": {"begin": 1}},
            })
        tables = tables_of(fr)
        for f in display.shown(fr.result.findings):
            place = where(f.location, tables)
            details = [d for d in (also_text(f, tables), numbers_text(f, tables)) if d]
            description = f.message + (f"（{place}）" if place and place not in f.message else "")
            issue: dict[str, Any] = {
                "type": "issue",
                "description": description,
                "check_name": f.rule_id,
                "fingerprint": _fingerprint(path, fingerprint(f)),
                "severity": SEVERITY[f.severity],
                "categories": [CATEGORY.get(f.category or "", "Bug Risk")],
                "location": {"path": path, "lines": {"begin": f.location.page or 1}},
            }
            body = [f"**{f.rule_id}** {f.title}"]
            if f.category:
                body.append(f"类别：{CATEGORY_ZH.get(f.category, f.category)}")
            body += details
            if f.basis:
                body.append(f"依据：{f.basis}")
            issue["content"] = {"body": "\n\n".join(body)}
            issues.append(issue)
    # two findings of one rule at one place would share a fingerprint: number the repeats (GitLab needs unique ones)
    seen: dict[str, int] = {}
    for issue in issues:
        fp = issue["fingerprint"]
        seen[fp] = seen.get(fp, 0) + 1
        if seen[fp] > 1:
            issue["fingerprint"] = _fingerprint(fp, str(seen[fp]))
    return issues


class GitlabReporter:
    def __init__(self, display: DisplayOptions | None = None) -> None:
        self.display = display or DisplayOptions()

    def report(self, run: RunResult, stream: TextIO) -> None:
        stream.write(json.dumps(gitlab_issues(run, self.display), ensure_ascii=False, indent=2) + "\n")
