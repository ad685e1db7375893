"""Run-time values of the rule language.

Numbers are :class:`Quantity`: a Decimal point value plus the closed interval it stands
for (XBRL Calculations 1.1: a figure printed with d decimals stands for ±½·10⁻ᵈ). Every
arithmetic operation carries the interval along and remembers the printed figures it was
computed from, so that a finding can show them. A blank cell is :class:`Blank`, never 0,
until a missing-data policy says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any

from linter.core.findings import Evidence, Location, Operand
from linter.core.model import Column, Document, Paragraph, Row, Section, Table, TocEntry
from linter.core.numbers import decimals_of

MAX_REFS = 64  # evidence lists at most this many printed operands per value


class Missing(Exception):
    """Data the rule needs was not found: the instance ends as insufficient_data."""


class Skip(Exception):
    """A blank operand with policy ``skip``: the instance ends as not_applicable."""


class RuleBug(Exception):
    """The rule itself is wrong (type error, unknown capture…): reported as a rule error."""


class BudgetExceeded(RuleBug):
    """Evaluation ran past its step or instance limit."""


@dataclass(frozen=True)
class Ref:
    """A printed figure a value was computed from."""

    name: str
    text: str | None
    value: Decimal | None
    lo: Decimal | None = None
    hi: Decimal | None = None
    location: Location | None = None
    note: str | None = None

    def operand(self) -> Operand:
        interval = (str(self.lo), str(self.hi)) if self.lo is not None and self.hi is not None else None
        return Operand(
            self.name,
            self.text,
            str(self.value) if self.value is not None else None,
            interval,
            self.location,
            self.note,
        )


_UNIT_IN_WAN = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000)}


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    lo: Decimal
    hi: Decimal
    unit: str | None = None
    refs: tuple[Ref, ...] = ()
    assumed: bool = False  # a blank taken as 0 under assume_zero is in here
    text: str | None = None  # printed text, for a figure read straight from the document

    @staticmethod
    def exact(value: Decimal | int, unit: str | None = None) -> Quantity:
        v = Decimal(value)
        return Quantity(v, v, v, unit)

    @staticmethod
    def printed(
        value: Decimal, text: str, name: str, location: Location | None = None, unit: str | None = None
    ) -> Quantity:
        """A figure as printed: its decimals make its rounding interval."""
        half = Decimal(5).scaleb(-(decimals_of(text) + 1))
        lo, hi = value - half, value + half
        return Quantity(value, lo, hi, unit, (Ref(name, text, value, lo, hi, location),), False, text)

    @property
    def is_exact(self) -> bool:
        return self.lo == self.hi

    @property
    def half_width(self) -> Decimal:
        return (self.hi - self.lo) / 2

    # -- arithmetic (interval arithmetic; Decimal only)
    def _with(self, value: Decimal, lo: Decimal, hi: Decimal, other: Quantity | None, unit: str | None) -> Quantity:
        refs = self.refs + (other.refs if other else ())
        return Quantity(value, lo, hi, unit, refs[:MAX_REFS], self.assumed or bool(other and other.assumed))

    def add(self, other: Quantity) -> Quantity:
        a, b, unit = same_unit(self, other)
        return a._with(a.value + b.value, a.lo + b.lo, a.hi + b.hi, b, unit)

    def sub(self, other: Quantity) -> Quantity:
        a, b, unit = same_unit(self, other)
        return a._with(a.value - b.value, a.lo - b.hi, a.hi - b.lo, b, unit)

    def neg(self) -> Quantity:
        return Quantity(-self.value, -self.hi, -self.lo, self.unit, self.refs, self.assumed)

    def mul(self, other: Quantity) -> Quantity:
        corners = [x * y for x in (self.lo, self.hi) for y in (other.lo, other.hi)]
        return self._with(self.value * other.value, min(corners), max(corners), other, self.unit or other.unit)

    def div(self, other: Quantity) -> Quantity:
        """Interval division (DQC ``division_intervals``): valid only when the divisor excludes 0."""
        if other.lo <= 0 <= other.hi:
            raise Missing(f"除数 {describe(other)} 为零或可能为零 / divisor {describe(other)} is (or may be) zero")
        a, b, _ = same_unit(self, other)
        with localcontext() as ctx:
            ctx.prec = 34
            corners = [x / y for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
            value = a.value / b.value
        unit = None if a.unit == b.unit else a.unit
        return a._with(value, min(corners), max(corners), b, unit)


def same_unit(a: Quantity, b: Quantity) -> tuple[Quantity, Quantity, str | None]:
    """元 and 万元 figures meet in 万元; an untyped figure (a literal, a capture) takes the other's unit."""
    if a.unit == b.unit or a.unit is None or b.unit is None:
        return a, b, a.unit or b.unit
    fa, fb = _UNIT_IN_WAN.get(a.unit), _UNIT_IN_WAN.get(b.unit)
    if fa is None or fb is None:
        raise RuleBug(f"单位不同无法运算：{a.unit} 与 {b.unit} / cannot combine {a.unit} with {b.unit}")
    return _scale(a, fa), _scale(b, fb), "万元"


def _scale(q: Quantity, f: Decimal) -> Quantity:
    return Quantity(q.value * f, q.lo * f, q.hi * f, "万元", q.refs, q.assumed, q.text)


@dataclass(frozen=True)
class Blank:
    """A blank cell or an unmatched optional capture: not 0 until a policy says so."""

    ref: Ref

    def as_zero(self, assumed: bool) -> Quantity:
        note = "空白按 0 处理（待表内等式确认）/ blank assumed 0" if assumed else "空白按 0 处理 / blank taken as 0"
        ref = Ref(self.ref.name, self.ref.text, None, None, None, self.ref.location, note)
        return Quantity(Decimal(0), Decimal(0), Decimal(0), None, (ref,), assumed)


# ---- document objects --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportV:
    """Another report of the set (``report(kind = "预算", year = year() - 1)``): functions called on it
    (``prev.table("…")``, ``prev.document()``) read that report."""

    document: Document = field(hash=False, compare=False)
    label: str  # "2024年部门预算"
    file: str


ORIGIN_ATTR = "_fiscal_lint_origin"


def tag_origin(document: Document, label: str, file: str) -> None:
    """Mark a report of a set, so that every place read from it names the report (see ``origin_of``).
    The mark is an attribute outside the model's fields: it is never serialised."""
    origin = {"report": label, "file": file}
    object.__setattr__(document, ORIGIN_ATTR, origin)
    for t in document.tables:
        object.__setattr__(t, ORIGIN_ATTR, origin)


def origin_of(obj: object) -> dict[str, Any]:
    """``{"report": …, "file": …}`` for a document or table of a report set, else ``{}``: the extra
    fields of a Location read from it."""
    return getattr(obj, ORIGIN_ATTR, None) or {}


@dataclass(frozen=True)
class TableV:
    table: Table


@dataclass(frozen=True)
class RowV:
    table: Table
    row: Row


@dataclass(frozen=True)
class ColumnV:
    table: Table
    column: Column


@dataclass(frozen=True)
class TocV:
    """An entry of the table of contents (目录), ``index`` its position in it."""

    entry: TocEntry
    index: int


@dataclass(frozen=True)
class Sentence:
    text: str  # normalised prose
    section: Section | None
    paragraph: Paragraph | None
    page: int | None
    location: Location


@dataclass(frozen=True)
class Scope:
    """A piece of prose: the document, a section, a paragraph or a table's notes."""

    name: str
    sentences: tuple[Sentence, ...]
    section: Section | None = None


@dataclass(frozen=True)
class Capture:
    name: str
    text: str | None  # None when the group did not take part in the match
    sentence: Sentence
    end: int  # offset just after the capture in the sentence (to see what follows it)


@dataclass(frozen=True)
class Match:
    text: str
    groups: dict[str, Capture] = field(hash=False)
    sentence: Sentence = field(hash=False)


# ---- verdicts ----------------------------------------------------------------------------------


@dataclass
class Violation:
    """One place where a text assertion fails (one per offending match)."""

    location: Location | None
    evidence: Evidence
    args: dict[str, str] = field(default_factory=dict)


@dataclass
class Verdict:
    status: str  # "pass" | "rounding" (inside the envelope, not exact) | "fail"
    evidence: Evidence = field(default_factory=Evidence)
    location: Location | None = None
    assumed: bool = False  # a blank assumed 0 took part: a failure is inconclusive
    violations: list[Violation] = field(default_factory=list)
    args: dict[str, str] = field(default_factory=dict)
    info_message: str | None = None  # the message of a "rounding" verdict, when not the 尾数差异 one

    @property
    def holds(self) -> bool:
        return self.status != "fail"


def fmt_decimal(v: Decimal) -> str:
    """Computed figures are shown with at most 4 decimals; printed ones exactly as printed."""
    exp = v.as_tuple().exponent
    if isinstance(exp, int) and exp < -4:
        v = v.quantize(Decimal("0.0001"))
    return format(v, "f")


def describe(value: object) -> str:
    """How a value appears in a message or an instance label."""
    if isinstance(value, Quantity):
        return value.text if value.text is not None else fmt_decimal(value.value)
    if isinstance(value, Blank):
        return "（空白）"
    if isinstance(value, Capture):
        return value.text or ""
    if isinstance(value, Match):
        return value.text
    if isinstance(value, RowV):
        return " ".join(p for p in (value.row.code, value.row.label) if p) or f"第{value.row.index + 1}行"
    if isinstance(value, ColumnV):
        return "/".join(_dedupe(value.column.path)) or f"第{value.column.index + 1}列"
    if isinstance(value, TableV):
        # a table without a printed number (Shanghai: 表一…) is named by its title, not its catalogue key
        return value.table.number or value.table.title or value.table.key or ""
    if isinstance(value, TocV):
        return value.entry.text
    if isinstance(value, Sentence):
        return value.text
    if isinstance(value, Scope):
        return value.name
    if isinstance(value, ReportV):
        return value.label
    if isinstance(value, Verdict):
        return value.status
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(describe(v) for v in value)
    return str(value)


def _dedupe(path: list[str]) -> list[str]:
    """A header merged over several rows repeats its text in the path: keep it once."""
    out: list[str] = []
    for p in path:
        if p and (not out or out[-1] != p):
            out.append(p)
    return out


def column_path(column: Column) -> list[str]:
    return _dedupe(column.path)


@dataclass(frozen=True)
class RegexV:
    """A ``re"…"`` literal, compiled by RE2 when first used."""

    pattern: str
