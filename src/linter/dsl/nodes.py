"""The typed syntax tree of the rule language (what :mod:`linter.dsl.parser` builds)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path


@dataclass(frozen=True)
class Pos:
    line: int
    col: int


NOWHERE = Pos(0, 0)


# ---- expressions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    value: Decimal
    text: str  # as written: its decimals make its rounding interval
    pos: Pos = NOWHERE


@dataclass(frozen=True)
class Percent:
    value: Decimal  # the number before "%": 0.1% → 0.1
    text: str
    pos: Pos = NOWHERE


@dataclass(frozen=True)
class String:
    value: str
    pos: Pos = NOWHERE


@dataclass(frozen=True)
class Regex:
    pattern: str
    pos: Pos = NOWHERE


@dataclass(frozen=True)
class Bool:
    value: bool
    pos: Pos = NOWHERE


@dataclass(frozen=True)
class Var:
    name: str
    pos: Pos = NOWHERE


@dataclass(frozen=True)
class ListExpr:
    items: tuple[Expr, ...]
    pos: Pos = NOWHERE


@dataclass(frozen=True)
class BinOp:
    op: str  # + - * /
    left: Expr
    right: Expr
    pos: Pos = NOWHERE


@dataclass(frozen=True)
class Neg:
    operand: Expr
    pos: Pos = NOWHERE


@dataclass(frozen=True)
class Compare:
    op: str  # == != <= >= < > in "not in"
    left: Expr
    right: Expr
    pos: Pos = NOWHERE


@dataclass(frozen=True)
class And:
    items: tuple[Expr, ...]
    pos: Pos = NOWHERE


@dataclass(frozen=True)
class Or:
    items: tuple[Expr, ...]
    pos: Pos = NOWHERE


@dataclass(frozen=True)
class Not:
    operand: Expr
    pos: Pos = NOWHERE


@dataclass(frozen=True)
class Call:
    """``f(a, k=v)``; a method call ``a.f(k=v)`` is the same call with ``a`` first."""

    name: str
    args: tuple[Expr, ...]
    kwargs: tuple[tuple[str, Expr], ...]
    pos: Pos = NOWHERE


@dataclass(frozen=True)
class Attr:
    obj: Expr
    name: str
    pos: Pos = NOWHERE


Expr = Number | Percent | String | Regex | Bool | Var | ListExpr | BinOp | Neg | Compare | And | Or | Not | Call | Attr


# ---- statements -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tolerance:
    method: str  # "rounding" | "abs" | "rel" | "exact"
    amount: Decimal | None = None  # abs: the radius; rel: a fraction (0.1% → 0.001)


ROUNDING = Tolerance("rounding")


@dataclass(frozen=True)
class For:
    names: tuple[str, ...]
    iterable: Expr
    pos: Pos = NOWHERE


@dataclass(frozen=True)
class Let:
    name: str
    expr: Expr
    blank: str | None = None  # skip | zero | assume_zero | insufficient
    pos: Pos = NOWHERE


@dataclass(frozen=True)
class When:
    cond: Expr
    negate: bool = False  # unless
    pos: Pos = NOWHERE


@dataclass(frozen=True)
class Assert:
    expr: Expr
    tolerance: Tolerance = ROUNDING
    message: str | None = None
    source: str = ""  # the assertion as written, for the evidence
    pos: Pos = NOWHERE


Statement = For | Let | When | Assert


# ---- files ------------------------------------------------------------------------------------


@dataclass
class Rule:
    id: str
    title: str
    severity: str = ""
    message: str = ""
    category: str | None = None
    basis: str | None = None
    version: str | None = None
    tags: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    blank: str = "insufficient"
    status: str = "approved"
    example: str | None = None  # a defect the rule finds, for `explain`
    fix: str | None = None  # how to put it right, for `explain`
    body: tuple[Statement, ...] = ()
    pos: Pos = NOWHERE
    file: Path | None = None
    meta_seen: dict[str, Pos] = field(default_factory=dict)  # metadata keys written, for the checker
    consts: dict[str, Expr] = field(default_factory=dict)  # the file's constants


@dataclass(frozen=True)
class PackDecl:
    name: str
    version: str
    dsl: str
    pos: Pos = NOWHERE


@dataclass(frozen=True)
class Const:
    name: str
    expr: Expr
    pos: Pos = NOWHERE


@dataclass
class RuleFile:
    path: Path
    source: str
    pack: PackDecl | None = None
    consts: list[Const] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
