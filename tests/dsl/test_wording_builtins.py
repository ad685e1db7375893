"""Built-ins used by the wording/format rules: cell, headers, metadata, year, headings, numbering_gaps,
name_variants, tables() without a key, notes() of several tables, text() joining values."""

from __future__ import annotations

from dsl_helpers import prose, run

MD = {"kind": "决算", "fiscal_year": 2024, "unit_name": "上海市普陀区规划和自然资源局"}


def _rule(body: str, message: str = "{match}", severity: str = "warning") -> str:
    return f'rule T.X "t" {{\n severity {severity}\n message "{message}"\n{body}\n}}\n'


FORM = {
    "metadata": MD,
    "tables": [
        {
            "key": "performance_project",
            "columns": [{"path": "", "role": "text"}] * 4,
            "rows": [
                ["预算数（A）", "执行数（B）", "", ""],
                ["12", "11.99", "", ""],
                ["三级指标", "年初目标值（A）", "实际完成值（B）", ""],
                ["慰问困难群众数量", "200人次", "100%", ""],
            ],
        }
    ],
}


def test_cell_by_position_and_by_header_above():
    # the header row (年初目标值) is found above the row; a cell the row lacks reads as ""
    rule = _rule(
        """ for r in table("performance_project").rows()
 let target = r.cell(re"^年初目标")
 when text(target) != ""
 let name = r.cell(1)
 let last = r.cell(-1)
 let beyond = r.cell(9)
 assert text(target) == "x" else "{name}|{target}|{last}|{beyond}" """,
    )
    (f,) = run(rule, FORM).findings
    assert f.message == "慰问困难群众数量|200人次||"
    assert f.location.table == "performance_project" and f.location.page == 1


def test_cell_text_is_prose_for_find():
    rule = _rule(
        """ for r in table("performance_project").rows()
 for a in r.cell(re"^年初目标").find(re"^\\d+(?P<unit>\\D+)$")
 for b in r.cell(re"^实际完成").find(re"^\\d+(?P<unit>\\D*)$")
 assert text(a.unit) == text(b.unit)""",
        "{a.unit}≠{b.unit}",
    )
    (f,) = run(rule, FORM).findings
    assert f.message == "人次≠%"


def test_headers_metadata_year_and_text_join():
    doc = {
        "metadata": MD,
        "tables": [{"key": "three_public", "columns": ["预算数/公务用车购置及运行维护费"], "rows": [["1.00"]]}],
        **prose("与2023年度相比，增加1.00万元。"),
    }
    rule = _rule(
        """ let y = metadata("fiscal_year")
 assert label("公务用车购置及运行维护费") in table("three_public").headers()
 assert text(metadata("unit_name"), "本级") == "上海市普陀区规划和自然资源局本级"
 for m in document().find(re"与(?P<year>\\d{4})年度相比")
 assert year(m.year) == y - 1""",
    )
    res = run(rule, doc)
    assert res.findings == [] and res.rule_status("T.X") == "pass"
    res = run(rule, {**doc, "metadata": {**MD, "fiscal_year": 2025}})
    (f,) = res.findings
    assert "2023" in f.args["lhs"] and f.args["rhs"] == "2024"
    # unknown metadata → insufficient data, never a finding
    res = run(rule, {**doc, "metadata": {"kind": "决算"}})
    assert res.findings == [] and res.rule_status("T.X") == "insufficient_data"


def test_year_refuses_what_is_not_a_year():
    rule = _rule(""" for m in document().find(re"(?P<n>\\d+)件")
 assert year(m.n) == 2024""")
    res = run(rule, prose("督办批示 202 件。"))
    assert res.findings == [] and res.rule_status("T.X") == "insufficient_data"


def test_headings_cover_titles_toc_sections_and_tables():
    doc = {
        "metadata": {**MD, "title": "2024年度部门决算"},
        "tables": [{"key": "income", "title": "202 年度收入决算表", "columns": ["合计"], "rows": [["1.00"]]}],
        "sections": [{"heading": "第二部分 2023 年度部门决算表", "paragraphs": ["正文 202 年。"]}],
    }
    rule = _rule(' assert headings().absent(re"\\d{3,4}年")')
    msgs = sorted(f.message for f in run(rule, doc).findings)
    assert msgs == ["2023年", "2024年", "202年"]  # the body text is not a heading


def test_numbering_gaps():
    doc = prose("（一）甲。", "（二）乙。（三）丙。", "（五）丁。", "1.子项。", "2.子项。", "1.重新开始。", "3.跳号。")
    rule = _rule(" assert none(numbering_gaps(document()))")
    assert [f.message for f in run(rule, doc).findings] == ["（五）", "3."]
    rule2 = _rule(" for m in numbering_gaps(document())\n assert none([m])", "{m.number}→{m.expected}")
    assert [f.message for f in run(rule2, doc).findings] == ["（五）→（四）", "3.→2."]


def test_numbering_gaps_restart_per_section():
    doc = {
        "sections": [
            {"heading": "一、甲", "paragraphs": ["1.a。", "2.b。"]},
            {"heading": "二、乙", "paragraphs": ["3.c。"]},
        ]
    }
    assert run(_rule(" assert none(numbering_gaps(document()))"), doc).findings == []


def test_name_variants_only_connector_differences():
    doc = {
        "metadata": MD,
        **prose(
            "上海市普陀区规划和自然资源局本级。",
            "上海市普陀区规划与自然资源局所属单位。",
            "上海市普陀区规划自然资源局。",
            "上海市普陀区财政局、上海市普陀区民政局。",
        ),
    }
    rule = _rule(' assert document().name_variants(metadata("unit_name")).none()')
    assert [f.message for f in run(rule, doc).findings] == [
        "上海市普陀区规划与自然资源局",
        "上海市普陀区规划自然资源局",
    ]


def test_tables_without_key_and_notes_of_several_tables():
    doc = {
        "tables": [
            {"key": "income", "columns": ["合计"], "rows": [["1.00"]], "notes": ["注：本表反映收入。"]},
            {"key": "expenditure", "columns": ["合计"], "rows": [["1.00"]], "notes": ["本套报表可能存在尾数误差。"]},
        ]
    }
    rule = _rule(' assert count(tables()) == 2\n assert notes(tables()).absent(re"尾数")')
    (f,) = run(rule, doc).findings
    assert f.message == "尾数" and f.location.table == "expenditure"
