"""Tolerance semantics (issue 3 acceptance): rounding intervals, 尾数差异, interval division, YoY."""

from __future__ import annotations

import pytest
from dsl_helpers import prose, run

SUM_RULE = """
rule T.SUM "合计 = 分项之和" {
    severity error
    message "合计 {lhs} ≠ 分项之和 {rhs}（相差 {diff}）"
    let t = table("three_public")
    let r = t.row()
    assert r.col("合计") == r.col("甲") + r.col("乙") + r.col("丙")
}
"""


def sum_doc(total: str, parts=("10.00", "20.00", "30.00")) -> dict:
    return {"tables": [{"key": "three_public", "columns": ["合计", "甲", "乙", "丙"], "rows": [[total, *parts]]}]}


def test_exact_sum_passes_silently():
    r = run(SUM_RULE, sum_doc("60.00"))
    assert r.findings == [] and r.rule_status("T.SUM") == "pass"


def test_inside_rounding_envelope_is_info_weishu():
    r = run(SUM_RULE, sum_doc("60.01"))
    (f,) = r.findings
    assert (f.severity, f.kind) == ("info", "rounding")
    assert "尾数差异" in f.message
    assert f.evidence.method == "interval-round-nearest"
    assert f.evidence.lhs_interval == ("60.005", "60.015") and f.evidence.rhs_interval == ("59.985", "60.015")
    assert f.evidence.tolerance == "0.020" and f.evidence.difference == "0.01"
    assert r.rule_status("T.SUM") == "pass"


def test_touching_intervals_are_consistent():
    (f,) = run(SUM_RULE, sum_doc("60.02")).findings
    assert f.severity == "info"


def test_beyond_envelope_is_error_with_computed_values():
    r = run(SUM_RULE, sum_doc("60.03"))
    (f,) = r.findings
    assert (f.severity, f.kind) == ("error", "violation")
    assert f.message == "合计 60.03 ≠ 分项之和 60.00（相差 0.03）"
    assert f.args["diff"] == "0.03"
    assert [o.text for o in f.evidence.operands] == ["60.03", "10.00", "20.00", "30.00"]
    assert f.location.table == "three_public" and f.location.column == ["合计"]
    assert r.rule_status("T.SUM") == "fail"


SHARE_RULE = """
rule T.SHARE "占比" {
    severity warning
    message "说明写 {m.share}%，计算为 {rhs}%"
    let t = table("general_budget_expenditure")
    let total = t.row(level = "合计").col("小计")
    for m in section("结构情况").find(re"(?P<name>[^\\d，。.]+支出)(?P<amount>[\\d.]+)万元，占(?P<share>[\\d.]+)%")
    assert m.share == pct(t.row(label = m.name).col("小计"), total)
}
"""


def share_doc(stated: str) -> dict:
    return {
        "tables": [
            {
                "key": "general_budget_expenditure",
                "columns": ["@code", "@label", "小计"],
                "rows": [["", "合计", "976.88"], ["210", "卫生健康支出", "50.34"]],
            }
        ],
        **prose(f"4. 卫生健康支出50.34万元，占{stated}%。", heading="(二)一般公共预算财政拨款支出决算结构情况"),
    }


@pytest.mark.parametrize(("stated", "status"), [("5.16", "fail"), ("5.15", "pass"), ("5.2", "pass"), ("5.1", "fail")])
def test_seed_share_interval_division(stated, status):
    r = run(SHARE_RULE, share_doc(stated))
    assert r.rule_status("T.SHARE") == status
    if status == "fail":
        (f,) = r.findings
        assert f.severity == "warning" and f.args["rhs"] == "5.1531"
        lo, hi = f.evidence.rhs_interval
        assert lo.startswith("5.152") and hi.startswith("5.153")
    else:
        assert r.findings == []  # a stated share equal to the rounded ratio is not even a 尾数差异


YOY_RULE = """
rule T.YOY "同比" {
    severity error
    message "增减率应为 {rhs}%"
    let total = table("income_expenditure_summary").row(label = "总计").col("金额")
    for m in document().find(re"(?P<dir>增加|减少)(?P<change>[\\d.]+)万元，(?P<rdir>增长|下降)(?P<rate>[\\d.]+)%")
    let change = signed(m.change, m.dir)
    assert agrees(m.rdir, change)
    assert signed(m.rate, m.rdir) == yoy(total, change)
}
"""


def yoy_doc(sentence: str) -> dict:
    table = {"key": "income_expenditure_summary", "columns": ["@label", "金额"], "rows": [["总计", "976.88"]]}
    return {"tables": [table], **prose(sentence)}


@pytest.mark.parametrize(
    ("sentence", "status", "findings"),
    [
        ("与2023年度相比，收、支总计减少 201.5 万元，下降 17.1%，主要原因是人员变动。", "pass", 0),
        ("与2023年度相比，收、支总计减少201.50万元，下降17.10%。", "pass", 0),
        ("与2023年度相比，收、支总计减少201.5万元，下降17.5%。", "fail", 1),
        ("与2023年度相比，收、支总计减少201.5万元，增长17.1%。", "fail", 2),
    ],
)
def test_yoy_from_change_and_direction_words(sentence, status, findings):
    r = run(YOY_RULE, yoy_doc(sentence))
    assert r.rule_status("T.YOY") == status
    assert len(r.findings) == findings


def test_same_figure_compared_at_coarser_precision():
    rule = """
    rule T.SAME "同一数字" {
        severity error
        message "{lhs} ≠ {rhs}"
        let cell = table("three_public").row().col("合计")
        for m in document().find(re"合计(?P<v>[\\d.]+)万元")
        assert m.v == cell
    }
    """
    doc = {"tables": [{"key": "three_public", "columns": ["合计"], "rows": [["201.50"]]}]}
    assert run(rule, {**doc, **prose("合计201.5万元。")}).findings == []
    assert run(rule, {**doc, **prose("合计201.6万元。")}).rule_status("T.SAME") == "fail"


@pytest.mark.parametrize(
    ("tolerance", "status", "severity"),
    [
        ("within abs(0.05)", "pass", "info"),
        ("within abs(0.01)", "fail", "error"),
        ("exact", "fail", "error"),
        ("within rel(0.1%)", "pass", "info"),
        ("within rel(0.01%)", "fail", "error"),
    ],
)
def test_explicit_tolerances(tolerance, status, severity):
    rule = f"""
    rule T.TOL "容差" {{
        severity error
        message "{{lhs}} {{rhs}}"
        let r = table("three_public").row()
        assert r.col("合计") == r.col("甲") + r.col("乙") + r.col("丙") {tolerance}
    }}
    """
    r = run(rule, sum_doc("60.03"))
    assert r.rule_status("T.TOL") == status
    assert [f.severity for f in r.findings] == [severity]


def test_a_year_is_never_an_amount():
    rule = """
    rule T.YEAR "年份" {
        severity error
        message "{m.v}"
        for m in document().find(re"(?P<v>\\d+)年")
        assert m.v > 0
    }
    """
    r = run(rule, prose("2024年度收入合计。"))
    (o,) = r.outcomes
    assert o.status == "insufficient_data" and "年份" in (o.reason or "")
    assert r.findings == []


def test_captured_numbers_keep_printed_precision():
    rule = """
    rule T.PREC "精度" {
        severity error
        message "{lhs} {rhs}"
        for m in document().find(re"为(?P<v>[\\d.]+)万元")
        assert m.v == 10.004 within rounding
    }
    """
    # "10" stands for [9.5, 10.5]; "10.00" for [9.995, 10.005]; "10.1" for [10.05, 10.15]
    assert run(rule, prose("预算为10万元。")).rule_status("T.PREC") == "pass"
    assert run(rule, prose("预算为10.00万元。")).rule_status("T.PREC") == "pass"
    assert run(rule, prose("预算为10.1万元。")).rule_status("T.PREC") == "fail"
