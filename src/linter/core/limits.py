"""The resource limits a report is parsed under (time, memory, recursion, and what the parser counts itself).

They are configuration (``[tool.fiscal-lint]`` keys and ``check`` options), read by the parser and by the
worker runner; :mod:`linter.parse.guard` applies them.
"""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024**2


@dataclass(frozen=True)
class Limits:
    timeout: float = 120.0  # seconds of wall-clock time per file; 0 = no worker, no time limit
    memory: int = 2 * 1024**3  # bytes of address space per worker
    recursion: int = 3000  # Python frames in the worker; pdfminer recurses on nested objects
    max_stream: int = 128 * MiB  # decompressed bytes of one PDF stream (a compression bomb stops here)
    max_pages: int = 1000  # pages per document (a disclosure has tens)
    max_page_objects: int = 100_000  # characters, lines, rectangles, curves and images on one page

    @property
    def enabled(self) -> bool:
        return self.timeout > 0

    def describe(self) -> str:
        """The limits in force, for logs and ``--help``."""
        return (
            f"timeout {self.timeout:g} s, memory {self.memory // MiB} MB, recursion {self.recursion}, "
            f"stream {self.max_stream // MiB} MB, pages {self.max_pages}, objects/page {self.max_page_objects}"
        )
