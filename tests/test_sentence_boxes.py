"""A sentence's box (issue 14): the union of the boxes of the lines it is printed on, on each page it spans.

The parser keeps each paragraph's printed lines (page, box, the characters of the paragraph they hold); the
runtime gives every sentence the union of its lines' boxes per page, so the compliance log, SARIF and the
reviewer outputs point at the sentence, not at its paragraph. Checked against where PDFium (not our parser)
finds the glyphs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pdfgen
import pypdfium2 as pdfium
import pytest

from linter.core.catalogue import Catalogue
from linter.core.findings import Location
from linter.core.model import Document, LineBox, Paragraph, iter_sections
from linter.core.text import sentence_spans
from linter.dsl.runtime import Context
from linter.parse.pdf.document import parse_pdf
from linter.parse.validation import schema_errors
from linter.reporters.geometry import PageFrame

FILLER = "本单位主要职责是负责日常工作，组织协调各项会议和活动，完成上级交办的其他工作任务。"
# the sentence that is cut by the page break, and a short one before it on its first line
CUT = "2024年度收入总计1234.56万元，比上年增加58.76万元，增长5.16%，主要原因是人员经费增加和新增项目支出。"
BEFORE = "收入情况如下。"


def sentence_pdf() -> bytes:
    w = pdfgen.Writer()
    w.text("2024年度示例单位部门决算", size=20, centred=True, gap=30)
    w.heading("一、收入支出决算总体情况说明")
    while w.y > 130:  # fill the page so that the next paragraph runs onto page 2
        w.paragraph(FILLER)
    w.paragraph(BEFORE + CUT * 2)
    return w.bytes()


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sentences") / "示例.pdf"
    path.write_bytes(sentence_pdf())
    return path


@pytest.fixture(scope="module")
def document(pdf: Path) -> Document:
    return parse_pdf(pdf, pdf.read_bytes(), Catalogue())


def glyphs(pdf: Path, page: int, text: str) -> list[tuple[float, float, float, float]]:
    """PDFium's boxes of the characters of ``text`` on ``page``, in PDF user space."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        textpage = doc[page - 1].get_textpage()
        hit = textpage.search(text).get_next()
        assert hit is not None, f"{text!r} not on page {page}"
        start, count = hit
        return [textpage.get_charbox(i) for i in range(start, start + count) if textpage.get_text_range(i, 1).strip()]
    finally:
        doc.close()


def user(pdf: Path, page: int, bbox: tuple[float, ...]) -> tuple[float, float, float, float]:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        p = doc[page - 1]
        frame = PageFrame.of(tuple(p.get_mediabox()), tuple(p.get_cropbox()), p.get_rotation())
    finally:
        doc.close()
    return frame.to_user(bbox)  # type: ignore[arg-type]


def inside(inner: tuple[float, ...], outer: tuple[float, ...], slack: float = 1.0) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


def covers(box: tuple[float, ...], glyph: tuple[float, ...]) -> bool:
    """The glyph is on the box's line and within its width. PDFium boxes a glyph by its outline, pdfminer (and so
    the model) a line by the font's em square: outlines pass it by a point or so. The glyph's vertical centre must
    be nearer the box's line than any other: within a quarter of the line's height."""
    middle = (glyph[1] + glyph[3]) / 2
    quarter = (box[3] - box[1]) / 4 if box[3] - box[1] < 20 else 3.0
    return glyph[0] >= box[0] - 1 and glyph[2] <= box[2] + 1 and box[1] - quarter <= middle <= box[3] + quarter


def cut_paragraph(document: Document) -> Paragraph:
    return next(p for s in iter_sections(document.sections) for p in s.paragraphs if CUT in p.text)


def test_the_model_keeps_each_printed_line_and_validates(document: Document) -> None:
    para = cut_paragraph(document)
    assert (para.page, para.page_end) == (1, 2)
    assert para.lines and all(para.text[ln.start : ln.end].strip() for ln in para.lines)
    assert "".join(para.text[ln.start : ln.end] for ln in para.lines) == para.text  # CJK lines join without spaces
    assert {ln.page for ln in para.lines} == {1, 2}
    assert schema_errors(document.to_dict()) == []  # the schema knows the lines
    again = Document.from_dict(document.to_dict())
    assert cut_paragraph(again).lines == para.lines


def test_a_sentence_across_a_page_break_has_a_box_on_each_page(pdf: Path, document: Document) -> None:
    para = cut_paragraph(document)
    ctx = Context(document)
    sentence = next(s for s in ctx.document_scope().sentences if s.paragraph is para and s.location.continued)
    loc: Location = sentence.location
    assert loc.page == 1 and loc.continued is not None and [c["page"] for c in loc.continued] == [2]
    boxes = {1: user(pdf, 1, tuple(loc.bbox or ())), 2: user(pdf, 2, tuple(loc.continued[0]["bbox"]))}
    # every glyph of the sentence, line by line as printed, is inside the sentence's box on its page
    _, a, b = next(span for span in sentence_spans(para.text) if span[0] == sentence.text)
    pieces = [(ln.page, para.text[max(a, ln.start) : min(b, ln.end)]) for ln in para.lines if ln.start < b and a < ln.end]
    assert {page for page, _ in pieces} == {1, 2}
    for page, piece in pieces:
        for box in glyphs(pdf, page, piece):
            assert covers(boxes[page], box), (page, piece)
    # …and the box is the sentence's lines, not the paragraph's: the filler above is outside it
    filler_line = glyphs(pdf, 1, FILLER[:10])[0]
    assert not covers(boxes[1], filler_line)
    assert Location.from_dict(loc.to_dict()) == loc
    assert "第1–2页" in loc.describe()


def test_a_sentence_gets_only_the_lines_it_is_printed_on(document: Document) -> None:
    para = cut_paragraph(document)
    spans = sentence_spans(para.text)
    first = spans[0]
    assert first[0] == BEFORE  # the short sentence opening the paragraph: its one line only
    boxes = para.boxes(first[1], first[2])
    assert len(boxes) == 1 and boxes[0][1] == para.lines[0].bbox


def test_sentence_spans_map_normalised_sentences_back_to_the_printed_text() -> None:
    text = "一、收入 支出说明。２０２４年度收入总计１００万元，\n 增长５．１６％。末尾"
    spans = sentence_spans(text)
    assert [s for s, _, _ in spans] == ["一、收入支出说明。", "2024年度收入总计100万元，增长5.16%。", "末尾"]
    assert [text[a:b] for _, a, b in spans] == ["一、收入 支出说明。", "２０２４年度收入总计１００万元，\n 增长５．１６％。", "末尾"]


def test_without_line_boxes_a_sentence_keeps_its_paragraph_box() -> None:
    para = Paragraph("甲。乙。", "甲。乙。", 3, 3, (10.0, 20.0, 30.0, 40.0))
    assert para.boxes(0, 2) == []
    lined = Paragraph("甲。乙。", "甲。\n乙。", 3, 4, (10.0, 20.0, 30.0, 40.0),
                      [LineBox(3, (10.0, 20.0, 30.0, 40.0), 0, 2), LineBox(4, (10.0, 50.0, 20.0, 60.0), 2, 4)])
    assert lined.boxes(0, 2) == [(3, (10.0, 20.0, 30.0, 40.0))]
    assert lined.boxes(1, 3) == [(3, (10.0, 20.0, 30.0, 40.0)), (4, (10.0, 50.0, 20.0, 60.0))]


def test_the_seed_three_public_total_cell_box_covers_its_glyphs(shared: Path) -> None:
    """The 三公 决算数 合计 cell of the seed: its box in the model (which every output carries) holds the glyphs
    PDFium finds for its printed text on that page, and no other printing of the same figure."""
    seed = shared / "corpus" / "jianghan-2024" / "jianghan-2024.pdf"
    from linter.parse.documents import parse_file
    from linter.session.plugin_manager import make_manager

    table = next(t for t in parse_file(seed, make_manager()).tables if t.key == "three_public")
    column = next(c.index for c in table.columns if c.path == ["决算数", "合计"])
    cell = next(c for c in table.rows[0].cells if c.column == column)
    assert cell.text == "10.00" and cell.bbox is not None and cell.page == 15
    box = user(seed, 15, cell.bbox)
    doc = pdfium.PdfDocument(str(seed))
    try:
        textpage = doc[14].get_textpage()
        search = textpage.search(cell.text)
        hits = []
        while (hit := search.get_next()) is not None:
            start, count = hit
            hits.append([textpage.get_charbox(i) for i in range(start, start + count)])
    finally:
        doc.close()
    inside_box = [h for h in hits if all(covers(box, g) for g in h)]
    assert len(hits) > 1 and len(inside_box) == 1



def every_printing(pdf: Path, page: int, text: str) -> list[list[tuple[float, float, float, float]]]:
    """PDFium's glyph boxes of every printing of ``text`` on ``page`` (spaces left out)."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        textpage = doc[page - 1].get_textpage()
        search = textpage.search(text)
        hits = []
        while (hit := search.get_next()) is not None:
            start, count = hit
            hits.append([textpage.get_charbox(i) for i in range(start, start + count)
                         if textpage.get_text_range(i, 1).strip()])
        return hits
    finally:
        doc.close()


def test_a_finding_about_a_whole_row_is_drawn_over_the_row(shared: Path, tmp_path: Path) -> None:
    """A row-level finding (here a misprinted code: "7 11 02" read as 2101102) carries the row's box across the
    table: the printed code, the name and the amounts are inside it; nothing of the rows above and below is."""
    from support import run_cli

    (report,) = (shared / "corpus" / "real" / "yusuan").glob("*社会福利院*.pdf")
    r = run_cli("check", report, "--format", "json", "--no-cache", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    findings = json.loads(r.stdout)["files"][0]["findings"]
    found = [f for f in findings if f["rule_id"] == "FL.B.W.09" and f["location"]["page"] == 9]
    assert len(found) == 1
    loc = Location.from_dict(found[0]["location"])
    assert loc.row_code == "2101102" and loc.bbox is not None
    row = user(report, 9, loc.bbox)

    def printed_in_row(text: str) -> int:
        return sum(all(covers(row, g) for g in hit) for hit in every_printing(report, 9, text))

    # "事业单位医疗" is printed twice on the page (also inside "行政事业单位医疗", the row above): once in the box;
    # "503,724" four times (类, 款, and this row's 合计 and 基本支出): twice; the code's "02" once
    assert (printed_in_row("事业单位医疗"), printed_in_row("503,724"), printed_in_row("02")) == (1, 2, 1)
    for other in ("行政事业单位医疗", "住房保障支出", "210"):  # the rows above and below
        assert printed_in_row(other) == 0
