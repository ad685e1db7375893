"""Issue 16, item 4 (rule authors) at the command line: ``fiscal-lint rules test`` refuses a case file with a
misspelt key or an unknown rule id (before: they passed), and ``fiscal-lint rules list --json`` / ``--kind``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import run_cli

RULE = 'rule T.A "合计为 1" { severity error message "{lhs}" assert table("three_public").row().col("合计") == 1 }\n'
CASES = """\
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
  - {rule: T.A, severity: error}
"""


def _pack(tmp_path: Path, cases: str) -> Path:
    (tmp_path / "pk" / "tests").mkdir(parents=True)
    (tmp_path / "pk" / "t.rules").write_text(RULE, encoding="utf-8")
    (tmp_path / "pk" / "tests" / "T.A.yaml").write_text(cases, encoding="utf-8")
    return tmp_path / "pk"


def test_a_well_formed_case_file_passes(tmp_path: Path) -> None:
    pack = _pack(tmp_path, CASES)
    r = run_cli("rules", "test", pack)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2/2" in r.stdout


@pytest.mark.parametrize("target", ["pack", "file"])
def test_a_misspelt_key_exits_2_with_the_file_and_the_path(tmp_path: Path, target: str) -> None:
    pack = _pack(tmp_path, CASES.replace("  expect:", "  expct:"))
    case_file = pack / "tests" / "T.A.yaml"
    r = run_cli("rules", "test", pack if target == "pack" else case_file)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    (line,) = [ln for ln in r.stdout.splitlines() if "expct" in ln]
    assert "T.A.yaml:10:3: $.cases[1].expct: 未知的键 'expct'" in line and "did you mean 'expect'" in line, line
    assert "无效 INVALID  T.A.yaml :: 不一致" in r.stdout
    assert "测试文件有误" in r.stderr


def test_a_rule_id_that_does_not_exist_exits_2(tmp_path: Path) -> None:
    pack = _pack(tmp_path, CASES.replace("{rule: T.A, severity: error}", "{rule: T.B, severity: error}"))
    r = run_cli("rules", "test", pack / "tests" / "T.A.yaml")
    assert r.returncode == 2, r.stdout + r.stderr
    assert "T.A.yaml:11:6: $.cases[1].expect[0].rule: 规则包中没有规则 T.B" in r.stdout
    assert "did you mean T.A" in r.stdout
    r = run_cli("rules", "test", _pack(tmp_path / "b", CASES.replace("rules: [T.A]", "rules: [T.A, T.Z]")))
    assert r.returncode == 2 and "$.rules" in r.stdout and "T.Z" in r.stdout, r.stdout


def test_rules_list_json_covers_the_built_in_packs() -> None:
    r = run_cli("rules", "list", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    packs = {p["name"]: p for p in data["packs"]}
    assert {"fiscal-lint-starter", "fiscal-lint-yusuan", "fiscal-lint-sets"} <= set(packs)
    for pack in data["packs"]:
        assert {"name", "version", "path", "source", "kinds", "rules"} <= set(pack)
        for rule in pack["rules"]:
            assert {"id", "severity", "title", "category", "kinds", "profiles", "status", "across_reports"} <= set(rule)
            assert rule["severity"] in ("error", "warning", "info")
    assert packs["fiscal-lint-starter"]["source"] == "built-in"
    ids = {rule["id"] for p in data["packs"] for rule in p["rules"]}
    assert "FL.I.11" in ids and any(i.startswith("FL.B.") for i in ids) and any(i.startswith("FL.S.") for i in ids)
    # the tab-separated list has the same rules
    plain = run_cli("rules", "list")
    assert {line.split("\t")[0] for line in plain.stdout.splitlines() if line} == ids


@pytest.mark.parametrize("kind", ["决算", "预算", "set"])
def test_rules_list_json_kind_filters_the_rules(kind: str) -> None:
    every = json.loads(run_cli("rules", "list", "--json").stdout)
    r = run_cli("rules", "list", "--json", "--kind", kind)
    assert r.returncode == 0, r.stderr
    got = {rule["id"] for p in json.loads(r.stdout)["packs"] for rule in p["rules"]}
    rules = [rule for p in every["packs"] for rule in p["rules"]]
    if kind == "set":
        expected = {rule["id"] for rule in rules if rule["across_reports"]}
        assert expected and all(i.startswith("FL.S.") for i in expected)
    else:
        expected = {rule["id"] for rule in rules if not rule["kinds"] or kind in rule["kinds"]}
    assert got == expected and got != {rule["id"] for rule in rules}


def test_rules_list_json_unknown_kind_exits_2() -> None:
    r = run_cli("rules", "list", "--json", "--kind", "季报")
    assert r.returncode == 2 and r.stdout == "" and "未知文档类型 季报" in r.stderr
