"""The public API: everything a plugin, a rule-pack test or a library caller may use.

Import from here (``from linter.api import Document, rule_function, …``), never from the modules behind it:
those are free to move, this module keeps its names (a removal or an incompatible change comes with a new
major version). ``tests/test_public_api.py`` fails when a file under ``plugins/`` imports anything else.

Groups:

- the document model a parser builds and rules read (:class:`Document`, :class:`Table`, :class:`Row`,
  :class:`Cell`, :class:`Section`, …) and the table catalogue (:class:`Catalogue`, :class:`TableSpec`);
- helpers a parser plugin needs to build the same model as the built-in PDF parser (table builder, text
  normalisation, amounts and codes, schema validation) and :class:`InputError` for a file it cannot read;
- the rule language's values and the decorator for functions (:func:`rule_function`, :func:`collect_functions`,
  :class:`Context`, :class:`Quantity`, :class:`Skip`, :class:`Missing`, :class:`RuleBug`);
- what evaluation produces (:class:`Finding`, :class:`Outcome`, :class:`EvaluationResult`, :class:`RuleMeta`)
  and what reporters read (:class:`RunResult`, :class:`FileResult`);
- the hook marker :data:`hookimpl` and the ``Protocol`` types of the typed hookspecs (:class:`Reporter`,
  :class:`DslFunction`, :class:`RuleDefinition`);
- :class:`Session` (the plugins in effect, to parse, load packs and evaluate from Python) and the rule-pack
  test runner.
"""

from __future__ import annotations

from linter import __version__
from linter.core.catalogue import Catalogue, TableSpec
from linter.core.config import Config
from linter.core.errors import InputError
from linter.core.findings import (
    EvaluationResult,
    Evidence,
    Finding,
    Location,
    Operand,
    Outcome,
    PackInfo,
    RuleError,
    RuleMeta,
)
from linter.core.hookspecs import DslFunction, Reporter, ReporterFactory, ReportPartners, RuleDefinition, hookimpl
from linter.core.limits import Limits
from linter.core.model import (
    Cell,
    Document,
    Metadata,
    Note,
    Paragraph,
    ParserInfo,
    Row,
    Section,
    Source,
    Table,
    TocEntry,
    iter_sections,
)
from linter.core.numbers import is_code, parse_amount
from linter.core.results import DocInfo, FileResult, RunResult
from linter.core.sets import Grouping, Report, ReportKey, ReportSet, group, normalise_unit
from linter.core.text import (
    is_cjk,
    is_note_start,
    join_wrapped,
    normalise_label,
    normalise_prose,
    split_sentences,
    squash,
    strip_prefix,
)
from linter.dsl import DslError, RulePack, load_packs
from linter.dsl.fragments import apply_patches, load_document
from linter.dsl.registration import collect_functions, rule_function
from linter.dsl.runtime import Context, as_text
from linter.dsl.testing import run_pack_tests
from linter.dsl.values import Missing, Quantity, ReportV, RuleBug, Skip
from linter.parse.table_builder import Caption, SlotGrid, build_table, is_blank_total, is_lanci_row, origin_texts
from linter.parse.validation import schema_errors
from linter.session import PluginLoadError, Session
from linter.session.plugin_manager import DISABLE_ENV

__all__ = [
    "DISABLE_ENV",
    "Caption",
    "Catalogue",
    "Cell",
    "Config",
    "Context",
    "DocInfo",
    "Document",
    "DslError",
    "DslFunction",
    "EvaluationResult",
    "Evidence",
    "FileResult",
    "Finding",
    "Grouping",
    "InputError",
    "Limits",
    "Location",
    "Metadata",
    "Missing",
    "Note",
    "Operand",
    "Outcome",
    "PackInfo",
    "Paragraph",
    "ParserInfo",
    "PluginLoadError",
    "Quantity",
    "Report",
    "ReportKey",
    "ReportPartners",
    "ReportSet",
    "ReportV",
    "Reporter",
    "ReporterFactory",
    "Row",
    "RuleBug",
    "RuleDefinition",
    "RuleError",
    "RuleMeta",
    "RulePack",
    "RunResult",
    "Section",
    "Session",
    "Skip",
    "SlotGrid",
    "Source",
    "Table",
    "TableSpec",
    "TocEntry",
    "__version__",
    "apply_patches",
    "as_text",
    "build_table",
    "collect_functions",
    "group",
    "hookimpl",
    "is_blank_total",
    "is_cjk",
    "is_code",
    "is_lanci_row",
    "is_note_start",
    "iter_sections",
    "join_wrapped",
    "load_document",
    "load_packs",
    "normalise_label",
    "normalise_unit",
    "normalise_prose",
    "origin_texts",
    "parse_amount",
    "rule_function",
    "run_pack_tests",
    "schema_errors",
    "split_sentences",
    "squash",
    "strip_prefix",
]
