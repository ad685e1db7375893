"""The hook implementations fiscal-lint calls. The entry point ``fiscal_lint`` → this module.

A bureau plugin needs nothing more than this file: one function per hook, each marked with
``@hookimpl`` and named exactly as in :mod:`linter.core.hookspecs` (a misspelt name stops fiscal-lint at
start-up with an error naming this plugin and the hook).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

from linter import hookimpl

from fiscal_lint_bureau_example.functions import FUNCTIONS


def pack_path() -> Path:
    """The rule pack shipped inside the package (``rules/``: rule files and their test cases)."""
    return Path(str(files("fiscal_lint_bureau_example") / "rules"))


@hookimpl
def fiscal_lint_rule_packs() -> list[Path]:
    """本局规则包：与内置规则包一起运行 / run together with the built-in pack by ``fiscal-lint check``."""
    return [pack_path()]


@hookimpl
def fiscal_lint_dsl_functions() -> dict[str, Callable[..., Any]]:
    """本局规则函数 / the functions the pack's rules call (names start with ``xb_``).

    ``FUNCTIONS`` (in ``functions.py``) is built by ``collect_functions``: every function there marked
    with ``@rule_function``. A plugin with several modules of functions returns
    ``collect_functions(amounts, codes)`` here (a name defined twice is an error).
    """
    return dict(FUNCTIONS)
