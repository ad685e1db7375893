from __future__ import annotations

from decimal import Decimal

import pytest

from linter.dsl import nodes as n
from linter.dsl.diagnostics import DslError
from linter.dsl.parser import parse_source

RULE = """
pack "p" version "1.2.0" dsl "1"
const SIDES = ["预算数", "决算数",]
rule FL.I.11.budget "标题" {
    severity error
    category cross-table
    basis "依据"
    message "{side}：{lhs}"
    version "1.0"
    tags [三公, "表内"]
    kinds [决算]
    profiles [hubei, shanghai]
    blank assume_zero
    for side in SIDES
    let t = table("three_public") blank zero
    when not t.is_empty() and side in ["预算数"]
    unless exists(t)
    assert t.row().col(side, "合计") + 1.50 * 2 - -1 >= 0 within abs(0.05) else "x{side}"
    assert a == b within rel(0.1%)
    assert a != b exact
    assert a == b within rounding
}
"""


def test_rule_metadata_and_statements():
    f = parse_source(RULE, "x.rules")
    assert f.pack == n.PackDecl("p", "1.2.0", "1", f.pack.pos)
    (r,) = f.rules
    assert (r.id, r.title, r.severity, r.category, r.basis) == (
        "FL.I.11.budget",
        "标题",
        "error",
        "cross-table",
        "依据",
    )
    assert (r.version, r.tags, r.kinds, r.profiles, r.blank) == (
        "1.0",
        ("三公", "表内"),
        ("决算",),
        ("hubei", "shanghai"),
        "assume_zero",
    )
    kinds = [type(s).__name__ for s in r.body]
    assert kinds == ["For", "Let", "When", "When", "Assert", "Assert", "Assert", "Assert"]
    let = r.body[1]
    assert isinstance(let, n.Let) and let.blank == "zero"
    a1, a2, a3, a4 = r.body[4:]
    assert isinstance(a1, n.Assert) and a1.tolerance == n.Tolerance("abs", Decimal("0.05")) and a1.message == "x{side}"
    assert isinstance(a2, n.Assert) and a2.tolerance == n.Tolerance("rel", Decimal("0.001"))
    assert isinstance(a3, n.Assert) and a3.tolerance.method == "exact"
    assert isinstance(a4, n.Assert) and a4.tolerance.method == "rounding"
    assert "SIDES" in r.consts


def test_method_call_is_a_call_with_the_receiver_first():
    f = parse_source('rule A.B "t" { severity info message "m" assert x.f(1, k = "v") }')
    expr = f.rules[0].body[0].expr
    assert isinstance(expr, n.Call) and expr.name == "f"
    assert isinstance(expr.args[0], n.Var) and expr.kwargs[0][0] == "k"


def test_operator_precedence():
    f = parse_source('rule A.B "t" { severity info message "m" assert 1 + 2 * 3 == 7 }')
    cmp = f.rules[0].body[0].expr
    assert isinstance(cmp, n.Compare) and isinstance(cmp.right, n.Number)
    assert isinstance(cmp.left, n.BinOp) and cmp.left.op == "+" and isinstance(cmp.left.right, n.BinOp)


def test_regex_literal_is_raw():
    f = parse_source(r'rule A.B "t" { severity info message "m" assert document().absent(re"\d+\.\d{2}万元") }')
    call = f.rules[0].body[0].expr
    assert call.args[1] == n.Regex(r"\d+\.\d{2}万元", call.args[1].pos)


@pytest.mark.parametrize(
    ("source", "line", "col", "zh", "en"),
    [
        ('rule A.B "t" {\n  severity error\n  assert a == \n}\n', 4, 1, "意外的 }", "unexpected }"),
        ('rule A.B "t" {\n  severity fatal\n}\n', 2, 12, "意外的 fatal", "expected error|warning|info"),
        ('rule A.B "t" {\n  let x = 1 $ 2\n}\n', 2, 13, "无法识别的字符", "unexpected character"),
        ('rule A.B "t" {\n  let x = 1\n', 2, 12, "文件意外结束", "unexpected end of file"),
        ('rule A.B "t" {\n  severity error\n  severity info\n}\n', 3, 3, "重复", "given twice"),
    ],
)
def test_syntax_errors_point_at_file_line_col(source, line, col, zh, en):
    with pytest.raises(DslError) as info:
        parse_source(source, "rules/bad.rules")
    (d,) = info.value.diagnostics
    assert (d.file, d.line, d.col) == ("rules/bad.rules", line, col)
    assert zh in d.message_zh and en in d.message_en
    text = d.format()
    assert text.startswith(f"rules/bad.rules:{line}:{col}: error:")
    lines = text.splitlines()
    assert lines[-1].strip() == "^" and lines[1].strip() == source.splitlines()[line - 1].strip()


def test_caret_accounts_for_wide_characters():
    with pytest.raises(DslError) as info:
        parse_source('rule A.B "t" {\n  let 金额 = 1 $\n}\n', "x.rules")
    text = info.value.diagnostics[0].format()
    src_line, caret = text.splitlines()[1:3]
    # "  let 金额 = 1 " is 15 display cells wide: the two CJK characters count double
    assert caret.index("^") - 4 == len("  let ") + 4 + len(" = 1 ")
    assert src_line.strip() == "let 金额 = 1 $"
