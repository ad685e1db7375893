"""The rule language as a plugin: its evaluator, its built-in functions and the default rule pack,
registered through the same hooks a third-party plugin uses."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from linter.core.findings import EvaluationResult
from linter.core.markers import hookimpl
from linter.core.model import Document
from linter.dsl.evaluator import evaluate_rules
from linter.dsl.functions import FUNCTIONS
from linter.dsl.nodes import Rule
from linter.dsl.pack import default_pack_paths
from linter.dsl.runtime import Partners


@hookimpl
def fiscal_lint_dsl_functions() -> dict[str, Callable[..., Any]]:
    return dict(FUNCTIONS)


@hookimpl
def fiscal_lint_rule_packs() -> list[Path]:
    return [p for p in default_pack_paths() if p.exists()]


@hookimpl
def fiscal_lint_evaluate(
    document: Document, rules: Sequence[Rule], functions: Mapping[str, Callable[..., Any]]
) -> EvaluationResult:
    return evaluate_rules([r for r in rules if isinstance(r, Rule)], document, functions)


@hookimpl
def fiscal_lint_evaluate_set(
    document: Document, rules: Sequence[Rule], functions: Mapping[str, Callable[..., Any]], partners: Partners
) -> EvaluationResult:
    return evaluate_rules([r for r in rules if isinstance(r, Rule)], document, functions, partners)
