"""Built-ins added for the prose-vs-table rules: pct_matches, amount(places=), number, items, label on lists,
section() preferring a body over an empty TOC-like heading, and where prose findings are placed."""

from __future__ import annotations

from decimal import Decimal

from dsl_helpers import prose, run

from linter.core.model import Document, Metadata, ParserInfo, Source
from linter.dsl.functions.number_functions import number
from linter.dsl.functions.prose_functions import items
from linter.dsl.runtime import Context
from linter.dsl.values import Blank, Ref

RATE_RULE = """
rule T.RATE "执行率" {
    severity warning
    message "写 {lhs}%，计算为 {rhs}%"
    let s = section("绩效")
    for m in s.find(re"预算数为(?P<budget>[\\d.]+)万元，执行数为(?P<actual>[\\d.]+)万元，执行率(?P<rate>[\\d.]+)%")
    assert pct_matches(m.rate, pct(amount(m.actual, places = 2), amount(m.budget, places = 2)))
}
"""


def rate_doc(budget: str, actual: str, rate: str) -> dict:
    return prose(f"预算数为{budget}万元，执行数为{actual}万元，执行率{rate}%。", heading="十三、预算绩效情况说明")


def test_pct_matches_passes_a_rounded_rate():
    r = run(RATE_RULE, rate_doc("12", "11.99", "99.92"))
    assert r.findings == [] and r.rule_status("T.RATE") == "pass"
    r = run(RATE_RULE, rate_doc("12", "11.99", "100"))  # rounded to whole percent: 99.92 → 100
    assert r.findings == [] and r.rule_status("T.RATE") == "pass"


def test_pct_matches_reports_truncation_as_info():
    r = run(RATE_RULE, rate_doc("12", "11.99", "99"))
    (f,) = r.findings
    assert (f.severity, f.kind) == ("info", "rounding")
    assert "截尾而非四舍五入" in f.message and "应为 100%" in f.message
    assert f.evidence.method == "truncated"
    assert r.rule_status("T.RATE") == "pass"


def test_pct_matches_fails_a_wrong_rate():
    (f,) = run(RATE_RULE, rate_doc("12", "11.99", "90")).findings
    assert (f.severity, f.kind) == ("warning", "violation")
    assert f.message == "写 90%，计算为 99.9167%"


def test_amount_places_narrows_a_whole_number():
    # without places=2, "12" stands for 11.5–12.5: 99% is only a 尾数差异 and the truncation goes unnamed
    rule = RATE_RULE.replace("amount(m.actual, places = 2)", "m.actual").replace(
        "amount(m.budget, places = 2)", "m.budget"
    )
    (f,) = run(rule, rate_doc("12", "11.99", "99")).findings
    assert "尾数差异" in f.message and f.args["rhs_interval"] == "[95.8800, 104.3043]"


def test_prose_figures_carry_page_and_bbox_of_their_paragraph():
    (f,) = run(RATE_RULE, rate_doc("12", "11.99", "90")).findings
    assert f.location.page is not None and f.location.section == "十三、预算绩效情况说明"
    operand = f.evidence.operands[0]
    assert operand.location is not None and operand.location.page == f.location.page


def test_a_yes_no_assertion_is_placed_at_its_match():
    rule = """
rule T.ZERO "预算为零" {
    severity warning
    message "预算为 0"
    for m in document().find(re"预算为(?P<b>[\\d.]+)万元")
    assert not is_zero(m.b)
}
"""
    (f,) = run(rule, prose("预算为0万元，支出决算为0万元。", heading="九、三公")).findings
    assert f.location.page is not None and f.location.section == "九、三公"


def test_section_prefers_the_heading_with_a_body():
    rule = """
rule T.SEC "总计" {
    severity error
    message "{lhs}"
    for m in section("收入支出决算总体情况说明").find(re"总计(?P<a>[\\d.]+)万元")
    assert m.a == 1
}
"""
    doc = {
        "sections": [
            {"heading": "一、收入支出决算总体情况说明", "paragraphs": []},
            {"heading": "一、收入支出决算总体情况说明", "paragraphs": ["收支总计2万元。"]},
        ]
    }
    (f,) = run(rule, doc).findings
    assert f.message == "2"


def test_label_maps_over_a_list():
    rule = """
rule T.NAMES "名称" {
    severity warning
    message "{m.name}"
    let names = section("项目").find(re"(?P<name>[^，。]+)项目").captures("name")
    for m in section("项目").find(re"另有(?P<name>[^，。]+)。")
    assert label(m.name) in label(names)
}
"""
    assert run(rule, prose("机要,保密经费项目。另有机要、保密经费。", heading="项目")).findings == []
    (f,) = run(rule, prose("机要,保密经费项目。另有行政经费。", heading="项目")).findings
    assert f.message == "行政经费"


def _ctx() -> Context:
    return Context(Document(Metadata(), Source("x", "", 0, None, ParserInfo("t", "1"))))


def test_items_splits_at_punctuation_only():
    assert items(_ctx(), "基本工资、津贴补贴，奖金等") == ["基本工资", "津贴补贴", "奖金"]
    assert items(_ctx(), "其他商品和服务支出、税金及附加费用。") == ["其他商品和服务支出", "税金及附加费用"]


def test_number_reads_the_first_number_of_a_text_cell():
    q = number(_ctx(), "99%")
    assert q.value == Decimal("99") and q.text == "99"
    assert number(_ctx(), "200人次").value == Decimal("200")
    assert number(_ctx(), "1,234.50万元").value == Decimal("1234.50")
    blank = Blank(Ref("c", "", None))
    assert number(_ctx(), blank) is blank
