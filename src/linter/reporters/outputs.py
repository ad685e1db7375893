"""Formats that write files themselves instead of one text stream: a binary file (a workbook), or one file per
report (the annotated PDFs).

Such a reporter has ``check_target(target)``, called before the run so that a wrong ``-o`` stops the command at
once (exit 2) instead of after the reports were checked, and ``write_files(run, target, err)``. Problems are
:class:`OutputError` (one line, Chinese then English; the command prints it and exits 2). A file is written
whole or not at all: the bytes are built in memory, written next to the target and renamed over it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol, TextIO, runtime_checkable

from linter.core.config import ConfigError
from linter.core.results import FileResult, RunResult


class OutputError(ConfigError):
    """An output that cannot be written (a ConfigError, so the command reports it as it reports ``-o`` errors)."""


@runtime_checkable
class FileReporter(Protocol):
    def check_target(self, target: Path | None) -> None: ...

    def write_files(self, run: RunResult, target: Path | None, err: TextIO) -> None: ...


def write_atomically(path: Path, data: bytes) -> None:
    """``data`` to ``path``, whole or not at all (an existing file is replaced, as ``-o`` always does)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # same folder: the rename cannot cross devices
        try:
            with tmp.open("wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"无法写入 {path}：{exc.strerror}", f"cannot write {path}: {exc.strerror}") from None


def refuse_input_as_output(run: RunResult, path: Path) -> None:
    """Never write over a report the run read."""
    target = path.resolve()
    for fr in run.files:
        if fr.path.resolve() == target:
            raise OutputError(f"输出文件 {path} 就是被检查的报告，不能覆盖", f"the output {path} is one of the reports checked")


def report_bytes(fr: FileResult) -> bytes:
    """The report's bytes as they were checked: a file changed since (or gone) is an error, never annotated."""
    try:
        data = fr.path.read_bytes()
    except OSError as exc:
        raise OutputError(f"无法再次读取 {fr.path}：{exc.strerror}", f"cannot read {fr.path} again: {exc.strerror}") from None
    checked = fr.info.sha256 if fr.info is not None else fr.sha256
    if checked is not None and hashlib.sha256(data).hexdigest() != checked:
        raise OutputError(f"{fr.path} 在检查之后已被修改", f"{fr.path} changed after it was checked")
    return data


def is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]
