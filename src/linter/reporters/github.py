"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::error file=reports/a.pdf,title=FL.I.11 …::message`` (``warning`` for warnings, ``notice``
for info). A PDF has no line to point at, so the annotation is on the file and the message says
the page, table, row and column. Values are escaped as the runner expects: in the message
``%`` ``\\r`` ``\\n``; in a property also ``:`` and ``,``.
"""

from __future__ import annotations

from typing import TextIO

from linter.core.results import RunResult
from linter.reporters.common import related_text, relative_uri
from linter.reporters.text import summary_line

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _file(path_uri: tuple[str, bool], fallback: str) -> str:
    from urllib.parse import unquote

    uri, relative = path_uri
    return unquote(uri) if relative else fallback


def annotation(level: str, file: str, title: str, message: str) -> str:
    return f"::{level} file={escape_property(file)},title={escape_property(title)}::{escape_data(message)}"


def github_lines(run: RunResult) -> list[str]:
    lines = []
    for fr in run.files:
        file = _file(relative_uri(fr.path), fr.path.resolve().as_posix())
        if not fr.checked:
            assert fr.error is not None
            lines.append(annotation("error", file, "fiscal-lint: 未检查 / not checked", fr.error.message))
            continue
        for err in fr.result.errors:
            lines.append(annotation("error", file, f"{err.rule_id}: 规则出错 / rule error", err.message))
        for f in fr.result.findings:
            where = f.location.describe()
            message = f.message + (f"\n{where}" if where and where not in f.message else "")
            if f.related:
                message += "\n" + related_text(f)
            lines.append(annotation(COMMAND[f.severity], file, f"{f.rule_id} {f.title}", message))
    lines.append(summary_line(run))
    return lines


class GithubReporter:
    def report(self, run: RunResult, stream: TextIO) -> None:
        for line in github_lines(run):
            stream.write(line + "\n")
