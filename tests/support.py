"""Helpers shared by the core tests (importable as ``support``; conftest.py puts tests/ on sys.path)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed command as a user would (``python -m linter`` in this interpreter)."""
    return subprocess.run(
        [sys.executable, "-m", "linter", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=300,
    )


def session_for(limits=None, fail_on: str | None = None, *, config=None, jobs: int | None = None):
    """A session with the built-in and installed plugins, under ``config`` with these limits, fail level and jobs."""
    from dataclasses import replace

    from linter.core.config import Config
    from linter.session import Session

    config = config or Config()
    if limits is not None:
        config = config.with_limits(limits)
    if fail_on is not None:
        config = replace(config, fail_on=fail_on)
    if jobs is not None:
        config = replace(config, jobs=jobs)
    return Session.build(config)


def no_process_with(marker: str, timeout: float = 10) -> bool:
    """No process has ``marker`` in its command line (Linux /proc; elsewhere nothing to check)."""
    proc_dir = Path("/proc")
    if not proc_dir.is_dir():
        return True
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = []
        for entry in proc_dir.iterdir():
            if entry.name.isdigit():
                try:
                    cmdline = (entry / "cmdline").read_bytes()
                    state = (entry / "stat").read_text().split(") ", 1)[1][:1]
                except OSError:
                    continue
                if marker.encode() in cmdline and state != "Z":
                    alive.append(entry.name)
        if not alive:
            return True
        time.sleep(0.1)
    return False
