"""The built-in DSL functions, registered through the same hook a third-party plugin uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from linter.dsl.builtins import FUNCTIONS
from linter.hookspecs import hookimpl


@hookimpl
def fiscal_lint_dsl_functions() -> dict[str, Callable[..., Any]]:
    return dict(FUNCTIONS)
