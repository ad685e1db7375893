"""Errors a user sees: one line in Chinese and English, never a traceback."""

from __future__ import annotations


class InputError(Exception):
    """A file that cannot be checked. The run reports it (exit code 2) and goes on with the other files.

    ``reason`` is a stable machine-readable code (``encrypted``, ``no_text_layer`` …)
    for logs and tests; ``zh`` and ``en`` are the message shown to people.
    """

    def __init__(self, reason: str, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.reason = reason
        self.zh = zh
        self.en = en

    @property
    def message(self) -> str:
        return f"{self.zh} / {self.en}"
