"""Acceptance of the completeness rules (C-01 … C-20, C-19 excepted: it is a wording rule) on real documents.

The seed (jianghan-2024.pdf, Hubei layout) must show rows 3, 8 and 9 of docs/domain-rules.md §3 at their severity and
nothing else at error or warning; every other completeness check passes there (tables, 目录, sections,
empty-table statements, 三公 split and reasons, 机关运行经费, 政府采购, 名词解释, detail level, units). The two
real Shanghai 决算 PDFs (another layout: 十、预算绩效管理情况, 十一、其他重要事项 →（一）机关运行经费…, 表七 三公,
no 绩效自评表 attached) are read completely; their error and warning findings were checked by hand against the
rendered pages (see ``REAL_SERIOUS``). The empty-table statement is found wherever the template or a page break
puts it, and a template instruction left in print is residue, never the statement (issue 12).
"""

from __future__ import annotations

import copy

import pytest

from linter.core.model import Paragraph, iter_sections

OURS = "FL.C."
WORDING = ("FL.C.19",)  # template residue: owned by the wording rules


def ours(result):
    return [f for f in result.findings if f.rule_id.startswith(OURS) and not f.rule_id.startswith(WORDING)]


def serious(result):
    return sorted((f.rule_id, f.severity, f.message) for f in ours(result) if f.severity in ("error", "warning"))


def test_no_rule_of_ours_breaks(seed_result, real_results):
    for result in [seed_result, *real_results.values()]:
        assert [e for e in result.errors if e.rule_id.startswith(OURS)] == []


def test_seed_rows_3_8_9_are_found_at_their_severity(seed_result):
    assert serious(seed_result) == [
        # row 3: 公务接待费 0 but no "国内公务接待 X 批次、X 人次" (required even when zero)
        (
            "FL.C.08",
            "error",
            "“三公”经费说明未列明国内公务接待批次及人次（为零也须写明，如“国内公务接待0批次、0人次”）",
        ),
        # row 8: 十二、国有资产 has the vehicles (3 辆) but no 单价100万元以上设备 sentence
        ("FL.C.13", "warning", "国有资产占用情况未写明单价100万元（含）以上设备（不含车辆）台（套）数"),
        # row 9: the 行政管理事务经费 form has "资金量：" blank on every source line (page 45)
        ("FL.C.15", "warning", "项目支出绩效自评表“行政管理事务经费”：资金量未填写"),
    ]
    c15 = next(f for f in ours(seed_result) if f.rule_id == "FL.C.15")
    assert c15.location.page == 45


def test_seed_infos_are_the_known_ones(seed_result):
    infos = sorted((f.rule_id, f.args.get("what", "")) for f in ours(seed_result) if f.severity == "info")
    # FL.C.12 family (docs/domain-rules.md §2.1): the seed passes, with info: 工程 not mentioned (implicitly 0)
    assert infos == [("FL.C.12.category", "工程")]


def test_seed_gets_the_structure_right(seed_result):
    # "What the seed gets right": the nine tables in order, 目录 = 正文 (9 tables, 13 说明 sections, 第四–六部分),
    # the empty-table statements under 公开07/08表 and in 七、八, 出国 "0 个，累计 0 人次", 购置 "0 辆",
    # 保有量 "3 辆", 购置/运行 split, YoY reason for 三公, 机关运行经费 with 年初预算 and reason, 政府采购,
    # 名词解释 with all 12 subjects, 项级 detail, every 项 of 公开05表 in 五(三), units and 编制单位
    must_pass = [
        "FL.C.01", "FL.C.01.order", "FL.C.01.number", "FL.C.02", "FL.C.02.order", "FL.C.02.body",
        "FL.C.02.title", "FL.C.03", "FL.C.04", "FL.C.04.hubei", "FL.C.05", "FL.C.06", "FL.C.07", "FL.C.09",
        "FL.C.10.yoy", "FL.C.11", "FL.C.12", "FL.C.12.share", "FL.C.14.hubei", "FL.C.15.indicator", "FL.C.16",
        "FL.C.16.subjects", "FL.C.17", "FL.C.17.econ", "FL.C.18", "FL.C.18.name", "FL.C.20",
        "FL.C.20.unit_name", "FL.C.20.unit_name.hubei",
    ]  # fmt: skip
    assert {r: seed_result.rule_status(r) for r in must_pass} == {r: "pass" for r in must_pass}
    # 决算 10 = 预算 10 and no "无三公" statement: nothing to explain, nothing to contradict
    assert seed_result.rule_status("FL.C.10") == "not_applicable"
    assert seed_result.rule_status("FL.C.07.three_public") == "not_applicable"
    # the C-08 items the seed does state pass (出国 团组/人次, 购置数, 保有量); only 公务接待 fails
    c08 = [o for o in seed_result.outcomes if o.rule_id == "FL.C.08"]
    assert sorted(o.status for o in c08) == ["fail", "pass", "pass", "pass"]


PLAN = "2024-上海市普陀区规划和自然资源局-部门决算.pdf"
FINANCE = "2024-上海市普陀区财政局-部门决算.pdf"

# Every error and warning on the real files, checked by hand against the rendered pages.
REAL_SERIOUS = {
    PLAN: [
        # TOC p.2 lists "第二部分 上海市普陀区规划和自然资源局 2024 年度部门决算表"; the body (p.7) has no 第二部分
        # heading at all — the tables open under "上海市规划和自然资源局2024年度部门决算表", which even names
        # another unit (the municipal bureau). True defect.
        (
            "FL.C.02",
            "warning",
            "目录条目“第二部分 上海市普陀区规划和自然资源局 2024 年度部门决算表”在正文中没有相同的标题或公开表；"
            "正文第 7 页最接近的标题是“上海市规划和自然资源局2024年度部门决算表”（单位名称不同：目录多“第二部分”；目录多“普陀区”）",
        ),
        # p.25–26 (七、三公（二）): "公务用车购置支出为0.00万元。" — the template's "列明公务用车购置数量" is
        # missing (团组/人次, 保有量 0 辆 and 接待 2 批次 26 人次 incl. 外宾 0/0 are all there). True defect, the
        # same kind as the seed's row 3.
        ("FL.C.08", "error", "“三公”经费说明未列明公务用车购置数（为零也须写明，如“本年度购置公务用车0辆”）"),
    ],
    # 财政局: "本年度无“三公”经费财政拨款支出" with 决算 blank (预算 0.95) — the template's statement replaces the
    # details; everything else complete.
    FINANCE: [],
}

# Info findings on the real files (also checked): the TOC says "十一、其他重要事项说明", the body heading is
# "十一、其他重要事项的情况说明" (both files); in the 规划 file four items of 五(三) use other subject names than
# 表五 (2080599 其他行政事业单位养老支出 written "机关事业单位退休人员活动费支出", 2200199 written "其他国土资源事务
# 支出", and 2210201/2210203 under "住房保障支出（款）" instead of 住房改革支出) — p.14–15 vs p.22–24.
REAL_INFO = {
    PLAN: [
        ("FL.C.02.title", ""),
        ("FL.C.18.name", "2080599"),
        ("FL.C.18.name", "2200199"),
        ("FL.C.18.name", "2210201"),
        ("FL.C.18.name", "2210203"),
    ],
    FINANCE: [("FL.C.02.title", "")],
}


def test_real_files_error_and_warning_findings_are_the_checked_ones(real_results):
    assert {name: serious(r) for name, r in real_results.items()} == REAL_SERIOUS


def test_real_files_info_findings(real_results):
    got = {
        name: sorted((f.rule_id, f.args.get("r.code", "")) for f in ours(r) if f.severity == "info")
        for name, r in real_results.items()
    }
    assert got == REAL_INFO


def test_real_files_are_read_in_the_shanghai_layout(real_results):
    # profile-aware C-01/C-04: the nine tables (三公 = 表七) and the Shanghai sections are all found
    for name, result in real_results.items():
        for rule_id in ("FL.C.01", "FL.C.01.order", "FL.C.03", "FL.C.04", "FL.C.05", "FL.C.06", "FL.C.07",
                        "FL.C.11", "FL.C.12", "FL.C.13", "FL.C.14.shanghai", "FL.C.16", "FL.C.17", "FL.C.17.econ",
                        "FL.C.18", "FL.C.20"):  # fmt: skip
            assert result.rule_status(rule_id) == "pass", (name, rule_id)
        # Hubei-only requirements do not apply
        for rule_id in ("FL.C.04.hubei", "FL.C.12.share", "FL.C.14.hubei", "FL.C.16.subjects"):
            assert result.rule_status(rule_id) == "not_applicable", (name, rule_id)
    plan = real_results[PLAN]
    assert plan.rule_status("FL.C.08.foreign") == "pass"  # "其中：接待外宾0批次、0人次"
    assert plan.rule_status("FL.C.10") == "pass"  # 决算 0.39 < 预算 2.85, reason given
    finance = real_results[FINANCE]
    assert finance.rule_status("FL.C.07.three_public") == "pass"  # "无三公" and 决算 blank: no contradiction
    assert finance.rule_status("FL.C.08") == "not_applicable"


# ---- issue 12: the empty-table statement wherever it is printed ------------------------------------------------

INSTRUCTION = "无{fund}预算财政拨款收入支出的，仍保留该表格式，并在本表下方作下述说明："


@pytest.mark.parametrize("where", ["below_instruction", "next_page"])
def test_statement_away_from_the_notes_is_found_and_the_instruction_is_residue(real_docs, default_packs, where):
    """The 规划 file as it would read had the preparer kept the template's instruction line under 表八 and 表九
    ("无…的，仍保留该表格式，并在本表下方作下述说明：") and written the statement below it: the notes stop at the
    instruction, and both lines become prose of the section open on that page — or the statement is pushed to the
    top of the next page. The statement is still found (no FL.C.05 "missing statement" error, not twice, not once),
    and each instruction is template residue (FL.C.19, once per table)."""
    from linter.dsl import evaluate

    doc = copy.deepcopy(real_docs[PLAN])
    for key, fund in (("government_fund", "政府性基金"), ("state_capital", "国有资本经营")):
        t = next(t for t in doc.tables if t.key == key)
        statement = next(n for n in t.notes if n.text.startswith("说明："))
        t.notes.remove(statement)
        open_section = [s for s in iter_sections(doc.sections) if s.page <= t.page][-1]
        page = t.page_end + 1 if where == "next_page" else t.page
        instruction = INSTRUCTION.format(fund=fund)
        open_section.paragraphs += [
            Paragraph(instruction, instruction, t.page, t.page),
            Paragraph(statement.text, statement.text, page, page),
        ]
    result = evaluate(default_packs, doc)
    assert [f.message for f in result.findings if f.rule_id in ("FL.C.05", "FL.C.06", "FL.C.07")] == []
    assert result.rule_status("FL.C.05") == "pass"
    assert result.rule_status("FL.C.07") == "pass"
    residue = sorted(f.args["match"] for f in result.findings if f.rule_id == "FL.C.19" and "表格式" in f.args["match"])
    assert residue == [INSTRUCTION.format(fund=fund).rstrip("：") for fund in ("国有资本经营", "政府性基金")]


def test_instruction_alone_is_no_statement(real_docs, default_packs):
    """Only the instruction under 表八, the statement deleted: FL.C.05 reports the missing statement (the
    instruction names the fund, as a condition: it is not the statement), FL.C.19 the instruction."""
    from linter.dsl import evaluate

    doc = copy.deepcopy(real_docs[PLAN])
    t = next(t for t in doc.tables if t.key == "government_fund")
    t.notes = [n for n in t.notes if not n.text.startswith("说明：")]
    instruction = INSTRUCTION.format(fund="政府性基金")
    [s for s in iter_sections(doc.sections) if s.page <= t.page][-1].paragraphs.append(
        Paragraph(instruction, instruction, t.page, t.page)
    )
    result = evaluate(default_packs, doc)
    assert [(f.rule_id, f.severity, f.args.get("fund")) for f in result.findings if f.rule_id == "FL.C.05"] == [
        ("FL.C.05", "error", "政府性基金")
    ]
    assert [f.args["match"] for f in result.findings if f.rule_id == "FL.C.19" and "表格式" in f.args["match"]] == [
        instruction.rstrip("：")
    ]
