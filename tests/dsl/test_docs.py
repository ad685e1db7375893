"""Every example in docs/dsl.md runs: rule blocks are checked and evaluated on the seed, test blocks pass,
and a block that shows a starter-pack rule is identical to the rule in rules/."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from dsl_helpers import REPO

from linter.dsl.checker import check_files
from linter.dsl.evaluator import evaluate_rules
from linter.dsl.fragments import apply_patches, load_document
from linter.dsl.parser import parse_source
from linter.dsl.testing import check_case, parse_case_file

DOC = REPO / "docs" / "dsl.md"
FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```", re.S | re.M)


def blocks(kind: str, tag: str = "") -> list[str]:
    return [
        m.group(3) for m in FENCE.finditer(DOC.read_text(encoding="utf-8")) if m.group(1) == kind and tag in m.group(2)
    ]


RULE_BLOCKS = blocks("rules")


def seed():
    return load_document(json.loads((REPO / "rules/fixtures/jianghan-2024.json").read_text(encoding="utf-8")))


def test_the_docs_have_examples():
    assert len(RULE_BLOCKS) >= 6 and blocks("yaml", "rules-test")


@pytest.mark.parametrize("source", RULE_BLOCKS, ids=lambda s: re.search(r"rule (\S+)", s).group(1))
def test_rule_example_checks_and_runs(source: str):
    f = parse_source(source, "docs/dsl.md")
    errors = [d.format() for d in check_files([f])]
    assert errors == []
    result = evaluate_rules(f.rules, seed())
    assert result.errors == []
    assert result.outcomes and all(o.status != "insufficient_data" for o in result.outcomes), result.outcomes


def _pack_rule_text(rule_id: str) -> str | None:
    for path in sorted((REPO / "rules").rglob("*.rules")):
        text = path.read_text(encoding="utf-8")
        m = re.search(rf"^rule {re.escape(rule_id)} .*?^}}$", text, re.S | re.M)
        if m:
            return m.group(0)
    return None


@pytest.mark.parametrize("source", RULE_BLOCKS, ids=lambda s: re.search(r"rule (\S+)", s).group(1))
def test_examples_taken_from_the_pack_stay_identical(source: str):
    for m in re.finditer(r"^rule (\S+) .*?^}$", source, re.S | re.M):
        pack_text = _pack_rule_text(m.group(1))
        if pack_text is not None:
            assert m.group(0) == pack_text


def test_tutorial_test_cases_pass():
    rules = parse_source(RULE_BLOCKS[0], "docs/dsl.md").rules
    cf = parse_case_file(yaml.safe_load(blocks("yaml", "rules-test")[0]), DOC, {r.id for r in rules})
    assert cf.problems == [] and [c.problems for c in cf.cases] == [[], []]
    assert cf.cases[0].data["must_not_fire"] == ["MY.X.09"]  # the default: the file's rule must not fire
    for case in cf.cases:
        doc = load_document(json.loads((REPO / case.data["document_file"]).read_text(encoding="utf-8")))
        result = evaluate_rules(rules, apply_patches(doc, case.data["patch"]))
        assert check_case(case.data, result) == [], case.name


def test_docs_describe_every_builtin_function():
    """docs/functions.md (generated from the docstrings) has a section per built-in function, with a real
    description, and docs/dsl.md points to it."""
    from linter.dsl.functions import FUNCTIONS

    reference = (REPO / "docs" / "functions.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### (\w+)\n(.*?)(?=^#{2,3} |^---|\Z)", reference, flags=re.M | re.S))
    assert sorted(sections) == sorted(FUNCTIONS), "run python docs/generate.py"
    thin = [name for name, body in sections.items() if len(body.strip().splitlines()) < 3]
    assert thin == [], "every function needs a docstring that says what it returns"
    assert "(functions.md)" in DOC.read_text(encoding="utf-8")


def test_grammar_file_is_the_reference():
    grammar = (Path(__file__).resolve().parents[2] / "src/linter/dsl/grammar.lark").read_text(encoding="utf-8")
    for keyword in ("rule", "assert", "within", "blank", "when", "unless", "for", "let", "const", "pack"):
        assert f'"{keyword}"' in grammar
