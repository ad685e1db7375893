"""The seed report's Word source against its JSON transcription: every table cell, every heading, every paragraph.

Needs ``../shared`` beside the checkout (the read-only corpus); skipped on a fresh clone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from linter.api import Catalogue
from linter.api import Cell, Document, Row, Table, iter_sections
from linter.api import schema_errors

from fiscal_lint_docx.document import parse_docx

REPO = Path(__file__).resolve().parents[3]
SEED = REPO.parent / "shared" / "corpus" / "jianghan-2024"
DOCX = SEED / "jianghan-2024.docx"
TRANSCRIPTION = SEED / "jianghan-2024.transcription.json"

pytestmark = pytest.mark.skipif(not DOCX.is_file() or not TRANSCRIPTION.is_file(), reason="../shared is not present")

FINAL_ACCOUNT_KEYS = {
    "公开01表": "income_expenditure_summary",
    "公开02表": "income",
    "公开03表": "expenditure",
    "公开04表": "fiscal_grant_summary",
    "公开05表": "general_budget_expenditure",
    "公开06表": "general_budget_basic_expenditure",
    "公开07表": "government_fund",
    "公开08表": "state_capital",
    "公开09表": "three_public",
}


def ws(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def expand(rows: list[list[Any]], width: int) -> tuple[list[list[str | None]], dict[tuple[int, int], int]]:
    """Transcription rows (a cell is a string or {"text", "colspan", "rowspan"}) → text at top-left, None covered;
    and each cell's last column by its top-left slot."""
    grid: list[list[str | None | bool]] = [[False] * width for _ in rows]  # False = not yet filled
    ends: dict[tuple[int, int], int] = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while grid[r][c] is not False:
                c += 1
            text, cs, rs = (cell, 1, 1) if isinstance(cell, str) else (cell.get("text", ""), cell.get("colspan", 1), cell.get("rowspan", 1))
            for dr in range(rs):
                for dc in range(cs):
                    grid[r + dr][c + dc] = None
            grid[r][c] = text
            ends[(r, c)] = c + cs - 1
            c += cs
    return [[None if s is False else s for s in row] for row in grid], ends  # type: ignore[misc]


@pytest.fixture(scope="module")
def transcription() -> dict[str, Any]:
    return json.loads(TRANSCRIPTION.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def doc() -> Document:
    return parse_docx(DOCX, DOCX.read_bytes(), Catalogue())


@pytest.fixture(scope="module")
def pairs(doc: Document, transcription: dict[str, Any]) -> list[tuple[dict[str, Any], Table]]:
    blocks = [b for b in transcription["blocks"] if b["type"] == "table"]
    assert len(doc.tables) == len(blocks) == 18
    return list(zip(blocks, doc.tables, strict=True))


def test_model_validates(doc: Document) -> None:
    assert schema_errors(doc.to_dict()) == []
    assert doc.metadata.fiscal_year == 2024 and doc.metadata.kind == "决算" and doc.metadata.profile == "hubei"
    assert doc.metadata.unit_name == "中共武汉市江汉区委办公室"
    assert doc.metadata.publication_date == "2025-10-31" and doc.metadata.currency_unit == "万元"


def test_final_account_tables_have_their_canonical_keys(pairs: list[tuple[dict[str, Any], Table]]) -> None:
    keyed = {t.number: t.key for _, t in pairs if t.number}
    assert keyed == FINAL_ACCOUNT_KEYS
    for block, table in pairs:
        assert ws(table.title) == ws(block.get("title", "")), table.title
        assert table.number == block.get("table_no")
        if block.get("unit"):
            assert table.unit == block["unit"]
        if block.get("unit_name"):
            assert table.unit_name == block["unit_name"]


def _model_slots(table: Table, r: int) -> dict[int, tuple[Row, Cell | None]]:
    """Physical body row ``r`` by column: the lane's row, and the cell for an amount or text column."""
    out: dict[int, tuple[Row, Cell | None]] = {}
    for row in (x for x in table.rows if x.index == r):
        for c in table.lanes[row.lane].columns:
            out[c] = (row, next((cell for cell in row.cells if cell.column == c), None))
    return out


def _cell_matches(table: Table, c: int, text: str, row: Row, cell: Cell | None) -> bool:
    role = table.columns[c].role
    if cell is not None:
        return ws(cell.text) == ws(text)
    printed = ws(text)
    if role == "line_no":
        return (row.line_no or "") == printed
    if role == "label":
        return ws(row.label) == printed
    # a code column: the code (or a part of a code split over 类/款/项 columns), or a "合计" merged over it
    if not printed:
        return True  # blank part of a split code; a code printed elsewhere in the row is checked there
    return printed in (row.code or "") if printed.isdigit() else ws(row.label) == printed


def test_every_cell_equals_the_transcription(pairs: list[tuple[dict[str, Any], Table]]) -> None:
    matched = total = 0
    misses = []
    for block, table in pairs:
        width = len(table.columns)
        header, _ = expand(block["header"], width)
        assert [[ws(s) if s is not None else None for s in row] for row in table.header] == [
            [ws(s) if s is not None else None for s in row] for row in header
        ], block.get("title")
        cells = sum(s is not None for row in header for s in row)
        matched, total = matched + cells, total + cells
        body, ends = expand(block["body"], width)
        assert max(row.index for row in table.rows) == len(body) - 1, block.get("title")
        for r, expected in enumerate(body):
            got = _model_slots(table, r)
            for c, text in enumerate(expected):
                if text is None:
                    continue
                total += 1
                at = c
                if table.columns[c].role in {"code", "label", "line_no"}:
                    # a key cell spanning two lanes belongs to the lane it ends in (公开06表's 公用经费合计)
                    end = table.columns[ends[(r, c)]]
                    if end.lane != table.columns[c].lane:
                        at = next(k for k in table.lanes[end.lane].columns if table.columns[k].role == table.columns[c].role)
                if at not in got:  # a lane with nothing printed in this row has no Row
                    ok = not ws(text)
                else:
                    row, cell = got[at]
                    ok = _cell_matches(table, at, text, row, cell)
                if ok:
                    matched += 1
                else:
                    misses.append((block.get("title"), r, c, text, got.get(at)))
    print(f"cells matched: {matched}/{total}")
    assert not misses, misses[:10]


def test_amounts_codes_and_blanks(pairs: list[tuple[dict[str, Any], Table]]) -> None:
    tables = {t.key: t for _, t in pairs if t.key}
    income = tables["income"]
    assert [r.code for r in income.rows[:4]] == [None, "201", "20131", "2013101"]
    assert [r.level for r in income.rows[:4]] == ["合计", "类", "款", "项"]
    assert income.rows[0].label == "合计" and income.rows[1].code_kind == "function"
    assert [c.value for c in income.rows[1].cells] == ["748.68", "748.68", None, None, None, None, None]
    summary = tables["income_expenditure_summary"]
    assert [lane.name for lane in summary.lanes] == ["收入", "支出"]
    spend = [r for r in summary.rows if r.lane == 1]
    assert spend[0].label == "一、一般公共服务支出" and spend[0].line_no == "31"
    assert [c.value for c in spend[0].cells] == ["748.69"]
    basic = tables["general_budget_basic_expenditure"]
    assert [lane.name for lane in basic.lanes] == ["人员经费", "公用经费", "资本性支出"]
    first = [r for r in basic.rows if r.index == 0]
    assert [(r.code, r.code_kind, r.level) for r in first] == [("301", "economic", "类"), ("302", "economic", "类"),
                                                               ("310", "economic", "类")]
    assert [c.value for r in first for c in r.cells] == ["801.31", "45.08", None]
    three = tables["three_public"]
    assert three.columns[3].path == ["预算数", "公务用车购置及运行维护费", "公务用车购置费"]
    assert three.columns[6].path == ["决算数", "合计"]  # a row span is named once
    assert [c.column_no for c in three.columns] == [str(i) for i in range(1, 13)]
    assert any("无政府性基金" in n.text for n in tables["government_fund"].notes)


def test_every_heading_is_a_section(doc: Document, transcription: dict[str, Any]) -> None:
    expected = [(b["level"], ws(b["text"])) for b in transcription["blocks"] if b["type"] == "heading"]
    got = [(s.level, ws(s.heading)) for s in iter_sections(doc.sections)]
    assert got == expected
    print(f"headings: {len(got)}/{len(expected)}")


def test_every_paragraph_is_in_exactly_one_section(doc: Document, transcription: dict[str, Any]) -> None:
    expected = [ws(b["text"]) for b in transcription["blocks"] if b["type"] == "paragraph"]
    placed = [ws(p.text) for s in iter_sections(doc.sections) for p in s.paragraphs]
    counts = {text: placed.count(text) for text in expected}
    assert {t: n for t, n in counts.items() if n != expected.count(t)} == {}
    print(f"paragraphs: {sum(1 for t in expected if t in placed)}/{len(expected)} (model paragraphs: {len(placed)})")


def test_toc_is_kept_apart(doc: Document, transcription: dict[str, Any]) -> None:
    (toc,) = [b for b in transcription["blocks"] if b["type"] == "toc"]
    assert [(e.level, ws(e.text)) for e in doc.toc] == [(i["level"], ws(i["text"])) for i in toc["items"]]
    assert all(e.page < doc.sections[0].page for e in doc.toc)


def _shape(doc: Document) -> dict[str, Any]:
    """The model without pages and boxes (a DOCX has no layout) and with whitespace removed (a PDF line wrap
    leaves a space where the Word source has none)."""

    def w(value: Any) -> Any:
        if isinstance(value, str):
            return ws(value)
        if isinstance(value, list | tuple):
            return [w(v) for v in value]
        return value

    return {
        "metadata": doc.metadata,
        "toc": [w((e.text, e.level, e.target_page)) for e in doc.toc],
        "sections": [w((s.level, s.number, s.heading, s.title, [p.text for p in s.paragraphs]))
                     for s in iter_sections(doc.sections)],
        "tables": [
            w((t.key, t.number, t.title, t.unit, t.unit_name, t.header, [n.text for n in t.notes],
               [(c.index, c.path, c.role, c.lane, c.column_no) for c in t.columns],
               [(lane.index, lane.name, lane.columns) for lane in t.lanes],
               [(r.index, r.lane, r.code, r.code_kind, r.label, r.line_no, r.level,
                 [(c.column, c.text, c.value) for c in r.cells]) for r in t.rows]))
            for t in doc.tables
        ],
    }


def test_same_model_as_the_pdf_parse(doc: Document) -> None:
    """The issue's proof: the Word source gives the same tables, cells and sections as the exported PDF."""
    from linter.api import Session

    pdf = Session.build().parse(SEED / "jianghan-2024.pdf")
    expected, got = _shape(pdf), _shape(doc)
    assert got["metadata"] == expected["metadata"]
    assert got["toc"] == expected["toc"]
    assert got["sections"] == expected["sections"]
    for mine, theirs in zip(got["tables"], expected["tables"], strict=True):
        assert mine == theirs
