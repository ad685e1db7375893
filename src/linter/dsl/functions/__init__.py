"""The built-in functions of the rule language, one module per theme.

Every function is called as ``f(ctx, *args, **kwargs)``; in a rule ``x.f(a)`` is ``f(x, a)``. Each is
marked with :func:`linter.dsl.registration.rule_function` in its theme module, and :data:`FUNCTIONS`
collects them. They reach the rules through the ``fiscal_lint_dsl_functions`` hook (see
:mod:`linter.plugins.rule_language`), exactly as a third-party plugin's functions do.

``docs/functions.md`` is generated from the docstrings and signatures here (``python docs/generate.py``):
a function's docstring is its reference documentation.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from linter.dsl.functions import (
    classification_functions,
    number_functions,
    prose_functions,
    set_functions,
    structure_functions,
    table_functions,
    wording_functions,
)
from linter.dsl.registration import collect_functions

#: The theme modules, in the order the reference presents them.
THEMES: tuple[ModuleType, ...] = (
    table_functions,
    number_functions,
    prose_functions,
    wording_functions,
    structure_functions,
    classification_functions,
    set_functions,
)

#: Name → function: every built-in rule-language function.
FUNCTIONS: dict[str, Callable[..., Any]] = collect_functions(*THEMES)

__all__ = ["FUNCTIONS", "THEMES"]
