"""The typed syntax tree of the rule language (what :mod:`linter.dsl.parser` builds)."""

from __future__ import annotations

import gc
import io
import pickle
from dataclasses import dataclass, field, is_dataclass
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path, PosixPath, PurePosixPath, PureWindowsPath, WindowsPath
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

    @cached_property
    def reads_other_reports(self) -> bool:
        """A cross-document rule: it calls ``report()``, so it runs on a report set, after every file. Worked out
        once (a walk of the whole tree) and kept with the rule, in the compiled-pack cache too."""
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


# ---- rule-file syntax trees in the compiled-pack cache -----------------------------------------


# Stored with pickle (rebuilding 130 000 nodes from JSON took 0.17 s a process, unpickling them 0.07 s), read
# back by an unpickler that admits only the classes of this module, Decimal and the path classes: a cache entry
# can describe a tree, it cannot name a function to call (the restriction the pickle documentation gives).
_TREE_GLOBALS = {("decimal", "Decimal"): Decimal, ("pathlib", "PosixPath"): PosixPath,
                 ("pathlib", "WindowsPath"): WindowsPath, ("pathlib", "PurePosixPath"): PurePosixPath,
                 ("pathlib", "PureWindowsPath"): PureWindowsPath}


@lru_cache(maxsize=1)
def _node_classes() -> dict[str, type]:
    return {
        name: cls for name, cls in globals().items()
        if isinstance(cls, type) and is_dataclass(cls) and cls.__module__ == __name__
    }


class _TreeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name in _node_classes():
            return _node_classes()[name]
        if (module, name) in _TREE_GLOBALS:
            return _TREE_GLOBALS[(module, name)]
        raise pickle.UnpicklingError(f"not a rule-tree class: {module}.{name}")

    def persistent_load(self, pid: Any) -> Any:
        raise pickle.UnpicklingError("not a rule tree")


def dump_tree(o: Any) -> bytes:
    """Syntax trees (with the plain data around them) as bytes for the cache: :func:`load_tree` reads them."""
    return pickle.dumps(o, protocol=pickle.HIGHEST_PROTOCOL)


def read_tree_file(path: Path) -> Any:
    """What :func:`dump_tree` wrote to the cache entry ``path``, or None for a miss: no such file, or an entry that
    cannot be read back (truncated, foreign, of an older layout), which is removed."""
    try:
        return load_tree(path.read_bytes())
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - whatever is wrong with an entry: a miss
        try:
            path.unlink()
        except OSError:
            pass
        return None


def load_tree(data: bytes) -> Any:
    """What :func:`dump_tree` wrote. Anything else (a class outside the tree, a truncated entry) raises
    ``pickle.UnpicklingError`` or another ``ValueError``/``EOFError``-like error the caller treats as a miss.

    The collector is paused meanwhile: a tree is 130 000 new objects and no garbage, and the collections their
    allocation would trigger are a third of the time."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _TreeUnpickler(io.BytesIO(data)).load()
    finally:
        if paused:
            gc.enable()
