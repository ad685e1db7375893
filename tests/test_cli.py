from __future__ import annotations

import json
from pathlib import Path

from support import run_cli

from linter.parse.validation import schema_errors


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("fiscal-lint ")


def test_version_loads_no_command() -> None:
    from linter.cli import build_parser

    assert "check" not in build_parser(["--version"]).format_help()
    assert "check" in build_parser([]).format_help()  # without arguments: every command, for the help


def test_parse_writes_validated_model_with_chinese_unescaped(tmp_path: Path, fixture_pdf: Path) -> None:
    out = tmp_path / "model.json"
    result = run_cli("parse", fixture_pdf, "-o", out)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "收入支出决算总表" in text  # not \\u escaped
    model = json.loads(text)
    assert schema_errors(model) == []
    assert model["source"]["page_count"] == 4


def test_parse_several_files_to_stdout_as_json_lines(fixture_pdf: Path) -> None:
    result = run_cli("parse", fixture_pdf, fixture_pdf)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all(json.loads(line)["source"]["file_name"] == fixture_pdf.name for line in lines)


def test_several_inputs_with_one_name_do_not_overwrite(tmp_path: Path, fixture_pdf: Path) -> None:
    out = tmp_path / "models"
    result = run_cli("parse", fixture_pdf, fixture_pdf, "-o", out)
    assert result.returncode == 0, result.stderr
    assert len(list(out.glob("*.json"))) == 2


def test_no_command_prints_help_and_exits_2() -> None:
    result = run_cli()
    assert result.returncode == 2
    assert "parse" in result.stderr


# ---- rules list --kind ------------------------------------------------------------------------------

KIND_PACK = """\
rule K.FINAL "决算" { severity error kinds [决算] message "m" assert 1 == 1 }
rule K.BUDGET "预算" { severity warning kinds [预算] message "m" assert 1 == 1 }
rule K.BOTH "决算与预算" { severity info kinds [决算, 预算] message "m" assert 1 == 1 }
rule K.ANY "所有类型" { severity info message "m" assert 1 == 1 }
"""


def _listed(stdout: str) -> list[str]:
    return [line.split("\t")[0] for line in stdout.splitlines() if line]


def test_rules_list_kind_lists_that_kind_and_the_rules_without_kinds(tmp_path: Path) -> None:
    (tmp_path / "k.rules").write_text(KIND_PACK, encoding="utf-8")
    every = run_cli("rules", "list", tmp_path)
    assert every.returncode == 0, every.stderr
    assert _listed(every.stdout) == ["K.FINAL", "K.BUDGET", "K.BOTH", "K.ANY"]
    budget = run_cli("rules", "list", "--kind", "预算", tmp_path)
    assert budget.returncode == 0, budget.stderr
    assert _listed(budget.stdout) == ["K.BUDGET", "K.BOTH", "K.ANY"]
    assert "K.BUDGET\twarning\t预算" in budget.stdout.splitlines()
    final = run_cli("rules", "list", "--kind", "决算", tmp_path)
    assert final.returncode == 0, final.stderr
    assert _listed(final.stdout) == ["K.FINAL", "K.BOTH", "K.ANY"]


def test_rules_list_kind_on_the_default_pack() -> None:
    from linter.dsl import default_pack_paths
    from linter.session import Session

    rules = [r for p in Session.build().load_packs(default_pack_paths()) for r in p.rules]  # as the command loads them
    for kind in ("预算", "决算"):
        result = run_cli("rules", "list", "--kind", kind)
        assert result.returncode == 0, result.stderr
        assert _listed(result.stdout) == [r.id for r in rules if not r.kinds or kind in r.kinds]
    budget = _listed(run_cli("rules", "list", "--kind", "预算").stdout)
    assert "FL.C.05" not in budget  # kinds [决算]: an empty 政府性基金 table is a 决算 matter
    assert any(not r.kinds and r.id in budget for r in rules)  # rules without kinds apply to every kind


def test_rules_list_unknown_kind_exits_2_with_a_bilingual_error() -> None:
    result = run_cli("rules", "list", "--kind", "budget")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "未知文档类型 budget（应为 决算/预算/绩效/set）/ unknown kind 'budget'" in result.stderr
