"""The per-file resource guard: a file that takes too long or too much memory is reported, not fatal."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import run_cli

from linter.errors import InputError
from linter.guard import Limits, parse_guarded
from linter.resources import example_report


def test_guarded_parse_returns_the_same_model(fixture_pdf: Path, fixture_doc) -> None:
    doc = parse_guarded(fixture_pdf, Limits(timeout=60))
    assert doc.to_dict() == fixture_doc.to_dict()


def test_time_limit(fixture_pdf: Path) -> None:
    with pytest.raises(InputError) as exc:
        parse_guarded(fixture_pdf, Limits(timeout=0.001))
    assert exc.value.reason == "timeout"


def test_memory_limit() -> None:
    with pytest.raises(InputError) as exc:  # the 47-page example needs far more than 16 MB of new memory
        parse_guarded(example_report(), Limits(timeout=60, memory=16 * 1024**2))
    assert exc.value.reason == "memory_limit"


def test_cli_reports_a_limit_and_goes_on(tmp_path: Path, fixture_pdf: Path) -> None:
    result = run_cli("parse", "--timeout", "0.001", fixture_pdf)
    assert result.returncode == 2
    assert "超时" in result.stderr and "Traceback" not in result.stderr
