"""The parser on the real 预算 PDFs of ../shared/corpus/real/yusuan (skipped when ../shared is absent).

Expected values were read off the rendered pages (pdftoppm) and the files' own text, not off the parser's output.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from linter.core.model import Document, Table, iter_sections
from linter.parse.pdf.pages import iter_pages

WL23 = "2023-上海市普陀区人民政府万里街道办事处-部门预算.pdf"
WL24 = "2024-上海市普陀区人民政府万里街道办事处-部门预算.pdf"
WL25 = "2025-上海市普陀区人民政府万里街道办事处-部门预算.pdf"
CZJ25 = "2025-上海市普陀区财政局-部门预算.pdf"
FLY24 = "2024-上海市普陀区社会福利院-单位预算.pdf"
JCY19 = "江苏省人民检察院-2019年度部门预算公开.pdf"
BGT19_TEXT = "江苏省委办公厅-江苏省委办公厅2019年度部门预算公开文件.pdf"
BGT19_TABLES = "江苏省委办公厅-江苏省委办公厅2019年度部门预算公开表格.pdf"

SHANGHAI_KEYS = [
    "budget_summary",
    "budget_income",
    "budget_expenditure",
    "budget_fiscal_grant_summary",
    "budget_general_expenditure",
    "budget_government_fund",
    "budget_state_capital",
    "budget_general_basic_expenditure",
    "budget_three_public",
]
JIANGSU_KEYS = [
    "budget_summary",
    "budget_income",
    "budget_expenditure",
    "budget_fiscal_grant_summary",
    "budget_fiscal_grant_expenditure",
    "budget_fiscal_grant_basic_expenditure",
    "budget_general_expenditure",
    "budget_general_basic_expenditure",
    "budget_three_public",
    "budget_government_fund",
    "budget_office_operation",
    "budget_procurement",
]


@pytest.fixture(scope="module")
def yusuan(shared: Path) -> Path:
    return shared / "corpus" / "real" / "yusuan"


@pytest.fixture(scope="module")
def docs(yusuan: Path) -> dict[str, Document]:
    from linter.parse.documents import parse_file
    from linter.session.plugin_manager import make_manager

    pm = make_manager()
    return {p.name: parse_file(p, pm) for p in sorted(yusuan.glob("*.pdf"))}


def _keys(doc: Document) -> list[str | None]:
    return [t.key for t in doc.tables]


def _table(doc: Document, key: str) -> Table:
    return next(t for t in doc.tables if t.key == key)


def test_every_budget_table_has_its_key(docs: dict[str, Document]) -> None:
    for name in (WL24, WL25, CZJ25, FLY24):
        assert _keys(docs[name]) == SHANGHAI_KEYS, name
    # WL23 adds five 财政项目支出绩效目标填报表, their title printed in the grid
    assert _keys(docs[WL23]) == SHANGHAI_KEYS + ["budget_project_performance"] * 5
    assert _keys(docs[JCY19]) == JIANGSU_KEYS
    assert _keys(docs[BGT19_TABLES]) == JIANGSU_KEYS
    for doc in docs.values():
        assert all(t.key is None or t.key.startswith("budget_") for t in doc.tables)


def test_unit_names_and_levels(docs: dict[str, Document]) -> None:
    got = {name: (d.metadata.unit_name, d.metadata.level, d.metadata.kind) for name, d in docs.items()}
    assert got[FLY24] == ("上海市普陀区社会福利院", "单位", "预算")
    for name in (WL23, WL24, WL25):
        assert got[name] == ("上海市普陀区人民政府万里街道办事处", "部门", "预算")
    assert got[CZJ25] == ("上海市普陀区财政局", "部门", "预算")
    assert got[JCY19] == ("江苏省人民检察院", "部门", "预算")
    assert got[BGT19_TEXT] == ("江苏省委办公厅", "部门", "预算")
    # the table file alone: the unit is what every table's "部门：" line says; nothing says 部门 or 单位
    assert got[BGT19_TABLES] == ("中共江苏省委办公厅", None, "预算")
    assert docs[BGT19_TABLES].metadata.fiscal_year == 2019


def test_final_accounts_are_department_reports(real_docs: dict[str, Document], seed_doc: Document) -> None:
    for doc in [*real_docs.values(), seed_doc]:
        assert doc.metadata.level == "部门"
        assert all(t.key is None or not t.key.startswith("budget_") for t in doc.tables)


def _paragraphs(doc: Document, pages: set[int]) -> list[str]:
    return [p.text for s in iter_sections(doc.sections) for p in s.paragraphs if p.page in pages]


def test_hidden_copy_of_the_explanation_is_dropped(docs: dict[str, Document], yusuan: Path) -> None:
    with (yusuan / CZJ25).open("rb") as fp:
        pages = list(iter_pages(fp, maxpages=8))
    p7, p8 = pages[6], pages[7]
    # p8 shows items 9–11 only; above the page box and outside the clip lies a copy of p7's text
    assert p8.hidden >= 796 and len([c for c in p8.chars if not c.text.isspace()]) < 200
    assert p7.hidden > 0  # items 9–11 drawn again on p7, outside its clip
    items = [re.match(r"(\d+)\.“", t) for t in _paragraphs(docs[CZJ25], {7, 8})]
    numbers = [int(m.group(1)) for m in items if m]
    assert numbers == list(range(1, 12))


@pytest.mark.parametrize("name", [WL25, CZJ25, WL24, FLY24])
def test_no_paragraph_is_printed_twice(docs: dict[str, Document], name: str) -> None:
    counts = Counter(t for t in _paragraphs(docs[name], set(range(1, 100))) if len(t) >= 30)
    assert [t for t, n in counts.items() if n > 1] == []


def test_jiangsu_numbers_codes_and_procurement(docs: dict[str, Document]) -> None:
    doc = docs[JCY19]
    assert [t.number for t in doc.tables] == [f"公开{n:02d}表" for n in range(1, 13)]
    t05 = _table(doc, "budget_fiscal_grant_expenditure")
    assert [c.role for c in t05.columns].count("code") == 1
    coded = {r.code: r.label for r in t05.rows if r.code}
    assert coded["204"] == "公共安全支出" and coded["2040401"] == "行政运行" and coded["2210202"] == "提租补贴"
    total = next(r for r in t05.rows if r.level == "合计")
    assert total.cells[-1].text == "24,169.74"
    t12 = _table(doc, "budget_procurement")
    assert (t12.title, t12.unit_name, t12.unit, t12.page, t12.page_end) == (
        "政府采购支出预算表", "江苏省人民检察院", "万元", 22, 24
    )
    summary = _table(doc, "budget_summary")
    assert [lane.name for lane in summary.lanes] == ["收入", "功能分类", "支出用途"]


def test_malformed_code_cells(docs: dict[str, Document]) -> None:
    for key in ("budget_expenditure", "budget_general_expenditure"):
        rows = {r.label: r for r in _table(docs[FLY24], key).rows}
        row = rows["事业单位医疗"]  # 类 printed "7"
        assert (row.code, row.code_text, row.code_repaired) == ("2101102", "7 11 02", True)
    t8 = _table(docs[WL24], "budget_general_basic_expenditure")
    rows = {r.label: r for r in t8.rows}
    assert (rows["津贴补贴"].code, rows["津贴补贴"].code_text) == ("30102", "301 2")
    assert (rows["绩效工资"].code, rows["绩效工资"].code_text) == ("30107", "301 7")
    # every other code is printed whole
    for doc in docs.values():
        for t in doc.tables:
            for r in t.rows:
                assert r.code_repaired == (r.code_text is not None and r.code is not None)
