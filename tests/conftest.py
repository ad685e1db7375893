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
    from linter.parse.documents import parse_file
    from linter.session.plugin_manager import make_manager

    return parse_file(fixture_pdf, make_manager())


@pytest.fixture(scope="session")
def seed_doc(shared: Path):
    """The seed report (jianghan-2024.pdf) parsed once per test session."""
    from linter.parse.documents import parse_file
    from linter.session.plugin_manager import make_manager

    return parse_file(shared / "corpus" / "jianghan-2024" / "jianghan-2024.pdf", make_manager())


@pytest.fixture(scope="session")
def real_docs(shared: Path) -> dict:
    """The two real Shanghai 决算 reports, parsed once per session, by file name."""
    from linter.parse.documents import parse_file
    from linter.session.plugin_manager import make_manager

    pm = make_manager()
    return {p.name: parse_file(p, pm) for p in sorted((shared / "corpus" / "real" / "juesuan").glob("*.pdf"))}


@pytest.fixture(scope="session")
def default_packs():
    from linter.dsl import default_pack_paths, load_packs

    return load_packs(default_pack_paths())


@pytest.fixture(scope="session")
def seed_result(seed_doc, default_packs):
    """The default pack evaluated on the seed once per session (the pack tests share it)."""
    from linter.dsl import evaluate

    return evaluate(default_packs, seed_doc)


@pytest.fixture(scope="session")
def real_results(real_docs, default_packs) -> dict:
    from linter.dsl import evaluate

    return {name: evaluate(default_packs, doc) for name, doc in real_docs.items()}
