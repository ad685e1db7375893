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
