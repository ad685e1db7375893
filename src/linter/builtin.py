"""Built-in plugin: the standard table catalogue."""

from __future__ import annotations

from linter.catalogue import STANDARD_TABLES, TableSpec
from linter.hookspecs import hookimpl


@hookimpl
def fiscal_lint_table_catalogue() -> list[TableSpec]:
    return list(STANDARD_TABLES)
