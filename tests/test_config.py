"""Configuration (``[tool.fiscal-lint]`` / ``fiscal-lint.toml``), ``fiscal-lint config``, and rule metadata
for ``fiscal-lint explain`` (including the optional ``example`` / ``fix`` fields of the rule language)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lint_reports import BAD_TOTAL, run_in, write_report
from support import session_for

from linter.core.config import Config, ConfigError, apply_cli, find_config_file, load_config
from linter.core.limits import Limits
from linter.run.check import run_check


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---- discovery and reading -------------------------------------------------------------------


def test_pyproject_table_is_found_from_a_subfolder(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.fiscal-lint]\nselect = ["FL.I"]\nfail-on = "error"\n')
    sub = tmp_path / "reports" / "2024"
    sub.mkdir(parents=True)
    config = load_config(start=sub)
    assert config.file == (tmp_path / "pyproject.toml").resolve()
    assert config.select == ["FL.I"] and config.fail_on == "error"
    assert "pyproject.toml [tool.fiscal-lint]" in config.source("select")
    assert config.source("ignore").startswith("默认")


def test_standalone_file_wins_and_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    write(tmp_path / "fiscal-lint.toml", 'ignore = ["FL.W"]\n')
    write(tmp_path / "pkg" / "pyproject.toml", "[project]\nname = 'x'\n")  # no [tool.fiscal-lint]
    assert find_config_file(tmp_path / "pkg") == tmp_path / "fiscal-lint.toml"
    write(tmp_path / "pyproject.toml", '[tool.fiscal-lint]\nignore = ["FL.C"]\n')
    assert load_config(start=tmp_path).ignore == ["FL.W"]  # fiscal-lint.toml beats pyproject.toml


def test_relative_paths_are_taken_from_the_config_file(tmp_path: Path) -> None:
    write(tmp_path / "fiscal-lint.toml", 'rules = ["bureau/"]\nbaseline = "baseline.json"\ncache-dir = ".cache"\n')
    config = load_config(start=tmp_path / "x")
    root = tmp_path.resolve()
    assert config.rules == [root / "bureau"] and config.baseline == root / "baseline.json"
    assert config.effective_cache_dir() == root / ".cache"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('selct = ["FL.I"]\n', "did you mean 'select'"),
        ('fail-on = "sometimes"\n', "fail-on must be one of"),
        ('select = "FL.I"\nignore = [1]\n', "ignore must be a list of strings"),
        ('jobs = -1\n', "non-negative integer"),
        ('[severity]\n"FL.I.11" = "fatal"\n', "severity must be a table"),
        ("select = [\n", "TOML syntax error"),
    ],
)
def test_unknown_keys_and_bad_values_are_clear_errors(tmp_path: Path, text: str, needle: str) -> None:
    write(tmp_path / "fiscal-lint.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(start=tmp_path)
    message = str(info.value)
    assert needle in message and str(tmp_path / "fiscal-lint.toml") in message and "\n" not in message


def test_underscore_spelling_is_the_same_key_and_a_string_is_a_one_item_list(tmp_path: Path) -> None:
    write(tmp_path / "fiscal-lint.toml", 'fail_on = "info"\nselect = "FL.I"\ndisable_plugins = ["x"]\n')
    config = load_config(start=tmp_path)
    assert config.fail_on == "info" and config.select == ["FL.I"] and config.disable_plugins == ["x"]


def test_isolated_and_command_line_override(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path / "fiscal-lint.toml", 'fail-on = "error"\njobs = 4\n')
    monkeypatch.chdir(tmp_path)
    assert load_config(isolated=True).fail_on == "warning"
    config = apply_cli(load_config(), {"fail-on": "never", "jobs": None, "log": "out/log.jsonl"})
    assert config.fail_on == "never" and config.source("fail-on").startswith("命令行")
    assert config.jobs == 4 and "fiscal-lint.toml" in config.source("jobs")
    assert config.log == tmp_path / "out" / "log.jsonl"


# ---- what the values mean ----------------------------------------------------------------------


def test_selection_by_dotted_prefix_with_the_most_specific_winning() -> None:
    c = Config(select=["FL.I", "FL.X.02"], ignore=["FL.I.05"])
    assert c.selects("FL.I.11") and c.selects("FL.X.02.class") and c.selects("FL.X.02")
    assert not c.selects("FL.I.05") and not c.selects("FL.W.01") and not c.selects("FL.X.03")
    assert not Config(select=["FL.I.1"]).selects("FL.I.11")  # segments, not characters
    assert Config(select=["FL.I.1"]).selects("FL.I.1.a")
    assert Config(ignore=["FL"], select=["FL.W.01"]).selects("FL.W.01")  # more specific select wins
    assert not Config(select=["FL.W"], ignore=["FL.W"]).selects("FL.W.01")  # a tie goes to ignore
    assert Config().selects("ANY.RULE") and not Config(ignore=["ALL"]).selects("FL.I.11")
    assert Config(select=["ALL"], ignore=["FL.W"]).selects("FL.I.11")


def test_severity_override_takes_the_most_specific_entry() -> None:
    c = Config(severity={"FL": "info", "FL.I": "warning", "FL.I.11": "error"})
    assert c.severity_of("FL.I.11", "info") == "error"
    assert c.severity_of("FL.I.05", "error") == "warning"
    assert c.severity_of("FL.W.01", "warning") == "info"
    assert c.severity_of("OTHER.1", "warning") == "warning"
    assert Config(select=["FL.Q"], severity={"FL.Z": "info"}).unused_prefixes(["FL.I.11"]) == [
        "select: FL.Q", "severity: FL.Z"]


def test_config_drives_the_run(tmp_path: Path, default_packs) -> None:
    bad = write_report(tmp_path / "bad.pdf", BAD_TOTAL)
    only = Config(select=["FL.I.11"])
    run = run_check([bad], default_packs, session_for(Limits(timeout=0), config=only))
    assert {o.rule_id for o in run.files[0].result.outcomes} == {"FL.I.11"}
    assert [f.severity for f in run.files[0].result.findings] == ["error"] and run.exit_code == 1
    lenient = Config(select=["FL.I.11"], severity={"FL.I.11": "info"}, fail_on="warning")
    run = run_check([bad], default_packs, session_for(Limits(timeout=0), "warning", config=lenient))
    assert [f.severity for f in run.files[0].result.findings] == ["info"] and run.exit_code == 0


def test_config_command_prints_values_and_their_sources(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.fiscal-lint]\nselect = ["FL.I"]\n[tool.fiscal-lint.severity]\n'
                                       '"FL.I.05" = "warning"\n')
    out = run_in(tmp_path, "config", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["values"]["select"] == {"value": ["FL.I"], "source": f"{tmp_path.resolve() / 'pyproject.toml'} "
                                                                      "[tool.fiscal-lint]"}
    assert data["values"]["severity"]["value"] == {"FL.I.05": "warning"}
    assert data["values"]["fail-on"]["source"].startswith("默认")
    text = run_in(tmp_path, "config").stdout
    assert 'select = ["FL.I"]' in text and "# 默认 / default" in text and "[tool.fiscal-lint]" in text


def test_an_unknown_key_stops_the_check_with_exit_2(tmp_path: Path) -> None:
    write(tmp_path / "fiscal-lint.toml", 'fail-onn = "error"\n')
    out = run_in(tmp_path, "check", "missing.pdf")
    assert out.returncode == 2
    assert "unknown configuration key 'fail-onn'" in out.stderr and "did you mean 'fail-on'" in out.stderr
    assert "Traceback" not in out.stderr
    write(tmp_path / "fiscal-lint.toml", 'profile = "hubie"\n')
    out = run_in(tmp_path, "check", "missing.pdf")
    assert out.returncode == 2 and "unknown profile 'hubie'" in out.stderr and "hubei" in out.stderr


# ---- rule metadata: example / fix, and explain ---------------------------------------------------


def test_rules_may_carry_an_example_and_a_fix() -> None:
    from linter.dsl.checker import check_files
    from linter.dsl.parser import parse_source

    src = '''rule T.1 "合计等于分项之和" {
        severity error
        message "合计 {lhs} ≠ {rhs}"
        example "公开09表 决算数合计 12.30，分项之和 12.00"
        fix "改正合计或分项，使两者相等"
        let t = table("three_public")
        assert t.row().col("决算数", "合计") == t.row().col("决算数", "公务接待费")
    }'''
    f = parse_source(src, "t.rules")
    (rule,) = f.rules
    assert rule.example == "公开09表 决算数合计 12.30，分项之和 12.00" and rule.fix == "改正合计或分项，使两者相等"
    assert [d.format() for d in check_files([f]) if d.level == "error"] == []
    plain = parse_source(src.replace('example "公开09表 决算数合计 12.30，分项之和 12.00"', ""), "t.rules")
    assert plain.rules[0].example is None


def test_explain_prints_description_basis_example_and_fix(default_packs, tmp_path: Path) -> None:
    from linter.commands.explain import find_rule

    found = find_rule(default_packs, "FL.I.11")
    assert found is not None
    rule = found[1]
    out = run_in(tmp_path, "explain", "FL.I.11", "--isolated")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert text.startswith(f"FL.I.11  {rule.title}")
    for heading in ("说明 / what it checks", "依据 / basis", "示例 / example", "如何改正 / how to fix"):
        assert heading in text
    assert rule.basis and rule.basis in text
    data = json.loads(run_in(tmp_path, "explain", "FL.I.11", "--json", "--isolated").stdout)
    assert data["id"] == "FL.I.11" and data["checks"] and data["fix"]
    example = data["example"] or data["example_from_tests"]["message"]  # from the rule, or from a pack test
    assert example and example in text


def test_explain_uses_the_rules_own_example_and_fix(tmp_path: Path) -> None:
    write(tmp_path / "bureau.rules", '''pack "bureau" version "2.1" dsl "1"
    rule BU.1 "“三公”经费决算数合计不得为负" {
        severity warning
        category identity
        basis "某市财政局 2025 年决算公开审核要点第 3 条"
        message "合计为 {lhs}"
        example "公开09表 决算数合计印为 -1.00"
        fix "核对“三公”经费支出，负数多为串行，改正后重新导出"
        let t = table("three_public")
        assert t.row().col("决算数", "合计") >= 0
    }
    ''')
    out = run_in(tmp_path, "explain", "BU.1", "--rules", "bureau.rules", "--no-default-rules", "--isolated")
    assert out.returncode == 0, out.stderr
    for text in ("BU.1  “三公”经费决算数合计不得为负", "某市财政局 2025 年决算公开审核要点第 3 条",
                 "公开09表 决算数合计印为 -1.00", "核对“三公”经费支出，负数多为串行，改正后重新导出", "bureau 2.1",
                 't.row().col("决算数", "合计") >= 0'):
        assert text in out.stdout, text


def test_explain_an_unknown_rule_suggests_close_ones(tmp_path: Path) -> None:
    out = run_in(tmp_path, "explain", "FL.I.111", "--isolated")
    assert out.returncode == 2 and "FL.I.11" in out.stderr
