"""Marking Python functions as rule-language functions, and collecting them into a function table.

A rule-language function is an ordinary Python function called as ``f(ctx, *args, **kwargs)``
(``x.f(a)`` in a rule is ``f(ctx, x, a)``). Mark it with :func:`rule_function` and build the table a
``fiscal_lint_dsl_functions`` hook returns with :func:`collect_functions`::

    from linter.api import collect_functions, rule_function     # plugins import from linter.api

    @rule_function()                    # the rule name is the Python name: xb_limit
    def xb_limit(ctx, group, item=None): ...

    @rule_function("xb_sum")            # or a name of its own (a Python keyword or builtin, say)
    def xb_sum_(ctx, values): ...

    @hookimpl
    def fiscal_lint_dsl_functions():
        return collect_functions(my_functions_module)

Marking has no side effect beyond setting one attribute on the function (there is no global
registry): a function is callable from rules only once a hook returns it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar

__all__ = ["RULE_NAME_ATTRIBUTE", "DuplicateFunctionName", "collect_functions", "rule_function", "rule_name"]

#: The attribute :func:`rule_function` sets: the name rules call the function by.
RULE_NAME_ATTRIBUTE = "__rule_function_name__"

F = TypeVar("F", bound=Callable[..., Any])


class DuplicateFunctionName(ValueError):
    """Two different functions were marked with the same rule-language name."""


def rule_function(name: str | None = None) -> Callable[[F], F]:
    """Mark a function as a rule-language function named ``name`` (default: its Python name).

    Returns the function itself, unchanged apart from the marking attribute, so it can still be
    called and tested as plain Python.
    """
    if name is not None and (not isinstance(name, str) or not name.isidentifier()):
        raise ValueError(f"规则函数名必须是标识符 / a rule function name must be an identifier: {name!r}")

    def mark(fn: F) -> F:
        setattr(fn, RULE_NAME_ATTRIBUTE, name or fn.__name__)
        return fn

    return mark


def rule_name(fn: Any) -> str | None:
    """The rule-language name of a marked function; None for anything not marked."""
    value = getattr(fn, RULE_NAME_ATTRIBUTE, None) if callable(fn) else None
    return value if isinstance(value, str) else None


def _marked_in(module: ModuleType) -> list[Callable[..., Any]]:
    """The marked functions *defined* in a module (not those it imports), in source order."""
    found = [
        obj
        for obj in vars(module).values()
        if rule_name(obj) is not None and getattr(obj, "__module__", None) == module.__name__
    ]

    def line(fn: Callable[..., Any]) -> int:
        code = getattr(inspect.unwrap(fn), "__code__", None)
        return code.co_firstlineno if code is not None else 0

    return sorted(found, key=line)


def collect_functions(*modules_or_functions: ModuleType | Callable[..., Any]) -> dict[str, Callable[..., Any]]:
    """Name → function for every marked function found, in the order given.

    A module contributes every marked function defined in it (in source order; marked functions it
    merely imports are left to their own module); a function given directly must be marked. Two
    different functions with the same name raise :class:`DuplicateFunctionName`, naming both.
    """
    table: dict[str, Callable[..., Any]] = {}
    for item in modules_or_functions:
        if isinstance(item, ModuleType):
            fns = _marked_in(item)
        elif rule_name(item) is not None:
            fns = [item]
        else:
            raise TypeError(
                f"{item!r} 不是模块，也没有用 @rule_function 标记 / is neither a module nor marked with @rule_function"
            )
        for fn in fns:
            name = rule_name(fn)
            assert name is not None
            if name in table and table[name] is not fn:
                raise DuplicateFunctionName(
                    f"规则函数 {name} 定义了两次 / rule function {name!r} is defined twice: "
                    f"{_where(table[name])} and {_where(fn)}"
                )
            table[name] = fn
    return table


def _where(fn: Callable[..., Any]) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"
