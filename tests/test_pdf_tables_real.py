"""The table extractor on two real Shanghai 部门决算 PDFs (ONLYOFFICE and Word 2010 exports).

Every expected value below was read off the rendered page (pdftoppm), not off the parser's output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from linter.core.catalogue import FINAL_ACCOUNTS, Catalogue
from linter.core.model import Row, Table
from linter.parse.pdf.pages import iter_pages
from linter.parse.pdf.tables import extract_tables

REAL = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real" / "juesuan"
FINANCE = "2024-上海市普陀区财政局-部门决算.pdf"  # ONLYOFFICE: line rulings, 类/款/项 code columns, 2,940.05
PLANNING = "2024-上海市普陀区规划和自然资源局-部门决算.pdf"  # Word 2010: thin filled rectangles, 7-digit codes

# (row selector: label / code / lane name / physical index, {column path suffix: value}); None = a blank cell
Check = tuple[dict[str, str], dict[str, str | None]]

CHECKS: dict[str, dict[str, list[Check]]] = {
    FINANCE: {
        "income_expenditure_summary": [
            ({"label": "一、一般公共预算财政拨款收入"}, {"决算数": "2940.05"}),
            ({"label": "一、一般公共服务支出"}, {"决算数": "2106.66"}),
            ({"label": "二、外交支出"}, {"决算数": None}),
            ({"label": "八、其他收入"}, {"决算数": "6.20"}),
            ({"label": "本年收入合计"}, {"决算数": "2946.25"}),
            ({"label": "年初结转和结余"}, {"决算数": "49.14"}),  # on the continuation page
            ({"label": "总计", "lane": "支出"}, {"决算数": "2995.39"}),
        ],
        "income": [
            ({"label": "合计"}, {"本年收入合计": "2946.25", "财政拨款收入": "2940.05", "其他收入": "6.20"}),
            ({"code": "201"}, {"本年收入合计": "2112.86", "财政拨款收入": "2106.66", "上级补助收入": None}),
            ({"code": "2010601"}, {"本年收入合计": "1511.90", "财政拨款收入": "1511.89", "其他收入": "0.01"}),
            ({"code": "2080599"}, {"本年收入合计": "0.94", "财政拨款收入": "0.94"}),
        ],
        "expenditure": [
            ({"label": "合计"}, {"本年支出合计": "2940.05", "基本支出": "2336.91", "项目支出": "603.14"}),
            ({"code": "2010601"}, {"本年支出合计": "1511.89", "基本支出": "1503.52", "项目支出": "8.37"}),
            ({"code": "2010602"}, {"本年支出合计": "10.00", "基本支出": None, "项目支出": "10.00"}),
            ({"code": "2080505"}, {"本年支出合计": "160.75", "基本支出": "160.75"}),
        ],
        "fiscal_grant_summary": [
            ({"label": "一、一般公共预算财政拨款", "lane": "收入", "index": "0"}, {"决算数": "2940.05"}),
            ({"label": "一、一般公共服务支出"}, {"合计": "2106.66", "一般公共预算财政拨款": "2106.66"}),
            ({"label": "九、卫生健康支出"}, {"合计": "60.99", "政府性基金预算财政拨款": None}),
            ({"label": "十九、住房保障支出"}, {"合计": "445.69"}),
            ({"label": "年初财政拨款结转和结余"}, {"决算数": "21.63"}),
            ({"label": "总计", "lane": "支出"}, {"合计": "2961.68", "一般公共预算财政拨款": "2961.68"}),
        ],
        "general_budget_expenditure": [
            ({"code": "201"}, {"合计": "2106.66", "基本支出": "1503.52", "项目支出": "603.14"}),
            ({"code": "2010602"}, {"合计": "10.00", "基本支出": None, "项目支出": "10.00"}),
            ({"code": "2210203"}, {"合计": "258.50", "基本支出": "258.50"}),
            ({"label": "合计"}, {"合计": "2940.05", "基本支出": "2336.91", "项目支出": "603.14"}),
        ],
        "general_budget_basic_expenditure": [
            ({"code": "30101"}, {"决算数": "262.33"}),
            ({"code": "30102"}, {"决算数": "1238.58"}),
            ({"code": "30103"}, {"决算数": None}),
            ({"code": "30201"}, {"决算数": "21.21"}),
            ({"code": "30309"}, {"决算数": "0.31"}),  # on the continuation page
            ({"code": "30228"}, {"决算数": "24.42"}),
            ({"code": "310"}, {"决算数": "13.58"}),
            ({"label": "人员经费合计"}, {"决算数": "2152.26"}),
            ({"label": "公用经费合计"}, {"决算数": "184.65"}),
        ],
        "three_public": [
            ({}, {"合计/预算数": "0.95", "合计/决算数": None, "因公出国（境）费/预算数": None}),
            ({}, {"公务用车购置费/预算数": None, "公务用车运行费/决算数": None}),
            ({}, {"公务接待费/预算数": "0.95", "公务接待费/决算数": None}),
        ],
        "government_fund": [
            ({"label": "合计"}, {"年初结转和结余": None, "本年支出/基本支出": None, "年末结转和结余": None}),
        ],
        "state_capital": [
            ({"label": "合计"}, {"本年收入": None, "本年支出/小计": None, "本年支出/项目支出": None}),
        ],
    },
    PLANNING: {
        "income_expenditure_summary": [
            ({"label": "一、一般公共预算财政拨款收入"}, {"决算数": "9746.50"}),
            ({"label": "一、一般公共服务支出"}, {"决算数": None}),
            ({"label": "八、社会保障和就业支出"}, {"决算数": "754.75"}),
            ({"label": "十一、城乡社区支出"}, {"决算数": "3845.25"}),
            ({"label": "本年支出合计"}, {"决算数": "9759.38"}),
            ({"label": "年初结转和结余"}, {"决算数": "112.88"}),
            ({"label": "总计", "lane": "收入"}, {"决算数": "9859.38"}),
        ],
        "income": [
            ({"label": "合计"}, {"本年收入合计": "9746.50", "财政拨款收入": "9746.50", "上级补助收入": None}),
            ({"code": "2080505"}, {"本年收入合计": "446.11", "财政拨款收入": "446.11"}),
            ({"code": "2101102"}, {"本年收入合计": "196.29"}),
            ({"code": "2200150"}, {"本年收入合计": "4416.67", "其他收入": None}),  # on the continuation page
        ],
        "expenditure": [
            ({"label": "合计"}, {"本年支出合计": "9759.38", "基本支出": "5377.64", "项目支出": "4381.74"}),
            ({"code": "208"}, {"本年支出合计": "754.75", "项目支出": "0.00", "经营支出": None}),
            ({"code": "2080599"}, {"本年支出合计": "0.88", "基本支出": "0.88"}),
            ({"code": "212"}, {"本年支出合计": "3845.24", "基本支出": "1585.59", "项目支出": "2259.65"}),
            ({"code": "2200199"}, {"本年支出合计": "45.00", "基本支出": "0.00", "项目支出": "45.00"}),
        ],
        "fiscal_grant_summary": [
            ({"label": "一、一般公共预算财政拨款", "lane": "收入", "index": "0"}, {"决算数": "9746.50"}),
            ({"label": "八、社会保障和就业支出"}, {"合计": "754.75", "一般公共预算财政拨款": "754.75"}),
            ({"label": "十一、城乡社区支出"}, {"合计": "3832.36", "国有资本经营预算财政拨款": None}),
            ({"label": "十八、自然资源海洋气象等支出"}, {"合计": "4461.67"}),
            ({"label": "总计", "lane": "支出"}, {"合计": "9746.50", "一般公共预算财政拨款": "9746.50"}),
        ],
        "general_budget_expenditure": [
            ({"code": "212"}, {"合计": "3832.36", "基本支出": "1572.70", "项目支出": "2259.65"}),
            ({"code": "2200199"}, {"合计": "45.00", "基本支出": "0.00", "项目支出": "45.00"}),
            ({"code": "21011"}, {"合计": "236.64"}),
            ({"label": "合计"}, {"合计": "9746.50", "基本支出": "5364.75", "项目支出": "4381.74"}),
        ],
        "general_budget_basic_expenditure": [
            ({"code": "30101"}, {"决算数": "537.64"}),
            ({"code": "30103"}, {"决算数": "0.00"}),
            ({"code": "30107"}, {"决算数": "1594.02"}),
            ({"code": "30201"}, {"决算数": "84.62"}),
            ({"code": "31002"}, {"决算数": "39.76"}),
            ({"label": "人员经费合计"}, {"决算数": "4884.09"}),
            ({"label": "公用经费合计"}, {"决算数": "480.66"}),
        ],
        "three_public": [
            ({}, {"合计/预算数": "2.85", "合计/决算数": "0.39"}),
            ({}, {"因公出国（境）费/预算数": "0.00", "小计/决算数": "0.00"}),
            ({}, {"公务接待费/预算数": "2.85", "公务接待费/决算数": "0.39"}),
        ],
        "government_fund": [
            ({"label": "合计"}, {"年初结转和结余": None, "本年支出/基本支出": None, "年末结转和结余": None}),
        ],
        "state_capital": [
            ({"label": "合计"}, {"本年收入": None, "本年支出/合计": None, "本年支出/项目支出": None}),
        ],
    },
}

PAGES = {
    FINANCE: {"income_expenditure_summary": (6, 7), "fiscal_grant_summary": (12, 14), "three_public": (18, 18)},
    PLANNING: {"income": (8, 9), "general_budget_expenditure": (14, 15), "three_public": (17, 17)},
}


@pytest.fixture(scope="module", params=[FINANCE, PLANNING])
def parsed(request: pytest.FixtureRequest) -> tuple[str, dict[str, Table], list[Table]]:
    path = REAL / request.param
    if not path.is_file():
        pytest.skip("../shared corpus not available")
    with open(path, "rb") as fp:
        tables, _ = extract_tables(list(iter_pages(fp)), Catalogue())
    return request.param, {t.key: t for t in tables if t.key}, tables


def _row(table: Table, sel: dict[str, str]) -> Row:
    hits = [
        r
        for r in table.rows
        if r.label == sel.get("label", r.label)
        and r.code == sel.get("code", r.code)
        and table.lanes[r.lane].name == sel.get("lane", table.lanes[r.lane].name)
        and str(r.index) == sel.get("index", str(r.index))
    ]
    assert len(hits) == 1, (table.title, sel, [(r.lane, r.code, r.label) for r in hits])
    return hits[0]


def _value(table: Table, row: Row, path: str) -> Any:
    cols = [c.index for c in table.columns if c.lane == row.lane and "/".join(c.path).endswith(path)]
    assert len(cols) == 1, (table.title, path, cols)
    return next(c.value for c in row.cells if c.column == cols[0])


def test_nine_standard_tables_keyed(parsed):
    _, by_key, tables = parsed
    keys = [t.key for t in tables if t.key]
    assert sorted(keys) == sorted(s.key for s in FINAL_ACCOUNTS)  # each exactly once
    assert all(t.number is None and t.unit == "万元" for t in by_key.values())  # Shanghai prints no 表号 here


def test_spot_values(parsed):
    name, by_key, _ = parsed
    checked = 0
    for key, checks in CHECKS[name].items():
        table = by_key[key]
        for sel, values in checks:
            row = _row(table, sel)
            for path, want in values.items():
                assert _value(table, row, path) == want, (key, sel, path)
                checked += 1
    assert checked >= 60


def test_page_spans(parsed):
    name, by_key, _ = parsed
    for key, span in PAGES[name].items():
        assert (by_key[key].page, by_key[key].page_end) == span


def test_lanes(parsed):
    _, by_key, _ = parsed
    for key in ("income_expenditure_summary", "fiscal_grant_summary"):
        assert [lane.name for lane in by_key[key].lanes] == ["收入", "支出"]
    # two lanes here (the catalogue's three-lane naming does not apply): named after their total rows
    assert [lane.name for lane in by_key["general_budget_basic_expenditure"].lanes] == ["人员经费", "公用经费"]
    assert len(by_key["income"].lanes) == 1


def test_codes_and_blanks(parsed):
    name, by_key, tables = parsed
    for table in tables:
        roles = {c.index: c.role for c in table.columns}
        for row in table.rows:
            assert row.code is None or row.code.isdigit()
            for cell in row.cells:
                assert roles[cell.column] in ("amount", "text")  # never a code or 行次 column
                if not cell.text.strip():
                    assert cell.value is None  # blank is not 0
    income = by_key["income"]
    assert [c.role for c in income.columns if c.role == "code"] == ["code"] * (3 if name == FINANCE else 1)
    row = _row(income, {"code": "2080505"})
    assert (row.label, row.level, row.code_kind) == ("机关事业单位基本养老保险缴费支出", "项", "function")
    assert all(c.value != "2080505" and c.value != "208" for c in row.cells)
    basic = _row(by_key["general_budget_basic_expenditure"], {"code": "30101"})
    assert (basic.label, basic.level, basic.code_kind) == ("基本工资", "款", "economic")


def test_printed_text_kept(parsed):
    name, by_key, _ = parsed
    row = _row(by_key["income_expenditure_summary"], {"label": "一、一般公共预算财政拨款收入"})
    assert row.cells[0].text == ("2,940.05" if name == FINANCE else "9746.50")
    assert row.cells[0].page == by_key["income_expenditure_summary"].page


def test_empty_tables_have_their_notes(parsed):
    _, by_key, _ = parsed
    for key in ("government_fund", "state_capital"):
        table = by_key[key]
        assert any("无" in n.text and "本表无数据" in n.text for n in table.notes)
        assert all(c.value is None for r in table.rows for c in r.cells)
        paths = ["/".join(c.path) for c in table.columns]
        assert paths[-4:-1] == [
            "本年支出/" + p for p in ("合计" if "合计" in paths[-4] else "小计", "基本支出", "项目支出")
        ]
