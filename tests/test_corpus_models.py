"""Every PDF of ../shared/corpus parses into a model that validates against the schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import SHARED

from linter.parse.documents import parse_file
from linter.parse.validation import schema_errors
from linter.session.plugin_manager import make_manager

PDFS = sorted((SHARED / "corpus").rglob("*.pdf")) if (SHARED / "corpus").is_dir() else []


@pytest.mark.skipif(not PDFS, reason="../shared is not present")
@pytest.mark.parametrize("pdf", PDFS, ids=[p.name for p in PDFS])
def test_model_of_every_corpus_pdf_validates(pdf: Path) -> None:
    doc = parse_file(pdf, make_manager())
    assert schema_errors(doc.to_dict()) == []
    assert doc.tables or doc.sections, "neither tables nor sections found"  # Jiangsu splits prose and tables
    assert doc.metadata.kind in {"决算", "预算"}
