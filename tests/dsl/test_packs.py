"""Every pack in the repository passes its own tests; the ``rules`` subcommands and the Python API."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
from dsl_helpers import REPO

from linter.commands import rules as rules_cmd
from linter.dsl import DslError, default_pack_paths, evaluate, load_packs
from linter.dsl.fragments import load_document
from linter.dsl.testing import iter_cases, run_pack_tests

PACK_DIRS = sorted({p.parent for p in (REPO / "rules").rglob("pack.rules")})


@pytest.mark.parametrize("pack_dir", PACK_DIRS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_pack_passes_its_tests(pack_dir: Path):
    # a pack folder also loads the packs nested in it (rules/ brings rules/yusuan/): test this one
    (pack,) = [p for p in load_packs([pack_dir]) if p.path == pack_dir]
    report = run_pack_tests(pack)
    assert report.files, "a pack must carry tests"
    failures = [f"{c.name}: {c.problems}" for c in report.cases if not c.ok]
    assert not failures and not report.coverage_problems, failures + report.coverage_problems


def test_default_pack_is_the_repo_rules_in_a_source_checkout():
    paths = default_pack_paths()
    assert paths == [REPO / "rules"] or paths[0].parts[-2:] == ("_data", "rules")
    assert {r.id for p in load_packs(paths) for r in p.rules} >= {"FL.I.05", "FL.I.11", "FL.P.06"}


def test_python_api_on_the_seed():
    packs = load_packs(default_pack_paths())
    doc = load_document(json.loads((REPO / "rules/fixtures/jianghan-2024.json").read_text(encoding="utf-8")))
    result = evaluate(packs, doc)
    assert result.errors == []
    by_rule = {(f.rule_id, f.severity) for f in result.findings}
    assert ("FL.P.06", "warning") in by_rule and ("FL.X.02.class", "info") in by_rule
    assert all(o.status in ("pass", "fail", "not_applicable", "insufficient_data") for o in result.outcomes)
    d = result.findings[0].to_dict()
    assert {"rule_id", "severity", "message", "location", "evidence", "args"} <= set(d)
    json.dumps(result.to_dict(), ensure_ascii=False)


def _args(**kw) -> argparse.Namespace:
    return argparse.Namespace(**kw)


def test_rules_check_exit_codes(tmp_path, capsys):
    assert rules_cmd.cmd_check(_args(paths=[REPO / "rules"])) == 0
    bad = tmp_path / "bad.rules"
    bad.write_text('rule FL.X.1 "t" {\n  severity error\n  assert 1 ==\n}\n', encoding="utf-8")
    assert rules_cmd.cmd_check(_args(paths=[bad])) == 2
    err = capsys.readouterr().err
    assert f"{bad}:4:1: error:" in err and "意外的" in err and "unexpected" in err


def test_rules_check_reports_semantic_errors(tmp_path, capsys):
    bad = tmp_path / "sem.rules"
    bad.write_text('rule FL.X.1 "t" {\n severity error\n message "m"\n assert table("nope").is_empty()\n}\n', "utf-8")
    assert rules_cmd.cmd_check(_args(paths=[bad])) == 2
    assert f"{bad}:4:9: error: 未知的表 nope" in capsys.readouterr().err
    with pytest.raises(DslError):
        load_packs([bad])


def test_rules_test_reports_failures(tmp_path, capsys):
    (tmp_path / "r.rules").write_text(
        'rule T.A "t" { severity error message "{lhs}" assert table("three_public").row().col("合计") == 1 }',
        encoding="utf-8",
    )
    doc = {"tables": [{"key": "three_public", "columns": ["合计"], "rows": [["2.00"]]}]}
    case = {"name": "expects a pass", "document": doc}  # must_not_fire defaults to the file's rules
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "T.A.yaml").write_text(json.dumps({"rules": ["T.A"], "cases": [case]}), encoding="utf-8")
    assert rules_cmd.cmd_test(_args(paths=[tmp_path], no_coverage=True)) == 1
    out = capsys.readouterr().out
    assert "失败 FAIL" in out and "must not fire T.A" in out
    assert rules_cmd.cmd_test(_args(paths=[REPO / "rules"], no_coverage=False)) == 0


RULE_T_A = 'rule T.A "t" { severity error message "{lhs}" assert table("three_public").row().col("合计") == 1 }'
CASES_T_A = """\
# a comment
rules: [T.A]
cases:
- name: 一致
  document:
    tables: [{key: three_public, columns: [合计], rows: [['1.00']]}]
  outcomes: {T.A: pass}
- name: 不一致
  document:
    tables: [{key: three_public, columns: [合计], rows: [['2.00']]}]
  expect:
  - {rule: T.A, severity: error, args: {lhs: '2.00'}}
"""


def test_rules_test_reads_yaml_case_files_with_defaults(tmp_path, capsys):
    (tmp_path / "t.rules").write_text(RULE_T_A, encoding="utf-8")
    (tmp_path / "tests" / "t").mkdir(parents=True)
    (tmp_path / "tests" / "t" / "T.A.yaml").write_text(CASES_T_A, encoding="utf-8")
    for path in (tmp_path, tmp_path / "t.rules"):  # a pack folder, or a single rules file with tests/t/
        assert rules_cmd.cmd_test(_args(paths=[path], no_coverage=False)) == 0
        assert "t/T.A.yaml :: 不一致" in capsys.readouterr().out
    # one case file alone (coverage is not asked of a part of the pack)
    assert rules_cmd.cmd_test(_args(paths=[tmp_path / "tests" / "t" / "T.A.yaml"], no_coverage=False)) == 0
    assert "2/2" in capsys.readouterr().out
    (pack,) = load_packs([tmp_path])
    (passing, failing) = [c.data for c in iter_cases(pack)]
    assert passing["must_not_fire"] == ["T.A"] and passing["rules"] == ["T.A"]
    assert failing["must_not_fire"] == []  # the rule it expects is not also asked not to fire


@pytest.mark.parametrize(
    "bad, message",
    [
        ("- name: x\n  expct: []\n", "未知的键 'expct'"),
        ("- name: x\n  must_not_fire: [T.B]\n", "no rule T.B in the pack"),
        ("- name: x\n  expect: [{rule: T.A, severity: fatal}]\n", "bad severity 'fatal'"),
        ("- name: x\n  outcomes: {T.A: passed}\n", "bad status 'passed'"),
        ("- name: x\n- name: x\n", "duplicate case name 'x'"),
    ],
)
def test_rules_test_rejects_malformed_case_files(tmp_path, capsys, bad, message):
    (tmp_path / "t.rules").write_text(RULE_T_A, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "bad.yaml").write_text("rules: [T.A]\ncases:\n" + bad, encoding="utf-8")
    assert rules_cmd.cmd_test(_args(paths=[tmp_path], no_coverage=True)) == 2
    out = capsys.readouterr().out
    assert "无效 INVALID  bad.yaml :: x" in out and message in out


def test_rules_test_rejects_bad_files_and_old_json(tmp_path, capsys):
    (tmp_path / "t.rules").write_text(RULE_T_A, encoding="utf-8")
    (tmp_path / "a.yaml").write_text("rules: [T.A]\ncases: []\ncase: []\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("cases:\n- name: x\n  name: y\n", encoding="utf-8")
    (tmp_path / "t.tests.json").write_text('{"cases": []}', encoding="utf-8")
    assert rules_cmd.cmd_test(_args(paths=[tmp_path], no_coverage=True)) == 2
    out = capsys.readouterr().out
    assert "a.yaml :: <file>" in out and "未知的键 'case'" in out
    assert "b.yaml :: <file>" in out and "duplicate key 'name'" in out
    assert "t.tests.json :: <file>" in out and "convert it to YAML" in out


def test_rules_list(capsys):
    assert rules_cmd.cmd_list(_args(paths=[])) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "FL.I.11\terror\t“三公”经费：合计 = 各分项之和，公务用车小计 = 购置费 + 运行维护费" in lines


def test_register_wires_subcommands():
    parser = argparse.ArgumentParser()
    rules_cmd.register(parser.add_subparsers())
    args = parser.parse_args(["rules", "check", "rules/"])
    assert args.func is rules_cmd.cmd_check and args.paths == [Path("rules/")]


def test_cli_entry_point(tmp_path):
    """Through ``python -m linter`` once the lead's CLI loads the command."""
    env_path = str(REPO / "src")
    ok = subprocess.run(
        [sys.executable, "-m", "linter", "rules", "check", str(REPO / "rules")],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": env_path},
        cwd=REPO,
    )
    if "invalid choice: 'rules'" in ok.stderr:
        pytest.skip("the CLI does not register the rules command yet")
    assert ok.returncode == 0, ok.stderr
    bad = tmp_path / "bad.rules"
    bad.write_text('rule FL.X.1 "t" {\n  severity error\n  assert 1 ==\n}\n', encoding="utf-8")
    res = subprocess.run(
        [sys.executable, "-m", "linter", "rules", "check", str(bad)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": env_path},
        cwd=REPO,
    )
    assert res.returncode == 2 and f"{bad}:4:1:" in res.stderr


def test_the_default_pack_is_offered_through_the_plugin_hook():
    from linter.session.plugin_manager import make_manager

    hooked = [p for paths in make_manager().hook.fiscal_lint_rule_packs() for p in paths]
    assert default_pack_paths()[0] in hooked
    # naming the same pack twice (hook + caller) does not duplicate its rule ids
    once = len(load_packs(hooked))
    assert len(load_packs([*hooked, *default_pack_paths()])) == once
