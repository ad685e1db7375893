"""Rule-pack tests: each ``*.tests.json`` file holds cases run against the pack's rules.

::

    {"cases": [
      {"name": "三公合计差0.03",
       "document_file": "fixtures/jianghan-mini.json",      # or "document": {…fragment…}
       "patch": [{"table": "three_public", "row": {"index": 0}, "column": "决算数/合计", "text": "10.03"}],
       "expect": [{"rule": "FL.I.11", "severity": "error", "count": 1, "args": {"diff": "0.03"}}],
       "outcomes": {"FL.I.11": "fail"},
       "must_not_fire": ["FL.I.05"]}]}

For every rule named in ``expect`` the findings must be exactly the ones expected (count
per entry, default 1; ``severity``, ``kind`` and ``args`` narrow an entry). Rules in
``must_not_fire`` must have no finding at all. ``outcomes`` checks the rule's overall status
(the worst of its instances). A rule error always fails the case. With coverage on, every
rule of the pack needs one case where it passes and one where it fires at its own severity.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linter.core.findings import EvaluationResult, Finding
from linter.dsl.evaluator import evaluate_rules
from linter.dsl.fragments import FragmentError, apply_patches, load_document
from linter.dsl.pack import RulePack


@dataclass
class CaseResult:
    file: Path
    name: str
    problems: list[str] = field(default_factory=list)
    result: EvaluationResult | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class PackTestReport:
    pack: RulePack
    cases: list[CaseResult] = field(default_factory=list)
    coverage_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.cases) and not self.coverage_problems


def _matches(f: Finding, exp: dict[str, Any]) -> bool:
    if f.rule_id != exp["rule"]:
        return False
    if "severity" in exp and f.severity != exp["severity"]:
        return False
    if "kind" in exp and f.kind != exp["kind"]:
        return False
    return all(f.args.get(k) == str(v) for k, v in exp.get("args", {}).items())


def check_case(case: dict[str, Any], result: EvaluationResult) -> list[str]:
    """What differs between a case's expectations and an evaluation result (empty = pass)."""
    problems = [f"规则出错 / rule error {e.rule_id}: {e.message}" for e in result.errors]
    expected = case.get("expect", [])
    claimed: set[int] = set()
    for exp in expected:
        hits = [i for i, f in enumerate(result.findings) if _matches(f, exp) and i not in claimed]
        want = int(exp.get("count", 1))
        if len(hits) != want:
            got = [f"{f.severity} {f.message}" for f in result.findings if f.rule_id == exp["rule"]]
            problems.append(f"期望 {exp} 出现 {want} 次，实际 {len(hits)} 次 / expected {want}, got {len(hits)}: {got}")
        claimed.update(hits[:want])
    for rule_id in {e["rule"] for e in expected}:
        extra = [f for i, f in enumerate(result.findings) if f.rule_id == rule_id and i not in claimed]
        for f in extra:
            problems.append(f"多出的发现 / unexpected finding {rule_id} {f.severity}: {f.message}")
    for rule_id in case.get("must_not_fire", []):
        fired = [f for f in result.findings if f.rule_id == rule_id]
        for f in fired:
            problems.append(f"不应触发 / must not fire {rule_id} {f.severity}: {f.message}")
    for rule_id, status in case.get("outcomes", {}).items():
        status_got = result.rule_status(rule_id)
        if status_got != status:
            reasons = {o.reason for o in result.outcomes if o.rule_id == rule_id and o.reason}
            problems.append(
                f"{rule_id} 结果应为 {status}，实际 {status_got} / outcome {status_got}, expected {status} {sorted(reasons)}"
            )
    return problems


def _document(case: dict[str, Any], base: Path) -> Any:
    if "document_file" in case:
        data = json.loads((base / case["document_file"]).read_text(encoding="utf-8"))
    else:
        data = case.get("document", {})
    doc = load_document(data)
    return apply_patches(doc, case.get("patch", []))


def run_pack_tests(pack: RulePack, require_coverage: bool = True) -> PackTestReport:
    report = PackTestReport(pack)
    rules = pack.rules
    passed: set[str] = set()
    fired: set[str] = set()
    severity = {r.id: r.severity for r in rules}
    for tf in pack.test_files:
        try:
            cases = json.loads(tf.read_text(encoding="utf-8")).get("cases", [])
        except (OSError, ValueError) as exc:
            report.cases.append(CaseResult(tf, "<file>", [f"无法读取测试文件 / cannot read test file: {exc}"]))
            continue
        for i, case in enumerate(cases):
            cr = CaseResult(tf, case.get("name", f"case {i + 1}"))
            try:
                doc = _document(case, tf.parent)
            except (FragmentError, OSError, ValueError, KeyError, TypeError) as exc:
                cr.problems.append(f"测试文档有误 / bad test document: {exc}")
                report.cases.append(cr)
                continue
            wanted = set(case.get("rules", [])) or None
            result = evaluate_rules([r for r in rules if wanted is None or r.id in wanted], doc)
            cr.result = result
            cr.problems = check_case(case, result)
            report.cases.append(cr)
            if cr.ok:
                for o in result.outcomes:
                    if o.status == "pass":
                        passed.add(o.rule_id)
                fired.update(f.rule_id for f in result.findings if f.severity == severity.get(f.rule_id))
    if require_coverage:
        for r in rules:
            if r.status == "retired":
                continue
            if r.id not in passed:
                report.coverage_problems.append(f"{r.id}: 没有通过的测试用例 / no passing case")
            if r.id not in fired:
                report.coverage_problems.append(f"{r.id}: 没有触发 {r.severity} 的测试用例 / no failing case")
    return report
