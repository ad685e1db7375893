"""The prose reader on 预算 explanations: numbered headings after a paragraph whose last line fills the measure,
first-line indents typed as spaces, a page set smaller on a measure of its own, and a chapter title set a little
smaller than the others.

The generated PDFs are drawn here line by line (reportlab, built-in CJK font: every CJK glyph is one em wide, so a
line of ``MEASURE`` characters fills the measure). The corpus tests read ../shared/corpus/real/yusuan and skip
without it; their expected values were read off the rendered pages.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pdfgen import FONT
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from linter.core.catalogue import Catalogue
from linter.core.model import Document, Section, iter_sections
from linter.parse.pdf.document import parse_pdf
from linter.parse.pdf.prose import _numeral

LEFT = 56.0
SIZE = 12.0
MEASURE = 40  # CJK characters in a full line of body text
INDENT = " " * 10  # a first-line indent typed as spaces (the font's space is about 0.2 em)
FILLER = "本部门按照预算管理的有关规定编制年度预算并严格执行各项支出标准加强资金管理提高使用效益"

# --------------------------------------------------------------------------------------------- drawing helpers


def _text(n: int, end: str = "。", seed: int = 0) -> str:
    """``n`` characters of CJK text (full-width, one em each), the last being ``end`` when given."""
    body = (FILLER * (n // len(FILLER) + 2))[seed : seed + n - len(end)]
    return body + end


class Pages:
    """Lines drawn at given positions, flowing down A4 pages; the first page is a cover."""

    def __init__(self, cover: str = "2025年示例部门部门预算") -> None:
        self.buffer = io.BytesIO()
        self.c = canvas.Canvas(self.buffer, pagesize=A4)
        self.c.setFont(FONT, 22)
        self.c.drawCentredString(A4[0] / 2, 600, cover)
        self.y = 0.0
        self.page = 1

    def new_page(self) -> None:
        self.c.setFont(FONT, 9)
        self.c.drawCentredString(A4[0] / 2, 30, f"- {self.page} -")
        self.c.showPage()
        self.page += 1
        self.y = A4[1] - 80

    def title(self, text: str, size: float = 18.0) -> None:
        """A chapter title, centred."""
        self.c.setFont(FONT, size)
        self.c.drawCentredString(A4[0] / 2, self.y, text)
        self.y -= 2.5 * size

    def line(self, text: str, size: float = SIZE, x: float = LEFT, pitch: float = 1.25) -> None:
        if self.y < 80:
            self.new_page()
        self.c.setFont(FONT, size)
        self.c.drawString(x, self.y, text)
        self.y -= pitch * size

    def paragraph(
        self, text: str, size: float = SIZE, x: float = LEFT, measure: int = MEASURE, indent: str = INDENT
    ) -> None:
        """Wrapped every ``measure`` characters; the first line is two characters shorter and starts with spaces."""
        first = measure - 2 if indent else measure
        self.line(indent + text[:first], size, x)
        for i in range(first, len(text), measure):
            self.line(text[i : i + measure], size, x)

    def parse(self) -> Document:
        self.c.setFont(FONT, 9)
        self.c.drawCentredString(A4[0] / 2, 30, f"- {self.page} -")
        self.c.save()
        return parse_pdf(Path("示例.pdf"), self.buffer.getvalue(), Catalogue())


def _section(doc: Document, heading: str) -> Section:
    found = [s for s in iter_sections(doc.sections) if s.heading == heading]
    assert len(found) == 1, (heading, [s.heading for s in iter_sections(doc.sections)])
    return found[0]


def _body_page(p: Pages, title: str, paragraphs: int = 6) -> None:
    """A page of ordinary body text, so that the document's body size and measure are those of ``SIZE``."""
    p.new_page()
    p.title(title)
    for k in range(paragraphs):
        p.paragraph(_text(2 * MEASURE + 10, seed=k))


# ------------------------------------------------------------------------------------------------ numerals


def test_numerals() -> None:
    assert [_numeral(n) for n in ("一", "九", "十", "十一", "二十", "二十三", "九十九")] == [1, 9, 10, 11, 20, 23, 99]
    assert [_numeral(n) for n in ("3", "12", "第三部分", "第十一部分")] == [3, 12, 3, 11]
    assert [_numeral(n) for n in ("", "十十", "一一", "三十十", "百", "第部分")] == [None] * 6


# ----------------------------------------------------------------------- headings after a full last line


FULL_NO_STOP = _text(MEASURE - 2 + MEASURE, end="元")  # its last line fills the measure and ends no sentence
FULL_STOP = _text(MEASURE - 2 + MEASURE, seed=3)  # a justified last line: fills the measure and ends with 。


def _other_matters(p: Pages) -> None:
    p.new_page()
    p.title("其他相关情况说明")
    p.line("一、2025年“三公”经费预算情况说明")
    p.paragraph(_text(60, seed=1))
    p.line("二、机关运行经费预算")
    p.paragraph(FULL_NO_STOP)
    p.line("三、政府采购预算情况")
    p.paragraph(_text(50, seed=2))
    p.line("四、绩效目标设置情况")
    p.paragraph(FULL_STOP)
    p.line("五、国有资产占有使用情况")
    p.paragraph(_text(70, seed=4))
    p.paragraph(_text(30, seed=5))


def test_next_numbered_heading_after_a_full_last_line_starts_a_section() -> None:
    p = Pages()
    _body_page(p, "部门主要职能")
    _other_matters(p)
    doc = p.parse()
    other = _section(doc, "其他相关情况说明")
    assert [c.number for c in other.children] == ["一", "二", "三", "四", "五"]
    assert [c.title for c in other.children][1:] == [
        "机关运行经费预算",
        "政府采购预算情况",
        "绩效目标设置情况",
        "国有资产占有使用情况",
    ]
    assert [p.text for p in other.children[1].paragraphs] == [FULL_NO_STOP]
    assert [p.text for p in other.children[3].paragraphs] == [FULL_STOP]
    assert len(other.children[4].paragraphs) == 2
    assert all(not c.children for c in other.children)


def test_running_text_that_begins_a_line_with_a_number_stays_in_its_paragraph() -> None:
    p = Pages()
    _body_page(p, "部门主要职能")
    p.new_page()
    p.title("其他相关情况说明")
    p.line("一、机关运行经费预算")
    # a line of running text beginning "三、" after a full line under "一、": not the next number
    skip = _text(MEASURE - 2, end="") + "三、加强预算绩效管理"
    p.paragraph(skip)
    p.line("二、政府采购预算情况")
    # under "二、": "三、" begins a full line in the middle of a paragraph, then a last line closing a sentence
    middle = _text(MEASURE - 2, end="") + "三、" + _text(MEASURE - 2, end="") + "三、提高资金使用效益。"
    p.paragraph(middle)
    p.line("三、绩效目标设置情况")
    p.paragraph(_text(50, seed=2))
    doc = p.parse()
    other = _section(doc, "其他相关情况说明")
    assert [c.number for c in other.children] == ["一", "二", "三"]
    assert [p.text for p in other.children[0].paragraphs] == [skip]
    assert [p.text for p in other.children[1].paragraphs] == [middle]


def test_a_numbered_line_set_apart_from_its_siblings_is_not_their_sibling() -> None:
    p = Pages()
    _body_page(p, "部门主要职能")
    p.new_page()
    p.title("其他相关情况说明")
    indent = LEFT + 2 * SIZE  # the headings are indented two characters
    p.line("一、机关运行经费预算", x=indent)
    p.paragraph(_text(50, seed=1))
    p.line("二、政府采购预算情况", x=indent)
    # a short last line at the margin that begins with the next number and closes no sentence
    text = _text(MEASURE - 2 + MEASURE, end="") + "三、绩效目标"
    p.paragraph(text)
    p.line("三、绩效目标设置情况", x=indent)
    p.paragraph(_text(50, seed=2))
    doc = p.parse()
    other = _section(doc, "其他相关情况说明")
    assert [c.number for c in other.children] == ["一", "二", "三"]
    assert [p.text for p in other.children[1].paragraphs] == [text]


# --------------------------------------------------------------------------------- indents typed as spaces


def test_an_indent_typed_as_spaces_after_a_justified_line_starts_a_paragraph() -> None:
    p = Pages()
    _body_page(p, "部门主要职能")
    p.new_page()
    p.title("2025年部门预算编制说明")
    opening = _text(MEASURE - 2 + MEASURE, seed=2)  # its last line fills the measure and ends with 。
    p.paragraph(opening)
    p.paragraph("财政拨款支出主要内容如下：")
    # a paragraph broken by hand in mid-sentence, its second line starting with stray spaces
    first, rest = _text(MEASURE - 3, end=""), _text(30, seed=5)
    p.line(INDENT + first)
    p.line(INDENT + rest)
    doc = p.parse()
    texts = [p.text for p in _section(doc, "2025年部门预算编制说明").paragraphs]
    assert texts == [opening, "财政拨款支出主要内容如下：", first + rest]


# -------------------------------------------------------------- a smaller page on a measure of its own


ITEMS = [
    f"{n}.“社会保障和就业支出（类）行政事业单位养老支出（款）事业单位离退休（项）”" + _text(50 + 7 * n, seed=n)
    for n in range(1, 6)
]


def _small_page(p: Pages, title_size: float) -> None:
    p.new_page()
    p.title("2024年单位预算编制说明", size=title_size)
    x, size, measure = LEFT + 38, 10.8, 36
    p.paragraph(_text(measure + 20, seed=7), size=size, x=x, measure=measure)
    p.paragraph("财政拨款支出主要内容如下：", size=size, x=x, measure=measure)
    for item in ITEMS:
        p.y -= 10  # items stand apart
        p.paragraph(item, size=size, x=x, measure=measure)


def test_a_page_set_smaller_on_its_own_measure_keeps_its_paragraphs() -> None:
    p = Pages("2024年示例单位单位预算")
    _body_page(p, "示例单位主要职能")
    _body_page(p, "名词解释")
    _small_page(p, title_size=16.2)
    _body_page(p, "其他相关情况说明")
    doc = p.parse()
    explanation = _section(doc, "2024年单位预算编制说明")
    texts = [p.text for p in explanation.paragraphs]
    assert texts[2:] == ITEMS
    assert len(texts) == 2 + len(ITEMS)
    # set 16.2 pt against the others' 18 pt, but a centred title opening its page like them: a chapter too
    assert [s.heading for s in doc.sections] == [
        "示例单位主要职能",
        "名词解释",
        "2024年单位预算编制说明",
        "其他相关情况说明",
    ]
    assert {s.level for s in doc.sections} == {1}


def test_a_smaller_title_inside_a_page_is_still_a_subsection() -> None:
    p = Pages()
    _body_page(p, "部门主要职能")
    p.new_page()
    p.title("项目经费情况说明")
    p.paragraph(_text(90, seed=1))
    p.title("示例项目", size=15.5)  # centred, but not opening its page
    p.paragraph(_text(90, seed=2))
    _body_page(p, "其他相关情况说明")
    doc = p.parse()
    assert [s.heading for s in doc.sections] == ["部门主要职能", "项目经费情况说明", "其他相关情况说明"]
    assert [c.heading for c in _section(doc, "项目经费情况说明").children] == ["示例项目"]


# ------------------------------------------------------------------------------------------- the corpus

WL23 = "2023-上海市普陀区人民政府万里街道办事处-部门预算.pdf"
WL24 = "2024-上海市普陀区人民政府万里街道办事处-部门预算.pdf"
WL25 = "2025-上海市普陀区人民政府万里街道办事处-部门预算.pdf"
CZJ25 = "2025-上海市普陀区财政局-部门预算.pdf"
FLY24 = "2024-上海市普陀区社会福利院-单位预算.pdf"
SHANGHAI = [WL23, WL24, WL25, CZJ25, FLY24]
_ITEM = re.compile(r"^(\d+)[.．]\s*“")
_GLUED_HEADING = re.compile(r"。\s*[一二三四五六七八九十]+、")


@pytest.fixture(scope="module")
def docs(shared: Path) -> dict[str, Document]:
    from linter.parse.documents import parse_file
    from linter.session.plugin_manager import make_manager

    pm = make_manager()
    return {p.name: parse_file(p, pm) for p in sorted((shared / "corpus" / "real" / "yusuan").glob("*.pdf"))}


def _find(doc: Document, word: str) -> Section:
    found = [s for s in iter_sections(doc.sections) if word in s.heading]
    assert len(found) == 1, word
    return found[0]


@pytest.mark.parametrize("name", SHANGHAI)
def test_shanghai_chapters_are_top_level(docs: dict[str, Document], name: str) -> None:
    doc = docs[name]
    assert all(s.level == 1 for s in doc.sections)
    headings = [s.heading for s in doc.sections]
    assert any(h.endswith("预算编制说明") for h in headings)
    assert "其他相关情况说明" in headings


@pytest.mark.parametrize("name", SHANGHAI)
def test_other_matters_has_its_five_headings(docs: dict[str, Document], name: str) -> None:
    other = _find(docs[name], "其他相关情况说明")
    assert [c.number for c in other.children] == ["一", "二", "三", "四", "五"]
    for child in other.children:
        for p in child.paragraphs:
            assert not _GLUED_HEADING.search(p.text), p.text
            assert not re.search(r"[一二三四五]、\S{2,12}情况$", p.text), p.text


@pytest.mark.parametrize("name", SHANGHAI)
def test_each_numbered_item_of_the_explanation_is_one_paragraph(docs: dict[str, Document], name: str) -> None:
    explanation = _find(docs[name], "预算编制说明")
    texts = [p.text for p in explanation.paragraphs]
    numbers = [int(m.group(1)) for t in texts if (m := _ITEM.match(t))]
    assert numbers == list(range(1, len(numbers) + 1)) and numbers
    first = next(i for i, t in enumerate(texts) if _ITEM.match(t))
    assert len(texts) - first == len(numbers)  # nothing between the items: no item broken at a line end
    for t in texts:
        assert t.endswith(("。", "：")), t  # every paragraph closes its sentence
        assert "主要内容如下" not in t or "。" not in t, t  # the lead-in to the items stands alone


def test_welfare_home_explanation(docs: dict[str, Document]) -> None:
    doc = docs[FLY24]
    explanation = _find(doc, "单位预算编制说明")
    assert explanation in doc.sections  # a chapter, not a part of 名词解释
    texts = [p.text for p in explanation.paragraphs]
    assert len(texts) == 10 and [_ITEM.match(t) is not None for t in texts] == [False] * 4 + [True] * 6
    assert all("2023年当年预算执行数为" in t and "主要原因是" in t for t in texts[4:])


def test_finance_bureau_paragraphs_after_justified_lines(docs: dict[str, Document]) -> None:
    doc = docs[CZJ25]
    duties = _find(doc, "主要职能")
    items = [p.text for p in duties.paragraphs if p.text.startswith("（")]
    assert [re.match(r"（([一二三四五六七八九十]+)）", t).group(1) for t in items] == [  # type: ignore[union-attr]
        "一",
        "二",
        "三",
        "四",
        "五",
        "六",
        "七",
        "八",
        "九",
        "十",
        "十一",
        "十二",
    ]
    explanation = _find(doc, "预算编制说明")
    assert "财政拨款支出主要内容如下：" in [p.text for p in explanation.paragraphs]
    performance = _find(doc, "绩效目标设置情况")
    assert len(performance.paragraphs) == 1 and performance.paragraphs[0].text.endswith("。")
