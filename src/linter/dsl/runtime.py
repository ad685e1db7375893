"""What rule functions share at run time: the document, limits, conversions and comparisons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

import re2

from linter.core.findings import Evidence, Location
from linter.core.model import Document, Paragraph, Section, iter_sections
from linter.core.numbers import parse_amount
from linter.core.text import sentence_spans
from linter.dsl.nodes import Tolerance
from linter.dsl.values import (
    Blank,
    BudgetExceeded,
    Capture,
    Match,
    Missing,
    Quantity,
    Ref,
    ReportV,
    RuleBug,
    Scope,
    Sentence,
    Skip,
    Verdict,
    describe,
    fmt_decimal,
    origin_of,
    same_unit,
)

STEP_LIMIT = 2_000_000  # operations per rule (all instances together)
INSTANCE_LIMIT = 20_000  # instances per rule
POLICIES = ("skip", "zero", "assume_zero", "insufficient")


class Partners(Protocol):
    """The other reports of the document's set, as the run provides them (``report()`` reads them)."""

    label: str  # the current report: "2025年部门预算"

    def find(self, kind: str, year: int, level: str | None) -> ReportV | None: ...

    def missing(self, kind: str, year: int, level: str | None) -> str: ...


@dataclass
class Context:
    document: Document
    default_blank: str = "insufficient"
    tolerance: Tolerance = field(default_factory=lambda: Tolerance("rounding"))
    steps: int = 0
    step_limit: int = STEP_LIMIT
    partners: Partners | None = None  # None: the document is checked alone
    # what is worked out once per document and shared by every rule of one evaluation (see :class:`Memo`)
    memo: Memo = field(default_factory=lambda: Memo())
    _others: dict[int, Context] = field(default_factory=dict)
    _charged: set[str] = field(default_factory=set)  # what :meth:`once` has charged this context for

    def on(self, report: ReportV) -> Context:
        """The context in which a function called on another report of the set reads that report. It shares
        the step budget and tolerance of this one (one rule, one budget)."""
        key = id(report.document)
        other = self._others.get(key)
        if other is None:
            other = Context(report.document, self.default_blank, partners=self.partners, memo=self.memo)
            self._others[key] = other
        other.tolerance, other.steps, other.step_limit = self.tolerance, self.steps, self.step_limit
        return other

    def tick(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > self.step_limit:
            raise BudgetExceeded(f"超出计算步数上限 {self.step_limit} / evaluation step limit exceeded")

    # -- prose scopes, built once per section of each document per evaluation (shared by every rule)
    def section_scope(self, section: Section) -> Scope:
        scopes = self.memo.of(self.document).scopes
        scope = scopes.get(id(section))
        if scope is None:
            sentences: list[Sentence] = []
            origin = origin_of(self.document)
            for s in iter_sections([section]):
                for p in s.paragraphs:
                    for text, start, end in sentence_spans(p.text):
                        loc = _sentence_location(p, start, end, s.heading, text, origin)
                        sentences.append(Sentence(text, s, p, loc.page or p.page, loc))
            scope = scopes[id(section)] = Scope(section.heading, tuple(sentences), section)
        return scope

    def once(self, name: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` (a pure function of the document) once per document and evaluation. Each rule that asks
        is charged, on its first asking, the steps computing it cost, as if it had computed it itself: budgets do
        not depend on which rule ran first."""
        derived = self.memo.of(self.document).derived
        hit = derived.get(name)
        if hit is not None:
            if name not in self._charged:
                self._charged.add(name)
                self.tick(hit[0])
            return hit[1]
        before = self.steps
        value = compute()
        derived[name] = (self.steps - before, value)
        self._charged.add(name)
        return value

    def document_scope(self) -> Scope:
        memo = self.memo.of(self.document)
        if memo.whole is None:
            sentences: list[Sentence] = []
            for s in self.document.sections:
                sentences.extend(self.section_scope(s).sentences)
            memo.whole = Scope("全文", tuple(sentences))
        return memo.whole


@dataclass
class DocumentMemo:
    """One document's prose as rules read it: its sections' sentence scopes (``id(section)`` → scope) and the
    whole document's. Built on first use, then shared: the values are frozen and never changed by a rule."""

    document: Document
    scopes: dict[int, Scope] = field(default_factory=dict)
    whole: Scope | None = None
    # what rule functions work out once per document (name → (steps it cost, value)); see :meth:`Context.once`
    derived: dict[str, tuple[int, Any]] = field(default_factory=dict)


class Memo:
    """Per-document work shared by the rules of one evaluation (:func:`linter.dsl.evaluator.evaluate_rules` makes
    one per run): the documents cannot change while their rules run, so splitting prose into sentences and
    placing them on the page is done once per document, not once per rule."""

    def __init__(self) -> None:
        self._docs: dict[int, DocumentMemo] = {}

    def of(self, document: Document) -> DocumentMemo:
        memo = self._docs.get(id(document))
        if memo is None or memo.document is not document:  # the document is held: its id cannot be reused
            memo = self._docs[id(document)] = DocumentMemo(document)
        return memo


def _sentence_location(
    p: Paragraph, start: int, end: int, heading: str, text: str, origin: dict[str, Any]
) -> Location:
    """A sentence's place: the box of the lines it is printed on, per page (the paragraph's box when the parser
    kept no line boxes)."""
    boxes = p.boxes(start, end)
    if not boxes:
        return Location(page=p.page, bbox=p.bbox, section=heading, text=text, **origin)
    (page, bbox), rest = boxes[0], boxes[1:]
    continued = [{"page": pg, "bbox": list(b)} for pg, b in rest] or None
    return Location(page=page, bbox=bbox, section=heading, text=text, continued=continued, **origin)


# ---- regexes: RE2 only (linear time, no backtracking) --------------------------------------------

_REGEX_CACHE: dict[str, Any] = {}


def compile_regex(pattern: str) -> Any:
    """An RE2 pattern. Raises RuleBug with RE2's message when the pattern is invalid."""
    rx = _REGEX_CACHE.get(pattern)
    if rx is None:
        opts = re2.Options()
        opts.log_errors = False
        opts.max_mem = 8 << 20  # a pathological pattern fails to compile instead of eating memory
        try:
            rx = re2.compile(pattern, options=opts)
        except re2.error as exc:
            msg = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
            raise RuleBug(f"正则表达式无效 / invalid regex: {msg}") from None
        _REGEX_CACHE[pattern] = rx
    return rx


# ---- conversions -----------------------------------------------------------------------------------


def apply_policy(value: Any, policy: str) -> Any:
    """Resolve a blank (or each blank of a list) by a missing-data policy."""
    if isinstance(value, list):
        out = []
        for v in value:
            if isinstance(v, Blank) and policy == "skip":
                continue  # a skipped addend is left out of the sum
            out.append(apply_policy(v, policy))
        return out
    if isinstance(value, Capture):
        value = capture_quantity(value)
    if not isinstance(value, Blank):
        return value
    where = value.ref.location.describe() if value.ref.location else value.ref.name
    if policy == "zero":
        return value.as_zero(assumed=False)
    if policy == "assume_zero":
        return value.as_zero(assumed=True)
    if policy == "skip":
        raise Skip(f"{where} 为空白，跳过 / blank operand skipped")
    raise Missing(f"{where} 为空白，数据不足 / blank operand: insufficient data")


def capture_quantity(c: Capture) -> Quantity | Blank:
    """A captured number with its printed precision. A year (2024年) is never an amount."""
    loc = c.sentence.location  # the sentence's paragraph: page, bbox, section and text
    if c.text is None or not c.text.strip():
        return Blank(Ref(c.name, c.text, None, location=loc))
    text = c.text.strip()
    value = parse_amount(text)
    if value is None:
        raise Missing(f"捕获的 {c.name}=“{text}” 不是数字 / capture {c.name}={text!r} is not a number")
    after = c.sentence.text[c.end : c.end + 1]
    if after == "年" and "." not in text and len(text.replace(",", "")) == 4:
        raise Missing(f"“{text}年” 是年份，不是金额 / {text!r} is a year, never an amount")
    return Quantity.printed(value, text, c.name, loc)


def as_quantity(value: Any, ctx: Context) -> Quantity:
    """A number for arithmetic; blanks are resolved by the rule's default policy."""
    if isinstance(value, Capture):
        value = capture_quantity(value)
    if isinstance(value, Blank):
        value = apply_policy(value, ctx.default_blank)
    if isinstance(value, Quantity):
        return value
    if isinstance(value, bool):
        raise RuleBug("真假值不能参与计算 / a boolean is not a number")
    if isinstance(value, str):
        d = parse_amount(value)
        if d is None:
            raise RuleBug(f"“{value}” 不是数字 / {value!r} is not a number")
        return Quantity.printed(d, value, value)
    raise RuleBug(f"{type(value).__name__} 不是数字 / not a number: {describe(value)}")


def as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Capture):
        return value.text or ""
    if isinstance(value, Quantity):
        return describe(value)
    return describe(value)


def truthy(value: Any) -> bool:
    if isinstance(value, Verdict):
        return value.holds
    if isinstance(value, bool):
        return value
    if isinstance(value, list):
        return bool(value)
    if isinstance(value, Quantity):
        return value.value != 0
    if isinstance(value, str):
        return bool(value)
    raise RuleBug(f"不能作为条件：{describe(value)} / not a condition")


def to_verdict(value: Any, what: str) -> Verdict:
    if isinstance(value, Verdict):
        return value
    ok = truthy(value)
    return Verdict("pass" if ok else "fail", Evidence(expression=what, method="text"))


# ---- comparisons under a tolerance -----------------------------------------------------------------

_MIRROR = {">": "<", ">=": "<="}


def compare(op: str, left: Any, right: Any, ctx: Context) -> Verdict:
    if op in ("in", "not in"):
        return _member(op, left, right)
    if _is_text(left) or _is_text(right):
        return _compare_text(op, left, right)
    # 元 and 万元 figures are compared after conversion (a Shanghai 预算 prints its tables in 元, its prose in 万元)
    a, b, _ = same_unit(as_quantity(left, ctx), as_quantity(right, ctx))
    if op in _MIRROR:  # a > b is b < a: one code path for each direction
        return _numeric(_MIRROR[op], b, a, ctx.tolerance, swapped=True)
    return _numeric(op, a, b, ctx.tolerance, swapped=False)


def _is_text(v: Any) -> bool:
    if isinstance(v, str):
        return parse_amount(v) is None
    if isinstance(v, Capture):
        return v.text is not None and parse_amount(v.text.strip()) is None
    return False


def _compare_text(op: str, left: Any, right: Any) -> Verdict:
    a, b = as_text(left), as_text(right)
    if op == "==":
        ok = a == b
    elif op == "!=":
        ok = a != b
    else:
        raise RuleBug(f"文字不能用 {op} 比较 / text cannot be compared with {op}")
    return Verdict("pass" if ok else "fail", Evidence(lhs=a, rhs=b, method="text"))


def _member(op: str, left: Any, right: Any) -> Verdict:
    if not isinstance(right, list):
        raise RuleBug("in 的右边须是列表 / the right side of 'in' must be a list")
    a = as_text(left)
    ok = a in [as_text(x) for x in right]
    if op == "not in":
        ok = not ok
    return Verdict("pass" if ok else "fail", Evidence(lhs=a, rhs=describe(right), method="text"))


def _numeric(op: str, a: Quantity, b: Quantity, tol: Tolerance, swapped: bool) -> Verdict:
    diff = a.value - b.value
    # "equal as printed": compared at the coarser printed precision, so a stated 76.64% equals a
    # computed 76.6399…% and "201.5" equals 201.50 without a 尾数差异 note (docs/domain-rules.md §2.0)
    places = [p for p in (_places(a), _places(b)) if p is not None]
    if places:
        # a computed quotient carries 28 places: beyond 12 "as printed" means nothing, and quantizing a
        # large figure that finely would exceed the decimal context's precision
        unit = Decimal(1).scaleb(-min(*places, 12))
        shown = a.value.quantize(unit, ROUND_HALF_UP) - b.value.quantize(unit, ROUND_HALF_UP)
    else:
        shown = diff
    exact_ok = {"==": shown == 0, "!=": diff != 0, "<=": diff <= 0, "<": diff < 0}[op]
    envelope: Decimal | None = None
    if tol.method == "rounding":
        envelope = a.half_width + b.half_width
        overlap = max(a.lo, b.lo) <= min(a.hi, b.hi)
        # "!=" under rounding compares the printed points: "not equal" is not a rounding question
        consistent = {"==": overlap, "!=": diff != 0, "<=": a.lo <= b.hi, "<": a.lo < b.hi}[op]
        method = "interval-round-nearest"
    elif tol.method == "exact":
        consistent, method = exact_ok, "exact"
    else:
        assert tol.amount is not None
        envelope = tol.amount if tol.method == "abs" else tol.amount * max(abs(a.value), abs(b.value))
        consistent = {
            "==": abs(diff) <= envelope,
            "!=": abs(diff) > envelope,
            "<=": diff <= envelope,
            "<": diff < envelope,
        }[op]
        method = tol.method
    if op == "!=":
        status = "pass" if consistent else "fail"
    else:
        status = "pass" if exact_ok else ("rounding" if consistent else "fail")
    lhs, rhs = (b, a) if swapped else (a, b)
    ev = Evidence(
        lhs=fmt_decimal(lhs.value),
        rhs=fmt_decimal(rhs.value),
        lhs_interval=(fmt_decimal(lhs.lo), fmt_decimal(lhs.hi)),
        rhs_interval=(fmt_decimal(rhs.lo), fmt_decimal(rhs.hi)),
        difference=fmt_decimal(lhs.value - rhs.value),
        tolerance=fmt_decimal(envelope) if envelope is not None else "0",
        method=method,
        operands=[r.operand() for r in (lhs.refs + rhs.refs)],
    )
    loc = next((r.location for r in lhs.refs + rhs.refs if r.location is not None), None)
    args = {
        "lhs": describe(lhs),
        "rhs": describe(rhs),
        "diff": ev.difference or "",
        "tolerance": ev.tolerance or "",
        "lhs_interval": f"[{ev.lhs_interval[0]}, {ev.lhs_interval[1]}]" if ev.lhs_interval else "",
        "rhs_interval": f"[{ev.rhs_interval[0]}, {ev.rhs_interval[1]}]" if ev.rhs_interval else "",
    }
    return Verdict(status, ev, loc, a.assumed or b.assumed, args=args)


def _places(q: Quantity) -> int | None:
    """Decimals a figure carries; None for an exact constant (a literal has no printed precision)."""
    if q.is_exact:
        return None
    exp = q.value.as_tuple().exponent
    return max(-exp, 0) if isinstance(exp, int) else None


def combine_and(verdicts: list[Verdict]) -> Verdict:
    failing = [v for v in verdicts if v.status == "fail"]
    if failing:
        return _merge("fail", failing)
    rounding = [v for v in verdicts if v.status == "rounding"]
    if rounding:
        return _merge("rounding", rounding)
    return _merge("pass", verdicts)


def combine_or(verdicts: list[Verdict]) -> Verdict:
    for status in ("pass", "rounding"):
        hits = [v for v in verdicts if v.status == status]
        if hits:
            return hits[0]
    return _merge("fail", verdicts)


def _merge(status: str, verdicts: list[Verdict]) -> Verdict:
    first = verdicts[0]
    if len(verdicts) == 1:
        return Verdict(status, first.evidence, first.location, first.assumed, first.violations, first.args)
    violations = [x for v in verdicts for x in v.violations]
    args: dict[str, str] = {}
    for v in reversed(verdicts):
        args.update(v.args)
    ev = Evidence(
        lhs=first.evidence.lhs,
        rhs=first.evidence.rhs,
        lhs_interval=first.evidence.lhs_interval,
        rhs_interval=first.evidence.rhs_interval,
        difference=first.evidence.difference,
        tolerance=first.evidence.tolerance,
        method=first.evidence.method,
        operands=[o for v in verdicts for o in v.evidence.operands],
        matches=[m for v in verdicts for m in v.evidence.matches],
    )
    return Verdict(status, ev, first.location, any(v.assumed for v in verdicts), violations, args)


def negate(v: Verdict) -> Verdict:
    status = "fail" if v.holds else "pass"
    return Verdict(status, v.evidence, v.location, v.assumed, [], v.args)


def scope_of(value: Any, ctx: Context) -> list[Sentence]:
    """The sentences a text function looks at, whatever prose object it is given."""
    if isinstance(value, Scope):
        return list(value.sentences)
    if isinstance(value, Sentence):
        return [value]
    if isinstance(value, Match):
        return [value.sentence]
    if isinstance(value, list):
        out: list[Sentence] = []
        for v in value:
            out.extend(scope_of(v, ctx))
        return out
    if isinstance(value, Section):
        return list(ctx.section_scope(value).sentences)
    raise RuleBug(f"不是文字范围：{describe(value)} / not a text scope")
