"""The function table rules may call: built-ins plus every plugin's ``fiscal_lint_dsl_functions``."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from linter.dsl.builtins import FUNCTIONS

# Evaluated by the evaluator itself (they must see "not found" instead of failing on it).
SPECIAL_FORMS = frozenset({"exists"})


class FunctionConflict(Exception):
    pass


@lru_cache(maxsize=1)
def registry() -> dict[str, Callable[..., Any]]:
    """Name → callable ``f(ctx, *args, **kwargs)``. A name defined twice is an error."""
    try:
        from linter.plugin_manager import default_manager

        results: list[dict[str, Callable[..., Any]]] = default_manager().hook.fiscal_lint_dsl_functions()
    except ImportError:  # the plugin manager is optional for the language itself
        results = [FUNCTIONS]
    merged: dict[str, Callable[..., Any]] = {}
    for table in results:
        for name, fn in table.items():
            if name in merged and merged[name] is not fn:
                raise FunctionConflict(f"DSL 函数 {name} 被定义了两次 / DSL function {name!r} is defined twice")
            if name in SPECIAL_FORMS:
                raise FunctionConflict(f"{name} 是语言保留函数 / {name!r} is reserved by the language")
            merged[name] = fn
    if not merged:  # the built-in plugin was disabled: the language still has its core
        merged = dict(FUNCTIONS)
    return merged
