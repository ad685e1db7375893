"""``--format junit``: JUnit XML, one ``<testsuite>`` per report and one ``<testcase>`` per rule.

A rule with a finding at or above ``--fail-on`` is a ``<failure>`` (its findings in the body);
below it the case passes and the findings go to ``<system-out>``; a rule that did not apply or
lacked data is ``<skipped>``; a rule that broke is an ``<error>``. A report that could not be
checked is a suite with one ``<error>`` case. No timestamps or durations: the same input gives the
same bytes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TextIO

from linter.core.findings import Finding
from linter.core.results import FileResult, RunResult
from linter.reporters.common import (
    TOOL_NAME,
    Tables,
    also_text,
    display_path,
    numbers_text,
    related_text,
    tables_of,
    where,
)

STATUS_ZH = {"not_applicable": "不适用 / not applicable", "insufficient_data": "数据不足 / insufficient data"}


def _finding_text(f: Finding, tables: Tables) -> str:
    place = where(f.location, tables)
    text = f"[{f.severity}] {f.rule_id} {f.message}" + (f"（{place}）" if place and place not in f.message else "")
    extras = [x for x in (also_text(f, tables), numbers_text(f, tables), related_text(f, tables) if f.related else "")
              if x]
    return text + "".join(f" {x}" for x in extras)


def _suite(run: RunResult, fr: FileResult) -> ET.Element:
    path = display_path(fr.path)
    suite = ET.Element("testsuite", {"name": path})
    cases: list[ET.Element] = []
    failures = errors = skipped = 0
    if not fr.checked:
        assert fr.error is not None
        case = ET.Element("testcase", {"classname": path, "name": "parse"})
        ET.SubElement(case, "error", {"type": fr.error.reason, "message": fr.error.message}).text = fr.error.message
        cases.append(case)
        errors += 1
    else:
        tables = tables_of(fr)
        by_rule: dict[str, list[Finding]] = defaultdict(list)
        for f in fr.result.findings:
            by_rule[f.rule_id].append(f)
        broken = {e.rule_id: e for e in fr.result.errors}
        statuses = fr.result.rule_statuses()
        reasons_of: dict[str, set[str]] = defaultdict(set)
        for o in fr.result.outcomes:
            if o.reason:
                reasons_of[o.rule_id].add(o.reason)
        rule_ids = sorted({o.rule_id for o in fr.result.outcomes} | set(by_rule) | set(broken))
        for rid in rule_ids:
            case = ET.Element("testcase", {"classname": path, "name": rid})
            found = by_rule.get(rid, [])
            failing = [f for f in found if run.fails(f)]
            if rid in broken:
                err = broken[rid]
                ET.SubElement(case, "error", {"type": "rule-error", "message": err.message}).text = err.message
                errors += 1
            elif failing:
                head = failing[0].message if len(failing) == 1 else f"{len(failing)} 个问题 / findings"
                body = "\n".join(_finding_text(f, tables) for f in failing)
                ET.SubElement(case, "failure", {"type": failing[0].severity, "message": head}).text = body
                failures += 1
            else:
                status = statuses.get(rid)
                if status in STATUS_ZH and not found:
                    reasons = sorted(reasons_of[rid])
                    msg = STATUS_ZH[status] + (f"：{'；'.join(reasons)}" if reasons else "")
                    ET.SubElement(case, "skipped", {"message": msg})
                    skipped += 1
            below = [f for f in found if not run.fails(f)]
            if below:
                ET.SubElement(case, "system-out").text = "\n".join(_finding_text(f, tables) for f in below)
            cases.append(case)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skipped))
    props = ET.SubElement(suite, "properties")
    sha = fr.info.sha256 if fr.info else fr.sha256
    for name, value in (("sha256", sha), ("pages", str(fr.info.pages) if fr.info else None),
                        ("baselined", str(fr.baselined) if fr.baselined else None)):
        if value:
            ET.SubElement(props, "property", {"name": name, "value": value})
    suite.extend(cases)
    return suite


def junit_xml(run: RunResult) -> str:
    root = ET.Element("testsuites", {"name": TOOL_NAME})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for fr in run.files:
        suite = _suite(run, fr)
        for k in totals:
            totals[k] += int(suite.get(k, "0"))
        root.append(suite)
    for k, v in totals.items():
        root.set(k, str(v))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


class JunitReporter:
    def report(self, run: RunResult, stream: TextIO) -> None:
        stream.write(junit_xml(run))
