"""本局规则函数 / the bureau's rule functions.

A rule calls them like any built-in: ``xb_subject_name(r.code)``, ``xb_limit("三公经费", item)``.
fiscal-lint calls each one as ``f(ctx, *args, **kwargs)``: the first argument is the evaluation
context (the document is ``ctx.document``), the others are what the rule passes. The checker
(``fiscal-lint rules check``) compares each call with the Python signature, so keep the signatures
plain.

Mark each rule function with ``@rule_function()`` (the rule name is the Python name; give another
with ``@rule_function("xb_other_name")``). ``FUNCTIONS`` at the end collects every marked function
of this module with ``collect_functions``, and ``plugin.py`` registers that table: a new function
needs no other change. Helpers without the mark (``load_data``) stay plain Python, invisible to rules.

What a function may return and raise (all from :mod:`linter.api`, the only module a plugin imports):

- a ``str`` (text), a ``bool``, a list, or a :class:`~linter.api.Quantity` for a number
  (``Quantity.exact(Decimal("100"))`` for a constant; figures read from the document keep their
  printed precision, so compare them with the rule language, not in Python);
- raise :class:`~linter.api.Skip` to end the instance as *not applicable*,
  :class:`~linter.api.Missing` for *insufficient data*, and
  :class:`~linter.api.RuleBug` when the rule calls the function wrongly (reported as a rule
  error; the other rules still run).

Prefix the names with the bureau's own short name (here ``xb_``): two plugins defining the same
function name stop fiscal-lint at start-up.

The data (code table, thresholds) lives in ``data/*.json`` so it can be updated without touching
Python; bump the pack version when it changes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib.resources import files
from typing import Any

from linter.api import Context, Quantity, RuleBug, Skip, as_text, collect_functions, rule_function

DEFAULT_KEY = "默认"


@cache
def load_data(name: str) -> dict[str, Any]:
    """A JSON file from ``data/`` (read once)."""
    text = (files("fiscal_lint_bureau_example") / "data" / name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@rule_function()
def xb_subject_name(ctx: Context, code: Any) -> str:
    """本局科目表中该编码的规范名称 / the official name of a function-classification code.

    ``xb_subject_name("2013101")`` is ``"行政运行"``. A code the table does not list ends the instance
    as not applicable (the bureau's table is an excerpt; nothing is claimed about other codes).
    """
    key = as_text(code).strip()
    subjects: dict[str, str] = load_data("subjects.json")["subjects"]
    name = subjects.get(key)
    if name is None:
        raise Skip(f"科目 {key or '（无编码）'} 不在本局科目表中 / code {key!r} is not in the bureau's code table")
    return name


@rule_function()
def xb_limit(ctx: Context, group: Any, item: Any = None) -> Quantity:
    """本局规定的上限（%） / the bureau's ceiling for an item, in percent.

    ``xb_limit("三公经费", "公务接待费")`` reads ``data/limits.json``: the item's own value, else the
    group's ``默认`` value. An unknown group is a mistake in the rule (a rule error).
    """
    limits: dict[str, dict[str, str]] = load_data("limits.json")["limits"]
    g = as_text(group)
    if g not in limits:
        raise RuleBug(f"本局上限表中没有 {g} / no group {g!r} in data/limits.json (known: {', '.join(limits)})")
    table = limits[g]
    key = as_text(item) if item is not None else DEFAULT_KEY
    raw = table.get(key, table.get(DEFAULT_KEY))
    if raw is None:
        raise RuleBug(f"{g} 没有 {key} 的上限，也没有默认值 / no limit for {key!r} and no default in {g!r}")
    try:
        return Quantity.exact(Decimal(str(raw)))
    except InvalidOperation:
        raise RuleBug(f"上限 {raw!r} 不是数字 / limit {raw!r} is not a number") from None


# Every function of this module marked @rule_function, by rule name (this module, as defined above).
FUNCTIONS: dict[str, Callable[..., Any]] = collect_functions(sys.modules[__name__])
