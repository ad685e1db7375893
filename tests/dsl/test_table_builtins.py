"""The table built-ins the identity and cross-table rules rely on: above/below, col_having, form_value,
is_number/printed, matches, captures, and lane names read back from ``r.lane``."""

from __future__ import annotations

from typing import Any

from dsl_helpers import prose, run

RULE = """
rule T.{id} "t" {{
    severity error
    message "{msg}"
    {body}
}}
"""

SANGONG_HUBEI = [
    "预算数/合计",
    "预算数/公务用车购置及运行维护费/公务用车运行维护费",
    "决算数/合计",
    "决算数/公务用车购置及运行维护费/公务用车运行维护费",
]
SANGONG_SHANGHAI = [
    "财政拨款“三公”经费/合计/预算数",
    "财政拨款“三公”经费/合计/决算数",
    "财政拨款“三公”经费/公务用车购置及运行费/公务用车运行费/预算数",
    "财政拨款“三公”经费/公务用车购置及运行费/公务用车运行费/决算数",
]


def rule(body: str, msg: str = "{lhs}|{rhs}", rid: str = "A") -> str:
    return RULE.format(id=rid, msg=msg, body=body)


def outcome(result: Any, rule_id: str = "T.A") -> str | None:
    return result.rule_status(rule_id)


def messages(result: Any) -> list[str]:
    return [f.message for f in result.findings]


def test_col_having_finds_headers_in_any_order():
    body = """
    let r = table("three_public").row()
    assert r.col_having("决算数", "合计") == r.col_having(re"^公务用车运行(维护)?费$", "决算数")
    """
    hubei = {"tables": [{"key": "three_public", "columns": SANGONG_HUBEI, "rows": [["5.00", "5.00", "7.00", "6.00"]]}]}
    shanghai = {
        "tables": [{"key": "three_public", "columns": SANGONG_SHANGHAI, "rows": [["5.00", "7.00", "5.00", "6.00"]]}]
    }
    for doc in (hubei, shanghai):
        result = run(rule(body), doc)
        assert messages(result) == ["7.00|6.00"]


def test_col_having_ambiguous_or_missing_is_insufficient_data():
    doc = {"tables": [{"key": "three_public", "columns": SANGONG_HUBEI, "rows": [["5.00", "5.00", "7.00", "6.00"]]}]}
    ambiguous = run(rule('assert table("three_public").row().col_having("决算数") == 1'), doc)
    missing = run(rule('assert table("three_public").row().col_having("决算数", "小计") == 1'), doc)
    assert outcome(ambiguous) == "insufficient_data" and not ambiguous.findings
    assert outcome(missing) == "insufficient_data" and not missing.findings


def test_col_having_stays_in_the_row_lane():
    t01 = {
        "key": "income_expenditure_summary",
        "lanes": ["收入", "支出"],
        "columns": [
            {"path": "收入/项目", "role": "label", "lane": 0},
            {"path": "收入/合计", "lane": 0},
            {"path": "支出/项目", "role": "label", "lane": 1},
            {"path": "支出/合计", "lane": 1},
        ],
        "rows": [["本年收入合计", "10.00", "本年支出合计", "12.00"]],
    }
    body = """
    let t = table("income_expenditure_summary")
    assert t.row(label = "本年收入合计").col_having("合计") == t.row(label = "本年支出合计").col_having("合计")
    """
    assert messages(run(rule(body), {"tables": [t01]})) == ["10.00|12.00"]


def test_above_and_below_are_the_rows_of_the_same_lane():
    t01 = {
        "key": "income_expenditure_summary",
        "lanes": ["收入", "支出"],
        "columns": [
            {"path": "收入/项目", "role": "label", "lane": 0},
            {"path": "收入/金额", "lane": 0},
            {"path": "支出/项目", "role": "label", "lane": 1},
            {"path": "支出/金额", "lane": 1},
        ],
        "rows": [
            ["一、财政拨款收入", "7.00", "一、一般公共服务支出", "100.00"],
            ["二、其他收入", "3.00", "", ""],
            ["本年收入合计", "10.00", "本年支出合计", "100.00"],
            ["年初结转和结余", "4.00", "年末结转和结余", ""],
        ],
    }
    body = """
    let total = table("income_expenditure_summary").row(label = "本年收入合计")
    assert count(total.above()) == 1
    assert sum(total.above().col("金额")) == 9
    assert sum(total.below().col("金额")) == 5
    """
    result = run(rule(body, msg="{lhs}"), {"tables": [t01]})
    # two rows above in the income lane (the expenditure lane is not mixed in), summing to 10; one below
    assert messages(result) == ["2", "10.00", "4.00"]


def test_form_value_reads_a_form_by_label_and_header():
    form = {
        "key": "performance_overall",
        "columns": [{"path": "", "role": "text"}] * 5,
        "rows": [
            ["基本支出总额", "854.74", "", "项目支出总额", "122.14"],
            ["预算执行情况（万元）", "", "预算数(A)", "执行数(B)", "执行率(B/A)"],
            ["", "部门整体支出总额", "976.91", "976.88", "99%"],
        ],
    }
    body = """
    let t = table("performance_overall")
    assert t.form_value("基本支出总额") == 1
    assert t.form_value("项目支出总额") == 1
    assert t.form_value(re"整体支出总额", "预算数") == 1
    assert t.form_value("部门整体支出总额", "执行数") == 1
    """
    result = run(rule(body, msg="{lhs}"), {"tables": [form]})
    assert messages(result) == ["854.74", "122.14", "976.91", "976.88"]
    missing = run(rule('assert table("performance_overall").form_value("资金总额") == 1'), {"tables": [form]})
    assert outcome(missing) == "insufficient_data"


def test_is_number_and_printed_tell_text_from_blanks():
    t03 = {
        "key": "expenditure",
        "columns": ["@code:功能分类科目编码", "@label:科目名称", "基本支出"],
        "rows": [["201", "一般公共服务支出", "626.55万"], ["206", "科学技术支出", ""], ["208", "社保", "1.00"]],
    }
    body = """
    for r in table("expenditure").rows()
    let v = r.col("基本支出")
    let shown = printed(v)
    assert is_number(v) or shown == ""
    """
    result = run(rule(body, msg="{r.code}:{shown}"), {"tables": [t03]})
    assert messages(result) == ["201:626.55万"]


def test_captures_collects_one_group_of_every_match():
    doc = prose("项目支出主要用于：甲项目 10.50 万元；乙项目 2 万元。结余分配 3 万元。")
    body = """
    let items = section("收入支出决算总体情况").find(re"项目(?P<amount>\\d+(?:\\.\\d+)?)万元")
    assert sum(items.captures("amount")) == 13 exact
    """
    assert messages(run(rule(body, msg="{lhs}"), doc)) == ["12.50"]


def test_matches_searches_a_text():
    hit = run(rule('assert matches("年末结转和结余", re"结转|结余")'), {})
    miss = run(rule('assert matches("本年支出合计", re"结转|结余")'), {})
    assert outcome(hit) == "pass" and outcome(miss) == "fail"


def test_lane_of_an_unnamed_lane_is_accepted_back():
    t03 = {
        "key": "expenditure",
        "columns": ["@label:科目名称", "基本支出", "项目支出"],
        "rows": [["合计", "1.00", "2.00"]],
    }
    body = """
    let t = table("expenditure")
    for r in t.rows()
    for c in t.columns(lane = r.lane)
    assert r.col(c) == 1
    """
    result = run(rule(body, msg="{c}"), {"tables": [t03]})
    assert outcome(result) == "fail" and messages(result) == ["项目支出"]


def test_between_is_the_rows_strictly_between_two_rows_of_a_lane():
    t01 = {
        "key": "income_expenditure_summary",
        "lanes": ["收入", "支出"],
        "columns": [
            {"path": "收入/项目", "role": "label", "lane": 0},
            {"path": "收入/金额", "lane": 0},
            {"path": "支出/项目", "role": "label", "lane": 1},
            {"path": "支出/金额", "lane": 1},
        ],
        "rows": [
            ["本年收入合计", "10.00", "本年支出合计", "12.00"],
            ["用事业基金弥补收支差额", "1.00", "结余分配", "0.50"],
            ["年初结转和结余", "2.00", "年末结转和结余", "0.50"],
            ["总计", "13.00", "总计", "13.00"],
        ],
    }
    body = """
    let t = table("income_expenditure_summary")
    let lines = between(t.row(label = "本年收入合计"), t.row(label = "总计", lane = "收入"))
    assert sum(lines.col("金额")) == 0
    assert count(between(t.row(label = "总计", lane = "收入"), t.row(label = "本年收入合计"))) == 0
    """
    assert messages(run(rule(body, msg="{lhs}"), {"tables": [t01]})) == ["3.00", "2"]
    bad = run(
        rule(
            'let t = table("income_expenditure_summary")\n    assert count(between(t.row(label = "本年收入合计"), t.row(label = "本年支出合计"))) == 0'
        ),
        {"tables": [t01]},
    )
    assert bad.errors and "between()" in bad.errors[0].message
