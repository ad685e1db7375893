"""The rule language: rule packs are data, evaluated safely over a :class:`linter.core.model.Document`.

Python API::

    from linter.dsl import default_pack_paths, evaluate, load_packs

    packs = load_packs(default_pack_paths())      # raises DslError with file:line:col diagnostics
    result = evaluate(packs, document)            # EvaluationResult(findings, outcomes, errors)
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module
from typing import TYPE_CHECKING, Any

from linter.core.findings import EvaluationResult

if TYPE_CHECKING:
    from linter.core.model import Document
    from linter.dsl import nodes as n
    from linter.dsl.diagnostics import Diagnostic, DslError
    from linter.dsl.pack import RulePack, check_paths, default_pack_paths, load_packs

__all__ = [
    "Diagnostic",
    "DslError",
    "EvaluationResult",
    "RulePack",
    "check_paths",
    "default_pack_paths",
    "evaluate",
    "load_packs",
    "parse_source",
]

# Loaded on first use: a module of the language (its function table, say) can be imported without the rest of it,
# and a check forks its early parse (linter.run.prefetch) before the syntax trees and the evaluator are loaded.
_LAZY = {
    "Diagnostic": "linter.dsl.diagnostics", "DslError": "linter.dsl.diagnostics",
    "RulePack": "linter.dsl.pack", "check_paths": "linter.dsl.pack", "default_pack_paths": "linter.dsl.pack",
    "load_packs": "linter.dsl.pack",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'linter.dsl' has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def evaluate(packs: RulePack | Sequence[RulePack], document: Document) -> EvaluationResult:
    """Run every rule of the packs over the document. A broken rule is reported in ``errors``."""
    from linter.dsl.evaluator import evaluate_rules
    from linter.dsl.pack import RulePack

    pack_list = [packs] if isinstance(packs, RulePack) else list(packs)
    return evaluate_rules([r for p in pack_list for r in p.rules], document)


def parse_source(source: str, path: str = "<string>") -> n.RuleFile:
    """Parse one rule file's text (raises :class:`DslError` with ``file:line:col`` diagnostics). The parser, and
    lark with it, is imported on first use: checks whose packs come compiled from the store never need it."""
    from linter.dsl.parser import parse_source as parse

    return parse(source, path)
