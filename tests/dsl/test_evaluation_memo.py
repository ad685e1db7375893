"""What every rule reads of a document is worked out once per evaluation (issue 15): prose split into sentences
and placed on the page, the TOC targets, the suspect tables. Results, and the steps each rule is charged, are
those of evaluating each rule alone."""

from __future__ import annotations

from dsl_helpers import prose

import linter.dsl.runtime as runtime
from linter.dsl.checker import check_files
from linter.dsl.evaluator import evaluate_rule, evaluate_rules
from linter.dsl.fragments import load_document
from linter.dsl.parser import parse_source
from linter.dsl.runtime import Context, Memo

RULES = """
rule T.ONE "句号重复" {
    severity warning
    message "重复句号"
    assert document().absent(re"。。")
}

rule T.TWO "数字" {
    severity warning
    message "{m.text}"
    for m in section("说明").find(re"(?P<x>[\\d.]+)万元")
    assert m.x == "1"
}

rule T.THREE "重复" {
    severity warning
    message "重复：{m.text}"
    for m in document().repeats()
    assert false
}
"""

DOC = prose("本年收入100万元。。本年支出90万元。", "从绩效评价情况来看，从绩效评价情况来看，成效明显。",
            heading="一、收入支出决算总体情况说明")


def _rules():
    f = parse_source(RULES, "test.rules")
    assert not [d for d in check_files([f]) if d.level == "error"]
    return f.rules


def test_sentences_are_split_once_per_evaluation(monkeypatch):
    calls: list[str] = []
    real = runtime.sentence_spans

    def counting(text: str):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(runtime, "sentence_spans", counting)
    document = load_document(DOC)
    together = evaluate_rules(_rules(), document)
    assert len(calls) == 2  # two paragraphs, read by three rules
    calls.clear()
    alone = [evaluate_rule(r, load_document(DOC)) for r in _rules()]
    assert len(calls) == 2 * 3
    assert [f.to_dict() for f in together.findings] == [f.to_dict() for r in alone for f in r.findings]
    assert [o.status for o in together.outcomes] == [o.status for r in alone for o in r.outcomes]
    assert {f.rule_id for f in together.findings} == {"T.ONE", "T.TWO", "T.THREE"}


def test_shared_work_charges_every_rule_the_same_steps():
    document = load_document(DOC)
    memo = Memo()
    first, second = Context(document, memo=memo), Context(document, memo=memo)

    def work(ctx: Context) -> int:
        ctx.tick(7)
        return 42

    assert first.once("w", lambda: work(first)) == 42 and first.steps == 7
    assert second.once("w", lambda: work(second)) == 42 and second.steps == 7  # not computed again, still charged
    assert second.once("w", lambda: work(second)) == 42 and second.steps == 7  # once per rule, as before
    assert first.section_scope(document.sections[0]) is second.section_scope(document.sections[0])
    assert Context(document).section_scope(document.sections[0]) is not first.section_scope(document.sections[0])
