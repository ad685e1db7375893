"""Acceptance of the intra-table (I-01 … I-12) and cross-table (X-01 … X-14) rules on real documents.

The seed (jianghan-2024.pdf, Hubei layout) must show rows 13–15 of docs/domain-rules.md §3 at info and nothing of
"What the seed gets right"; the two real Shanghai 决算 PDFs (another layout: 表头 "合计/预算数", "公务用车运行费",
类/款/项 codes over three columns, a two-lane 基本支出 table) must be read completely (the rules pass there,
they do not end as insufficient data) and give no error or warning: every table identity of both files was
checked by hand against the rendered pages and holds; their only differences are ±0.01/0.02 尾数差异 (info).
"""

from __future__ import annotations

from collections import Counter

OURS = ("FL.I.", "FL.X.")


def ours(result):
    return [f for f in result.findings if f.rule_id.startswith(OURS)]


def serious(result):
    return sorted((f.rule_id, f.message) for f in ours(result) if f.severity in ("error", "warning"))


def test_no_rule_of_ours_breaks(seed_result, real_results):
    for result in [seed_result, *real_results.values()]:
        assert [e for e in result.errors if e.rule_id.startswith(OURS)] == []


def test_seed_row_13_overall_budget_vs_summary_total_is_reported_at_info(seed_result):
    found = [f for f in ours(seed_result) if f.rule_id == "FL.X.13"]
    assert [(f.severity, f.args["lhs"], f.args["rhs"]) for f in found] == [("info", "976.91", "976.92")]


def test_seed_row_14_attachment_vs_table_03_is_reported_at_info(seed_result):
    found = [f for f in ours(seed_result) if f.rule_id == "FL.X.12"]
    assert sorted((f.severity, f.args["lhs"], f.args["rhs"]) for f in found) == [
        ("info", "122.14", "122.13"),
        ("info", "854.74", "854.75"),
    ]


def test_seed_row_15_class_level_differences_are_info(seed_result):
    for rule_id in ("FL.X.02.class", "FL.X.04.class"):
        found = [f for f in ours(seed_result) if f.rule_id == rule_id]
        assert sorted((f.severity, f.kind, f.args["lhs"], f.args["rhs"]) for f in found) == [
            ("info", "rounding", "101.46", "101.47"),
            ("info", "rounding", "748.69", "748.68"),
        ], rule_id


def test_seed_gets_the_table_identities_right(seed_result):
    # docs/domain-rules.md §3 "What the seed gets right": all table identities, T05 = T03, T05 基本 = T06,
    # 机关运行经费 = 公用经费, 三公 identities, 保有量 3 = 车辆 3: none of them is flagged at all
    assert serious(seed_result) == []
    flagged = {f.rule_id for f in ours(seed_result)}
    assert flagged == {"FL.X.02.class", "FL.X.04.class", "FL.X.12", "FL.X.13"}
    must_pass = [
        "FL.I.01", "FL.I.02", "FL.I.03", "FL.I.04", "FL.I.05", "FL.I.06", "FL.I.07", "FL.I.07.row", "FL.I.07.exp",
        "FL.I.08", "FL.I.09", "FL.I.09.total", "FL.I.11", "FL.I.12", "FL.I.12.sign",
        "FL.X.01", "FL.X.03", "FL.X.03.carry", "FL.X.05", "FL.X.06", "FL.X.06.eq", "FL.X.07", "FL.X.08",
        "FL.X.09", "FL.X.09.eq", "FL.X.10", "FL.X.11", "FL.X.11.perf",
    ]  # fmt: skip
    assert {r: seed_result.rule_status(r) for r in must_pass} == {r: "pass" for r in must_pass}
    # I-10: both the 政府性基金 and the 国有资本经营 table are empty in the seed
    assert seed_result.rule_status("FL.I.10") == "not_applicable"


# Rules that must run to the end on the Shanghai layout (not insufficient data): the identities of the nine
# tables and the table-to-table checks. Prose-dependent rules may be not applicable there.
SHANGHAI_MUST_PASS = [
    "FL.I.01", "FL.I.02", "FL.I.03", "FL.I.04", "FL.I.05", "FL.I.06", "FL.I.07", "FL.I.07.row", "FL.I.07.exp",
    "FL.I.08", "FL.I.09", "FL.I.09.total", "FL.I.11", "FL.I.12", "FL.I.12.sign",
    "FL.X.01", "FL.X.02.total", "FL.X.02.class", "FL.X.03", "FL.X.03.carry", "FL.X.04.total", "FL.X.04.class",
    "FL.X.05", "FL.X.06", "FL.X.07", "FL.X.08", "FL.X.09", "FL.X.14.housing", "FL.X.14.medical",
]  # fmt: skip


def test_real_shanghai_reports_are_read_completely(real_results):
    assert len(real_results) == 2
    for name, result in real_results.items():
        status = {r: result.rule_status(r) for r in SHANGHAI_MUST_PASS}
        assert status == {r: "pass" for r in SHANGHAI_MUST_PASS}, name


def test_real_shanghai_reports_have_no_error_or_warning_from_these_rules(real_results):
    # Checked by hand on the rendered pages (pdftoppm): 收入支出决算总表, 收入/支出决算表, 财政拨款收入支出决算总表,
    # 一般公共预算财政拨款支出/基本支出决算表 and the 三公 table of both files foot, and agree with each other
    # up to 尾数差异. 财政局: 三公 预算 0.95 = 公务接待 0.95, 决算 all blank (= 0) and 30217 blank; 机关运行经费
    # 184.65 = 公用经费合计 184.65. 规划和自然资源局: 三公 2.85/0.39 = 公务接待费, 30217 0.39 ≤ 0.39; 机关运行经费
    # 142.80 ≤ 公用经费合计 480.66 (the department has 事业单位, so "≤", not "="); 保有量 0 ≤ 车辆 0.
    for name, result in real_results.items():
        assert serious(result) == [], name


def test_real_shanghai_rounding_differences_are_info_only(real_results):
    # e.g. 规划和自然资源局 公开01表 卫生健康 236.63 vs 支出决算表 236.64; 基本支出表 302 440.90 vs Σ款 440.88;
    # 财政局 社会保障和就业 326.71 vs 326.72, 收入决算表 合计 2,946.25 vs Σ类 2,946.26 — all printed that way
    for name, result in real_results.items():
        kinds = Counter((f.severity, f.kind) for f in ours(result))
        assert set(kinds) <= {("info", "rounding")}, (name, kinds)
        assert kinds, name
