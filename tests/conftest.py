from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/pdfgen.py, tests/support.py

from support import SHARED  # noqa: E402


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
