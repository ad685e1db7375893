"""One session: the plugins in effect and everything built from them, made once and passed down.

A :class:`Session` holds the configuration, the plugin manager, the table catalogue, the rule-language
function table and the output formats. Commands build one from the configuration; the run hands it to
the evaluation and (by fork) to every worker; a library caller builds its own with the plugins it
chooses::

    from linter.session import Session

    session = Session.build(plugins=[("my-plugin", my_plugin_module)], entry_points=False)
    document = session.parse(Path("report.pdf"))
    result = session.evaluate(document, [r for p in session.load_packs() for r in p.rules])

Nothing here is process-wide state: two sessions with different plugins can live side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.core.catalogue import Catalogue
from linter.core.config import Config
from linter.core.hookspecs import ReporterFactory, RuleDefinition
from linter.parse.documents import catalogue_of, parse_file, supported_formats
from linter.session.plugin_manager import PluginLoadError, PluginManager, make_manager, plugin_versions

if TYPE_CHECKING:
    from linter.core.findings import EvaluationResult
    from linter.core.model import Document
    from linter.dsl import RulePack
    from linter.dsl.pack import PackStore

__all__ = ["PluginLoadError", "PluginManager", "Session"]

PARSER_PROFILES = ("hubei", "shanghai", "jiangsu", "national")  # the templates the PDF parser recognises (model.Metadata)


@dataclass
class Session:
    config: Config
    pm: PluginManager
    catalogue: Catalogue
    functions: dict[str, Callable[..., Any]]
    reporters: dict[str, ReporterFactory]
    formats: list[str] = field(default_factory=list)  # file suffixes the parsers read

    @classmethod
    def build(
        cls,
        config: Config | None = None,
        *,
        plugins: Iterable[tuple[str, object]] = (),
        entry_points: bool = True,
        disabled: Iterable[str] = (),
    ) -> Session:
        """The plugins of ``config`` (its ``disable-plugins``, plus ``disabled``), the built-ins, ``plugins``
        given by the caller and the installed entry points (unless ``entry_points`` is false).

        Raises :class:`PluginLoadError` (one line, Chinese and English) when a plugin cannot be used.
        """
        config = config or Config()
        pm = make_manager(tuple(config.disable_plugins) + tuple(disabled), plugins, entry_points)
        reporters: dict[str, ReporterFactory] = {}
        for table in reversed(pm.hook.fiscal_lint_reporters()):  # registration order: later plugins override
            reporters.update(table)
        return cls(config, pm, catalogue_of(pm), pm.dsl_functions, reporters, supported_formats(pm))

    # -- what the plugins provide -----------------------------------------------------------------

    @property
    def table_keys(self) -> set[str]:
        """Every table key a rule may name: the standard catalogue and what the plugins add."""
        return set(Catalogue().keys()) | set(self.catalogue.keys())

    def rule_pack_paths(self, with_defaults: bool = True) -> list[Path]:
        """The packs the plugins ship (the default pack is one of them), then the configured ones."""
        paths: list[Path] = []
        if with_defaults:
            paths += [p for group in self.pm.hook.fiscal_lint_rule_packs() for p in group]
        return paths + list(self.config.rules)

    def load_packs(
        self, paths: Sequence[Path] | None = None, parse: Callable[[Path], Any] | None = None,
        store: PackStore | None = None,
    ) -> list[RulePack]:
        """Load and check rule packs against this session's functions and tables (raises DslError).

        ``paths`` defaults to :meth:`rule_pack_paths` under the configuration's ``default-rules``.
        """
        from linter.dsl import load_packs  # the rule language loads with the first packs, not with the plugins

        if paths is None:
            paths = self.rule_pack_paths(self.config.default_rules)
        return load_packs(paths, parse, functions=self.functions, tables=self.table_keys, store=store)

    def known_profiles(self, packs: Sequence[RulePack]) -> set[str]:
        """Template profiles the parser detects, the catalogue numbers tables for, or some rule is restricted to."""
        found = set(PARSER_PROFILES) | {p for spec in self.catalogue.specs for p in spec.numbers}
        return found | {p for pack in packs for r in pack.rules for p in r.profiles}

    def plugin_versions(self) -> list[tuple[str, str | None]]:
        """(name, version) of every registered plugin, sorted: part of cache keys and of the log."""
        return plugin_versions(self.pm)

    # -- the pipeline ---------------------------------------------------------------------------

    def parse(self, path: Path, options: dict[str, Any] | None = None) -> Document:
        """Parse one file in this process (the parser enforces the limits it can check itself)."""
        return parse_file(path, self.pm, {"limits": self.config.limits(), **(options or {})})

    def evaluate(self, document: Document, rules: Sequence[RuleDefinition]) -> EvaluationResult:
        """Every evaluator plugin over the document (the rule language is the built-in one), merged in
        plugin registration order."""
        return _merged(self.pm.hook.fiscal_lint_evaluate(document=document, rules=list(rules), functions=self.functions))

    def evaluate_set(self, document: Document, rules: Sequence[RuleDefinition], partners: Any) -> EvaluationResult:
        """The cross-document rules of one report against the other reports of its set (``partners``)."""
        return _merged(self.pm.hook.fiscal_lint_evaluate_set(
            document=document, rules=list(rules), functions=self.functions, partners=partners
        ))


def _merged(results: list[EvaluationResult | None]) -> EvaluationResult:
    """The evaluator plugins' results merged in registration order (pluggy returns them last registered first)."""
    from linter.core.findings import EvaluationResult  # with the first evaluation: a parsing worker never needs it

    merged = EvaluationResult()
    for result in reversed(results):
        if result is not None:
            merged.merge(result)
    return merged
