"""数字 / Numbers.

Sums, counts, percentages and growth rates by interval arithmetic (a figure printed with d decimals
stands for ±½·10⁻ᵈ), direction words, and figures read from captures and text cells.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from linter.core.findings import Evidence
from linter.core.numbers import decimals_of, parse_amount
from linter.dsl.functions.shared import as_int, as_list, pattern_matches
from linter.dsl.registration import rule_function
from linter.dsl.runtime import POLICIES, Context, apply_policy, as_quantity, as_text, compare
from linter.dsl.values import (
    Blank,
    Capture,
    Missing,
    Quantity,
    Ref,
    RegexV,
    RuleBug,
    Verdict,
    describe,
    fmt_decimal,
    same_unit,
)

HUNDRED = Quantity.exact(100)


@rule_function("sum")
def sum_(ctx: Context, values: Any, blank: Any = None) -> Quantity:
    """Σ of a list, with the rounding intervals of its addends added.

    Blanks follow the rule's blank policy, or ``blank = "zero"|"assume_zero"|"skip"|"insufficient"``
    for these addends only: ``sum(kids.col(c), blank = "zero")``.
    """
    policy = _policy(blank, ctx)
    items = apply_policy(as_list(values), policy)
    ctx.tick(len(items))
    total = Quantity.exact(0)
    for v in items:
        total = total.add(as_quantity(v, ctx))
    return total


def _policy(blank: Any, ctx: Context) -> str:
    if blank is None:
        return ctx.default_blank
    p = as_text(blank)
    if p not in POLICIES:
        raise RuleBug(f"未知的空白策略 {p} / unknown blank policy {p!r}")
    return p


@rule_function()
def count(ctx: Context, values: Any, pattern: RegexV | str | None = None) -> Quantity:
    """How many items a list has (``count(kids) > 0``), or how many times ``pattern`` occurs in a text
    scope (``count(s, re"…")``). An exact number."""
    if pattern is None:
        return Quantity.exact(len(as_list(values)))
    return Quantity.exact(len(pattern_matches(ctx, values, pattern)))


@rule_function()
def pct(ctx: Context, num: Any, den: Any) -> Quantity:
    """100·num/den by **interval division**: compare it with a stated percentage
    (``pct_matches(m.share, pct(item, total))``)."""
    return as_quantity(num, ctx).div(as_quantity(den, ctx)).mul(HUNDRED)


@rule_function()
def ratio(ctx: Context, num: Any, den: Any) -> Quantity:
    """num/den by **interval division** (``pct`` without the factor 100)."""
    return as_quantity(num, ctx).div(as_quantity(den, ctx))


@rule_function()
def yoy(ctx: Context, current: Any, change: Any) -> Quantity:
    """Growth rate in % from this year's figure and the signed change: 100·Δ/(current − Δ).

    ``yoy(total, signed(m.change, m.dir))``: Δ is signed, so a 减少 gives a negative rate.
    """
    c, d = as_quantity(current, ctx), as_quantity(change, ctx)
    return d.div(c.sub(d)).mul(HUNDRED)


UP_WORDS = ("增加", "增长", "上升", "提高", "增多", "大于", "高于", "超过", "多")


DOWN_WORDS = ("减少", "下降", "降低", "减", "小于", "低于", "少")


FLAT_WORDS = ("持平", "等于", "相等", "一致", "不变")


def _direction(word: Any) -> int:
    w = as_text(word).strip()
    if w in UP_WORDS:
        return 1
    if w in DOWN_WORDS:
        return -1
    if w in FLAT_WORDS:
        return 0
    raise RuleBug(f"“{w}” 不是方向词 / {w!r} is not a direction word (增加/减少/持平…)")


@rule_function()
def signed(ctx: Context, amount: Any, word: Any) -> Quantity:
    """The amount with the sign its direction word gives: ``signed(201.5, "减少")`` = −201.5.

    增加/增长/上升/提高/增多/大于/高于/超过/多 → +; 减少/下降/降低/减/小于/低于/少 → −;
    持平/等于/相等/一致/不变 → 0. Any other word is a rule error.
    """
    d = _direction(word)
    q = as_quantity(amount, ctx)
    if d == 0:
        return q.mul(Quantity.exact(0))
    return q if d > 0 else q.neg()


@rule_function()
def agrees(ctx: Context, word: Any, value: Any) -> Verdict:
    """The direction word (增加/减少/持平, 大于/小于/等于; the words of ``signed``) matches the sign of
    ``value``. 持平 against a change that is zero within rounding is an info finding."""
    d = _direction(word)
    q = as_quantity(value, ctx)
    sign = (q.value > 0) - (q.value < 0)
    ev = Evidence(lhs=as_text(word), rhs=describe(q), method="direction", operands=[r.operand() for r in q.refs])
    args = {"word": as_text(word), "value": describe(q)}
    loc = next((r.location for r in q.refs if r.location), None)
    if sign == d:
        return Verdict("pass", ev, loc, args=args)
    if q.lo <= 0 <= q.hi and d == 0:
        return Verdict("rounding", ev, loc, args=args)  # 持平 within rounding of a tiny change
    return Verdict("fail", ev, loc, q.assumed, args=args)


@rule_function()
def unit(ctx: Context, value: Any, name: Any) -> Quantity | list[Quantity]:
    """Declare the unit of a figure (``unit(m.amount, "元")``) so it meets 万元 cells correctly: 元 is
    compared with 万元 after conversion. On a list, the unit of each (``unit(items.captures("amount"), "万元")``)."""
    if isinstance(value, list):
        return [unit(ctx, v, name) for v in value]  # type: ignore[misc]
    q = as_quantity(value, ctx)
    return Quantity(q.value, q.lo, q.hi, as_text(name), q.refs, q.assumed, q.text)


@rule_function()
def amount(ctx: Context, value: Any, places: Any = None) -> Quantity:
    """A number from a capture or a string (``amount(m.x)``), with its printed precision.

    ``places = 2`` reads a figure written with fewer decimals as if printed with 2: prose drops
    trailing zeros ("预算数为12万元" is the 12.00 of the table), and a ratio taken from "12" would
    otherwise carry the ±0.5 of a whole number.
    """
    q = as_quantity(value, ctx)
    if places is None or q.text is None:
        return q
    d = as_int(places)
    if decimals_of(q.text) >= d:
        return q
    unit_ = Decimal(1).scaleb(-d)
    half = unit_ / 2
    v = q.value.quantize(unit_)
    refs = tuple(Ref(r.name, r.text, r.value, v - half, v + half, r.location, r.note) for r in q.refs)
    return Quantity(v, v - half, v + half, q.unit, refs, q.assumed, q.text)


@rule_function()
def number(ctx: Context, value: Any) -> Quantity | Blank:
    """The first number printed in a text cell or capture ("99%" → 99, "200人次" → 200), with its
    printed precision. A blank cell stays blank; a text without a number → insufficient_data."""
    if isinstance(value, Quantity):
        return value
    if isinstance(value, Blank):
        ref, text = value.ref, value.ref.text or ""
    else:
        ref, text = None, as_text(value)
    m = _FIRST_NUMBER.search(text.replace(",", ""))
    if m is None:
        if ref is not None:
            return value
        raise Missing(f"“{text}” 中没有数字 / no number in {text!r}")
    name = ref.name if ref else text
    return Quantity.printed(Decimal(m.group(0)), m.group(0), name, ref.location if ref else None)


_FIRST_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@rule_function()
def pct_matches(ctx: Context, stated: Any, computed: Any) -> Verdict:
    """A stated percentage against the computed one (docs/domain-rules.md §2.0).

    Holds when the stated figure is the computed one rounded (with the rounding intervals of ``==``).
    A figure **truncated** instead of rounded (11.99 ÷ 12 = 99.92 % written "99%") is an info finding
    "截尾而非四舍五入"; anything else fails at the rule's severity:
    ``assert pct_matches(m.share, pct(item, total))``.
    """
    s, c = as_quantity(stated, ctx), as_quantity(computed, ctx)
    v = compare("==", s, c, ctx)
    if v.status != "fail" or s.text is None:
        return v
    step = Decimal(1).scaleb(-decimals_of(s.text))
    lo, hi = sorted((c.lo.quantize(step, ROUND_DOWN), c.hi.quantize(step, ROUND_DOWN)))
    if not lo <= s.value <= hi:
        return v
    rounded = c.value.quantize(step, ROUND_HALF_UP)
    v.evidence.method = "truncated"
    args = {**v.args, "rounded": fmt_decimal(rounded)}
    return _info(v, args, "截尾而非四舍五入：写作 {lhs}%，计算为 {rhs}%，四舍五入应为 {rounded}%")


def _info(v: Verdict, args: dict[str, str], message: str) -> Verdict:
    """The verdict turned into an info finding (a rounding matter) with its own message."""
    return Verdict("rounding", v.evidence, v.location, v.assumed, v.violations, args, message)


@rule_function()
def amount_matches(ctx: Context, stated: Any, value: Any) -> Verdict:
    """A figure stated in the prose against a table's (docs/domain-rules.md §4.0: 元 → 万元).

    Holds when the stated figure is the table's rounded half-up to the decimals stated (units converted:
    "87.36万元" against 873,617.00 元). A figure **truncated** instead of rounded ("87.70" for 877,080 元)
    is an info finding "截尾"; one within one unit of its last decimal an info 尾数差异; anything else fails
    at the rule's severity: ``assert amount_matches(unit(m.amount, "万元"), row.col("合计"))``.
    """
    s, c, _ = same_unit(as_quantity(stated, ctx), as_quantity(value, ctx))
    v = compare("==", s, c, ctx)
    if v.status == "pass" or s.text is None:
        return v
    step = Decimal(1).scaleb(-decimals_of(s.text))
    rounded = c.value.quantize(step, ROUND_HALF_UP)
    if s.value == rounded:
        return v if v.status != "fail" else Verdict("pass", v.evidence, v.location, v.assumed, args=v.args)
    unit_word = c.unit or ""
    args = {**v.args, "rounded": fmt_decimal(rounded), "converted": f"{fmt_decimal(c.value)}{unit_word}"}
    if s.value == c.value.quantize(step, ROUND_DOWN):
        v.evidence.method = "truncated"
        return _info(v, args, "截尾而非四舍五入：写作 {lhs}，表中 {rhs} 即 {converted}，四舍五入应为 {rounded}")
    if abs(s.value - c.value) <= step:
        return _info(v, args, "尾数差异：写作 {lhs}，表中 {rhs} 即 {converted}，四舍五入应为 {rounded}")
    return Verdict("fail", v.evidence, v.location, v.assumed, v.violations, args)


@rule_function()
def is_blank(ctx: Context, value: Any) -> bool:
    """A blank cell (or an empty capture). Never raises; ``exists(x)`` asks whether ``x`` was found at all."""
    return isinstance(value, Blank) or (isinstance(value, Capture) and not (value.text or "").strip())


@rule_function()
def is_zero(ctx: Context, value: Any) -> bool:
    """Printed as exactly zero (0, 0.00). A blank is not zero: ``assert not is_zero(m.x)``."""
    if is_blank(ctx, value):
        return False
    return as_quantity(value, ctx).value == 0


@rule_function()
def is_number(ctx: Context, value: Any) -> bool:
    """A cell or capture printed as a number (a blank or a text such as "—" is not)."""
    if isinstance(value, Quantity):
        return True
    if isinstance(value, Capture):
        return value.text is not None and parse_amount(value.text.strip()) is not None
    return False


@rule_function()
def printed(ctx: Context, value: Any) -> str:
    """The text printed in a cell or capture, as printed ("" for a blank cell; "—" or "626.55万" as printed)."""
    if isinstance(value, Blank):
        return value.ref.text or ""
    if isinstance(value, Quantity):
        return value.text if value.text is not None else describe(value)
    return as_text(value)


_YEAR = re.compile(r"(?:19|20)\d\d")


@rule_function()
def year(ctx: Context, value: Any) -> Quantity:
    """A year read as a number (``year(m.y) == metadata("fiscal_year") - 1``).

    A captured year is never an amount; this is the one way to compute with it. Not a 4-digit year
    (19xx/20xx) → insufficient_data.
    """
    t = as_text(value).strip()
    if not _YEAR.fullmatch(t):
        raise Missing(f"“{t}” 不是年份 / {t!r} is not a year")
    return Quantity.exact(int(t))


_YEARS_IN = re.compile(r"((?:19|20)\d{2})\s*年")


@rule_function()
def years_in(ctx: Context, value: Any) -> list[Quantity]:
    """Every year written "YYYY年" in a text (a table title, a label, a capture), as numbers:
    ``for y in years_in(t.title)`` then ``assert y == metadata("fiscal_year")``."""
    return [Quantity.exact(int(y)) for y in _YEARS_IN.findall(as_text(value))]


@rule_function()
def count_equal(ctx: Context, values: Any, target: Any) -> Quantity:
    """How many of ``values`` equal ``target`` as ``==`` judges it (rounding intervals, units converted):
    ``count_equal(unit(items.captures("amount"), "万元"), r.col("合计")) > 0`` — some item states this amount."""
    n = sum(1 for v in as_list(values) if compare("==", v, target, ctx).status in ("pass", "rounding"))
    return Quantity.exact(n)
