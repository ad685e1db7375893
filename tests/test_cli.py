from __future__ import annotations

import json
from pathlib import Path

from support import run_cli

from linter.parse.validation import schema_errors


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("fiscal-lint ")


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
