"""Built-in output formats, registered through the same hook a third-party reporter uses.

A reporter is a factory (a class) whose instances have ``report(run: RunResult, stream: TextIO)``.
"""

from __future__ import annotations

from typing import Any

from linter.core.markers import hookimpl


@hookimpl
def fiscal_lint_reporters() -> dict[str, Any]:
    from linter.reporters.github import GithubReporter
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
    }
