"""The typed syntax tree of the rule language (what :mod:`linter.dsl.parser` builds)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from linter.core.findings import RuleMeta


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

    @property
    def reads_other_reports(self) -> bool:
        """A cross-document rule: it calls ``report()``, so it runs on a report set, after every file."""
        exprs: list[Any] = list(self.consts.values())
        for st in self.body:
            exprs.append(st.iterable if isinstance(st, For) else st.expr if isinstance(st, Let | Assert) else st.cond)
        while exprs:
            e = exprs.pop()
            if isinstance(e, Call):
                if e.name == "report":
                    return True
                exprs.extend(e.args)
                exprs.extend(v for _, v in e.kwargs)
            elif isinstance(e, ListExpr | And | Or):
                exprs.extend(e.items)
            elif isinstance(e, BinOp | Compare):
                exprs.extend((e.left, e.right))
            elif isinstance(e, Neg | Not):
                exprs.append(e.operand)
            elif isinstance(e, Attr):
                exprs.append(e.obj)
        return False

    @property
    def meta(self) -> RuleMeta:
        """The rule as every output sees it (the evaluator-neutral metadata)."""
        return RuleMeta(self.id, self.title, self.severity, self.version, self.basis, self.fix, self.category,
                        tuple(self.tags), self.example)


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


# ---- rule-file syntax trees as JSON ----------------------------------------------------------


# A node is a list ``[class name, field values in order]``; other containers are tagged objects.


def encode_node(o: Any) -> Any:
    if o is None or isinstance(o, bool | int | str | float):
        return o
    if is_dataclass(o) and not isinstance(o, type) and type(o).__module__ == __name__:
        return [type(o).__name__, *(encode_node(getattr(o, f.name)) for f in fields(o))]
    if isinstance(o, tuple):
        return {"t": [encode_node(x) for x in o]}
    if isinstance(o, list):
        return {"l": [encode_node(x) for x in o]}
    if isinstance(o, dict):
        return {"m": [[encode_node(k), encode_node(v)] for k, v in o.items()]}
    if isinstance(o, Decimal):
        return {"d": str(o)}
    if isinstance(o, Path):
        return {"p": str(o)}
    raise TypeError(f"cannot cache a {type(o).__name__} in a rule tree")


@lru_cache(maxsize=1)
def _node_classes() -> dict[str, type]:
    return {
        name: cls for name, cls in globals().items()
        if isinstance(cls, type) and is_dataclass(cls) and cls.__module__ == __name__
    }


def decode_node(o: Any) -> Any:
    classes = _node_classes()

    def dec(o: Any) -> Any:
        if isinstance(o, list):
            cls = classes.get(o[0])
            if cls is None:
                raise ValueError(f"not a rule-tree node: {o[0]!r}")
            return cls(*[dec(v) for v in o[1:]])
        if not isinstance(o, dict):
            return o
        if "t" in o:
            return tuple([dec(x) for x in o["t"]])
        if "l" in o:
            return [dec(x) for x in o["l"]]
        if "m" in o:
            return {dec(k): dec(v) for k, v in o["m"]}
        if "d" in o:
            return Decimal(o["d"])
        if "p" in o:
            return Path(o["p"])
        raise ValueError("not a rule-tree value")

    return dec(o)
