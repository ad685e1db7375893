"""Built-in plugin: the standard table catalogue."""

from __future__ import annotations

from linter.core.catalogue import STANDARD_TABLES, TableSpec
from linter.core.markers import hookimpl


@hookimpl
def fiscal_lint_table_catalogue() -> list[TableSpec]:
    return list(STANDARD_TABLES)
