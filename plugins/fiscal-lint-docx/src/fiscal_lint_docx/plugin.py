"""The hook implementations: what fiscal-lint sees of this plugin (entry point ``fiscal_lint: docx``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from linter.api import hookimpl

SUFFIXES = [".docx"]


@hookimpl
def fiscal_lint_parser_formats() -> list[str]:
    return list(SUFFIXES)


@hookimpl
def fiscal_lint_parse_document(path: Path, data: bytes, options: dict[str, Any]) -> Any:
    if path.suffix.lower() not in SUFFIXES or data.startswith(b"%PDF-"):
        return None  # not ours; a PDF saved as .docx is left to the PDF parser
    from fiscal_lint_docx.document import parse_docx  # python-docx is imported only when a .docx comes

    return parse_docx(path, data, options["catalogue"])
