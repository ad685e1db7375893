"""The PDF parser on the tests' own small report (no ../shared needed): two lanes, a continuation over a
page break, merged header cells, blank cells, a code column, an empty table with its statement."""

from __future__ import annotations

from linter.core.model import Document, Table
from linter.parse.validation import schema_errors


def _table(doc: Document, key: str) -> Table:
    hits = [t for t in doc.tables if t.key == key]
    assert len(hits) == 1, [(t.key, t.title) for t in doc.tables]
    return hits[0]


def _value(table: Table, row, column_no: str | None = None, path_end: str | None = None) -> str | None:
    for cell in row.cells:
        col = table.columns[cell.column]
        if (column_no is not None and col.column_no == column_no) or (path_end is not None and col.path[-1] == path_end):
            return cell.value
    raise AssertionError(f"no column {column_no or path_end} in row {row.label}")


def test_model_validates_and_has_every_table(fixture_doc: Document) -> None:
    assert schema_errors(fixture_doc.to_dict()) == []
    assert [t.key for t in fixture_doc.tables] == [
        "income_expenditure_summary", "expenditure", "three_public", "government_fund",
    ]
    assert [t.number for t in fixture_doc.tables] == ["公开01表", "公开03表", "公开09表", "公开07表"]
    assert all(t.unit == "万元" for t in fixture_doc.tables)
    assert fixture_doc.metadata.currency_unit == "万元"


def test_two_lane_table_gives_one_row_set_per_lane(fixture_doc: Document) -> None:
    t = _table(fixture_doc, "income_expenditure_summary")
    assert [lane.name for lane in t.lanes] == ["收入", "支出"]
    income = [r for r in t.rows if r.lane == 0]
    spend = [r for r in t.rows if r.lane == 1]
    assert [r.line_no for r in income] == ["1", "2", "3", "4"]
    assert [r.line_no for r in spend] == ["5", "6", "7", "8"]
    assert [c.value for r in spend for c in r.cells] == ["80.00", "20.00", "100.00", "100.00"]
    # blank is not zero, and a 行次 is never an amount
    fund = next(r for r in income if r.line_no == "2")
    assert [c.value for c in fund.cells] == [None]
    assert all(c.value not in {"1", "2", "3", "4"} for r in income for c in r.cells)
    assert income[2].level == "合计" and spend[3].label == "总计"


def test_table_continuing_over_a_page_break_is_one_table(fixture_doc: Document) -> None:
    t = _table(fixture_doc, "expenditure")
    assert (t.page, t.page_end) == (3, 4)
    assert [r.code for r in t.rows] == [None, "201", "20131", "2013101", "2013102", "210", "21011", "2101101"]
    assert [r.level for r in t.rows] == ["合计", "类", "款", "项", "项", "类", "款", "项"]
    assert {r.code_kind for r in t.rows if r.code} == {"function"}
    last = t.rows[-1]
    assert last.page == 4 and last.label == "行政单位医疗"
    # merged header: 其中 spans 基本支出 / 项目支出
    paths = [c.path for c in t.columns if c.role == "amount"]
    assert paths == [["本年支出合计"], ["其中", "基本支出"], ["其中", "项目支出"]]  # a row span is named once
    # codes are row keys, not amounts; blank cells are null
    row = next(r for r in t.rows if r.code == "2013101")
    assert [c.value for c in row.cells] == ["60.00", "60.00", None]


def test_merged_headers_and_column_numbers(fixture_doc: Document) -> None:
    t = _table(fixture_doc, "three_public")
    assert [c.column_no for c in t.columns] == ["1", "2", "3", "4", "5", "6"]
    assert t.columns[2].path == ["预算数", "公务用车购置及运行维护费", "公务用车运行维护费"]
    assert t.columns[3].path == ["决算数", "合计"]
    (row,) = t.rows
    assert _value(t, row, column_no="4") == "9.50"
    assert _value(t, row, column_no="2") is None


def test_empty_table_keeps_its_statement(fixture_doc: Document) -> None:
    t = _table(fixture_doc, "government_fund")
    assert all(c.value is None for r in t.rows for c in r.cells)
    assert any("无政府性基金" in n.text for n in t.notes)


def test_prose_sections(fixture_doc: Document) -> None:
    headings = [s.heading for s in fixture_doc.sections]
    assert headings[0].replace(" ", "") == "第一部分示例单位概况"
    child = fixture_doc.sections[0].children[0]
    assert child.number == "一" and child.title == "部门主要职责"
    assert child.paragraphs[0].text.startswith("负责本单位日常工作")
    assert fixture_doc.metadata.fiscal_year == 2024 and fixture_doc.metadata.kind == "决算"
