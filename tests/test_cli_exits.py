"""Issue 16, "exits that scripts can trust": each problem reproduced at the command line (before: exit 0, silent)."""

from __future__ import annotations

import json
from pathlib import Path

from lint_reports import run_in
from support import REPO

SEED = REPO / "examples" / "jianghan-2024.pdf"


def test_a_pyproject_with_a_toml_syntax_error_stops_with_file_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.fiscal-lint]\nselect = ["FL.I"\n'
                                             'fail-on = "error"\n', encoding="utf-8")
    r = run_in(tmp_path, "config")
    assert r.returncode == 2 and f"{tmp_path / 'pyproject.toml'}:6:1: TOML 语法错误" in r.stderr, r.stderr


def test_an_unknown_key_and_a_wrong_type_name_their_line(tmp_path: Path) -> None:
    (tmp_path / "fiscal-lint.toml").write_text('select = ["FL.I"]\nfail_onn = "error"\n', encoding="utf-8")
    r = run_in(tmp_path, "check", SEED, "--no-progress")
    assert r.returncode == 2 and "fiscal-lint.toml:2:1:" in r.stderr and "did you mean 'fail-on'" in r.stderr
    (tmp_path / "fiscal-lint.toml").write_text('select = ["FL.I"]\njobs = "two"\n', encoding="utf-8")
    r = run_in(tmp_path, "check", SEED, "--no-progress")
    assert r.returncode == 2 and "fiscal-lint.toml:2:1: jobs" in r.stderr


def test_a_selector_that_matches_no_rule_stops_with_did_you_mean(tmp_path: Path) -> None:
    r = run_in(tmp_path, "check", SEED, "--isolated", "--no-progress", "--select", "FL.I.99")
    assert r.returncode == 2 and r.stdout == "" and "'FL.I.99' in select matches no rule" in r.stderr
    assert "did you mean FL.I.09" in r.stderr
    (tmp_path / "fiscal-lint.toml").write_text('ignore = ["FL.WW"]\n', encoding="utf-8")
    r = run_in(tmp_path, "check", SEED, "--no-progress")
    assert r.returncode == 2 and "'FL.WW' in ignore matches no rule" in r.stderr and "FL.W" in r.stderr


def test_a_report_on_which_no_rule_applies_is_not_checked(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    r = run_in(tmp_path, "check", SEED, "--isolated", "--no-progress", "--select", "FL.B", "--log", log)
    assert r.returncode == 2 and "未检查 / not checked: 没有适用于此类报告的规则" in r.stdout, r.stdout
    doc = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()][1]
    assert doc["outcome"] == "not_checked" and doc["reason"]["code"] == "no_rule_applies"


def test_exit_codes_are_in_check_help() -> None:
    r = run_in(REPO, "check", "--help")
    assert r.returncode == 0 and "退出码 / exit codes:" in r.stdout and "130" in r.stdout


def test_an_output_that_cannot_be_written_stops_before_the_run(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("", encoding="utf-8")
    r = run_in(tmp_path, "check", SEED, "--isolated", "--no-progress", "--report", "json=afile/out.json")
    assert r.returncode == 2 and r.stdout == "" and "afile is not a folder" in r.stderr


def test_parse_into_an_existing_folder(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    r = run_in(tmp_path, "parse", SEED, "-o", "models/")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert json.loads((tmp_path / "models" / "jianghan-2024.json").read_text(encoding="utf-8"))["tables"]


# ---- fiscal-lint sets: the same exit codes as check (before: 0 with a file in no report) ---------------------


def _undated_report(path: Path) -> Path:
    """A 三公 table whose report says no year anywhere: read, but in no report."""
    import dataclasses

    import pdfgen
    from lint_reports import three_public_table

    w = pdfgen.Writer()
    w.text("附表", size=20, centred=True, gap=30)
    w.new_page(landscape_page=True)
    w.table(dataclasses.replace(three_public_table("12.00"), title="财政拨款“三公”经费支出决算表"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(w.bytes())
    return path


def test_sets_exit_codes_follow_check(tmp_path: Path) -> None:
    from lint_reports import write_report

    write_report(tmp_path / "r" / "a.pdf")
    clean = run_in(tmp_path, "sets", "r", "--isolated")
    assert clean.returncode == 0 and "2024年单位决算" in clean.stdout, clean.stderr

    _undated_report(tmp_path / "r" / "b.pdf")  # read, but its year cannot be found: in no report
    alone = run_in(tmp_path, "sets", "r", "--isolated")
    assert alone.returncode == 1, alone.stderr
    assert "r/b.pdf: 未归入任何报告 / in no report: 文档中读不出年度" in alone.stderr
    as_json = run_in(tmp_path, "sets", "r", "--isolated", "--json")
    assert as_json.returncode == 1 and json.loads(as_json.stdout)["alone"][0]["path"] == "r/b.pdf"

    (tmp_path / "r" / "c.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")  # cannot be read: 2 wins over 1
    broken = run_in(tmp_path, "sets", "r", "--isolated")
    assert broken.returncode == 2 and "r/c.pdf: 未检查 / not checked" in broken.stderr
    assert "Traceback" not in broken.stderr


def test_sets_with_a_set_file_naming_a_missing_file_exits_2(tmp_path: Path) -> None:
    from lint_reports import write_report

    write_report(tmp_path / "r" / "a.pdf")
    (tmp_path / "r" / "fiscal-lint-sets.toml").write_text(
        '[[reports]]\nfiles = ["a.pdf", "gone.pdf"]\nunit = "示例单位"\n', encoding="utf-8")
    r = run_in(tmp_path, "sets", "r", "--isolated")
    assert r.returncode == 2 and r.stdout == "", r.stdout
    assert "gone.pdf" in r.stderr and "fiscal-lint-sets.toml" in r.stderr and "Traceback" not in r.stderr


def test_sets_help_lists_the_exit_codes() -> None:
    r = run_in(REPO, "sets", "--help")
    assert r.returncode == 0 and "退出码 / exit codes:" in r.stdout
    assert all(f"  {code}" in r.stdout for code in ("0 ", "1 ", "2 ", "130"))
