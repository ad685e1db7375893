from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/pdfgen.py


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only corpus beside the checkout; tests that need it skip on a fresh clone."""
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def fixture_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import pdfgen

    path = tmp_path_factory.mktemp("fixtures") / "示例 报告.pdf"
    path.write_bytes(pdfgen.fixture_report())
    return path


@pytest.fixture(scope="session")
def fixture_doc(fixture_pdf: Path):
    from linter.parsing import parse_file
    from linter.plugins import make_manager

    return parse_file(fixture_pdf, make_manager())


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
