"""The precision ledger of the real corpus: every error and warning fiscal-lint reports on each real report in
../shared/corpus/real/, with a one-line verdict checked by hand on the rendered page (PDF page numbers).

A finding that appears or disappears fails the test until its line here is added or removed with a verdict.
False findings are fixed in the rules or the parser, never recorded here: every verdict is a true defect.
Skips without ../shared.
"""

from __future__ import annotations

from collections import Counter

import pytest

# file → {(page, rule, severity, count): verdict}
LEDGER: dict[str, dict[tuple[int, str, str, int], str]] = {
    "juesuan/2024-上海市普陀区规划和自然资源局-部门决算.pdf": {
        (7, "FL.C.02", "warning", 1): "true: TOC '第二部分 上海市普陀区规划和自然资源局…部门决算表'; the p7 heading reads '上海市规划和自然资源局2024年度部门决算表' (no 第二部分, no 普陀区: the municipal bureau), reported on p7",
        (20, "FL.W.11", "warning", 2): "true: '较上一度增加' (上一年度), twice on p20",
        (21, "FL.W.02", "warning", 1): "true: '增长13.95。' without %",
        (21, "FL.W.11", "warning", 1): "true: '较上一度' again on p21",
        (24, "FL.P.08", "error", 1): "true: 基本支出 5377.64 in the prose vs 表五 5364.75",
        (24, "FL.P.08.parts", "error", 1): "true: 人员经费 4896.98 vs 表六 4884.09 (the same 12.89)",
        (24, "FL.W.04.subject", "warning", 2): "true: '住房保障支出（类）住房保障支出（款）' ×2; the 款 is 住房改革支出",
        (25, "FL.C.08", "error", 1): "true: the 三公 section states no 公务用车购置数",
        (25, "FL.C.19", "warning", 1): "true: template residue '下降（增长）27.78%'",
        (26, "FL.C.19", "warning", 1): "true: template instruction '列明公务接待…' left in",
        (26, "FL.W.04.unit", "warning", 3): "true: '规划与自然资源局' against the cover's '规划和自然资源局'",
        (27, "FL.W.10", "warning", 1): "true: p27 '平均得分99.33分（其中，…' — the bracket never closes (the paragraph starts on p26)",
    },
    "juesuan/2024-上海市普陀区财政局-部门决算.pdf": {
        (21, "FL.P.04", "error", 1): "true: '财政拨款收入支出总计0.3万元' vs 总表 2,961.68",
        (21, "FL.P.06", "warning", 1): "true: 一般公共服务 71.73 % vs 2,106.66 ÷ 2,940.05 = 71.65 %",
        (23, "FL.W.04.sangong", "warning", 2): "true: '公务用车购置及运行维护费' vs the table's '公务用车购置及运行费'",
        (23, "FL.W.10", "warning", 1): "true: '平均得分99.43分（其中，…' — the bracket never closes",
        (25, "FL.W.04.sangong", "warning", 2): "true: the glossary repeats the name the table does not print",
    },
    "yusuan/2023-上海市普陀区人民政府万里街道办事处-部门预算.pdf": {
        (6, "FL.B.Y.03.large", "error", 1): "true: 11.67 → 45.41 is +289.12 %, printed 314.82 %",
        (6, "FL.B.Y.05", "warning", 1): "true: 执行数为0万元 … 增加100.00%",
        (6, "FL.B.Y.05.current", "error", 1): "true: '政府性基金拨款支出预算0万元，比2022年预算增加1421.25万元'",
        (7, "FL.B.P.06", "error", 1): "true: item 16 220.63 万元 but '预算安排441.25万元' (item 15's figure)",
        (8, "FL.B.Y.05", "warning", 1): "true: item 17 执行数为0万元 … 增加100.00%",
        (29, "FL.B.P.11", "warning", 1): "true: 3328.13 万元 vs Σ of the five forms (p31–35) 3,351.33",
        (29, "FL.B.W.11", "warning", 1): "true: '截止2022年12月31日' (截至)",
        (30, "FL.B.W.11", "warning", 1): "true: '社区事物受理' (事务)",
        (35, "FL.B.P.11.form", "warning", 1): "true: 当年财政拨款 11,419,043.00 > 年度资金申请总额 10,903,043.00",
    },
    "yusuan/2024-上海市普陀区人民政府万里街道办事处-部门预算.pdf": {
        (5, "FL.B.W.04", "warning", 5): "true: 名词解释 says 市级预算主管部门 ×3 and 市级财政 ×2 in a 区级 report",
        (6, "FL.B.Y.07", "warning", 1): "true: item 4 减少2.98%，主要原因是……经费增加",
        (7, "FL.B.Y.05", "warning", 1): "true: item 9 执行数为0.00万元 … 增加100.00%",
        (9, "FL.B.P.06", "error", 1): "true: item 31 350.35 万元 but '预算安排352.67万元'",
        (29, "FL.B.W.09", "warning", 2): "true: 款 cells printed '2' and '7' (津贴补贴, 绩效工资)",
        (31, "FL.B.C.09", "error", 1): "true: 三公 table with figures above '故本表为空表'",
        (33, "FL.B.W.11", "warning", 1): "true: '社区事物受理'",
    },
    "yusuan/2024-上海市普陀区社会福利院-单位预算.pdf": {
        (6, "FL.B.P.03", "error", 1): "true: item 4 738.66 万元 vs T5 6,964,796 元 = 696.48",
        (6, "FL.B.P.04", "error", 1): "true: the six items add to 991.59 vs 950.12",
        (6, "FL.B.P.05", "warning", 1): "true: item 5 医疗卫生与计划生育支出（类） vs the tables' 卫生健康支出",
        (6, "FL.B.W.07", "warning", 1): "true: the 类 name renamed in 2019",
        (7, "FL.B.X.02.name", "warning", 1): "true: T1 prints 医疗卫生与计划生育支出, T3 卫生健康支出",
        (9, "FL.B.W.09", "warning", 1): "true: 类 cell '7' on the 事业单位医疗 row (T2 prints 210)",
        (10, "FL.B.X.02.name", "warning", 1): "true: T4 prints the old 类 name too",
        (11, "FL.B.C.05", "warning", 1): "true: 2080599 (7,020 元) not in the list on p6",
        (11, "FL.B.W.09", "warning", 1): "true: 类 cell '7' again in T5",
        (14, "FL.B.W.08", "error", 1): "true: economic codes renumbered 01…13 (30202 咨询费, 303 离退休人员经费 …), the 12 rows in one finding",
        (14, "FL.B.W.08.unknown", "warning", 1): "true: 30210 车辆运行费 is no economic code (30231)",
        (16, "FL.B.C.10", "warning", 1): "true: '主要原因是。其中：'",
        (16, "FL.B.C.11", "warning", 1): "true: no 面向中小企业预留 sentence",
        (16, "FL.B.W.05", "warning", 2): "true: '主要原因是。' and the heading's '（增加内容）'",
    },
    "yusuan/2025-上海市普陀区人民政府万里街道办事处-部门预算.pdf": {
        (7, "FL.B.P.05", "warning", 1): "true: '卫生健康支出（款）计划生育事务（项）' vs 计划生育事务（款）计划生育服务（项）",
        (30, "FL.B.W.06.end", "warning", 1): "true: '…机关运行经费预算为464.64万元' without 。",
        (31, "FL.B.W.11", "warning", 1): "true: '社区事物受理'",
    },
    "yusuan/2025-上海市普陀区财政局-部门预算.pdf": {
        (7, "FL.B.P.03", "error", 1): "true: item 7 887.36 万元 vs T5 873,617.00 元 = 87.36",
        (7, "FL.B.P.04", "error", 1): "true: the items add to 3,921.38 vs 3,121.42 (the same 800)",
        (18, "FL.B.C.08", "error", 1): "true: the 国有资本经营 table's note names 政府性基金",
        (22, "FL.B.C.11", "warning", 1): "true: no 面向中小企业预留 sentence",
        (22, "FL.B.W.03", "warning", 2): "true: '本单位政府采购预算', '本单位编报绩效目标' in a 部门预算",
        (24, "FL.B.C.14", "warning", 1): "true: '详见单位的项目绩效目标表': no such table in the file",
    },
    "yusuan/江苏省人民检察院-2019年度部门预算公开.pdf": {
        (16, "FL.B.W.05", "warning", 1): "true: '“科目编码”和“科目名称”为必填项' under 公开05",
        (17, "FL.B.W.05", "warning", 1): "true: the same under 公开06",
        (18, "FL.B.W.05", "warning", 1): "true: the same under 公开07",
        (19, "FL.B.W.05", "warning", 1): "true: the same under 公开08",
        (20, "FL.B.W.05", "warning", 1): "true: the same under 公开10",
        (21, "FL.B.W.05", "warning", 1): "true: the same under 公开11",
        (25, "FL.B.Y.04", "warning", 1): "true: +2214.39 on 24,169.74 is 10.09 %, printed 10.06 %",
        (25, "FL.B.Y.06", "error", 1): "true: +2214.39 here, +2228.78 three times elsewhere, for the same 24,169.74",
        (26, "FL.B.P.13", "warning", 1): "true: 基本支出 占65.56%: 15,844.04 ÷ 24,169.74 = 65.55 %",
        (26, "FL.B.Y.04.large", "error", 1): "true: 项目支出 '减少13.22%': 1237.7 ÷ 5573 = 22.21 %",
        (28, "FL.B.Y.04", "warning", 1): "true: 28.1 on 400.02 is 7.56 %, printed 7.57 %",
        (29, "FL.B.Y.04", "warning", 2): "true: 34.38 (34.36) and 64.07 (64.06)",
        (32, "FL.B.C.12", "warning", 1): "true: '共 0 个项目实行绩效目标管理' with 项目支出 4,335.30",
    },
    "yusuan/江苏省委办公厅-江苏省委办公厅2019年度部门预算公开文件.pdf": {
        (8, "FL.B.Y.04", "warning", 1): "true: 住房保障 878.93 on 3,894.09 is 29.15 %, printed '增长30%'",
    },
    "yusuan/江苏省委办公厅-江苏省委办公厅2019年度部门预算公开表格.pdf": {},
}


@pytest.fixture(scope="module")
def corpus_results(shared, default_packs) -> dict:
    from linter.dsl import evaluate
    from linter.parse.documents import parse_file
    from linter.session.plugin_manager import make_manager

    pm = make_manager()
    real = shared / "corpus" / "real"
    return {f"{p.parent.name}/{p.name}": evaluate(default_packs, parse_file(p, pm)) for p in sorted(real.rglob("*.pdf"))}


def test_the_ledger_covers_every_real_report(corpus_results):
    assert sorted(corpus_results) == sorted(LEDGER)


@pytest.mark.parametrize("name", sorted(LEDGER))
def test_every_error_and_warning_has_its_verdict(corpus_results, name):
    got = Counter(
        (f.location.page or 0, f.rule_id, f.severity)
        for f in corpus_results[name].findings
        if f.severity in ("error", "warning")
    )
    want = {(page, rule, sev): n for (page, rule, sev, n) in LEDGER[name]}
    assert dict(got) == want


def test_the_ledger_records_no_false_finding():
    verdicts = [v for entries in LEDGER.values() for v in entries.values()]
    assert verdicts and all(v.startswith("true: ") for v in verdicts)
    counts = Counter(sev for entries in LEDGER.values() for (_, _, sev, n) in entries for _ in range(n))
    assert counts == Counter({"warning": 67, "error": 17})  # the figures of the closing note
