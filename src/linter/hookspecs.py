"""The hooks through which every part of fiscal-lint is plugged in.

Built-in parsers, table catalogues, DSL functions, rule packs and reporters
register through these same hooks as a third-party plugin does (entry-point
group ``fiscal_lint``). Implement a hook with ``@linter.hookimpl``::

    from linter import hookimpl

    @hookimpl
    def fiscal_lint_parse_document(path, data, options):
        if not path.suffix.lower() == ".xyz":
            return None          # not mine: the next parser is asked
        return my_parse(path, data)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pluggy

PROJECT = "fiscal_lint"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec(firstresult=True)
def fiscal_lint_parse_document(path: Path, data: bytes, options: dict[str, Any]) -> Any:
    """Parse one input file into a :class:`linter.model.Document`.

    Called once per input file, in plugin order; the first non-None result wins.
    Return None when the file is not of your format (decide from ``path`` suffix
    or from the leading bytes of ``data``). Raise :class:`linter.errors.InputError`
    when the file is yours but cannot be read (corrupt, encrypted, no text layer):
    the run reports it as "not checked" with exit code 2 and goes on.
    ``options`` carries parser settings such as resource limits.
    """


@hookspec
def fiscal_lint_parser_formats() -> list[str]:
    """File suffixes (lower case, with the dot) this plugin's parser accepts, e.g. ``[".pdf"]``.

    Used to pick files out of a directory and to say "no parser for this format".
    All results are collected.
    """


@hookspec
def fiscal_lint_table_catalogue() -> list[Any]:
    """Extra :class:`linter.catalogue.TableSpec` entries (tables and their aliases).

    All results are concatenated into one catalogue, built-ins first.
    """


@hookspec
def fiscal_lint_postprocess_document(document: Any) -> None:
    """Adjust a parsed :class:`linter.model.Document` in place (e.g. profile detection).

    Called for every document after parsing, for every plugin.
    """


@hookspec
def fiscal_lint_rule_packs() -> list[Path]:
    """Directories or files of rule packs this plugin ships. All results are collected."""


@hookspec
def fiscal_lint_dsl_functions() -> dict[str, Any]:
    """Functions the rule language may call, by name: ``{"name": callable}``.

    All results are merged; a name defined twice is an error at start-up.
    """


@hookspec
def fiscal_lint_reporters() -> dict[str, Any]:
    """Output formats by name: ``{"sarif": reporter_factory}``. All results are merged."""
