"""Helpers for the rule-language tests: evaluate rule text on a small fragment document.

Imported as ``dsl_helpers``: pytest puts this folder on sys.path (the tests are not a package)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from linter.core.findings import EvaluationResult
from linter.dsl.checker import check_files
from linter.dsl.diagnostics import DslError
from linter.dsl.evaluator import evaluate_rules
from linter.dsl.fragments import load_document
from linter.dsl.parser import parse_source

REPO = Path(__file__).resolve().parents[2]


def run(rules: str, document: dict[str, Any]) -> EvaluationResult:
    """Parse, check (errors fail the test) and evaluate ``rules`` over a fragment document."""
    f = parse_source(rules, "test.rules")
    errors = [d for d in check_files([f]) if d.level == "error"]
    if errors:
        raise DslError(errors)
    return evaluate_rules(f.rules, load_document(document))


def prose(*paragraphs: str, heading: str = "一、收入支出决算总体情况说明") -> dict[str, Any]:
    return {"sections": [{"heading": heading, "paragraphs": list(paragraphs)}]}


def one_row_table(key: str, columns: list[str], row: list[str], **extra: Any) -> dict[str, Any]:
    return {"key": key, "number": "公开09表", "columns": columns, "rows": [row], **extra}
