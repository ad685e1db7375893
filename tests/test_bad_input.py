"""Files that cannot be checked get one clear line (Chinese and English), exit code 2, and no traceback;
the other files of the same command are still processed."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pdfgen
import pytest
from support import run_cli

CASES = {
    "empty.pdf": (b"", "empty"),
    "notes.pdf": ("这不是PDF，只是文字。".encode(), "不是 PDF"),
    "error.pdf": (b"<!DOCTYPE html><html><body>404 Not Found</body></html>", "HTML"),
    "image.pdf": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "图片"),
    "encrypted.pdf": (pdfgen.encrypted_pdf(), "加密"),
    "scanned.pdf": (pdfgen.scanned_pdf(), "文字层"),
    "cid.pdf": (pdfgen.cid_only_pdf(), "Unicode"),
    "zero-pages.pdf": (pdfgen.zero_page_pdf(), "页面"),
    "truncated.pdf": (pdfgen.truncated_pdf(), "损坏"),
}


def _docx(tmp_path: Path) -> Path:
    path = tmp_path / "report.pdf"  # a Word file renamed to .pdf
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return path


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_is_refused_clearly(tmp_path: Path, name: str) -> None:
    data, expected = CASES[name]
    path = tmp_path / name
    path.write_bytes(data)
    result = run_cli("parse", path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and " / " in lines[0]  # Chinese / English
    assert expected.lower() in lines[0].lower()


def test_renamed_docx_is_named_as_such(tmp_path: Path) -> None:
    result = run_cli("parse", _docx(tmp_path))
    assert result.returncode == 2
    assert "docx" in result.stderr and "Traceback" not in result.stderr


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    other = tmp_path / "table.xlsx"
    other.write_bytes(b"PK\x03\x04 not really")
    result = run_cli("parse", tmp_path / "nope.pdf", other)
    assert result.returncode == 2
    assert "文件不存在" in result.stderr
    assert "没有能读取此格式" in result.stderr and "no parser for this format" in result.stderr
    assert "Traceback" not in result.stderr


def test_good_files_still_parsed_next_to_bad_ones(tmp_path: Path, fixture_pdf: Path) -> None:
    bad = tmp_path / "-leading dash.pdf"
    bad.write_bytes(b"garbage")
    out = tmp_path / "out"
    result = run_cli("parse", "-o", out, fixture_pdf, "--", bad)
    assert result.returncode == 2
    written = list(out.glob("*.json"))
    assert len(written) == 1
    model = json.loads(written[0].read_text(encoding="utf-8"))
    assert model["source"]["file_name"] == fixture_pdf.name
