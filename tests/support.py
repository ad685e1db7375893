"""Helpers shared by the core tests (importable as ``support``; conftest.py puts tests/ on sys.path)."""

from __future__ import annotations

import subprocess
import sys
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
