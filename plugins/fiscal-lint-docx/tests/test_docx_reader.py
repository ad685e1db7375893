"""Word details the parser must read as printed: hidden and deleted text, section breaks, outline levels, TOC
styles, list numbers, and a table whose title and 单位 line sit in its own first rows (pasted from a spreadsheet)."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from linter.api import Catalogue
from linter.api import Document
from linter.api import schema_errors

from fiscal_lint_docx.document import parse_docx
from fiscal_lint_docx.reader import chinese_number

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def build() -> bytes:
    doc = docx.Document()
    toc = doc.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    doc.add_paragraph("第一部分 概况\t1", style=toc)  # a Word-generated TOC line: no 目录 title needed
    doc.add_section(WD_SECTION.NEW_PAGE)
    heading = doc.add_paragraph("单位职能")
    heading._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {W_NS} w:val="0"/>'))
    body = doc.add_paragraph("可见文字")
    body._p.append(parse_xml(f'<w:r {W_NS}><w:rPr><w:vanish/></w:rPr><w:t>隐藏文字</w:t></w:r>'))
    body._p.append(parse_xml(f'<w:del {W_NS} w:id="1" w:author="a"><w:r><w:delText>删除文字</w:delText></w:r></w:del>'))
    body._p.append(parse_xml(f'<w:ins {W_NS} w:id="2" w:author="a"><w:r><w:t>插入文字</w:t></w:r></w:ins>'))
    doc.add_section(WD_SECTION.CONTINUOUS)  # same page
    table = doc.add_table(rows=5, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "2024 年度支出决算表"
    table.cell(1, 0).merge(table.cell(1, 2)).text = "单位：万元"
    for r, texts in enumerate([["科目编码", "科目名称", "本年支出合计"], ["201", "一般公共服务支出", "5.00"],
                               ["2010101", "行政运行", "-"]], start=2):
        for c, text in enumerate(texts):
            table.cell(r, c).text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def report() -> Document:
    return parse_docx(Path("details.docx"), build(), Catalogue())


def test_model_validates(report: Document) -> None:
    assert schema_errors(report.to_dict()) == []


def test_hidden_and_deleted_text_is_not_printed(report: Document) -> None:
    (section,) = report.sections
    assert [p.text for p in section.paragraphs] == ["可见文字插入文字"]


def test_outline_level_and_toc_style(report: Document) -> None:
    assert [(e.text, e.level, e.target_page, e.page) for e in report.toc] == [("第一部分 概况", 1, "1", 1)]
    (section,) = report.sections
    assert (section.heading, section.number, section.level, section.page) == ("单位职能", None, 1, 2)


def test_section_breaks_count_pages_unless_continuous(report: Document) -> None:
    assert report.source.page_count == 2 and report.tables[0].page == 2


def test_title_and_unit_rows_inside_the_table(report: Document) -> None:
    (table,) = report.tables
    assert (table.key, table.title, table.unit) == ("expenditure", "2024 年度支出决算表", "万元")
    assert table.header == [["科目编码", "科目名称", "本年支出合计"]]
    assert [(r.code, r.level, [c.value for c in r.cells]) for r in table.rows] == [
        ("201", "类", ["5.00"]),
        ("2010101", "项", [None]),  # "-" is a placeholder, not a number
    ]


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (99, "九十九"), (100, "一百"), (105, "一百零五"), (110, "一百一十")],
)
def test_chinese_list_numbers(n: int, text: str) -> None:
    assert chinese_number(n) == text
