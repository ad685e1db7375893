"""The parser on a small report built here with python-docx (no ../shared, no core test suite needed).

The report has a cover, a TOC, headings by style, by auto-numbering and by bold/size cues, a two-lane table
with a merged header and a 栏次 row, a table with a code column split over two Word tables at a page
break, blank cells, notes, and an empty table with its statement.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import parse_xml
from docx.shared import Pt
from docx.table import Table as DocxTable
from linter.api import Catalogue
from linter.api import InputError
from linter.api import Document, Table
from linter.api import schema_errors

from fiscal_lint_docx.document import parse_docx
from fiscal_lint_docx.plugin import fiscal_lint_parse_document, fiscal_lint_parser_formats

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CHINESE_LIST = 90  # numId of the 一、二、 list the builder defines

SUMMARY_HEADER = [
    [("收入", 3), ("支出", 3)],
    [("项目", 1), ("行次", 1), ("金额", 1), ("项目", 1), ("行次", 1), ("金额", 1)],
    [("栏次", 1), ("", 1), ("1", 1), ("栏次", 1), ("", 1), ("2", 1)],
]
SUMMARY_BODY = [
    ["一、一般公共预算财政拨款收入", "1", "100.00", "一、一般公共服务支出", "4", "80.00"],
    ["二、政府性基金预算财政拨款收入", "2", "", "二、卫生健康支出", "5", "20.00"],
    ["本年收入合计", "3", "100.00", "本年支出合计", "6", "100.00"],
    ["", "", "", "总计", "7", "100.00"],
]


def _para(doc: docx.document.Document, text: str, size: float = 14, bold: bool = False, centred: bool = False,
          style: str | None = None, page_break_before: bool = False) -> None:
    p = doc.add_paragraph(style=style)
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    if centred:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.page_break_before = page_break_before


def _numbered(doc: docx.document.Document, text: str) -> None:
    """A paragraph whose "一、" comes from Word list numbering, not from its text."""
    p = doc.add_paragraph()
    p._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="0"/><w:numId w:val="{CHINESE_LIST}"/></w:numPr>')
    )
    run = p.add_run(text)
    run.font.size = Pt(16)


def _define_chinese_list(doc: docx.document.Document) -> None:
    numbering = doc.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {W_NS} w:abstractNumId="{CHINESE_LIST}"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>'
    )
    numbering.insert(0, abstract)
    numbering.append(parse_xml(f'<w:num {W_NS} w:numId="{CHINESE_LIST}"><w:abstractNumId w:val="{CHINESE_LIST}"/></w:num>'))


def _table(doc: docx.document.Document, header: list[list[tuple[str, int]]], body: list[list[str]],
           vmerge: tuple[tuple[int, int, int], ...] = ()) -> DocxTable:
    """A table with ``header`` rows of (text, colspan) and ``body`` rows; ``vmerge`` = (column, first row, last row)."""
    width = sum(span for _, span in header[0]) if header else len(body[0])
    table = doc.add_table(rows=len(header) + len(body), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(header):
        c = 0
        for text, span in row:
            cell = table.cell(r, c).merge(table.cell(r, c + span - 1)) if span > 1 else table.cell(r, c)
            if text:
                cell.text = text
            c += span
    for r, texts in enumerate(body, start=len(header)):
        for c, printed in enumerate(texts):
            table.cell(r, c).text = printed
    for c, first, last in vmerge:
        text = table.cell(first, c).text
        table.cell(first, c).merge(table.cell(last, c)).text = text
    return table


EXPENDITURE_HEADER = [
    [("科目编码", 1), ("科目名称", 1), ("本年支出合计", 1), ("其中", 2)],
    [("", 1), ("", 1), ("", 1), ("基本支出", 1), ("项目支出", 1)],
]
EXPENDITURE_VMERGE = ((0, 0, 1), (1, 0, 1), (2, 0, 1))


def build_report() -> bytes:
    doc = docx.Document()
    _define_chinese_list(doc)
    _para(doc, "2024 年度示例单位", size=26, bold=True, centred=True)
    _para(doc, "部门决算公开", size=26, bold=True, centred=True)
    _para(doc, "2025 年 3 月 31 日", size=16, centred=True)
    _para(doc, "目 录", size=18, bold=True, centred=True, page_break_before=True)
    _para(doc, "第一部分 示例单位概况\t1", size=12)
    _para(doc, "一、部门主要职责……………2", size=12)
    _para(doc, "第二部分 部门决算表\t3", size=12)
    _para(doc, "第一部分 示例单位概况", style="Heading 1", page_break_before=True)
    _numbered(doc, "部门主要职责")
    _para(doc, "(一) 负责本单位日常工作。")  # numbered but plain body type: a paragraph, not a heading
    _para(doc, "（二）承办上级交办的其他事项。")
    _para(doc, "(一) 重点工作", bold=True)
    _para(doc, "全年完成各项任务。")
    _numbered(doc, "机构设置情况")
    _para(doc, "本单位为行政单位。")
    _para(doc, "第二部分 部门决算表", size=18, bold=True, centred=True, page_break_before=True)

    _para(doc, "2024 年度收入支出决算总表", size=15, bold=True, centred=True)
    _para(doc, "公开01表", size=10.5)
    _para(doc, "单位：示例单位\t单位：万元", size=10.5)
    _table(doc, SUMMARY_HEADER, SUMMARY_BODY)
    _para(doc, "注：1. 本表反映部门本年度的总收支情况。", size=10)
    _para(doc, "2. 本套报表金额单位转换时可能存在尾数误差。", size=10)

    _para(doc, "2024 年度支出决算表", size=15, bold=True, centred=True, page_break_before=True)
    _para(doc, "公开03表  单位：万元", size=10.5)
    first_part = _table(doc, EXPENDITURE_HEADER, [
        ["合计", "", "1,334.50", "1,254.50", "80.00"],
        ["201", "一般公共服务支出", "1,334.50", "1,254.50", "80.00"],
    ], EXPENDITURE_VMERGE)
    first_part.cell(2, 0).merge(first_part.cell(2, 1)).text = "合计"  # 合计 spans the code and the name columns
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)  # Word users split long tables like this
    _table(doc, EXPENDITURE_HEADER, [
        ["20131", "党委办公厅（室）及相关机构事务", "1,334.50", "1,254.50", "80.00"],
        ["2013101", "行政运行", "1,234.50", "1,234.50", ""],
        ["2013102", "一般行政管理事务", "100.00", "20.00", "80.00"],
    ], EXPENDITURE_VMERGE)
    _para(doc, "注：本表反映部门本年度各项支出情况。", size=10)

    _para(doc, "2024 年度政府性基金预算财政拨款收入支出决算表", size=15, bold=True, centred=True, page_break_before=True)
    _para(doc, "公开07表", size=10.5)
    _table(doc, [[("项目", 1), ("本年收入", 1), ("本年支出", 1)]], [["合计", "", ""]])
    _para(doc, "本部门 2024 年度无政府性基金预算财政拨款收入支出。")
    _para(doc, "第三部分 决算情况说明", size=18, bold=True, centred=True)
    _para(doc, "一、收入支出决算总体情况说明", size=16)
    _para(doc, "2024 年度收、支总计均为 100.00 万元。")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def report() -> Document:
    return parse_docx(Path("示例 报告.docx"), build_report(), Catalogue())


def _table_of(doc: Document, key: str) -> Table:
    (table,) = [t for t in doc.tables if t.key == key]
    return table


def test_model_validates_against_the_schema(report: Document) -> None:
    assert schema_errors(report.to_dict()) == []
    assert Document.from_dict(report.to_dict()) == report


def test_metadata_and_source(report: Document) -> None:
    m = report.metadata
    assert (m.title, m.unit_name, m.fiscal_year, m.kind) == ("2024 年度示例单位部门决算公开", "示例单位", 2024, "决算")
    assert (m.publication_date, m.currency_unit, m.profile) == ("2025-03-31", "万元", "hubei")
    assert report.source.file_name == "示例 报告.docx" and report.source.parser.name == "fiscal-lint-docx"
    assert report.source.page_count == 7  # cover, TOC, 第一部分, 第二部分 with 01表, 03表 on two pages, 07表


def test_two_lane_table_with_merged_header(report: Document) -> None:
    t = _table_of(report, "income_expenditure_summary")
    assert (t.number, t.title, t.unit, t.unit_name) == ("公开01表", "2024 年度收入支出决算总表", "万元", "示例单位")
    assert t.header[0] == ["收入", None, None, "支出", None, None]
    assert [c.path for c in t.columns[:3]] == [["收入", "项目"], ["收入", "行次"], ["收入", "金额"]]
    assert [c.role for c in t.columns] == ["label", "line_no", "amount"] * 2
    assert [c.column_no for c in t.columns] == [None, None, "1", None, None, "2"]
    assert [(lane.name, lane.columns) for lane in t.lanes] == [("收入", [0, 1, 2]), ("支出", [3, 4, 5])]
    income = [r for r in t.rows if r.lane == 0]
    spend = [r for r in t.rows if r.lane == 1]
    assert [r.line_no for r in income] == ["1", "2", "3"]  # the blank left half of the last row gives no Row
    assert [r.line_no for r in spend] == ["4", "5", "6", "7"]
    assert [c.value for r in income for c in r.cells] == ["100.00", None, "100.00"]  # blank is not zero
    assert [c.value for r in spend for c in r.cells] == ["80.00", "20.00", "100.00", "100.00"]
    assert income[2].level == "合计" and spend[3].label == "总计" and spend[3].level == "合计"
    assert [r.index for r in spend] == [0, 1, 2, 3] and income[1].cells[0].text == ""
    assert [n.text for n in t.notes] == ["注：1. 本表反映部门本年度的总收支情况。", "2. 本套报表金额单位转换时可能存在尾数误差。"]
    assert t.page == t.page_end == 4


def test_code_column_and_a_table_split_at_a_page_break(report: Document) -> None:
    t = _table_of(report, "expenditure")
    assert (t.number, t.unit, t.page, t.page_end) == ("公开03表", "万元", 5, 6)
    assert len(t.header) == 2 and t.header[1][:3] == [None, None, None]
    assert [c.role for c in t.columns] == ["code", "label", "amount", "amount", "amount"]
    assert [c.path for c in t.columns[2:]] == [["本年支出合计"], ["其中", "基本支出"], ["其中", "项目支出"]]
    assert [r.code for r in t.rows] == [None, "201", "20131", "2013101", "2013102"]  # the repeated header is dropped
    assert [r.level for r in t.rows] == ["合计", "类", "款", "项", "项"]
    assert [r.code_kind for r in t.rows] == [None, "function", "function", "function", "function"]
    assert t.rows[0].label == "合计" and t.rows[3].label == "行政运行"
    assert [c.value for c in t.rows[3].cells] == ["1234.50", "1234.50", None]  # codes are keys, never amounts
    assert [c.text for c in t.rows[3].cells] == ["1,234.50", "1,234.50", ""]
    assert [r.page for r in t.rows] == [5, 5, 6, 6, 6]


def test_empty_table_keeps_its_statement(report: Document) -> None:
    t = _table_of(report, "government_fund")
    assert all(c.value is None for r in t.rows for c in r.cells)
    assert [n.text for n in t.notes] == ["本部门 2024 年度无政府性基金预算财政拨款收入支出。"]


def test_sections_toc_and_paragraphs(report: Document) -> None:
    assert [(e.text, e.level, e.target_page) for e in report.toc] == [
        ("第一部分 示例单位概况", 1, "1"), ("一、部门主要职责", 2, "2"), ("第二部分 部门决算表", 1, "3"),
    ]
    first, second, third = report.sections
    assert (first.number, first.title, first.level, first.page) == ("第一部分", "示例单位概况", 1, 3)
    duties, organisation = first.children
    assert (duties.heading, duties.number, duties.title, duties.level) == ("一、部门主要职责", "一", "部门主要职责", 2)
    assert [p.text for p in duties.paragraphs] == ["(一) 负责本单位日常工作。", "（二）承办上级交办的其他事项。"]
    (focus,) = duties.children
    assert (focus.number, focus.title, focus.level) == ("（一）", "重点工作", 3)
    assert [p.text for p in focus.paragraphs] == ["全年完成各项任务。"]
    assert organisation.heading == "二、机构设置情况" and organisation.paragraphs[0].text == "本单位为行政单位。"
    assert second.paragraphs == [] and second.children == []  # table titles, 表号, 单位 and notes belong to tables
    assert third.children[0].paragraphs[0].text == "2024 年度收、支总计均为 100.00 万元。"


def test_plugin_claims_only_docx() -> None:
    catalogue = {"catalogue": Catalogue()}
    assert fiscal_lint_parser_formats() == [".docx"]
    assert fiscal_lint_parse_document(Path("a.pdf"), b"%PDF-1.7", catalogue) is None
    assert fiscal_lint_parse_document(Path("a.docx"), b"%PDF-1.7 saved under the wrong name", catalogue) is None
    assert fiscal_lint_parse_document(Path("a.xlsx"), b"PK\x03\x04", catalogue) is None
    assert fiscal_lint_parse_document(Path("a.DOCX"), build_report(), catalogue) is not None


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"<html><body>404</body></html>", "not_docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "not_docx"),
        (b"PK\x03\x04 truncated", "corrupt"),
    ],
)
def test_damaged_files_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(InputError) as err:
        fiscal_lint_parse_document(Path("bad.docx"), data, {"catalogue": Catalogue()})
    assert err.value.reason == reason and err.value.zh and err.value.en


def test_a_zip_that_is_not_a_word_document_is_corrupt() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a Word document")
    with pytest.raises(InputError) as err:
        parse_docx(Path("x.docx"), out.getvalue(), Catalogue())
    assert err.value.reason == "corrupt"
