"""Problems found in rule files, reported as ``file:line:col`` with the line and a caret."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int
    col: int
    message_zh: str
    message_en: str
    level: Literal["error", "warning"] = "error"
    source_line: str | None = None

    def format(self) -> str:
        head = f"{self.file}:{self.line}:{self.col}: {self.level}: {self.message_zh} / {self.message_en}"
        if self.source_line is None:
            return head
        # the caret sits under the column; wide CJK characters take two cells in a terminal
        prefix = self.source_line[: max(self.col - 1, 0)]
        pad = sum(2 if _wide(ch) else 1 for ch in prefix)
        return f"{head}\n    {self.source_line}\n    {' ' * pad}^"


def _wide(ch: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(ch) in ("W", "F")


def line_of(source: str, line: int) -> str | None:
    lines = source.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else None


def make(
    path: Path | str,
    source: str | None,
    line: int,
    col: int,
    zh: str,
    en: str,
    level: Literal["error", "warning"] = "error",
) -> Diagnostic:
    return Diagnostic(str(path), line, col, zh, en, level, line_of(source, line) if source is not None else None)


class DslError(Exception):
    """Rule files that cannot be used: every diagnostic is attached."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.format() for d in diagnostics))
