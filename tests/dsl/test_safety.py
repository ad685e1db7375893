"""No eval/exec, RE2 only, bounded evaluation, and a broken rule never stops the others."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from dsl_helpers import prose, run

import linter.dsl
from linter.dsl import runtime
from linter.dsl.evaluator import evaluate_rules
from linter.dsl.fragments import load_document
from linter.dsl.parser import parse_source

DSL_DIR = Path(linter.dsl.__file__).parent


def test_no_eval_exec_or_python_re_on_rule_patterns():
    for path in DSL_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"eval", "exec", "compile", "__import__"}, f"{path.name}:{node.lineno}"
    # rule-supplied patterns go through RE2 only
    assert "import re2" in (DSL_DIR / "runtime.py").read_text(encoding="utf-8")


def test_patterns_are_compiled_by_re2_and_backreferences_are_rejected():
    rx = runtime.compile_regex(r"(?P<v>\d+)万元")
    assert type(rx).__module__.startswith("re2")
    with pytest.raises(runtime.RuleBug, match="invalid regex"):
        runtime.compile_regex(r"(a+)\1")


def test_catastrophic_pattern_runs_in_linear_time():
    # (a+)+$ backtracks exponentially in Python's re; RE2 answers at once
    r = run(
        'rule S.RE "t" { severity info message "m" assert document().absent(re"^(a+)+$") }',
        prose("a" * 5000 + "!"),
    )
    assert r.rule_status("S.RE") == "pass"


def test_step_budget_stops_a_runaway_rule_and_the_others_still_run(monkeypatch):
    f = parse_source(
        """
        rule S.BIG "t" { severity info message "m"
            for a in [1,2,3,4,5,6,7,8,9,10]
            for b in [1,2,3,4,5,6,7,8,9,10]
            assert a * b > 0 }
        rule S.OK "t" { severity info message "m" assert 1 == 1 }
        """
    )
    doc = load_document({})
    from linter.dsl import evaluator

    orig = evaluator.Context

    def small(*args, **kwargs):
        ctx = orig(*args, **kwargs)
        ctx.step_limit = 50
        return ctx

    monkeypatch.setattr(evaluator, "Context", small)
    r = evaluate_rules(f.rules, doc)
    assert [e.rule_id for e in r.errors] == ["S.BIG"] and "step limit" in r.errors[0].message
    assert r.rule_status("S.BIG") == "insufficient_data"
    assert r.rule_status("S.OK") == "pass"


def test_a_broken_rule_is_reported_and_the_others_still_run():
    f = parse_source(
        """
        rule S.BAD "坏规则" { severity error message "m" assert "甲" > 1 }
        rule S.GOOD "好规则" { severity error message "m" assert 1 + 1 == 2 }
        """,
        "x.rules",
    )
    r = evaluate_rules(f.rules, load_document({}))
    (err,) = r.errors
    assert err.rule_id == "S.BAD" and err.file == "x.rules" and err.line == 2
    assert r.rule_status("S.BAD") == "insufficient_data" and r.rule_status("S.GOOD") == "pass"


def test_missing_data_is_never_a_silent_pass():
    rule = """
    rule S.MISS "t" { severity error message "m"
        assert table("three_public").row().col("合计") == 1 }
    """
    (o,) = run(rule, {}).outcomes
    assert o.status == "insufficient_data" and "three_public" in (o.reason or "")
    doc = {"tables": [{"key": "three_public", "columns": ["合计"], "rows": [[""]]}]}
    (o,) = run(rule, doc).outcomes
    assert o.status == "insufficient_data" and "空白" in (o.reason or "")


@pytest.mark.parametrize(
    ("policy", "status"), [("skip", "not_applicable"), ("zero", "fail"), ("insufficient", "insufficient_data")]
)
def test_blank_policy_per_operand(policy, status):
    rule = f"""
    rule S.BLANK "t" {{ severity error message "m"
        let v = table("three_public").row().col("合计") blank {policy}
        assert v == 1 }}
    """
    doc = {"tables": [{"key": "three_public", "columns": ["合计"], "rows": [[""]]}]}
    assert run(rule, doc).rule_status("S.BLANK") == status


def test_when_and_unless_make_an_instance_not_applicable():
    rule = """
    rule S.WHEN "t" { severity error message "m"
        for key in ["government_fund", "three_public"]
        when exists(table(key))
        unless table(key).is_empty()
        assert 1 == 1 }
    """
    doc = {"tables": [{"key": "three_public", "columns": ["合计"], "rows": [["0.00"]]}]}
    r = run(rule, doc)
    assert [o.status for o in r.outcomes] == ["not_applicable", "not_applicable"]


def test_kinds_and_profiles_gate_a_rule():
    rule = 'rule S.KIND "t" { severity error message "m" kinds [预算] profiles [shanghai] assert 1 == 1 }'
    (o,) = run(rule, {"metadata": {"kind": "决算"}}).outcomes
    assert o.status == "not_applicable"
    (o,) = run(rule, {"metadata": {"kind": "预算", "profile": "shanghai"}}).outcomes
    assert o.status == "pass"
