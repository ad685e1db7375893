"""The function table rules may call: the built-in functions plus every plugin's ``fiscal_lint_dsl_functions``.

The table is built once per session (:class:`linter.session.Session`) and handed to the checker and the
evaluator; there is no process-wide table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from linter.dsl.functions import FUNCTIONS

# Evaluated by the evaluator itself (they must see "not found" instead of failing on it).
SPECIAL_FORMS = frozenset({"exists"})

FunctionTable = Mapping[str, Callable[..., Any]]


class FunctionConflict(Exception):
    pass


def builtin_functions() -> dict[str, Callable[..., Any]]:
    """The language's own functions: the table when no plugin manager is involved (rule tests, the API)."""
    return dict(FUNCTIONS)


def merge_tables(tables: Iterable[Mapping[str, Callable[..., Any]]]) -> dict[str, Callable[..., Any]]:
    """Name → callable ``f(ctx, *args, **kwargs)`` from several tables. A name defined twice is an error.

    The language's own functions are always there, whichever plugins are enabled (the built-in
    rule-language plugin contributes the same objects, so it never conflicts with them); a plugin may
    add names, never replace one.
    """
    merged: dict[str, Callable[..., Any]] = builtin_functions()
    for table in tables:
        for name, fn in table.items():
            if name in merged and merged[name] is not fn:
                raise FunctionConflict(f"DSL 函数 {name} 被定义了两次 / DSL function {name!r} is defined twice")
            if name in SPECIAL_FORMS:
                raise FunctionConflict(f"{name} 是语言保留函数 / {name!r} is reserved by the language")
            merged[name] = fn
    return merged
