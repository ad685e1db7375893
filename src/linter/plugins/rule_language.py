"""The rule language as a plugin: its evaluator, its built-in functions and the default rule pack,
registered through the same hooks a third-party plugin uses."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.core.markers import hookimpl

if TYPE_CHECKING:
    from linter.core.findings import EvaluationResult
    from linter.core.model import Document
    from linter.dsl.nodes import Rule
    from linter.dsl.runtime import Partners

# The language is imported by the hooks that use it: registering this plugin (every start-up, also a worker's
# that only parses) loads none of it.


@hookimpl
def fiscal_lint_dsl_functions() -> dict[str, Callable[..., Any]]:
    from linter.dsl.functions import FUNCTIONS

    return dict(FUNCTIONS)


@hookimpl
def fiscal_lint_rule_packs() -> list[Path]:
    from linter.dsl.pack import default_pack_paths

    return [p for p in default_pack_paths() if p.exists()]


@hookimpl
def fiscal_lint_evaluate(
    document: Document, rules: Sequence[Rule], functions: Mapping[str, Callable[..., Any]]
) -> EvaluationResult:
    from linter.dsl.evaluator import evaluate_rules
    from linter.dsl.nodes import Rule

    return evaluate_rules([r for r in rules if isinstance(r, Rule)], document, functions)


@hookimpl
def fiscal_lint_evaluate_set(
    document: Document, rules: Sequence[Rule], functions: Mapping[str, Callable[..., Any]], partners: Partners
) -> EvaluationResult:
    from linter.dsl.evaluator import evaluate_rules
    from linter.dsl.nodes import Rule

    return evaluate_rules([r for r in rules if isinstance(r, Rule)], document, functions, partners)
