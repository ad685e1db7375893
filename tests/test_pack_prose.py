"""Acceptance of the prose-vs-table rules (rules/prose.rules, FL.P.*) on the seed and the real Shanghai reports.

Skips without ../shared. The seed: the rows of docs/domain-rules.md §3 these rules cover are reported at their
severity, and none of "What the seed gets right" is. The real 决算 PDFs: the exact error/warning findings,
each checked by hand against the rendered page (see the comments).
"""

from __future__ import annotations

from collections import Counter

import pytest


def prose_findings(result):
    assert [e for e in result.errors if e.rule_id.startswith("FL.P.")] == []
    return [f for f in result.findings if f.rule_id.startswith("FL.P.")]


@pytest.fixture(scope="module")
def seed(seed_result):
    return prose_findings(seed_result)


def _one(findings, rule_id, severity, *words):
    hits = [
        f for f in findings if f.rule_id == rule_id and f.severity == severity and all(w in f.message for w in words)
    ]
    assert len(hits) == 1, (rule_id, severity, words, [f.message for f in findings if f.rule_id == rule_id])
    return hits[0]


def test_seed_row_1_sme_category_shares_contradict_the_sme_total(seed):
    # 货物 2.4 × 95% + 服务 28.49 × 95% = 29.35 ≠ 授予中小企业 26.74
    f = _one(seed, "FL.P.10.weighted", "error", "26.74")
    assert f.args["rhs"].startswith("29.34")


def test_seed_row_2_performance_coverage_is_the_department_total(seed):
    _one(seed, "FL.P.12", "error", "976.88", "122.13")


def test_seed_row_5_no_overall_reason_for_final_above_budget(seed):
    _one(seed, "FL.P.16", "warning", "877.92", "976.88")


def test_seed_row_6_item_variances_without_reasons(seed):
    items = sorted(f.message for f in seed if f.rule_id == "FL.P.17" and f.severity == "warning")
    assert len(items) == 3
    assert any("行政单位医疗" in m and "20.38" in m for m in items)
    assert any("住房公积金" in m and "66.09" in m for m in items)
    assert any("提租补贴" in m and "12.60" in m for m in items)


def test_seed_row_7_share_misrounded(seed):
    _one(seed, "FL.P.06", "warning", "卫生健康", "5.16")


def test_seed_row_10_project_name_inconsistent(seed):
    _one(seed, "FL.P.14", "warning", "机要、保密工作经费")


def test_seed_row_16_execution_rates_truncated_not_rounded(seed):
    truncated = [f for f in seed if f.severity == "info" and "截尾" in f.message]
    assert truncated and all(f.rule_id.startswith("FL.P.13") and f.kind == "rounding" for f in truncated)
    text = " ".join(f.message for f in truncated)
    assert "99.9167" in text  # 11.99 ÷ 12
    assert "99.700" in text  # 9.97 ÷ 10
    assert "99.9969" in text  # 976.88 ÷ 976.91 (整体自评表)
    assert "99.9959" in text  # 976.88 ÷ 976.92 (汇总表合计)


def test_seed_row_19_listed_item_blank_in_table(seed):
    _one(seed, "FL.P.08.items", "info", "绩效工资")


def test_seed_nothing_else_is_an_error_or_warning(seed):
    got = Counter((f.rule_id, f.severity) for f in seed if f.severity != "info")
    assert got == Counter(
        {
            ("FL.P.10.weighted", "error"): 1,
            ("FL.P.12", "error"): 1,
            ("FL.P.16", "warning"): 1,
            ("FL.P.17", "warning"): 3,
            ("FL.P.06", "warning"): 1,
            ("FL.P.14", "warning"): 1,
        }
    )


def test_seed_gets_right_is_not_flagged(seed, seed_result):
    # every YoY amount and % recomputes (17.1%, 17.5%, 39.4%); 五(三) Σ item budgets = 877.92 and all 12 rates;
    # Σ project list = 122.13; SME total share 86.6%; 机关运行经费 = 公用经费 45.08
    quiet = {
        "FL.P.01",
        "FL.P.01.yoy",
        "FL.P.02.yoy",
        "FL.P.03.yoy",
        "FL.P.04.yoy",
        "FL.P.05.yoy",
        "FL.P.09.yoy",
        "FL.P.09.item_yoy",
        "FL.P.15.yoy",
        "FL.P.19",
        "FL.P.07",
        "FL.P.07.rate",
        "FL.P.07.sum",
        "FL.P.07.item",
        "FL.P.15.split",
        "FL.P.10.sme",
        "FL.P.10",
        "FL.P.08",
        "FL.P.08.parts",
    }
    assert [f.message for f in seed if f.rule_id in quiet] == []
    assert not any("45.08" in f.message for f in seed)
    status = {}
    for o in seed_result.outcomes:
        if o.rule_id in quiet:
            status.setdefault(o.rule_id, set()).add(o.status)
    # they were really checked, not skipped
    for rid in ("FL.P.01.yoy", "FL.P.09.yoy", "FL.P.15.yoy", "FL.P.07.sum", "FL.P.07.rate", "FL.P.10.sme"):
        assert "pass" in status.get(rid, set()), rid


def test_prose_findings_carry_a_page(seed, real_results):
    docs = [prose_findings(r) for r in real_results.values()]
    for f in seed + [f for fs in docs for f in fs]:
        # the paragraph's (or the form's) page and box: the terminal report never files them under 无页码
        assert f.location.page is not None and f.location.bbox is not None, f.message


def _errors_and_warnings(findings):
    return Counter((f.rule_id, f.severity, f.location.page) for f in findings if f.severity in ("error", "warning"))


def test_real_caizhengju(real_results):
    result = real_results.get("2024-上海市普陀区财政局-部门决算.pdf")
    if result is None:
        pytest.skip("real report not present")
    found = prose_findings(result)
    assert _errors_and_warnings(found) == Counter(
        {
            # p.21 四、: "财政拨款收入支出总计0.3万元" — 表四 总计 prints 2,961.68 (checked on the rendered page)
            ("FL.P.04", "error", 21): 1,
            # p.21 五(二): "一般公共服务支出（类）2106.66万元，占71.73%" — 2106.66 ÷ 2940.05 = 71.65% (the other three
            # shares 11.11 / 2.07 / 15.16 recompute)
            ("FL.P.06", "warning", 21): 1,
        }
    )


def test_real_guihuaziyuanju(real_results):
    result = real_results.get("2024-上海市普陀区规划和自然资源局-部门决算.pdf")
    if result is None:
        pytest.skip("real report not present")
    found = prose_findings(result)
    assert _errors_and_warnings(found) == Counter(
        {
            # p.24 六、: "一般公共预算财政拨款基本支出5377.64万元" — 表五 合计行 基本支出 = 5364.75 (p.15, the 合计 row
            # of the continuation page); 5377.64 is 表三's 基本支出 of all funds
            ("FL.P.08", "error", 24): 1,
            # p.24 六、: "人员经费4896.98万元" — 表六 人员经费合计 = 4884.09 (p.16); 4896.98 + 480.66 = 5377.64, the same
            # all-funds figure
            ("FL.P.08.parts", "error", 24): 1,
        }
    )
