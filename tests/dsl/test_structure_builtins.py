"""The structure built-ins the completeness rules rely on: toc/target/toc_entry/title/in_order, section
patterns and numbers, parent, containing, cells, mentions; and the fragment ``toc`` and ``drop_section``."""

from __future__ import annotations

from typing import Any

from dsl_helpers import run

from linter.core.text import split_number
from linter.dsl.fragments import FragmentError, apply_patches, load_document

RULE = """
rule T.A "t" {{
    severity warning
    message "{msg}"
    {body}
}}
"""


def rule(body: str, msg: str = "{match}") -> str:
    return RULE.format(msg=msg, body=body)


def messages(result: Any) -> list[str]:
    assert result.errors == []
    return [f.message for f in result.findings]


TOC = ["第一部分 某局概况", "一、部门主要职责", "第二部分 某局 2024 年度部门决算表", "一、收入支出决算总表",
       "第三部分 某局 2024 年度部门决算情况说明", "十一、其他重要事项说明", "第四部分 2024 年度重点工作完成情况"]  # fmt: skip


def outline(**changes: Any) -> dict[str, Any]:
    parts = [
        {"heading": "第一部分 某局概况", "page": 2,
         "children": [{"heading": "一、部门主要职责", "page": 2, "paragraphs": ["负责……。"]}]},
        {"heading": "第二部分 某局2024年度部门决算表", "page": 3},
        {"heading": "第三部分 某局 2024 年度部门决算情况说明", "page": 5,
         "children": [{"heading": "十一、其他重要事项的情况说明", "page": changes.get("p11", 6), "paragraphs": ["无。"]}]},
        {"heading": "第四部分 2024 年重点工作完成情况", "page": 7},
    ]  # fmt: skip
    table = {"key": "income_expenditure_summary", "title": "2024 年度收入支出决算总表", "page": 4,
             "columns": ["@label:项目", "金额"], "rows": [["合计", "1.00"]]}  # fmt: skip
    return {"toc": changes.get("toc", TOC), "sections": parts, "tables": [table]}


def test_split_number():
    assert split_number("十一、其他重要事项说明") == ("十一", "其他重要事项说明")
    assert split_number("第二部分 某局 2024 年度部门决算表") == ("第二部分", "某局 2024 年度部门决算表")
    assert split_number("（一）机关运行经费支出情况") == ("(一)", "机关运行经费支出情况")
    assert split_number("名词解释") == ("", "名词解释")
    assert split_number("2024年度") == ("", "2024年度")  # a year is not a number of a heading


def test_toc_entries_have_fields_and_find_their_body_counterpart():
    body = """
    for e in toc()
    let b = target(e)
    assert e.text == "never"
    """
    found = messages(run(rule(body, msg="{e.level}|{e.number}|{e.title}|{b}"), outline()))
    assert found == [
        "1|第一部分|某局概况|第一部分 某局概况",
        "2|一|部门主要职责|一、部门主要职责",
        "1|第二部分|某局 2024 年度部门决算表|第二部分 某局2024年度部门决算表",
        "2|一|收入支出决算总表|2024 年度收入支出决算总表",  # a 公开表, found through the catalogue
        "1|第三部分|某局 2024 年度部门决算情况说明|第三部分 某局 2024 年度部门决算情况说明",
        "2|十一|其他重要事项说明|十一、其他重要事项的情况说明",  # same number, other wording
        "1|第四部分|2024 年度重点工作完成情况|第四部分 2024 年重点工作完成情况",
    ]


def test_a_toc_entry_without_counterpart_is_not_found():
    doc = outline(toc=[*TOC, "十二、国有资产占用情况说明"])
    found = messages(run(rule("for e in toc()\nassert exists(target(e))", msg="{e.text}"), doc))
    assert found == ["十二、国有资产占用情况说明"]
    # and a TOC line never counts as a body section
    assert messages(run(rule('assert exists(section(re"^国有资产"))', msg="缺"), doc)) == ["缺"]


def test_title_ignores_numbers_years_and_punctuation_but_not_words():
    body = """
    for e in toc()
    when exists(target(e))
    assert title(e) == title(target(e))
    """
    assert messages(run(rule(body, msg="{e.text}"), outline())) == ["十一、其他重要事项说明"]


def test_toc_entry_is_the_reverse_of_target():
    body = """
    for s in sections(level = 1)
    assert exists(toc_entry(s))
    """
    doc = outline(toc=[e for e in TOC if e != "第四部分 2024 年度重点工作完成情况"])
    assert messages(run(rule(body, msg="{s}"), doc)) == ["第四部分 2024 年重点工作完成情况"]
    assert messages(run(rule("assert toc_entry(table(\"income_expenditure_summary\")).title == \"收入支出决算总表\"",
                             msg="x"), outline())) == []  # fmt: skip


def test_in_order_reports_each_item_printed_too_early():
    assert messages(run(rule("assert in_order(toc())", msg="{match}<{after}"), outline())) == []
    found = messages(run(rule("assert in_order(toc())", msg="{match}<{after}"), outline(p11=1)))
    assert found == ["十一、其他重要事项说明<第三部分 某局 2024 年度部门决算情况说明"]
    tables = {"tables": [{"key": k, "page": p, "columns": ["@label:项目", "金额"], "rows": [["合计", "1"]]}
                         for k, p in (("income", 3), ("expenditure", 2))]}  # fmt: skip
    found = messages(run(rule('assert in_order([table("income"), table("expenditure")])', msg="{match}"), tables))
    assert found == ["expenditure"]


def test_section_by_pattern_and_by_number():
    doc = {"sections": [
        {"heading": "九、财政拨款“三公”经费支出决算情况说明", "children": [
            {"heading": "（一）“三公”经费财政拨款支出决算总体情况说明。", "paragraphs": ["甲。"]}]},
        {"heading": "十一、其他重要事项的情况说明", "children": [
            {"heading": "（一）机关运行经费支出情况", "paragraphs": ["乙。"]}]}]}  # fmt: skip
    body = """
    assert section(re"三公经费[^总具]*决算情况").text == "甲。" and section(re"^机关运行经费").text == "乙。"
    assert count(sections(number = "（一）")) == 2 and count(sections(number = "十一")) == 1
    assert count(sections(re"^其他")) == 1 and count(sections(level = 3)) == 2
    """
    assert messages(run(rule(body, msg="x"), doc)) == []


def test_parent_of_rows_and_sections():
    doc = {"tables": [{"key": "expenditure", "columns": ["@code", "@label", "本年支出合计"], "rows": [
        ["", "合计", "3.00"], ["201", "一般公共服务支出", "3.00"], ["20131", "党委办公厅（室）及相关机构事务", "3.00"],
        ["2013101", "行政运行", "3.00"]]}],
        "sections": [{"heading": "五、一般公共预算", "children": [{"heading": "（三）具体情况", "paragraphs": ["丙。"]}]}]}  # fmt: skip
    body = """
    let t = table("expenditure")
    assert t.row(code = "2013101").parent().code == "20131" and t.row(code = "20131").parent().code == "201"
    assert t.row(code = "201").parent().level == "合计" and not exists(t.row(level = "合计").parent())
    assert section("具体情况").parent().heading == "五、一般公共预算" and not exists(section("一般公共预算").parent())
    """
    assert messages(run(rule(body, msg="x"), doc)) == []


def test_containing_filters_by_pattern_or_label_text():
    doc = {"sections": [{"heading": "（三）具体情况", "paragraphs": [
        "(1) 一般公共服务支出类党委办公厅室及相关机构事务款行政运行项。年初预算为 480.53 万元，支出决算为 626.55 万元。",
        "(2) 科学技术支出类科学技术管理事务款行政运行项。年初预算为 0 万元，支出决算为 15.60 万元。",
        "另有说明。"]}]}  # fmt: skip
    body = """
    let ps = paragraphs(section("具体情况"))
    assert count(ps.containing(re"年初预算")) == 2
    assert count(ps.containing("党委办公厅（室）及相关机构事务").containing("行政运行")) == 1
    assert count(ps.containing("15.60")) == 1 and count(ps.containing("")) == 0
    """
    assert messages(run(rule(body, msg="x"), doc)) == []


def test_cells_of_a_form():
    text6 = [{"path": "", "role": "text"}] * 6
    doc = {"tables": [{"key": "performance_project", "unit": None, "columns": text6, "rows": [
        ["项目名称", "", "甲项目", "", "", ""],
        ["预算来源及资金规模", "", "1、部门预算项目", "☑", "资金量：", ""],
        ["", "", "2、专项资金", "□", "资金量：12万元", ""]]}]}  # fmt: skip
    body = """
    let t = table("performance_project")
    assert count(t.cells()) == 9 and count(t.cells(re"资金量[:：]\\d")) == 1
    assert count(t.cells("甲项目")) == 1 and count(t.cells("乙项目")) == 0
    """
    assert messages(run(rule(body, msg="x"), doc)) == []
    located = run(rule('assert none(table("performance_project").cells(re"资金量[:：]$"))', msg="{match}"), doc)
    assert [(f.message, f.location.table) for f in located.findings] == [("资金量：", "performance_project")]


def test_mentions_with_a_ratio_accepts_a_shortened_name_only():
    doc = {"sections": [{"heading": "名词解释", "paragraphs": [
        "5. 社会保障和就业(类)行政事业单位养老(款)机关事业单位基本养老保险(款)反映……。",
        "7. 社会保障和就业(类)其他社会保障和就业(款)其他社会保障和就业(项)反映……。"]}]}  # fmt: skip
    body = """
    let g = section("名词解释")
    for name in ["机关事业单位基本养老保险缴费支出", "其他社会保障和就业支出", "购房补贴", "住房公积金"]
    assert g.mentions(name, ratio = 0.7)
    """
    assert messages(run(rule(body), doc)) == ["购房补贴", "住房公积金"]
    strict = """
    assert section("名词解释").mentions("其他社会保障和就业支出")
    """
    assert messages(run(rule(strict), doc)) == ["其他社会保障和就业支出"]


def test_fragment_toc_and_drop_section():
    doc = load_document({"toc": ["第一部分 概况", {"text": "一、职责", "level": 2, "page": 3}],
                         "sections": [{"heading": "第一部分 概况", "children": [{"heading": "一、职责"}]}]})  # fmt: skip
    assert [(e.text, e.level, e.page) for e in doc.toc] == [("第一部分 概况", 1, 1), ("一、职责", 2, 3)]
    dropped = apply_patches(doc, [{"drop_section": "一、职责"}])
    assert dropped.sections[0].children == [] and doc.sections[0].children  # a copy is edited
    try:
        apply_patches(doc, [{"drop_section": "二、没有"}])
    except FragmentError as exc:
        assert "二、没有" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("a missing section must be reported")
