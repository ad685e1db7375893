"""The built-in PDF parser, registered through the same hooks a third-party parser uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from linter.core.markers import hookimpl


@hookimpl
def fiscal_lint_parser_formats() -> list[str]:
    return [".pdf"]


@hookimpl
def fiscal_lint_preload() -> None:
    import linter.parse.pdf.document  # noqa: F401 - pdfminer and the parser, before the workers fork


@hookimpl
def fiscal_lint_parse_document(path: Path, data: bytes, options: dict[str, Any]) -> Any:
    # Claim a file by its bytes first: a PDF saved without the suffix is still a PDF,
    # and a ".pdf" that is really an HTML page gets a clear refusal from us.
    if path.suffix.lower() != ".pdf" and b"%PDF-" not in data[:1024]:
        return None
    from linter.parse.pdf.document import parse_pdf  # pdfminer is imported only when needed

    return parse_pdf(path, data, options["catalogue"], options)
