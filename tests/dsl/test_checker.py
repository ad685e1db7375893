from __future__ import annotations

from linter.dsl.checker import check_files
from linter.dsl.parser import parse_source


def diags(source: str, *more: str):
    files = [parse_source(source, "a.rules")] + [parse_source(s, f"b{i}.rules") for i, s in enumerate(more)]
    return check_files(files)


def messages(source: str, level: str = "error") -> list[str]:
    return [d.message_en for d in diags(source) if d.level == level]


HEAD = 'rule A.B "t" {\n severity error\n message "{lhs}"\n'


def test_clean_rule_has_no_diagnostics():
    assert diags(HEAD + ' let t = table("three_public")\n assert t.row().col("决算数", "合计") == 0\n}') == []


def test_unknown_table_is_an_error_with_position():
    (d,) = [d for d in diags(HEAD + ' assert table("three_pubic").is_empty()\n}') if d.level == "error"]
    assert "unknown table 'three_pubic'" in d.message_en and (d.line, d.col) == (4, 9)
    assert "未知的表" in d.message_zh


def test_unknown_table_reached_through_a_loop_variable():
    src = HEAD + ' for k in ["income", "incomes"]\n let t = table(k)\n assert t.is_empty()\n}'
    assert messages(src) == ["unknown table 'incomes' (not in the catalogue)"]


def test_unknown_function_and_bad_arguments():
    errs = messages(HEAD + ' assert summ([1]) == 1 and pct(1) == 2 and rows(table("income"), colour = 1)\n}')
    assert "unknown function 'summ'" in errs
    assert any(e.startswith("bad arguments to pct()") for e in errs)
    assert any(e.startswith("bad arguments to rows()") for e in errs)


def test_undefined_name_and_unused_binding():
    src = HEAD + " let unused = 1\n assert missing == 1\n}"
    assert messages(src) == ["undefined name 'missing'"]
    assert messages(src, "warning") == ["binding 'unused' is never used"]


def test_unknown_column_is_a_warning():
    src = HEAD + ' let t = table("three_public")\n assert t.row().col("决算数", "合记") == 0\n}'
    assert messages(src) == []
    assert messages(src, "warning") == ["header '合记' is not a standard header of three_public"]


def test_duplicate_rule_ids_across_files():
    rule = 'rule FL.X.1 "t" { severity info message "m" assert 1 == 1 }'
    ds = diags(rule, rule)
    assert [d.message_en for d in ds] == ["duplicate rule id FL.X.1 (first at a.rules:1)"] and ds[0].file == "b0.rules"


def test_metadata_and_body_requirements():
    errs = messages('rule A.B "t" {\n kinds [决算, 年报]\n let x = 1\n}')
    assert "rule A.B has no severity" in errs and "rule A.B has no message" in errs
    assert "rule A.B asserts nothing" in errs and "unknown kind '年报'" in errs


def test_invalid_regex_and_unknown_capture_group():
    errs = messages(HEAD + ' for m in document().find(re"(?P<v>\\d+")\n assert m.w == 1\n}')
    assert "invalid regex" in errs
    errs = messages(HEAD + ' for m in document().find(re"(?P<v>\\d+)")\n assert m.w == 1\n}')
    assert errs == ["no capture group 'w' in the pattern"]


def test_placeholders_must_be_defined():
    errs = messages('rule A.B "t" { severity info message "{nope} {lhs}" assert 1 == 1 }')
    assert errs == ["placeholder {nope} is not defined"]


def test_blank_policy_literal_is_checked():
    errs = messages(HEAD + ' assert sum([1], blank = "nothing") == 1\n}')
    assert errs == ["unknown blank policy 'nothing'"]


def test_pack_dsl_version_is_checked():
    ds = diags('pack "p" version "1" dsl "2"')
    assert [d.message_en for d in ds] == ["pack needs DSL 2, this linter speaks 1"]


def test_references_to_other_reports_are_checked():
    """report() takes keywords only, with kinds and levels that exist; a table read on another report must be a
    catalogue table; a clean cross-document rule has no diagnostics."""
    clean = HEAD + (' let prev = report(kind = "预算", year = metadata("fiscal_year") - 1, level = "部门")\n'
                    ' assert prev.table("budget_three_public").is_empty()\n}')
    assert diags(clean) == []
    errs = messages(HEAD + ' let a = report("预算")\n let b = report(kind = "年报", level = "处室", when = 1)\n'
                    ' assert a.table("budget_three_publik").is_empty() and b.document().is_empty()\n}')
    assert "report() takes keyword arguments only: kind, year, level" in errs
    assert "report(): kind must be one of 预算, 决算, not '年报'" in errs
    assert "report(): level must be one of 部门, 单位, not '处室'" in errs
    assert "report() has no argument 'when'" in errs
    assert "unknown table 'budget_three_publik' (not in the catalogue)" in errs
