"""Rulings drawn as unclosed filled paths ("m l l l f"): some spreadsheet exporters draw a thin border so, and
pdfminer then reports a curve, not a rectangle. Such a border is a rule like any other: without it the cells
above and below merge, and a header such as 支出用途 / 项目名称 reads "支出用项目名称" | "途金额"."""

from __future__ import annotations

import io
from pathlib import Path

import pdfgen
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from linter.parse.pdf.grid import find_grids
from linter.parse.pdf.pages import iter_pages

JIANGSU_TABLES = Path("corpus/real/yusuan/江苏省委办公厅-江苏省委办公厅2019年度部门预算公开表格.pdf")


def thin_box(c: canvas.Canvas, x0: float, y0: float, x1: float, y1: float, close: bool) -> None:
    path = c.beginPath()
    path.moveTo(x0, y0)
    path.lineTo(x1, y0)
    path.lineTo(x1, y1)
    path.lineTo(x0, y1)
    if close:
        path.close()
    c.drawPath(path, stroke=0, fill=1)


def header_pdf(close_inner_rule: bool) -> bytes:
    """A two-level header: 支出用途 over 项目名称 | 金额, the rule between the levels an unclosed thin path."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont(pdfgen.FONT, 10)
    left, mid, right = 100.0, 200.0, 300.0
    top, middle, bottom, end = 700.0, 680.0, 660.0, 640.0
    for y in (top, bottom, end):
        thin_box(c, left, y, right, y + 0.96, close=True)
    thin_box(c, left, middle, right, middle + 0.96, close=close_inner_rule)
    thin_box(c, left, end, left + 0.96, top + 0.96, close=True)
    thin_box(c, right, end, right + 0.96, top + 0.96, close=True)
    thin_box(c, mid, end, mid + 0.96, middle, close=True)  # the middle column rule starts below the top level
    c.drawCentredString((left + right) / 2 - 2, 686, "支出用途")  # straddles the middle column rule's line
    c.drawCentredString((left + mid) / 2, 666, "项目名称")
    c.drawCentredString((mid + right) / 2, 666, "金额")
    c.drawCentredString((left + mid) / 2, 646, "一、基本支出")
    c.drawRightString(right - 4, 646, "11,700.63")
    c.showPage()
    c.save()
    return buf.getvalue()


def header_texts(pdf: bytes) -> list[str]:
    page = next(iter_pages(io.BytesIO(pdf)))
    (grid,) = find_grids(page)
    return [cell.text for cell in grid.cells]


def test_an_unclosed_thin_path_is_a_rule() -> None:
    assert header_texts(header_pdf(close_inner_rule=False)) == header_texts(header_pdf(close_inner_rule=True))
    assert header_texts(header_pdf(close_inner_rule=False))[:3] == ["支出用途", "项目名称", "金额"]


def test_the_jiangsu_summary_header_reads_as_printed(shared: Path) -> None:
    with (shared / JIANGSU_TABLES).open("rb") as f:
        page = next(iter_pages(f, only={1}))
    grid = find_grids(page)[0]
    header = [cell.text for cell in grid.cells if cell.row < 3]
    assert header == ["收入", "支出", "项目名称", "金额", "功能分类", "支出用途", "功能科目名称", "金额", "项目名称", "金额"]
