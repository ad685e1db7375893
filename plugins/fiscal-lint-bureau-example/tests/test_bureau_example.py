"""The example bureau plugin, installed: its entry point, its functions and its rule pack."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from importlib.metadata import distribution

import pytest
from linter.api import Quantity, RuleBug, Session, Skip, load_document, run_pack_tests

import fiscal_lint_bureau_example
from fiscal_lint_bureau_example.functions import FUNCTIONS, xb_limit, xb_subject_name
from fiscal_lint_bureau_example.plugin import pack_path

PLUGIN = "bureau-example"


@pytest.fixture(scope="module")
def session() -> Session:
    """The installed plugins, this one among them (found through its entry point)."""
    return Session.build()


def test_found_through_its_entry_point(session):
    pm = session.pm
    plugin = pm.get_plugin(PLUGIN)
    assert plugin is fiscal_lint_bureau_example.plugin
    assert pm.sources[PLUGIN].distribution == "fiscal-lint-bureau-example"
    assert {h.name for h in pm.get_hookcallers(plugin) or []} == {"fiscal_lint_rule_packs", "fiscal_lint_dsl_functions"}
    for name, fn in FUNCTIONS.items():
        assert session.functions[name] is fn
    assert pack_path() in [p for paths in pm.hook.fiscal_lint_rule_packs() for p in paths]


def test_pack_version_is_the_distribution_version(session):
    (pack,) = session.load_packs([pack_path()])
    assert pack.name == "fiscal-lint-bureau-example"
    assert pack.version == distribution("fiscal-lint-bureau-example").version == fiscal_lint_bureau_example.__version__


def test_the_pack_passes_its_own_tests(session):
    (pack,) = session.load_packs([pack_path()])
    report = run_pack_tests(pack, functions=session.functions)
    problems = [p for c in report.cases for p in c.problems] + report.coverage_problems
    assert report.ok, problems
    assert len(report.cases) >= 4


def test_the_pack_loads_with_the_default_pack(session):
    """Rule ids are unique across packs: the bureau's XB. ids never collide with the built-in FL. ones."""
    packs = session.load_packs(session.rule_pack_paths())
    ids = [r.id for p in packs for r in p.rules]
    assert len(ids) == len(set(ids))
    assert {"XB.N.01", "XB.T.01"} <= set(ids)


def test_cli_rules_test_and_plugins():
    res = subprocess.run([sys.executable, "-m", "linter", "rules", "test", str(pack_path())],
                         capture_output=True, text=True, encoding="utf-8")
    assert res.returncode == 0, res.stdout + res.stderr
    res = subprocess.run([sys.executable, "-m", "linter", "plugins", "--json"],
                         capture_output=True, text=True, encoding="utf-8")
    row = next(r for r in json.loads(res.stdout) if r["name"] == PLUGIN)
    assert row["version"] == fiscal_lint_bureau_example.__version__ and row["enabled"]


# ---- the functions on their own ---------------------------------------------------------------------


def test_subject_name():
    assert xb_subject_name(None, "2013101") == "行政运行"
    assert xb_subject_name(None, " 20131 ") == "党委办公厅（室）及相关机构事务"
    with pytest.raises(Skip):
        xb_subject_name(None, "9999999")


def test_limit():
    assert xb_limit(None, "三公经费", "公务接待费") == Quantity.exact(Decimal("95"))
    assert xb_limit(None, "三公经费", "合计") == Quantity.exact(Decimal("100"))  # the group's 默认
    assert xb_limit(None, "三公经费").value == 100
    with pytest.raises(RuleBug):
        xb_limit(None, "没有这一组")


def test_the_functions_at_work_in_a_rule(session):
    (pack,) = session.load_packs([pack_path()])
    doc = load_document({"tables": [{
        "key": "general_budget_expenditure", "number": "公开05表", "unit": "万元",
        "columns": ["@code:功能分类科目编码", "@label:科目名称", "本年支出/小计"],
        "rows": [["", "合计", "5.00"], ["210", "卫生健康支出", "5.00"], ["21011", "行政事业单位医疗", "5.00"],
                 ["2101101", "行政单位医疗", "3.00"], ["2101103", "公务员医疗补助费", "2.00"]],
    }]})
    result = session.evaluate(doc, pack.rules)
    assert not result.errors
    (f,) = [f for f in result.findings if f.rule_id == "XB.N.01"]
    assert f.args["official"] == "公务员医疗补助" and f.args["r.label"] == "公务员医疗补助费"
    assert f.severity == "warning" and f.rule_version == "1.0"
