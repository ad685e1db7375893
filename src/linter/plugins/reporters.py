"""Built-in output formats, registered through the same hook a third-party reporter uses.

A reporter is a factory (a class) whose instances have ``report(run: RunResult, stream: TextIO)``, or, for a
format that writes files itself (binary, or one file per report), ``check_target`` and ``write_files``
(:class:`linter.reporters.outputs.FileReporter`).
"""

from __future__ import annotations

from typing import Any

from linter.core.markers import hookimpl


# The reviewer's formats import pypdf, pypdfium2, jinja2 or openpyxl: only when they are asked for.
def _annotated_pdf() -> Any:
    from linter.reporters.annotated_pdf import AnnotatedPdfReporter

    return AnnotatedPdfReporter()


def _html() -> Any:
    from linter.reporters.html import HtmlReporter

    return HtmlReporter()


def _xlsx() -> Any:
    from linter.reporters.xlsx import XlsxReporter

    return XlsxReporter()


@hookimpl
def fiscal_lint_reporters() -> dict[str, Any]:
    from linter.reporters.github import GithubReporter
    from linter.reporters.gitlab import GitlabReporter
    from linter.reporters.jsonfmt import JsonReporter
    from linter.reporters.jsonl import JsonlReporter
    from linter.reporters.junit import JunitReporter
    from linter.reporters.sarif import SarifReporter
    from linter.reporters.text import TextReporter

    return {
        "text": TextReporter,
        "json": JsonReporter,
        "jsonl": JsonlReporter,
        "sarif": SarifReporter,
        "junit": JunitReporter,
        "github": GithubReporter,
        "gitlab": GitlabReporter,
        "annotated-pdf": _annotated_pdf,
        "html": _html,
        "xlsx": _xlsx,
    }
