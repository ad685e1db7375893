"""Rule tests: a must-not-fire assertion counts only when the rule was applied (outcome ``pass``).

A rule that was not applicable, lacked data, broke or never ran did not fire because it did not
look; the case fails and says which rule and what its outcome was. A 尾数差异 (rounding, info)
leaves the outcome ``pass``: the rule was applied, and its rounding finding is still a finding.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest
import yaml

from linter.commands import rules as rules_cmd
from linter.dsl import load_packs
from linter.dsl.testing import CaseResult, run_pack_tests

RULES = """\
rule T.A "合计为 1" { severity error message "{lhs}" assert table("three_public").row().col("合计") == 1 }
rule T.R "合计 = a + b" {
    severity error
    message "{lhs}"
    let r = table("three_public").row()
    assert r.col("合计") == r.col("a") + r.col("b")
}
rule T.W "只在有政府性基金表时" {
    severity error
    message "m"
    when exists(table("government_fund"))
    assert table("government_fund").row().col("合计") == 0
}
rule T.K "预算文件才用" { severity error kinds [预算] message "m" assert table("three_public").row().col("合计") == 1 }
rule T.I "空白按 0 处理须成立" {
    severity error
    message "m"
    blank assume_zero
    let r = table("three_public").row()
    assert r.col("合计") == r.col("a")
}
rule T.E "出错的规则" {
    severity error
    message "m"
    for a, b in [[1]]
    assert a == b
}
"""


def _doc(total: str = "1.00", a: str = "0.50", b: str = "0.50", kind: str = "决算") -> dict[str, Any]:
    return {
        "metadata": {"kind": kind},
        "tables": [{"key": "three_public", "columns": ["合计", "a", "b"], "rows": [[total, a, b]]}],
    }


def _run(tmp_path: Path, file_rules: list[str], *cases: dict[str, Any]) -> list[CaseResult]:
    (tmp_path / "t.rules").write_text(RULES, encoding="utf-8")
    (tmp_path / "tests").mkdir(exist_ok=True)
    body = {"rules": file_rules, "cases": list(cases)}
    (tmp_path / "tests" / "cases.yaml").write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    (pack,) = load_packs([tmp_path])
    report = run_pack_tests(pack, require_coverage=False)
    assert not report.invalid, [c.problems for c in report.cases]
    return report.cases


def test_a_rule_that_ran_and_passed_satisfies_must_not_fire(tmp_path: Path):
    (case,) = _run(tmp_path, ["T.A"], {"name": "ran", "document": _doc()})
    assert case.ok, case.problems


@pytest.mark.parametrize(
    "rule, document, outcome",
    [
        ("T.W", _doc(), "not_applicable"),  # its `when` is false: nothing was checked
        ("T.K", _doc(kind="决算"), "not_applicable"),  # kinds [预算] on a 决算 document
        ("T.I", _doc(total="5.00", a=""), "insufficient_data"),  # a blank taken as 0 does not fit
    ],
)
def test_a_rule_that_was_not_applied_fails_the_default_must_not_fire(tmp_path, rule, document, outcome):
    (case,) = _run(tmp_path, [rule], {"name": "not applied", "document": document})  # no expect: must not fire
    assert len(case.problems) == 1
    assert case.problems[0].startswith(
        f"{rule} 未被应用（结果：{outcome}），不能算作不触发 / {rule} was not applied (outcome {outcome}): "
        "a must-not-fire case counts only when the rule ran ["  # then the reasons
    )


def test_the_reason_is_shown(tmp_path: Path):
    (case,) = _run(tmp_path, ["T.W"], {"name": "when", "document": _doc()})
    assert "条件不成立 / when condition not met" in case.problems[0]


def test_an_explicit_must_not_fire_is_checked_the_same_way(tmp_path: Path):
    (case,) = _run(tmp_path, ["T.A", "T.W"], {"name": "explicit", "document": _doc(), "must_not_fire": ["T.A", "T.W"]})
    assert len(case.problems) == 1 and "T.W was not applied (outcome not_applicable)" in case.problems[0]


def test_a_rule_error_fails_and_is_named_with_its_outcome(tmp_path: Path):
    (case,) = _run(tmp_path, ["T.E"], {"name": "error", "document": _doc()})
    assert any(p.startswith("规则出错 / rule error T.E") for p in case.problems)
    assert any("T.E was not applied (outcome insufficient_data)" in p and "rule error" in p for p in case.problems)


def test_a_rule_the_case_does_not_run_is_not_run(tmp_path: Path):
    (case,) = _run(
        tmp_path, ["T.A"], {"name": "not run", "document": _doc(), "rules": ["T.A"], "must_not_fire": ["T.W"]}
    )
    assert case.problems == [
        "T.W 未被应用（结果：未运行），不能算作不触发 / T.W was not applied (outcome not run): "
        "a must-not-fire case counts only when the rule ran"
    ]


def test_a_deliberate_exemption_is_stated_with_outcomes(tmp_path: Path):
    cases = _run(
        tmp_path,
        ["T.W", "T.I"],
        {
            "name": "exempt",
            "document": _doc(),
            "rules": ["T.W"],
            "outcomes": {"T.W": "not_applicable"},
            "must_not_fire": [],
        },
        {
            "name": "no data",
            "document": _doc(total="5.00", a=""),
            "rules": ["T.I"],
            "expect": [{"rule": "T.I", "count": 0}],  # count 0: no finding, whatever the outcome
            "outcomes": {"T.I": "insufficient_data"},
        },
    )
    assert [c.problems for c in cases] == [[], []]


def test_a_rounding_finding_counts_as_applied_and_as_a_finding(tmp_path: Path):
    """尾数差异 leaves the outcome pass, as ``outcomes`` sees it; must_not_fire still rejects its finding."""
    doc = _doc(total="1.00", a="0.50", b="0.51")  # 1.00 vs 1.01: inside the rounding envelope
    silent, named = _run(
        tmp_path,
        ["T.R"],
        {"name": "must not fire", "document": doc},
        {
            "name": "named",
            "document": doc,
            "expect": [{"rule": "T.R", "kind": "rounding", "severity": "info"}],
            "outcomes": {"T.R": "pass"},
        },
    )
    assert len(silent.problems) == 1 and silent.problems[0].startswith("不应触发 / must not fire T.R info")
    assert not any("was not applied" in p for p in silent.problems)
    assert named.ok, named.problems


def test_rules_test_command_reports_the_rule_and_exits_1(tmp_path: Path, capsys):
    _run(tmp_path, ["T.W"], {"name": "未被应用", "document": _doc()})
    args = argparse.Namespace(paths=[tmp_path], no_coverage=True)
    assert rules_cmd.cmd_test(args) == 1
    out = capsys.readouterr().out
    assert "失败 FAIL  cases.yaml :: 未被应用" in out
    assert "T.W 未被应用（结果：not_applicable），不能算作不触发" in out
