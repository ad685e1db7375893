"""Small disclosure PDFs drawn by the tests themselves (reportlab, built-in CJK font).

Tables are given in the transcription's format: rows of cells, a cell being a
string or ``{"text": ..., "colspan": n, "rowspan": m}``. Rules are drawn the
way word processors do: every grid line, except inside a merged cell.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

Cell = str | dict[str, Any]


@dataclass
class TableSpec:
    title: str
    number: str | None
    header: list[list[Cell]]
    body: list[list[Cell]]
    widths: list[float]
    unit: str = "万元"
    unit_name: str | None = "示例单位"
    notes: list[str] = field(default_factory=list)
    numeric: set[int] = field(default_factory=set)  # right-aligned columns
    row_height: float = 18
    font_size: float = 8
    landscape: bool = False


def _expand(rows: list[list[Cell]], ncols: int) -> list[list[tuple[str, int, int] | None]]:
    """Grid slots: (text, colspan, rowspan) at a cell's top-left slot, None where covered."""
    grid: list[list[Any]] = [[0] * ncols for _ in rows]  # 0 = free
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while c < ncols and grid[r][c] != 0:
                c += 1
            if isinstance(cell, dict):
                text, cs, rs = cell.get("text", ""), cell.get("colspan", 1), cell.get("rowspan", 1)
            else:
                text, cs, rs = cell, 1, 1
            for dr in range(rs):
                for dc in range(cs):
                    grid[r + dr][c + dc] = None
            grid[r][c] = (text, cs, rs)
            c += cs
    return [[slot if slot != 0 else ("", 1, 1) for slot in row] for row in grid]


class Writer:
    """A multi-page document: headings, paragraphs and tables, flowing down the page."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.canvas = canvas.Canvas(self.buffer, pagesize=A4)
        self.canvas.setTitle("fiscal-lint test fixture")
        self.page_size = A4
        self.y = A4[1] - 60
        self.page_no = 1

    # -- flow ---------------------------------------------------------------------------
    def new_page(self, landscape_page: bool = False) -> None:
        self._footer()
        self.canvas.showPage()
        self.page_no += 1
        self.page_size = landscape(A4) if landscape_page else A4
        self.canvas.setPageSize(self.page_size)
        self.y = self.page_size[1] - 60

    def _footer(self) -> None:
        self.canvas.setFont(FONT, 9)
        self.canvas.drawCentredString(self.page_size[0] / 2, 30, f"- {self.page_no} -")

    def text(self, text: str, size: float = 11, x: float = 60, gap: float = 8, centred: bool = False) -> None:
        if self.y < 80:
            self.new_page()
        self.canvas.setFont(FONT, size)
        if centred:
            self.canvas.drawCentredString(self.page_size[0] / 2, self.y, text)
        else:
            self.canvas.drawString(x, self.y, text)
        self.y -= size + gap

    def heading(self, text: str, size: float = 14) -> None:
        self.text(text, size=size, gap=10)

    def paragraph(self, text: str, size: float = 11, width_chars: int = 38) -> None:
        """A paragraph with a 2-character first-line indent, wrapped every ``width_chars`` characters."""
        lines = [text[i : i + width_chars] for i in range(0, len(text), width_chars)]
        for i, line in enumerate(lines):
            self.text(line, size=size, x=60 + (2 * size if i == 0 else 0), gap=5)
        self.y -= 4

    # -- tables -------------------------------------------------------------------------
    def table(self, spec: TableSpec, break_after: int | None = None, repeat_header: bool = True) -> None:
        """Draw a table; with ``break_after`` the body continues on a new page after that many rows."""
        c = self.canvas
        self.text(spec.title, size=14, centred=True, gap=4)
        if spec.number:
            c.setFont(FONT, 9)
            c.drawRightString(self.page_size[0] - 60, self.y + 2, spec.number)
            self.y -= 12
        c.setFont(FONT, 9)
        if spec.unit_name:
            c.drawString(60, self.y, f"编制单位：{spec.unit_name}")
        c.drawRightString(self.page_size[0] - 60, self.y, f"单位：{spec.unit}")
        self.y -= 8
        body = spec.body
        parts = [body] if break_after is None else [body[:break_after], body[break_after:]]
        for i, part in enumerate(parts):
            if i > 0:
                self.new_page(spec.landscape)
            rows = spec.header + part if (i == 0 or repeat_header) else part
            self._grid(spec, rows)
        for note in spec.notes:
            self.text(note, size=9, gap=4)
        self.y -= 10

    def _grid(self, spec: TableSpec, rows: list[list[Cell]]) -> None:
        c = self.canvas
        ncols = len(spec.widths)
        slots = _expand(rows, ncols)
        xs = [60.0]
        for w in spec.widths:
            xs.append(xs[-1] + w)
        h = spec.row_height
        top = self.y
        ys = [top - h * r for r in range(len(rows) + 1)]
        c.setLineWidth(0.5)
        covered = [[slot is None for slot in row] for row in slots]
        owner: dict[tuple[int, int], tuple[int, int]] = {}
        for r, row in enumerate(slots):
            for col, slot in enumerate(row):
                if slot is not None:
                    _, cs, rs = slot
                    for dr in range(rs):
                        for dc in range(cs):
                            owner[(r + dr, col + dc)] = (r, col)
        # horizontal rules: between (r-1, col) and (r, col) unless both belong to one merged cell
        for r in range(len(rows) + 1):
            for col in range(ncols):
                if 0 < r < len(rows) and owner[(r - 1, col)] == owner[(r, col)]:
                    continue
                c.line(xs[col], ys[r], xs[col + 1], ys[r])
        for col in range(ncols + 1):
            for r in range(len(rows)):
                if 0 < col < ncols and owner[(r, col - 1)] == owner[(r, col)]:
                    continue
                c.line(xs[col], ys[r], xs[col], ys[r + 1])
        c.setFont(FONT, spec.font_size)
        for r, row in enumerate(slots):
            for col, slot in enumerate(row):
                if slot is None or not slot[0]:
                    continue
                text, cs, rs = slot
                x0, x1 = xs[col], xs[col + cs]
                ymid = (ys[r] + ys[r + rs]) / 2 - spec.font_size / 3
                if col in spec.numeric and r >= 0 and not covered[r][col]:
                    c.drawRightString(x1 - 3, ymid, text)
                else:
                    c.drawCentredString((x0 + x1) / 2, ymid, text)
        self.y = ys[-1] - 14

    def bytes(self) -> bytes:
        self._footer()
        self.canvas.save()
        return self.buffer.getvalue()

    def save(self, path: Path) -> Path:
        path.write_bytes(self.bytes())
        return path


# -- the fixture report -------------------------------------------------------------------

SUMMARY = TableSpec(  # two lanes, merged top header, 行次, blank cells
    title="2024 年度收入支出决算总表",
    number="公开01表",
    header=[
        [{"text": "收入", "colspan": 3}, {"text": "支出", "colspan": 3}],
        ["项目", "行次", "金额", "项目", "行次", "金额"],
    ],
    body=[
        ["一、一般公共预算财政拨款收入", "1", "100.00", "一、一般公共服务支出", "5", "80.00"],
        ["二、政府性基金预算财政拨款收入", "2", "", "二、卫生健康支出", "6", "20.00"],
        ["本年收入合计", "3", "100.00", "本年支出合计", "7", "100.00"],
        ["总计", "4", "100.00", "总计", "8", "100.00"],
    ],
    widths=[140, 30, 55, 140, 30, 55],
    numeric={2, 5},
    notes=["注：本表反映部门本年度的总收支和年末结转结余情况。"],
)

EXPENDITURE = TableSpec(  # code column, merged header over amount columns, continues over a page break
    title="2024 年度支出决算表",
    number="公开03表",
    header=[
        [{"text": "项目", "colspan": 2}, {"text": "本年支出合计", "rowspan": 2}, {"text": "其中", "colspan": 2}],
        ["功能分类科目编码", "科目名称", "基本支出", "项目支出"],
    ],
    body=[
        [{"text": "合计", "colspan": 2}, "100.00", "70.00", "30.00"],
        ["201", "一般公共服务支出", "80.00", "60.00", "20.00"],
        ["20131", "党委办公厅（室）及相关机构事务", "80.00", "60.00", "20.00"],
        ["2013101", "行政运行", "60.00", "60.00", ""],
        ["2013102", "一般行政管理事务", "20.00", "", "20.00"],
        ["210", "卫生健康支出", "20.00", "10.00", "10.00"],
        ["21011", "行政事业单位医疗", "20.00", "10.00", "10.00"],
        ["2101101", "行政单位医疗", "20.00", "10.00", "10.00"],
    ],
    widths=[70, 170, 70, 70, 70],
    numeric={2, 3, 4},
    notes=["注：本表反映部门本年度各项支出情况。"],
)

THREE_PUBLIC = TableSpec(  # three header rows with row- and column-spans, a 栏次 row, one body row
    title="2024 年度财政拨款“三公”经费支出决算表",
    number="公开09表",
    header=[
        [{"text": "预算数", "colspan": 3}, {"text": "决算数", "colspan": 3}],
        [{"text": "合计", "rowspan": 2}, {"text": "公务用车购置及运行维护费", "colspan": 2},
         {"text": "合计", "rowspan": 2}, {"text": "公务用车购置及运行维护费", "colspan": 2}],
        ["公务用车购置费", "公务用车运行维护费", "公务用车购置费", "公务用车运行维护费"],
        ["1", "2", "3", "4", "5", "6"],
    ],
    body=[["10.00", "", "10.00", "9.50", "", "9.50"]],
    widths=[60, 80, 80, 60, 80, 80],
    numeric={0, 1, 2, 3, 4, 5},
)

EMPTY_FUND = TableSpec(  # an empty table with its 本部门…无… statement
    title="2024 年度政府性基金预算财政拨款收入支出决算表",
    number="公开07表",
    header=[["项目", "本年收入", "本年支出"]],
    body=[["", "", ""]],
    widths=[200, 100, 100],
    numeric={1, 2},
    notes=["本部门2024年度无政府性基金预算财政拨款收入支出。"],
)


def fixture_report() -> bytes:
    """A four-table 决算 report: a cover page, a section with a paragraph, tables over three pages."""
    w = Writer()
    w.text("2024 年度示例单位决算公开", size=20, centred=True, gap=30)
    w.new_page()  # the cover stands alone, as in real reports
    w.heading("第一部分 示例单位概况")
    w.heading("一、部门主要职责", size=12)
    w.paragraph("负责本单位日常工作，组织协调各项会议和活动，完成上级交办的其他工作任务。")
    w.new_page()
    w.table(SUMMARY)
    w.table(EXPENDITURE, break_after=5, repeat_header=False)
    w.table(THREE_PUBLIC)
    w.table(EMPTY_FUND)
    return w.bytes()


# -- bad inputs -----------------------------------------------------------------------------

def encrypted_pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt="secret")
    c.setFont(FONT, 12)
    c.drawString(72, 700, "加密的报告")
    c.save()
    return buf.getvalue()


def scanned_pdf() -> bytes:
    """Only drawings, no text: what a scan looks like to a text extractor."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i in range(20):
        c.rect(72, 100 + i * 30, 400, 20, fill=1)
    c.save()
    return buf.getvalue()


def zero_page_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def cid_only_pdf() -> bytes:
    """Text drawn with an Identity-H font that has no ToUnicode map: pdfminer can only say (cid:NN)."""
    objs = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
        None,  # content stream, below
        b"<</Type/Font/Subtype/Type0/BaseFont/NoMap/Encoding/Identity-H/DescendantFonts[6 0 R]>>",
        b"<</Type/Font/Subtype/CIDFontType2/BaseFont/NoMap"
        b"/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>/DW 1000>>",
    ]
    content = b"BT /F1 12 Tf 72 700 Td <0102030405060708090A0B0C0D0E0F10> Tj ET"
    objs[3] = b"<</Length %d>>stream\n" % len(content) + content + b"\nendstream"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def truncated_pdf() -> bytes:
    data = fixture_report()
    return data[: len(data) // 3]
