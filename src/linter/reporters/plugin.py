"""Built-in output formats, registered through the same hook a third-party reporter uses."""

from __future__ import annotations

from typing import Any

from linter.hookspecs import hookimpl


@hookimpl
def fiscal_lint_reporters() -> dict[str, Any]:
    from linter.reporters.text import TextReporter

    return {"text": TextReporter}
