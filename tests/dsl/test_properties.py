"""Property-based tests of the evaluator (issue 3 acceptance)."""

from __future__ import annotations

from decimal import Decimal

from dsl_helpers import run
from hypothesis import given, settings
from hypothesis import strategies as st

RULE = """
rule P.SUM "合计 = Σ项" {
    severity error
    message "{lhs} ≠ {rhs}"
    let t = table("expenditure")
    assert t.row(level = "合计").col("金额") == sum(t.rows(level = "项").col("金额"))
}
"""

CENTS = st.integers(min_value=0, max_value=10_000_000).map(lambda c: Decimal(c).scaleb(-2))
ADDENDS = st.lists(CENTS, min_size=1, max_size=25)


def doc(total: Decimal, parts: list[Decimal]) -> dict:
    rows = [["", "合计", f"{total:.2f}"]] + [[f"20101{i:02d}", f"项{i}", f"{p:.2f}"] for i, p in enumerate(parts)]
    return {"tables": [{"key": "expenditure", "columns": ["@code", "@label", "金额"], "rows": rows}]}


@settings(max_examples=60, deadline=None)
@given(ADDENDS)
def test_an_exact_sum_always_passes(parts):
    r = run(RULE, doc(sum(parts, Decimal(0)), parts))
    assert r.rule_status("P.SUM") == "pass" and r.findings == []


@settings(max_examples=60, deadline=None)
@given(ADDENDS, st.data())
def test_moving_one_addend_beyond_the_envelope_always_fails(parts, data):
    total = sum(parts, Decimal(0))
    envelope = Decimal("0.005") * (len(parts) + 1)  # ½·10⁻² per printed figure, total included
    i = data.draw(st.integers(0, len(parts) - 1))
    step = Decimal(data.draw(st.integers(min_value=int(envelope * 100) + 1, max_value=100_000))).scaleb(-2)
    moved = list(parts)
    moved[i] = parts[i] + step  # upwards, so the printed figure stays non-negative
    r = run(RULE, doc(total, moved))
    assert r.rule_status("P.SUM") == "fail"
    assert [f.severity for f in r.findings] == ["error"]


@settings(max_examples=60, deadline=None)
@given(ADDENDS, st.integers(-3, 3), st.randoms(use_true_random=False))
def test_outcome_never_depends_on_row_order(parts, cents_off, rnd):
    total = sum(parts, Decimal(0)) + Decimal(cents_off).scaleb(-2)
    shuffled = list(parts)
    rnd.shuffle(shuffled)
    a, b = run(RULE, doc(total, parts)), run(RULE, doc(total, shuffled))
    assert a.rule_status("P.SUM") == b.rule_status("P.SUM")
    assert [(f.severity, f.kind, f.args["lhs"], f.args["rhs"]) for f in a.findings] == [
        (f.severity, f.kind, f.args["lhs"], f.args["rhs"]) for f in b.findings
    ]


def _repeat_by_definition(t: str, i: int, shortest: int) -> str | None:
    """``repeats()``' phrase at ``i`` as defined: every length from the longest down, written again directly or
    after one punctuation mark, and not a run of punctuation (the function itself only tries the likely ends)."""
    from linter.core.text import normalise_label

    for length in range(min(40, (len(t) - i) // 2), shortest - 1, -1):
        phrase = t[i : i + length]
        for gap in ("", *"，、；,;"):
            if t.startswith(gap + phrase, i + length) and normalise_label(phrase):
                return t[i : i + length + len(gap) + length]
    return None


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="好好支出，，、；,; 一二ab", max_size=60), st.data())
def test_repeats_finds_the_phrase_its_definition_does(text, data):
    from linter.dsl.functions.wording_functions import _repeat_at

    if not text:
        return
    i = data.draw(st.integers(0, len(text) - 1))
    shortest = data.draw(st.integers(1, 6))
    assert _repeat_at(text, i, shortest) == _repeat_by_definition(text, i, shortest)
