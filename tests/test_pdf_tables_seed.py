"""The table extractor against the seed's transcription: every cell of all 18 tables, header and body.

The physical grid is rebuilt from the model (rows by ``Row.index``, cells by column, ``code`` / ``label`` /
``line_no`` where those columns are) and compared with the transcription, whitespace-insensitively.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from linter.core.catalogue import Catalogue
from linter.core.model import Table
from linter.parse.pdf import tables as pdf_tables
from linter.parse.pdf.grid import find_grids
from linter.parse.pdf.pages import Char, Page, Segment, iter_pages
from linter.parse.pdf.tables import extract_tables

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "corpus" / "jianghan-2024"

KEYS = {
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


def _ws(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def _expand(rows: list[list[Any]], n_cols: int) -> list[list[str | None]]:
    """Transcription rows (cells with colspan / rowspan) → slots: text at the top-left slot, None under a merge."""
    slots: dict[tuple[int, int], str | None] = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in slots:
                c += 1
            text, cs, rs = (
                (cell, 1, 1)
                if isinstance(cell, str)
                else (cell.get("text", ""), cell.get("colspan", 1), cell.get("rowspan", 1))
            )
            for dr in range(rs):
                for dc in range(cs):
                    slots[(r + dr, c + dc)] = None
            slots[(r, c)] = text
            c += cs
    return [[slots.get((r, c), "") for c in range(n_cols)] for r in range(len(rows))]


@pytest.fixture(scope="module")
def pages() -> list[Page]:
    if not SEED.is_dir():
        pytest.skip("../shared corpus not available")
    with open(SEED / "jianghan-2024.pdf", "rb") as fp:
        return list(iter_pages(fp))


@pytest.fixture(scope="module")
def seed(pages) -> tuple[list[Table], list[dict[str, Any]], dict[int, list[tuple[float, float, float, float]]]]:
    tables, consumed = extract_tables(pages, Catalogue())
    blocks = json.loads((SEED / "jianghan-2024.transcription.json").read_text(encoding="utf-8"))["blocks"]
    return tables, [b for b in blocks if b.get("type") == "table"], consumed


def _rebuild(table: Table, n_rows: int) -> tuple[list[list[str]], list[str]]:
    """Per physical body row: the text of every amount / text / 行次 column, and the row's key texts
    (code + label of each lane, in lane order) as one string."""
    roles = {col.index: col.role for col in table.columns}
    grid = [["" for _ in roles] for _ in range(n_rows)]
    keys = ["" for _ in range(n_rows)]
    for row in sorted(table.rows, key=lambda r: (r.index, r.lane)):
        for cell in row.cells:
            grid[row.index][cell.column] = cell.text
        line_col = [c for c in table.lanes[row.lane].columns if roles[c] == "line_no"]
        if line_col:
            grid[row.index][line_col[0]] = row.line_no or ""
        keys[row.index] += (row.code or "") + (row.label or "")
    return grid, keys


def test_every_table_found_in_order(seed):
    tables, expected, _ = seed
    assert len(tables) == len(expected) == 18
    for table, exp in zip(tables, expected, strict=True):
        assert _ws(table.title) == _ws(exp.get("title")), table.title
        assert table.number == exp.get("table_no")
        # the forms print their unit and 单位：万元 in "pre lines" above the grid
        pre = " ".join(p if isinstance(p, str) else f"{p['left']} {p['right']}" for p in exp.get("pre_lines", []))
        unit = re.search(r"单位：(万元|元)", pre)
        assert table.unit == (exp.get("unit") or (unit.group(1) if unit else None))
        m = re.search(r"单位(?:名称)?（盖章）：(\S+)", pre)
        assert table.unit_name == (exp.get("unit_name") or (m.group(1) if m else None))


def test_keys(seed):
    tables, expected, _ = seed
    for table, exp in zip(tables, expected, strict=True):
        if exp.get("table_no"):
            assert table.key == KEYS[exp["table_no"]], table.title
    assert [t.key for t in tables[9:]] == [None, "performance_overall", "performance_summary"] + [
        "performance_project"
    ] * 6


def test_every_cell(seed):
    tables, expected, _ = seed
    compared = 0
    mismatches = []
    for table, exp in zip(tables, expected, strict=True):
        n_cols = len(exp["columns"])
        full = _expand(exp["header"] + exp["body"], n_cols)
        head, body = full[: len(exp["header"])], full[len(exp["header"]) :]
        assert [[None if t is None else _ws(t) for t in row] for row in table.header] == [
            [None if t is None else _ws(t) for t in row] for row in head
        ], table.title
        assert all(0 <= row.index < len(body) for row in table.rows)
        grid, keys = _rebuild(table, len(body))
        roles = {col.index: col.role for col in table.columns}
        for r, row in enumerate(body):
            for c, text in enumerate(row):
                if roles[c] in ("code", "label"):
                    continue
                compared += 1
                if _ws(grid[r][c]) != _ws(text):
                    mismatches.append((table.title, r, c, grid[r][c], text))
            want = "".join(_ws(row[c]) for c in range(n_cols) if roles[c] in ("code", "label"))
            compared += 1
            if _ws(keys[r]) != want:
                mismatches.append((table.title, r, "key", keys[r], want))
    assert not mismatches, mismatches[:10]
    assert compared > 1500


def test_notes(seed):
    tables, expected, _ = seed
    for table, exp in zip(tables, expected, strict=True):
        want = [_ws(n) for n in (exp.get("notes") or []) + (exp.get("after") or [])]
        assert [_ws(n.text) for n in table.notes] == want, table.title


def test_spans_and_lanes(seed):
    tables, _, _ = seed
    by_no = {t.number: t for t in tables if t.number}
    assert (by_no["公开04表"].page, by_no["公开04表"].page_end) == (8, 9)
    assert (by_no["公开06表"].page, by_no["公开06表"].page_end) == (11, 12)
    assert [(t.page, t.page_end) for t in tables[9:11]] == [(32, 34), (39, 40)]
    assert [lane.name for lane in by_no["公开01表"].lanes] == ["收入", "支出"]
    assert [lane.name for lane in by_no["公开06表"].lanes] == ["人员经费", "公用经费", "资本性支出"]
    assert len(by_no["公开02表"].lanes) == 1 and by_no["公开02表"].lanes[0].name is None


def test_model_rows(seed):
    tables, _, _ = seed
    by_no = {t.number: t for t in tables if t.number}
    t01 = by_no["公开01表"]
    roles = {c.index: c.role for c in t01.columns}
    assert [roles[i] for i in range(6)] == ["label", "line_no", "amount"] * 2
    assert [c.column_no for c in t01.columns] == [None, None, "1", None, None, "2"]
    first_out = next(r for r in t01.rows if r.lane == 1 and r.line_no == "31")
    assert first_out.label == "一、一般公共服务支出" and first_out.cells[0].value == "748.69"
    blank_in = next(r for r in t01.rows if r.lane == 0 and r.line_no == "9")
    assert blank_in.label is None and blank_in.cells[0].text == "" and blank_in.cells[0].value is None
    assert next(r for r in t01.rows if r.lane == 0 and r.label == "总计").level == "合计"

    t02 = by_no["公开02表"]
    assert [c.role for c in t02.columns][:4] == ["code", "code", "code", "label"]
    assert t02.columns[4].path == ["本年收入合计"] and t02.columns[4].column_no == "1"
    row = next(r for r in t02.rows if r.code == "2013101")
    assert (row.label, row.level, row.code_kind) == ("行政运行", "项", "function")
    assert [c.value for c in row.cells[:3]] == ["626.55", "626.55", None]
    total = t02.rows[0]
    assert (total.code, total.label, total.level) == (None, "合计", "合计")

    t06 = by_no["公开06表"]
    capital = next(r for r in t06.rows if r.code == "310")
    assert capital.lane == 2 and capital.level == "类" and capital.code_kind == "economic"
    assert capital.cells[0].value is None
    public_total = [r for r in t06.rows if r.label == "公用经费合计"]
    assert [(r.lane, r.cells[0].value) for r in public_total] == [(2, "45.08")]
    assert t06.rows[-1].page == 12

    t09 = by_no["公开09表"]
    assert t09.columns[2].path == ["预算数", "公务用车购置及运行维护费", "小计"]
    assert [c.value for c in t09.rows[0].cells] == ["10.00", None, "10.00", None] * 3


def test_no_code_or_line_no_is_an_amount(seed):
    tables, _, _ = seed
    for table in tables:
        roles = {c.index: c.role for c in table.columns}
        for row in table.rows:
            assert all(roles[c.column] in ("amount", "text") for c in row.cells)
            assert all(c.value is None for c in row.cells if roles[c.column] == "text")


def test_consumed_regions(seed):
    tables, _, consumed = seed
    t01 = tables[0]
    boxes = consumed[t01.page]
    assert t01.bbox in boxes
    # title, 表号, both 单位 lines and both note lines are claimed above and below the grid
    assert sum(1 for b in boxes if b[3] <= t01.bbox[1] + 2) == 4
    assert sum(1 for b in boxes if b[1] >= t01.bbox[3] - 2) == 2
    assert 16 not in consumed  # a prose page


def test_page_break_artefacts_repaired_in_the_grid(pages):
    """整体绩效自评表 pp.39/40: three rowspans cut by the break restart as empty cells; they are the same cells.
    重点工作 pp.33/34: the tail of row 8 comes back as a row with an empty 序号; it is glued onto row 8."""
    catalogue = Catalogue()
    p39, p40 = pdf_tables._page_parts(pages[38], catalogue), pdf_tables._page_parts(pages[39], catalogue)
    assert pdf_tables._continues(p39[-1], p40[0])
    st, n_header = pdf_tables._stitch([p39[-1], p40[0]])
    assert n_header == 0
    at = next(i for i, row in enumerate(st.rows) if row[3].text == "巡视工作运转")
    assert st.rows[at][0] is st.rows[at - 1][0] and st.rows[at][0].text == "年度绩效指标"
    assert st.rows[at][1] is st.rows[at - 1][1] and st.rows[at][1].text == "效益指标"
    assert st.rows[at][2] is st.rows[at - 1][2] and st.rows[at][2].text == "涉密文件管理效率和安全"
    assert st.rows[at + 4][2] is not st.rows[at][2]  # 生态效益指标 starts a new cell

    parts = [pdf_tables._page_parts(pages[n], catalogue)[0] for n in (31, 32, 33)]
    st, n_header = pdf_tables._stitch(parts)
    assert [row[0].text for row in st.rows] == ["序号"] + [str(i) for i in range(1, 10)]
    assert st.rows[8][2].text.endswith("全年传阅办理上级文件，下发文件，无一错漏。")


def _chars(text: str, x: float, top: float, size: float = 10.0) -> list[Char]:
    return [Char(ch, x + i * size, top, x + (i + 1) * size, top + size, size, "F") for i, ch in enumerate(text)]


def test_grid_from_synthetic_rulings():
    """No corpus needed: Word-style per-cell rule pieces, a merge shown by a missing rule, chars by centre,
    wrapped CJK lines joined without a space."""
    seg = Segment
    rules = [seg(0, y, 60, y) for y in (0, 20, 60)] + [seg(60.4, y, 150, y) for y in (0, 20, 60)]  # pieces
    rules += [seg(0, 40, 150, 40)]
    rules += [seg(x, 0, x, 60) for x in (0, 150)] + [seg(60, 20, 60, 60), seg(110, 0, 110, 60)]  # none at x=60 on top
    page = Page(1, 200, 100, segments=rules)
    page.chars = _chars("收入", 10, 5) + _chars("功能分类科目", 0, 21) + _chars("编码", 0, 30) + _chars("27", 112, 25)
    page.chars += _chars("9", 56, 45)  # straddles the x=60 rule, centre right of it
    (grid,) = find_grids(page)
    assert grid.n_rows == 3 and grid.n_cols == 3
    assert grid.texts() == [["收入", None, ""], ["功能分类科目编码", "", "27"], ["", "9", ""]]
    assert grid.owners[0][0].colspan == 2
