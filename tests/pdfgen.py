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


def draw_rules(c: canvas.Canvas, slots: list[list[tuple[str, int, int] | None]], xs: list[float], ys: list[float]) -> None:
    """Every grid line of a table, as word processors draw them: none inside a merged cell."""
    nrows, ncols = len(slots), len(xs) - 1
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(slots):
        for col, slot in enumerate(row):
            if slot is not None:
                _, cs, rs = slot
                for dr in range(rs):
                    for dc in range(cs):
                        owner[(r + dr, col + dc)] = (r, col)
    c.setLineWidth(0.5)
    # horizontal rules: between (r-1, col) and (r, col) unless both belong to one merged cell
    for r in range(nrows + 1):
        for col in range(ncols):
            if 0 < r < nrows and owner[(r - 1, col)] == owner[(r, col)]:
                continue
            c.line(xs[col], ys[r], xs[col + 1], ys[r])
    for col in range(ncols + 1):
        for r in range(nrows):
            if 0 < col < ncols and owner[(r, col - 1)] == owner[(r, col)]:
                continue
            c.line(xs[col], ys[r], xs[col], ys[r + 1])


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
        covered = [[slot is None for slot in row] for row in slots]
        draw_rules(c, slots, xs, ys)
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


# -- hostile inputs (issue 7): small files built byte by byte, nothing large is committed ----------------------------

HELVETICA = b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>"
HELLO = b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET"


def assemble(objs: list[bytes], trailer: bytes = b"", version: bytes = b"1.4") -> bytes:
    """Objects 1…n in order, a classic cross-reference table, and a trailer whose /Root is object 1."""
    out = io.BytesIO()
    out.write(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer<</Size %d/Root 1 0 R%s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, trailer, xref))
    return out.getvalue()


def stream(data: bytes, attrs: bytes = b"") -> bytes:
    return b"<<%s/Length %d>>stream\n" % (attrs, len(data)) + data + b"\nendstream"


def one_page(content: bytes, font: bytes = HELVETICA, resources: bytes = b"", extra: list[bytes] | None = None,
             pages: bytes | None = None, catalog: bytes = b"") -> bytes:
    """Catalog 1, page tree 2, page 3, content 4 (a stream, or a raw object body), font 5, then ``extra`` (6, 7…)."""
    objs = [
        b"<</Type/Catalog/Pages 2 0 R%s>>" % catalog,
        pages or b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>%s>>/Contents 4 0 R>>"
        % resources,
        content if content.startswith((b"<<", b"[")) or content.endswith(b" R") else stream(content),
        font,
        *(extra or []),
    ]
    return assemble(objs)


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF of plain Chinese text lines (a readable text layer, but not a disclosure)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(FONT, 12)
    for i, line in enumerate(lines):
        c.drawString(72, 760 - 20 * i, line)
    c.save()
    return buf.getvalue()


def reference_loop_pdf() -> bytes:
    """The page's font is ``5 0 obj 5 0 R endobj``: pdfminer's resolve1 follows it for ever."""
    return one_page(HELLO, font=b"5 0 R")


def reference_cycle_pdf() -> bytes:
    """Two objects that point at each other (``5 0 R`` ↔ ``6 0 R``)."""
    return one_page(HELLO, font=b"6 0 R", extra=[b"5 0 R"])


def slow_pdf(operators: int = 3_000_000) -> bytes:
    """A page of millions of no-op operators: no object, no memory, only time (a 'hang' for the time limit)."""
    import zlib

    return one_page(stream(zlib.compress(b"q Q\n" * operators, 1), b"/Filter/FlateDecode"))


def deep_page_tree_pdf(depth: int = 5000) -> bytes:
    """A page tree nested ``depth`` levels deep: pdfminer walks it recursively (RecursionError)."""
    objs = [b"<</Type/Catalog/Pages 2 0 R>>"]
    for _ in range(depth):
        objs.append(b"<</Type/Pages/Kids[%d 0 R]/Count 1>>" % (len(objs) + 2))
    page = len(objs) + 1
    objs += [
        b"<</Type/Page/MediaBox[0 0 595 842]/Resources<</Font<</F1 %d 0 R>>>>/Contents %d 0 R>>" % (page + 2, page + 1),
        stream(HELLO),
        HELVETICA,
    ]
    return assemble(objs)


def deep_forms_pdf(depth: int = 3000) -> bytes:
    """Form XObjects drawing each other ``depth`` levels deep (the interpreter recurses per level)."""
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>/XObject<</X 6 0 R>>>>"
            b"/Contents 4 0 R>>", stream(b"/X Do " + HELLO), HELVETICA]
    for _ in range(depth):
        objs.append(stream(b"/X Do", b"/Type/XObject/Subtype/Form/BBox[0 0 10 10]/Resources<</XObject<</X %d 0 R>>>>"
                           % (len(objs) + 2)))
    objs.append(stream(b"", b"/Type/XObject/Subtype/Form/BBox[0 0 10 10]"))
    return assemble(objs)


def deflate_bomb(size: int) -> bytes:
    """A zlib stream of ``size`` zero bytes, written directly (no need to compress gigabytes in a test).

    One fixed-Huffman block: the literal 0, then matches of length 258 at distance 1 (13 bits each).
    """
    pairs, rest = divmod(size - 1, 258)
    bits = "110" + "00110000" + ("11000101" + "00000") * pairs + "00110000" * rest + "0000000"
    # deflate packs bits from the least significant end; Huffman codes above are written first bit first
    data = int(bits[::-1], 2).to_bytes((len(bits) + 7) // 8, "little")
    adler = ((size % 65521) << 16) | 1  # Adler-32 of zero bytes: a = 1, b = size
    return b"\x78\x01" + data + adler.to_bytes(4, "big")


def stream_bomb_pdf(size: int = 1024**3) -> bytes:
    """A content stream of a few hundred kilobytes that inflates to ``size`` bytes."""
    return one_page(stream(deflate_bomb(size), b"/Filter/FlateDecode"))


def tiny_objects_pdf(count: int, separate: bool = False) -> bytes:
    """One page with ``count`` tiny characters: in one string, or each in its own text object."""
    if separate:
        content = b"".join(b"BT /F1 1 Tf %d %d Td (a) Tj ET\n" % (i % 500, (i // 500) % 800) for i in range(count))
    else:
        content = b"BT /F1 0.5 Tf 10 10 Td (" + b"a" * count + b") Tj ET"
    return one_page(content)


def many_pages_pdf(count: int, declared: int | None = None) -> bytes:
    """``count`` pages sharing one content stream; the page tree claims ``declared`` (default: the truth)."""
    first = 5
    kids = b" ".join(b"%d 0 R" % (first + i) for i in range(count))
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[%s]/Count %d>>" % (kids, declared or count),
            stream(HELLO), HELVETICA]
    objs += [b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 4 0 R>>>>/Contents 3 0 R>>"]
    objs += [objs[-1]] * (count - 1)
    return assemble(objs)


def xref_stream_pdf(corrupt: bool = False) -> bytes:
    """A PDF 1.5 file: catalogue, page tree, page and font inside a compressed object stream, found through a
    cross-reference stream. ``corrupt`` garbles the cross-reference stream's data."""
    import zlib

    inner = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
             b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
             HELVETICA]
    ids = [1, 2, 3, 5]
    body, header, pos = b"", b"", 0
    for objid, obj in zip(ids, inner, strict=True):
        header += b"%d %d " % (objid, pos)
        body += obj + b"\n"
        pos += len(obj) + 1
    objstm = zlib.compress(header + body)
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    off4 = out.tell()
    out.write(b"4 0 obj\n" + stream(HELLO) + b"\nendobj\n")
    off6 = out.tell()
    out.write(b"6 0 obj\n" + stream(objstm, b"/Type/ObjStm/N 4/First %d/Filter/FlateDecode" % len(header))
              + b"\nendobj\n")
    off7 = out.tell()
    rows = [(0, 0, 65535), (2, 6, 0), (2, 6, 1), (2, 6, 2), (1, off4, 0), (2, 6, 3), (1, off6, 0), (1, off7, 0)]
    table = b"".join(bytes([t]) + a.to_bytes(4, "big") + b.to_bytes(2, "big") for t, a, b in rows)
    data = zlib.compress(table)
    if corrupt:
        data = data[:2] + bytes(b ^ 0x5A for b in data[2:])
    out.write(b"7 0 obj\n" + stream(data, b"/Type/XRef/Size 8/W[1 4 2]/Root 1 0 R/Filter/FlateDecode")
              + b"\nendobj\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % off7)
    return out.getvalue()


# damage that pdfminer repairs: the report must still be read in full

def wrong_startxref(data: bytes) -> bytes:
    at = data.rindex(b"startxref")
    return data[:at] + b"startxref\n999999\n%%EOF\n"


def broken_xref(data: bytes) -> bytes:
    """Every offset in the cross-reference table is wrong (pdfminer scans the file for the objects)."""
    start, end = data.rindex(b"\nxref") + 5, data.rindex(b"trailer")
    return data[:start] + bytes(b"7"[0] if 48 <= b <= 57 else b for b in data[start:end]) + data[end:]


def trailing_garbage(data: bytes) -> bytes:
    return data + b"\x00\x00<html><body>cache footer</body></html>\r\n" * 50


def junk_prefix(data: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n\r\n" + data


# damage beyond repair

def no_trailer(data: bytes) -> bytes:
    """Cross-reference table, trailer and startxref removed: the document has no root."""
    return data[: data.rindex(b"\nxref")] + b"\n%%EOF\n"


def truncated_at(data: bytes, fraction: float) -> bytes:
    return data[: int(len(data) * fraction)]


# encryption

def encrypt(data: bytes, user: str, owner: str, algorithm: str = "AES-256") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user, owner_password=owner, algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def owner_only_rc4(data: bytes | None = None) -> bytes:
    """Encrypted with an owner password only (opens without a password; printing/copying 'restricted')."""
    return encrypt(data or fixture_report(), "", "owner-secret", "RC4-128")


# active content that must be ignored

def with_active_content(data: bytes) -> bytes:
    """JavaScript on open and on a page, an embedded executable, a launch action and link annotations."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    js = "app.alert('fiscal-lint must never run this'); this.exportDataObject({cName: 'run.exe', nLaunch: 2});"
    root = getattr(writer, "root_object", None) or writer._root_object
    root[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(js),
    })
    writer.add_attachment("run.exe", b"MZ\x90\x00 this would be a program")
    rect = ArrayObject([FloatObject(60), FloatObject(60), FloatObject(200), FloatObject(80)])
    for page in writer.pages:
        annots = ArrayObject()
        for action in (
            {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject("http://example.invalid/")},
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("run.exe")},
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(js)},
        ):
            annots.append(writer._add_object(DictionaryObject({
                NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): rect, NameObject("/A"): DictionaryObject(action),
            })))
        page[NameObject("/Annots")] = annots
        page[NameObject("/AA")] = DictionaryObject({
            NameObject("/O"): DictionaryObject({
                NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(js),
            }),
        })
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_with_page_numbers_pdf(pages: int = 3) -> bytes:
    """Each page one full-page image (the scan) and a printed page number: a text layer of a few digits."""
    image = stream(bytes(range(0, 256, 16)) * 4, b"/Type/XObject/Subtype/Image/Width 8/Height 8/ColorSpace/DeviceGray"
                   b"/BitsPerComponent 8")
    first = 5
    kids = b" ".join(b"%d 0 R" % (first + 2 * i) for i in range(pages))
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[%s]/Count %d>>" % (kids, pages), image, HELVETICA]
    for i in range(pages):
        objs.append(b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 4 0 R>>"
                    b"/XObject<</Im1 3 0 R>>>>/Contents %d 0 R>>" % (first + 2 * i + 1))
        objs.append(stream(b"q 495 0 0 742 50 60 cm /Im1 Do Q BT /F1 9 Tf 290 30 Td (- %d -) Tj ET" % (i + 1)))
    return assemble(objs)


def runlength_bomb_pdf(runs: int) -> bytes:
    """A RunLengthDecode content stream: every two bytes become 128 (``runs`` × 128 bytes in all)."""
    return one_page(stream(b"\x81\x00" * runs + b"\x80", b"/Filter/RunLengthDecode"))
