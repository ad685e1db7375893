"""The function table rules may call: the built-in functions plus every plugin's ``fiscal_lint_dsl_functions``.

The plugin manager builds the table once per session (``linter.session``), refusing a name defined twice, and
the session hands it to the checker and the evaluator; there is no process-wide table. Without a session
(rule tests, the API) the language's own functions are the table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from linter.dsl.functions import FUNCTIONS

# Evaluated by the evaluator itself (they must see "not found" instead of failing on it).
SPECIAL_FORMS = frozenset({"exists"})

FunctionTable = Mapping[str, Callable[..., Any]]


def builtin_functions() -> dict[str, Callable[..., Any]]:
    """The language's own functions: the table when no plugin manager is involved (rule tests, the API)."""
    return dict(FUNCTIONS)
