"""One root cause, one finding: a table whose continuation the parser could not join is reported once
(FL.Q.01, naming the table), and the identity and cross-table rules that read it end as insufficient_data
instead of failing one by one. Stands on the repo's seed model (rules/fixtures/jianghan-2024.json)."""

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
