"""One root cause, one finding: a table whose continuation the parser could not join (FL.Q.01), a code table
that lost a whole class of rows (FL.Q.02) or one whose amount columns cannot be named by their headers
(FL.Q.03) is reported once, naming the table, and the identity and cross-table rules that read it end as
insufficient_data instead of failing one by one. Stands on the repo's seed model
(rules/fixtures/jianghan-2024.json)."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path

import pytest

from linter.dsl import default_pack_paths, evaluate, load_packs
from linter.dsl.fragments import load_document

SEED = Path(__file__).resolve().parents[1] / "rules" / "fixtures" / "jianghan-2024.json"


def _key(f):
    return (f.rule_id, f.severity, f.message)


@pytest.fixture(scope="module")
def packs():
    return load_packs(default_pack_paths())


def _split(doc, key: str):
    """The table ``key`` with its second half moved to a part of its own on the next page: no key, no
    title, no 表号 — a continuation the parser did not recognise."""
    broken = copy.deepcopy(doc)
    i = next(i for i, t in enumerate(broken.tables) if t.key == key)
    t = broken.tables[i]
    rest = copy.deepcopy(t)
    rest.key, rest.title, rest.number = None, "", None
    half = len(t.rows) // 2
    rest.rows, t.rows = t.rows[half:], t.rows[:half]
    rest.page = rest.page_end = t.page_end + 1
    broken.tables.insert(i + 1, rest)
    return broken


@pytest.mark.parametrize("key", ["expenditure", "income", "general_budget_expenditure"])
def test_a_broken_table_gives_at_most_three_findings_one_naming_the_cause(packs, key):
    doc = load_document(json.loads(SEED.read_text(encoding="utf-8")))
    before = Counter(map(_key, evaluate(packs, doc).findings))
    result = evaluate(packs, _split(doc, key))
    new = Counter(map(_key, result.findings)) - before
    assert sum(new.values()) <= 3, new
    causes = [f for f in result.findings if f.rule_id == "FL.Q.01"]
    assert len(causes) == 1 and causes[0].severity == "warning"
    # the hierarchy identity on the broken table did not fail: it had no whole table to read
    assert not [f for f in result.findings if f.rule_id == "FL.I.05" and f.severity == "error"]


def test_the_whole_seed_has_no_unjoined_continuation(packs):
    result = evaluate(packs, load_document(json.loads(SEED.read_text(encoding="utf-8"))))
    assert result.rule_status("FL.Q.01") == "pass"


def _without_class(doc, key: str, code: str, keep_kuan: bool = False):
    """The table ``key`` with the class ``code`` lost: its 类, 款 and 项 rows (or only its 类 row)."""
    broken = copy.deepcopy(doc)
    t = next(t for t in broken.tables if t.key == key)
    gone = (lambda r: r.code == code) if keep_kuan else (lambda r: (r.code or "").startswith(code))
    t.rows = [r for r in t.rows if not gone(r)]
    return broken


def _header_lost(doc, key: str, header: str):
    """The table ``key`` with the header of one amount column lost (the column reads as having no header)."""
    broken = copy.deepcopy(doc)
    t = next(t for t in broken.tables if t.key == key)
    c = next(c for c in t.columns if c.role == "amount" and c.path and c.path[-1] == header)
    c.path = []
    return broken


def _at_most_three_one_naming(packs, doc, broken, rule: str, key: str):
    before = Counter(map(_key, evaluate(packs, doc).findings))
    result = evaluate(packs, broken)
    new = Counter(map(_key, result.findings)) - before
    assert sum(new.values()) <= 3, new
    causes = [f for f in result.findings if f.rule_id == rule]
    assert len(causes) == 1 and causes[0].severity == "warning", causes
    table = next(t for t in broken.tables if t.key == key)
    assert causes[0].location.table == key and causes[0].location.page == table.page
    assert (table.number or table.title) in causes[0].message
    # no identity or cross-table rule failed on the broken table: it had no whole table to read
    assert not [f for f in result.findings if f.severity == "error" and f.location.table == key], [
        f.message for f in result.findings if f.severity == "error" and f.location.table == key
    ]
    return causes[0]


@pytest.mark.parametrize("key", ["expenditure", "income", "general_budget_expenditure"])
def test_a_table_that_lost_a_whole_class_gives_one_cause(packs, key):
    doc = load_document(json.loads(SEED.read_text(encoding="utf-8")))
    cause = _at_most_three_one_naming(packs, doc, _without_class(doc, key, "208"), "FL.Q.02", key)
    assert "少 60.79" in cause.message and "208" in cause.message


@pytest.mark.parametrize("key", ["expenditure", "general_budget_expenditure"])
def test_a_table_that_lost_a_class_row_gives_one_cause(packs, key):
    doc = load_document(json.loads(SEED.read_text(encoding="utf-8")))
    cause = _at_most_three_one_naming(packs, doc, _without_class(doc, key, "221", keep_kuan=True), "FL.Q.02", key)
    assert "221" in cause.message


@pytest.mark.parametrize(("key", "header"), [("expenditure", "基本支出"), ("general_budget_expenditure", "项目支出")])
def test_a_table_with_an_unmapped_amount_column_gives_one_cause(packs, key, header):
    doc = load_document(json.loads(SEED.read_text(encoding="utf-8")))
    cause = _at_most_three_one_naming(packs, doc, _header_lost(doc, key, header), "FL.Q.03", key)
    assert "没有表头" in cause.message


def test_the_whole_seed_has_no_suspect_table(packs):
    result = evaluate(packs, load_document(json.loads(SEED.read_text(encoding="utf-8"))))
    assert result.rule_status("FL.Q.02") == "pass" and result.rule_status("FL.Q.03") == "pass"
