"""Acceptance of the 预算 pack (rules/yusuan, FL.B.*) on the real 预算 PDFs of the corpus.

Skips without ../shared. Every error and warning each file gets is listed here, each checked by hand on the
rendered page (page numbers are PDF pages); a new error or warning, or a lost one, fails the test. The
defects are the ones found by hand in these files (the project's planning notes); the rules know nothing
of these documents.
"""

from __future__ import annotations

from collections import Counter

import pytest

YUSUAN = "corpus/real/yusuan"

# file → {(rule, severity): count} of the error/warning findings, with what each is
EXPECTED: dict[str, dict[tuple[str, str], int]] = {
    "2023-上海市普陀区人民政府万里街道办事处-部门预算.pdf": {
        ("FL.B.Y.03.large", "error"): 1,  # p6 item 3: 11.67 → 45.41 is +289.12 %, printed 314.82 %
        ("FL.B.Y.05.current", "error"): 1,  # p6: 政府性基金 "0万元，比2022年预算增加1421.25万元"
        ("FL.B.P.06", "error"): 1,  # p7 item 16: 220.63 万元 but "2023年预算安排441.25万元" (item 15's figure)
        ("FL.B.Y.05", "warning"): 2,  # p6 item 2, p8 item 17: 执行数为0万元 … 增加100.00%
        ("FL.B.P.11", "warning"): 1,  # p29 3328.13 万元 vs Σ of the five forms p31–35 = 3,351.33
        ("FL.B.P.11.form", "warning"): 1,  # p35 当年财政拨款 11,419,043.00 > 年度资金申请总额 10,903,043.00
        ("FL.B.W.11", "warning"): 2,  # "社区事物受理" (p33); "截止2022年12月31日" (p29)
    },
    "2024-上海市普陀区人民政府万里街道办事处-部门预算.pdf": {
        ("FL.B.P.06", "error"): 1,  # p9 item 31: 350.35 万元 but "2024年预算安排352.67万元"
        ("FL.B.C.09", "error"): 1,  # p31: 三公 table full of figures above "故本表为空表"
        ("FL.B.W.04", "warning"): 5,  # p5 名词解释: 市级预算主管部门 ×3, 市级财政 ×2 in a 区级 report
        ("FL.B.Y.07", "warning"): 1,  # p6 item 4: 减少2.98%，主要原因是……经费增加
        ("FL.B.Y.05", "warning"): 1,  # p7 item 9: 执行数为0.00万元 … 增加100.00%
        ("FL.B.W.09", "warning"): 2,  # p29: 款 cells printed "2" and "7" (津贴补贴, 绩效工资)
        ("FL.B.W.11", "warning"): 1,  # "社区事物受理"
    },
    "2024-上海市普陀区社会福利院-单位预算.pdf": {
        ("FL.B.P.03", "error"): 1,  # p6 item 4: 738.66 万元 vs T5 p11 6,964,796 元 = 696.48
        ("FL.B.P.04", "error"): 1,  # p6: the six items add to 991.59 vs 950.12
        ("FL.B.W.08", "error"): 1,  # p14: economic codes renumbered 01…13 (30202 咨询费, 303 离退休人员经费 …), one finding for the list
        ("FL.B.W.08.unknown", "warning"): 1,  # p14: 30210 车辆运行费 is no economic code
        ("FL.B.P.05", "warning"): 1,  # p6 item 5: 医疗卫生与计划生育支出（类） vs the tables' 卫生健康支出
        ("FL.B.W.07", "warning"): 1,  # same outdated 类 name in the prose
        ("FL.B.X.02.name", "warning"): 2,  # p7 T1 and p10 T4 print 医疗卫生与计划生育支出, T3 卫生健康支出
        ("FL.B.C.05", "warning"): 1,  # p11 2080599 (7,020 元) not in the list on p6
        ("FL.B.W.09", "warning"): 2,  # p9, p11: 类 cell printed "7" on the 事业单位医疗 row
        ("FL.B.C.10", "warning"): 1,  # p16 "主要原因是。其中："
        ("FL.B.C.11", "warning"): 1,  # p16: no 面向中小企业预留 sentence
        ("FL.B.W.05", "warning"): 2,  # p16 "主要原因是。", "（增加内容）"
    },
    "2025-上海市普陀区人民政府万里街道办事处-部门预算.pdf": {
        ("FL.B.P.05", "warning"): 1,  # p7 item 21: 卫生健康支出（款）计划生育事务（项） vs 计划生育事务（款）计划生育服务（项）
        ("FL.B.W.06.end", "warning"): 1,  # p30 "…机关运行经费预算为464.64万元" without 。
        ("FL.B.W.11", "warning"): 1,  # "社区事物受理"
    },
    "2025-上海市普陀区财政局-部门预算.pdf": {
        ("FL.B.P.03", "error"): 1,  # p7 item 7: 887.36 万元 vs T5 p15 873,617.00 元 = 87.36
        ("FL.B.P.04", "error"): 1,  # the eleven items add to 3,921.38 vs 3,121.42 (the same 800)
        ("FL.B.C.08", "error"): 1,  # p18: the 国有资本经营 table's note speaks of 政府性基金
        ("FL.B.C.11", "warning"): 1,  # p22: no 面向中小企业预留 sentence
        ("FL.B.C.14", "warning"): 1,  # p24 "详见单位的项目绩效目标表": no such table in the file
        ("FL.B.W.03", "warning"): 2,  # p22 "本单位政府采购预算", "本单位编报绩效目标" in a 部门预算
    },
    "江苏省人民检察院-2019年度部门预算公开.pdf": {
        ("FL.B.Y.04.large", "error"): 1,  # p26 项目支出 "减少13.22%": 1237.7 ÷ 5573 = 22.21 %
        ("FL.B.Y.06", "error"): 1,  # p25 +2214.39 vs +2228.78 (p25, p27, p29) for the same 24,169.74
        ("FL.B.Y.04", "warning"): 4,  # 10.06 (10.09), 7.57 (7.56), 64.07 (64.06), 34.38 (34.36)
        ("FL.B.P.13", "warning"): 1,  # p26 基本支出 占65.56%: 65.553 → 65.55
        ("FL.B.W.05", "warning"): 6,  # p16–p21 "“科目编码”和“科目名称”为必填项" under the tables
        ("FL.B.C.12", "warning"): 1,  # p32 "共 0 个项目实行绩效目标管理" with 项目支出 4,335.30
    },
    "江苏省委办公厅-江苏省委办公厅2019年度部门预算公开文件.pdf": {
        ("FL.B.Y.04", "warning"): 1,  # p8 住房保障 "增长30%": 878.93 ÷ 3,015.16 = 29.15 %
    },
    "江苏省委办公厅-江苏省委办公厅2019年度部门预算公开表格.pdf": {},
}


@pytest.fixture(scope="module")
def yusuan_results(shared, default_packs) -> dict:
    from linter.dsl import evaluate
    from linter.parse.documents import parse_file
    from linter.session.plugin_manager import make_manager

    pm = make_manager()
    return {p.name: evaluate(default_packs, parse_file(p, pm)) for p in sorted((shared / YUSUAN).glob("*.pdf"))}


def test_the_corpus_holds_the_files_listed(yusuan_results):
    assert sorted(yusuan_results) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_errors_and_warnings_are_the_ones_checked_by_hand(yusuan_results, name):
    result = yusuan_results[name]
    assert [e for e in result.errors if e.rule_id.startswith("FL.B")] == []
    got = Counter((f.rule_id, f.severity) for f in result.findings if f.rule_id.startswith("FL.B") and f.severity != "info")
    assert dict(got) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_final_accounts_rule_applies_to_a_budget(yusuan_results, default_packs, name):
    kinds = {r.id: r.kinds for p in default_packs for r in p.rules}
    applied = {o.rule_id for o in yusuan_results[name].outcomes if o.status in ("pass", "fail")}
    # the 预算 pack, and the few wording rules written for every kind of report (no `kinds`)
    assert applied and not [r for r in applied if kinds[r] and "预算" not in kinds[r]]


def test_what_the_budgets_get_right_is_not_flagged(yusuan_results):
    # the table identities and cross-table agreements of the five Shanghai files hold (apart from 1-元 residues,
    # which are info): they ran and passed
    for name, result in yusuan_results.items():
        if not name[:4].isdigit():
            continue
        status = {}
        for o in result.outcomes:
            if o.rule_id.startswith(("FL.B.I.", "FL.B.X.0")) and o.rule_id != "FL.B.X.02.name":
                status.setdefault(o.rule_id, set()).add(o.status)
        assert all("fail" not in s for s in status.values()), (name, status)
        assert {"FL.B.I.02", "FL.B.I.07", "FL.B.X.01", "FL.B.X.03", "FL.B.X.06"} <= {
            r for r, s in status.items() if "pass" in s
        }, name
