"""Prose of a disclosure PDF: cover metadata, the table of contents, the heading tree and its paragraphs.

Works on the characters the table extractor left over (``exclude`` holds the regions it consumed). Headings are
recognised by their number pattern (第X部分 / 一、 / （一） / 1.) *and* by looking different from the body text:
larger, bold, or set in another typeface. Numbered lines in body style are list items, not headings — the seed's
"(一) 负责区委日常工作…" duties and "(十) 本部门使用的支出功能分类科目" are paragraphs. Only when a document never
styles a heading level do plain, short, stand-alone numbered lines count as headings of that level; such a line
also counts when the paragraph before it fills its last line, if it carries the next number after its open
sibling and is set like it ("三、" after "二、", at the sibling's indent).
Paragraphs break at an indent set by position, at a short or sentence-closing last line, at a wider gap, and at
an indent typed as spaces after a line that closes a sentence (a justified last line fills the measure). Text set smaller than the body on a measure of its own
keeps its own margins. Matching is done on NFKC text (Kangxi radicals, full-width brackets); the text kept is as
printed.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field

from linter.core.model import BBox, LineBox, Metadata, Paragraph, Section, Table, TocEntry, iter_sections
from linter.core.text import normalise_title, strip_prefix
from linter.parse.pdf.pages import Char, Page, TextLine, _make_line

_NUM = "一二三四五六七八九十"
# (level, pattern on NFKC text without whitespace); the group is the number as printed
_HEADING_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^(第[{_NUM}]+部分)")),
    (2, re.compile(rf"^([{_NUM}]+)、")),
    (3, re.compile(rf"^\(([{_NUM}]+)\)")),
    (4, re.compile(r"^(\d{1,2})[.、](?!\d)")),  # "1." but not "10.5万元"
)
_PAGE_NUMBER = re.compile(r"^[-—–~－]*(?:第)?\d{1,4}(?:页)?(?:/\d{1,4}|共\d{1,4}页)?[-—–~－]*$")
_TOC_TITLE = {"目录", "目次"}
_TOC_PAGE_NO = re.compile(r"(?:[.·…⋯‥．_]{2,}|\s+)\s*(\d{1,3})$")
_TOC_LEADER = re.compile(r"[\s.·…⋯‥．_]+$")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_YEAR = re.compile(r"(20\d{2})\s*年")
# "部门：中共江苏省委办公厅" (NFKC: full-width colons are ":"), maybe followed on the same row by "单位：万元";
# a 单位预算's cover says "预算单位：X", a 部门预算's "预算主管部门：X"
_UNIT_LABEL = re.compile(
    r"^(预算单位|预算主管部门|主管部门|部门名称|单位名称|编制单位|编制部门|部门|单位)(?:\(盖章\))?:(.+?)(?:单位:.*)?$"
)
_LABEL_LEVEL = {"预算单位": "单位", "预算主管部门": "部门", "主管部门": "部门"}
_TITLE_SUFFIX = re.compile(r"(?:区级|市级|省级|县级)?(?:部门|单位)?(?:决算|预算)(?:公开)?(?:文件|表格)?$")
# a name that is only a place and a kind: "上海市普陀区区级单位" (from "上海市普陀区2024年区级单位预算"), "上海市普陀区"
_REGION_ONLY = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,10}?(?:省|自治区|特别行政区|市|自治州|州|地区|盟|区|县|旗))*"
    r"(?:省级|市级|区级|县级|本级)?(?:部门|单位)?$"
)
# 部门预算 / 单位决算 … in titles and headings; 部门预算经济分类 is a classification, 部门（单位） names both
_LEVEL_WORD = re.compile(r"(部门|单位)(?:预算|决算)(?!经济分类|支出经济分类)")
_IDENTITY_LEVEL = re.compile(r"编制(部门|单位)[:：]")
_HUBEI_TABLE_NO = re.compile(r"公开\s*0?\d{1,2}\s*表")
# budget-type names that contain 预算 in final-accounts documents too
_NOT_KIND = re.compile(r"一般公共预算|政府性基金预算|国有资本经营预算|预决算|年初预算|全年预算|预算数")
_SENTENCE_END = tuple("。；;：:，,")
_PARAGRAPH_END = tuple("。；;：:！!？?")

HEADER_ZONE = 0.1  # share of the page height at the top and bottom where furniture lives
MAX_HEADING_CHARS = 60  # longer numbered text is a paragraph, however it is set
MAX_PLAIN_HEADING_CHARS = 30  # a heading in body style must be shorter still
MAX_UNNUMBERED_CHARS = 40
MIN_BLOCK_LINES = 10  # lines of text in a smaller size that make a block with margins of its own
DISPLAY_DELTA = 0.8  # pt larger than body text: a display heading
UNNUMBERED_DELTA = 3.0  # pt larger than body text: a heading even without a number


@dataclass
class Prose:
    metadata: Metadata
    toc: list[TocEntry] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


@dataclass(slots=True)
class _Line:
    page: int
    text: str  # as printed (NFC), whitespace inside kept
    norm: str  # NFKC, whitespace removed: what patterns see
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    font: str  # typeface of its CJK characters ("" when it has none)
    bold: bool
    start: float  # where the first visible character begins: first-line indents are often typed as spaces


@dataclass
class _Layout:
    """What body text looks like: the yardstick for headings and paragraph breaks."""

    size: float
    fonts: set[str]  # typefaces of body text
    bold: bool
    pitch: float  # usual distance between the tops of two lines of one paragraph
    left: dict[int, float]  # left margin by page (pages of one width share their margins)
    right: dict[int, float]  # right edge of a full line by page
    # (page width, size) → margins of text set smaller than the body on a measure of its own
    blocks: dict[tuple[int, float], tuple[float, float]] = field(default_factory=dict)
    widths: dict[int, int] = field(default_factory=dict)  # page widths (rounded) by page

    def margins(self, ln: _Line) -> tuple[float | None, float | None]:
        """Left margin and right edge of the text block ``ln`` belongs to."""
        block = self.blocks.get((self.widths.get(ln.page, 0), ln.size))
        if block is not None:
            return block
        return self.left.get(ln.page), self.right.get(ln.page)


def extract_prose(
    pages: list[Page], exclude: dict[int, list[tuple[float, float, float, float]]], tables: list[Table] | None = None
) -> Prose:
    """``tables``: the tables already read (their titles and 编制单位 lines inform the metadata)."""
    lines_by_page = {p.number: _page_lines(p, exclude.get(p.number, [])) for p in pages}
    heights = {p.number: p.height for p in pages}
    _drop_furniture(lines_by_page, heights)

    toc_pages = _toc_pages(lines_by_page)
    first = min(lines_by_page, default=1)
    first_lines = lines_by_page.get(first, [])
    is_cover = first not in toc_pages and not exclude.get(first) and _looks_like_cover(first_lines)
    cover = first_lines if is_cover else []
    skip = set(toc_pages) | ({first} if cover else set())
    body = [ln for n in sorted(lines_by_page) if n not in skip for ln in lines_by_page[n]]

    layout = _layout(body, {p.number: round(p.width) for p in pages})
    toc = _toc(toc_pages, lines_by_page)
    sections = _sections(body, layout, exclude)
    headings = [s.heading for s in iter_sections(sections)]
    metadata = _metadata(cover or first_lines, bool(cover), body, toc, pages, tables, headings)
    return Prose(metadata=metadata, toc=toc, sections=sections)


# --- lines -------------------------------------------------------------------------------------------------------


def _page_lines(page: Page, boxes: list[tuple[float, float, float, float]]) -> list[_Line]:
    out: list[_Line] = []
    for tl in _merge_rows(page.lines(_prose_chars(page, boxes))):
        norm = "".join(unicodedata.normalize("NFKC", tl.text).split())
        if norm:
            out.append(_to_line(page.number, tl, norm))
    return out


def _prose_chars(page: Page, boxes: list[tuple[float, float, float, float]]) -> list[Char]:
    """Characters outside the table regions, and on the page: text drawn off the page (a text frame overflowing
    its page in some exports) is not printed."""
    centres = [((c.x0 + c.x1) / 2, (c.top + c.bottom) / 2) for c in page.chars]
    keep = [0 <= cx <= page.width and 0 <= cy <= page.height for cx, cy in centres]
    if boxes:
        # one pass per box over the characters sorted by height, not one per character over all boxes
        order = sorted(range(len(centres)), key=lambda i: centres[i][1])
        ys = [centres[i][1] for i in order]
        for x0, top, x1, bottom in boxes:
            for k in range(bisect_left(ys, top), bisect_right(ys, bottom)):
                i = order[k]
                if x0 <= centres[i][0] <= x1:
                    keep[i] = False
    return [c for c, k in zip(page.chars, keep, strict=True) if k]


def _merge_rows(lines: list[TextLine]) -> list[TextLine]:
    """Rejoin pieces of one printed line: digits set on a shifted baseline, or a wide gap, split them."""
    ordered = sorted(lines, key=lambda ln: ln.top)
    rows: list[list[TextLine]] = []
    for ln in ordered:
        if rows:
            row = rows[-1]
            top, bottom = min(r.top for r in row), max(r.bottom for r in row)
            overlap = min(bottom, ln.bottom) - max(top, ln.top)
            if overlap >= 0.5 * min(ln.bottom - ln.top, row[-1].bottom - row[-1].top):
                row.append(ln)
                continue
        rows.append([ln])
    merged = [
        row[0] if len(row) == 1 else _make_line(sorted((c for r in row for c in r.chars), key=lambda c: c.x0))
        for row in rows
    ]
    merged.sort(key=lambda ln: (round(ln.top), ln.x0))
    return merged


def _to_line(page: int, tl: TextLine, norm: str) -> _Line:
    raw_fonts = Counter(c.font for c in tl.chars if _is_cjk(c.text))
    fonts: Counter[str] = Counter()
    for font, n in raw_fonts.items():
        fonts[_font_key(font)] += n
    visible = [c for c in tl.chars if c.text != " "]
    bold = sum(c.bold for c in visible) >= 0.6 * len(visible)
    font = fonts.most_common(1)[0][0] if fonts else ""
    start = min((c.x0 for c in visible), default=tl.x0)
    text = " ".join(tl.text.split())
    return _Line(page, text, norm, tl.x0, tl.top, tl.x1, tl.bottom, tl.size, font, bold, start)


def _font_key(font: object) -> str:
    # subset prefixes differ between runs of one typeface ("EAAAAA+", "GAAAAA+"); some names are bytes (GBK)
    return str(font).split("+", 1)[-1]


def _is_cjk(ch: str) -> bool:
    return (
        "\u4e00" <= ch <= "\u9fff"
        or "\u3400" <= ch <= "\u4dbf"
        or "\u2e80" <= ch <= "\u2fdf"
        or "\uf900" <= ch <= "\ufaff"
    )


def _drop_furniture(lines_by_page: dict[int, list[_Line]], heights: dict[int, float]) -> None:
    """Remove page numbers and running headers/footers (text repeated in the margins of many pages)."""

    def in_zone(ln: _Line) -> bool:
        h = heights[ln.page]
        return ln.top < HEADER_ZONE * h or ln.bottom > (1 - HEADER_ZONE) * h

    def key(ln: _Line) -> str:
        return re.sub(r"\d+", "#", ln.norm)

    pages_with: dict[str, set[int]] = {}
    for n, lines in lines_by_page.items():
        for ln in lines:
            if in_zone(ln):
                pages_with.setdefault(key(ln), set()).add(n)
    repeated = {k for k, ps in pages_with.items() if len(ps) >= 3 and len(ps) >= 0.3 * len(lines_by_page)}
    for n, lines in lines_by_page.items():
        lines_by_page[n] = [
            ln for ln in lines if not (in_zone(ln) and (_PAGE_NUMBER.match(ln.norm) or key(ln) in repeated))
        ]


# --- cover and table of contents ---------------------------------------------------------------------------------


def _looks_like_cover(lines: list[_Line]) -> bool:
    """A title page: a few lines, no sentence, no table (checked by the caller)."""
    return 0 < len(lines) <= 12 and not any(ln.norm.endswith("。") for ln in lines)


def _toc_pages(lines_by_page: dict[int, list[_Line]]) -> list[int]:
    numbers = sorted(lines_by_page)
    for i, n in enumerate(numbers[:6]):
        if any(ln.norm in _TOC_TITLE for ln in lines_by_page[n]):
            found = [n]
            for m in numbers[i + 1 :]:
                if not _looks_like_toc(lines_by_page[m]):
                    break
                found.append(m)
            return found
    return []


def _looks_like_toc(lines: list[_Line]) -> bool:
    """A continuation page of the TOC: entries only, no sentence."""
    if not lines or any(ln.norm.endswith("。") for ln in lines):
        return False
    entries = sum(1 for ln in lines if _heading_number(ln.norm) or _TOC_PAGE_NO.search(ln.text))
    return entries >= 0.6 * len(lines)


def _toc(toc_pages: list[int], lines_by_page: dict[int, list[_Line]]) -> list[TocEntry]:
    entries: list[TocEntry] = []
    for n in toc_pages:
        lines = lines_by_page[n]
        start = next((i + 1 for i, ln in enumerate(lines) if ln.norm in _TOC_TITLE), 0)
        right = max((ln.x1 for ln in lines), default=0.0)
        prev: _Line | None = None
        for ln in lines[start:]:
            text, target = ln.text, None
            m = _TOC_PAGE_NO.search(text)
            if m:
                text, target = text[: m.start()], m.group(1)
            text = _TOC_LEADER.sub("", text)
            if not text:
                continue
            number = _heading_number(ln.norm)
            if number is None and entries and prev is not None and prev.x1 >= right - 2 * prev.size:
                # an entry wrapped onto a second line
                last = entries[-1]
                last.text = _join(last.text, text)
                last.target_page = last.target_page or target
            else:
                level = number[0] if number else (entries[-1].level if entries else 1)
                entries.append(TocEntry(text=text, level=level, page=n, target_page=target))
            prev = ln
    return entries


# --- body: headings and paragraphs -------------------------------------------------------------------------------


def _layout(body: list[_Line], widths: dict[int, int]) -> _Layout:
    sizes: Counter[float] = Counter()
    for ln in body:
        if len(ln.norm) >= 8:
            sizes[ln.size] += len(ln.norm)
    size = sizes.most_common(1)[0][0] if sizes else 12.0
    text_lines = [ln for ln in body if len(ln.norm) >= 8 and abs(ln.size - size) <= 0.5]
    pitches: Counter[int] = Counter()
    for a, b in zip(text_lines, text_lines[1:], strict=False):
        if a.page == b.page and 0 < b.top - a.top < 3 * size:
            pitches[round(b.top - a.top)] += 1
    # margins per page width (portrait / landscape): one page's own lines may all be indented list items
    by_width: dict[int, list[_Line]] = {}
    for ln in text_lines:
        by_width.setdefault(widths[ln.page], []).append(ln)
    margins = {w: _margins(lines) for w, lines in by_width.items()}
    left = {n: margins[w][0] for n, w in widths.items() if w in margins}
    right = {n: margins[w][1] for n, w in widths.items() if w in margins}

    # Text set smaller than the body in a block of its own (a page of 10.8 pt beside 12 pt body text, on a
    # narrower measure) keeps its own margins: measured against the body's, every line of it looks indented.
    small: dict[tuple[int, float], list[_Line]] = {}
    for ln in body:
        if len(ln.norm) >= 8 and ln.size < size - 0.5:
            small.setdefault((widths[ln.page], ln.size), []).append(ln)
    blocks = {key: _margins(lines) for key, lines in small.items() if len(lines) >= MIN_BLOCK_LINES}

    # Body typefaces are those of run-on lines (starting at the left margin): headings never run on, while
    # list items set in a second typeface (仿宋_GB2312 beside 仿宋) do.
    fonts: Counter[str] = Counter()
    bold = 0
    run_on = [ln for ln in text_lines if ln.page in left and abs(ln.x0 - left[ln.page]) < 0.5 * size]
    for ln in run_on or text_lines:
        fonts[ln.font] += len(ln.norm)
        bold += len(ln.norm) if ln.bold else -len(ln.norm)
    total = sum(fonts.values())
    return _Layout(
        size=size,
        fonts={f for f, n in fonts.items() if n >= 0.05 * total},
        bold=bold > 0,
        pitch=float(pitches.most_common(1)[0][0]) if pitches else 1.5 * size,
        left=left,
        right=right,
        blocks=blocks,
        widths=widths,
    )


def _margins(lines: list[_Line]) -> tuple[float, float]:
    """Left margin (where most lines begin, typed spaces included: a page of one-line items indented with spaces
    still has its margin where the spaces begin) and right edge of a full line (most lines end short of it)."""
    ends = sorted(ln.x1 for ln in lines)
    return Counter(round(ln.x0) for ln in lines).most_common(1)[0][0], ends[int(0.75 * (len(ends) - 1))]


def _heading_number(norm: str) -> tuple[int, str, int] | None:
    """(level, number as printed, length of the number prefix) for a line that starts like a heading."""
    for level, pattern in _HEADING_PATTERNS:
        m = pattern.match(norm)
        if m:
            return level, m.group(1), m.end()
    return None


_NUMERAL_VALUE = {ch: i for i, ch in enumerate(_NUM, start=1)}


def _numeral(number: str) -> int | None:
    """The value of a heading number as printed: "12", "三", "十二", "二十一", "第三部分" (up to 99)."""
    core = number.removeprefix("第").removesuffix("部分")
    if core.isdigit():
        return int(core)
    if not core or any(ch not in _NUMERAL_VALUE for ch in core) or len(core) > 3:
        return None
    if "十" not in core:
        return _NUMERAL_VALUE[core] if len(core) == 1 else None
    tens, _, units = core.partition("十")
    if any(part and (len(part) > 1 or part == "十") for part in (tens, units)):
        return None
    return (_NUMERAL_VALUE[tens] if tens else 1) * 10 + (_NUMERAL_VALUE[units] if units else 0)


def _canonical_number(level: int, number: str) -> str:
    return f"（{number}）" if level == 3 else number


@dataclass(slots=True)
class _Heading:
    lines: list[_Line]
    level: int | None  # None: unnumbered, level decided by position
    number: str | None
    prefix: int  # length of the number prefix in NFKC text without whitespace


class _Reader:
    """Decides, line by line, what the body is made of: headings, and where paragraphs break."""

    def __init__(self, body: list[_Line], layout: _Layout, exclude: dict[int, list[BBox]]) -> None:
        self.body = body
        self.layout = layout
        self.exclude = exclude

    def styled(self, ln: _Line) -> bool:
        lay = self.layout
        if ln.size < lay.size - 0.5:
            return False
        return (
            ln.size >= lay.size + DISPLAY_DELTA
            or (ln.bold and not lay.bold)
            or (bool(ln.font) and bool(lay.fonts) and ln.font not in lay.fonts)
        )

    def full(self, ln: _Line) -> bool:
        right = self.layout.margins(ln)[1]
        return right is not None and ln.x1 >= right - 2 * ln.size

    def ended(self, ln: _Line) -> bool:
        """A paragraph's last line: short and closing a sentence, or far too short to be a wrapped line.

        Ragged-right exports (ONLYOFFICE) end lines early before an unbreakable number or "（项）", so a short
        line alone does not end a paragraph.
        """
        if self.full(ln):
            return False
        left, right = self.layout.margins(ln)
        if left is not None and right is not None and ln.x1 - left < 0.6 * (right - left):
            return True
        return ln.norm.endswith(_PARAGRAPH_END)

    def indented(self, ln: _Line) -> bool:
        left = self.layout.margins(ln)[0]
        return left is not None and ln.x0 >= left + 0.8 * ln.size

    def space_indented(self, ln: _Line) -> bool:
        """Set at the margin but indented by spaces typed before its first character."""
        left = self.layout.margins(ln)[0]
        return left is not None and ln.start >= left + 0.8 * ln.size

    def breaks(self, prev: _Line, ln: _Line) -> bool:
        """Does ``ln`` start a new paragraph after ``prev``?"""
        if self.indented(ln) or abs(ln.size - prev.size) > 1 or self.ended(prev):
            return True
        if self.space_indented(ln) and prev.norm.endswith(_PARAGRAPH_END):
            # a justified last line fills the measure: the spaces typed before the next line tell. Spaces before
            # a line that carries on an unfinished sentence are stray (a manual break), not an indent.
            return True
        if ln.page == prev.page:
            return ln.top - prev.top > 1.4 * self.layout.pitch + 1 or self._excluded_between(ln.page, prev, ln)
        # a page break: the paragraph goes on only from the last line of one page to the first of the next
        later = [b for b in self.exclude.get(prev.page, []) if b[1] >= prev.bottom]
        earlier = [b for b in self.exclude.get(ln.page, []) if b[3] <= ln.top]
        return ln.page != prev.page + 1 or bool(later) or bool(earlier)

    def _excluded_between(self, page: int, a: _Line, b: _Line) -> bool:
        return any(a.bottom <= box[1] and box[3] <= b.top for box in self.exclude.get(page, []))

    def heading_at(self, i: int, plain_levels: set[int], siblings: dict[int, _Line] | None = None) -> _Heading | None:
        """The heading starting at body line ``i``, if it is one. ``siblings``: the first line of the open heading
        at each level (the one a next heading of that level follows)."""
        ln = self.body[i]
        number = _heading_number(ln.norm)
        if self.styled(ln):
            return self._styled_heading(i, number)
        if number is None or number[0] not in plain_levels:
            return None
        prev = self.body[i - 1] if i else None
        standalone = (
            prev is None or self.breaks(prev, ln) or self._next_sibling(ln, number, (siblings or {}).get(number[0]))
        ) and not self.full(ln)
        if (
            standalone
            and abs(ln.size - self.layout.size) <= 0.5
            and len(ln.norm) - number[2] <= MAX_PLAIN_HEADING_CHARS
            and not ln.norm.endswith(_SENTENCE_END)
        ):
            return _Heading([ln], number[0], _canonical_number(number[0], number[1]), number[2])
        return None

    def _next_sibling(self, ln: _Line, number: tuple[int, str, int], sibling: _Line | None) -> bool:
        """Is ``ln`` the next heading after ``sibling``, though nothing marks the paragraph before it as ended (its
        last line fills the measure)? It must carry the next number and be set as the sibling is: same size,
        typeface and weight, starting where it starts, and hold no sentence. A line of running text that merely
        begins with "三、" does not follow a "二、" heading set so."""
        if sibling is None or "。" in ln.norm:
            return False
        before = _heading_number(sibling.norm)
        if before is None or before[0] != number[0]:
            return False
        a, b = _numeral(before[1]), _numeral(number[1])
        return (
            a is not None
            and b == a + 1
            and abs(ln.size - sibling.size) <= 0.5
            and (ln.font, ln.bold) == (sibling.font, sibling.bold)
            and abs(ln.start - sibling.start) <= ln.size
        )

    def page_title(self, i: int) -> bool:
        """Body line ``i`` opens its page, centred: a chapter title."""
        ln = self.body[i]
        width = self.layout.widths.get(ln.page)
        first = i == 0 or self.body[i - 1].page != ln.page
        return first and width is not None and abs((ln.x0 + ln.x1) / 2 - width / 2) <= 1.5 * ln.size

    def _styled_heading(self, i: int, number: tuple[int, str, int] | None) -> _Heading | None:
        ln = self.body[i]
        block = [ln, *self._continuation(i)]  # a title wraps onto lines of its own style
        if len(block) == 1 and self._runs_on(i):
            return None  # a paragraph whose first line is set apart: a run-in lead or a list item in another typeface
        if len(block) > 3 or (len(block) > 1 and block[-1].norm.endswith("。")):
            return None  # several lines closing a sentence: a list item
        text_len = sum(len(b.norm) for b in block) - (number[2] if number else 0)
        if number is not None and text_len <= MAX_HEADING_CHARS:
            return _Heading(block, number[0], _canonical_number(number[0], number[1]), number[2])
        if (
            number is None
            and ln.size >= self.layout.size + UNNUMBERED_DELTA
            and text_len <= MAX_UNNUMBERED_CHARS
            and not block[-1].norm.endswith("。")
        ):
            return _Heading(block, None, None, 0)
        return None

    def _runs_on(self, i: int) -> bool:
        return i + 1 < len(self.body) and self.full(self.body[i]) and not self.breaks(self.body[i], self.body[i + 1])

    def _continuation(self, i: int) -> list[_Line]:
        """Following lines in the same style that carry on a heading (a wrapped title)."""
        first = self.body[i]
        out: list[_Line] = []
        prev = first
        for ln in self.body[i + 1 : i + 4]:
            if (
                ln.page != first.page
                or abs(ln.size - first.size) > 0.3
                or ln.font != first.font
                or ln.bold != first.bold
                or _heading_number(ln.norm) is not None
                or ln.top - prev.bottom > 1.5 * first.size
            ):
                break
            out.append(ln)
            prev = ln
        return out


def _sections(body: list[_Line], layout: _Layout, exclude: dict[int, list[BBox]]) -> list[Section]:
    reader = _Reader(body, layout, exclude)
    # levels the document styles somewhere: there, plain numbered lines are list items
    styled_levels = {
        h.level for i in range(len(body)) if (h := reader.heading_at(i, set())) is not None and h.level is not None
    }
    plain_levels = {1, 2, 3} - styled_levels  # a plain "1." line is a list item, never a heading

    roots: list[Section] = []
    stack: list[Section] = []
    openers: list[_Line] = []  # the first line of each heading on the stack
    unnumbered: list[tuple[_Line, int, bool]] = []  # first line, level and page-title-ness of unnumbered headings
    preamble: Section | None = None
    para: list[_Line] = []

    def flush() -> None:
        nonlocal preamble
        if not para:
            return
        p = _paragraph(para)
        para.clear()
        if stack:
            stack[-1].paragraphs.append(p)
            return
        if preamble is None:
            # text before the first heading keeps a place of its own
            preamble = Section(heading="", number=None, title="", level=0, page=p.page, bbox=None)
            roots.append(preamble)
        preamble.paragraphs.append(p)

    i = 0
    while i < len(body):
        siblings = {sec.level: ln for sec, ln in zip(stack, openers, strict=True) if sec.number is not None}
        heading = reader.heading_at(i, plain_levels, siblings)
        if heading is None:
            ln = body[i]
            if para and reader.breaks(para[-1], ln):
                flush()
            para.append(ln)
            i += 1
            continue
        flush()
        first = heading.lines[0]
        level = heading.level
        if level is None:
            # an unnumbered heading ranks with earlier ones of its style, else with earlier chapter titles when it
            # is one (a page's centred title set a little smaller than the others), else just below the heading
            # it follows
            title = reader.page_title(i)
            same = [
                lv
                for ln, lv, _ in unnumbered
                if abs(ln.size - first.size) <= 1 and (ln.font, ln.bold) == (first.font, first.bold)
            ]
            if not same and title:
                same = [lv for ln, lv, was_title in unnumbered if was_title and ln.font == first.font]
            level = same[-1] if same else (stack[-1].level + 1 if stack else 1)
            unnumbered.append((first, level, title))
        section = _section(heading, level)
        while stack and stack[-1].level >= level:
            stack.pop()
            openers.pop()
        (stack[-1].children if stack else roots).append(section)
        stack.append(section)
        openers.append(first)
        i += len(heading.lines)
    flush()
    return roots


def _section(h: _Heading, level: int) -> Section:
    text = ""
    for ln in h.lines:
        text = _join(text, ln.text)
    first = h.lines[0]
    on_first = [ln for ln in h.lines if ln.page == first.page]
    return Section(
        heading=text,
        number=h.number,
        title=strip_prefix(text, h.prefix),
        level=level,
        page=first.page,
        bbox=_bbox(on_first),
    )


def _paragraph(lines: list[_Line]) -> Paragraph:
    text = ""
    boxes: list[LineBox] = []
    for ln in lines:
        text = _join(text, ln.text)
        boxes.append(LineBox(ln.page, _bbox([ln]), len(text) - len(ln.text), len(text)))
    first = lines[0]
    return Paragraph(
        text=text,
        raw_text="\n".join(ln.text for ln in lines),
        page=first.page,
        page_end=lines[-1].page,
        bbox=_bbox([ln for ln in lines if ln.page == first.page]),
        lines=boxes,
    )


def _join(a: str, b: str) -> str:
    """Join two lines of one paragraph: no space between CJK, a space between two Latin words."""
    if a and b and a[-1].isascii() and b[0].isascii() and a[-1].isalnum() and b[0].isalnum():
        if a[-1].isalpha() or b[0].isalpha():
            return f"{a} {b}"
    return a + b


def _bbox(lines: list[_Line]) -> BBox:
    return (
        round(min(ln.x0 for ln in lines), 2),
        round(min(ln.top for ln in lines), 2),
        round(max(ln.x1 for ln in lines), 2),
        round(max(ln.bottom for ln in lines), 2),
    )


# --- metadata ----------------------------------------------------------------------------------------------------


def _metadata(
    first: list[_Line],
    is_cover: bool,
    body: list[_Line],
    toc: list[TocEntry],
    pages: list[Page],
    tables: list[Table] | None = None,
    headings: list[str] | None = None,
) -> Metadata:
    """Metadata from the cover; without one, the unit may still be labelled on the first page ("部门：…"), or be
    what the tables' 编制单位 lines agree on."""
    tables = tables or []
    meta = Metadata()
    if is_cover:
        top_size = max(ln.size for ln in first)
        title = ""
        for ln in first:
            if ln.size >= 0.75 * top_size and not _DATE.search(ln.norm):
                title = _join(title, ln.text)
        meta.title = title or None
        date = next((m for m in (_DATE.search(ln.norm) for ln in first) if m), None)
        if date:
            y, m, d = (int(g) for g in date.groups())
            meta.publication_date = f"{y:04d}-{m:02d}-{d:02d}"
    labels = [
        (m.group(1), m.group(2))
        for m in (_UNIT_LABEL.match(ln.norm) for ln in first)
        if m and not m.group(2).endswith("元") and _is_unit_name(m.group(2))
    ]
    # a 单位预算's cover may also name its 主管部门: the unit reported on is the 预算单位
    label = next((lb for lb in labels if lb[0] == "预算单位"), labels[0] if labels else None)
    title_norm = "".join(unicodedata.normalize("NFKC", meta.title or "").split())
    from_title = None
    if title_norm:
        # "2024 年度中共武汉市江汉区委办公室决算公开" → the unit is what the year and the document kind frame
        unit = _TITLE_SUFFIX.sub("", re.sub(r"20\d{2}年度?", "", title_norm))
        from_title = unit if unit != title_norm and len(unit) >= 2 and _is_unit_name(unit) else None
    meta.unit_name = label[1] if label else (_agreed_unit_name(tables) or from_title)

    # without a cover (a tables-only file whose text the table extractor consumed) fall back on all of the text
    raw = [_page_text(p) for p in pages[:3]]
    texts = [*(e.text for e in toc), *(ln.norm for ln in body[:40]), *raw]
    year = _YEAR.search(title_norm) or next((m for m in map(_YEAR.search, texts) if m), None)
    if year is None:  # "2019年政府采购预算表"
        year = next((m for m in (_YEAR.search(t.title) for t in tables) if m), None)
    meta.fiscal_year = int(year.group(1)) if year else None
    meta.kind = (
        _kind(title_norm)
        or _kind_by_count([e.text for e in toc] + [ln.norm for ln in body])
        or _kind_by_count([_page_text(p) for p in pages])
    )
    meta.level = _level(label[0] if label else None, title_norm, meta.kind, tables, toc, headings or [], pages)

    where = title_norm + (meta.unit_name or "") or (raw[0] if raw else "")
    if "上海" in where:
        meta.profile = "shanghai"
    elif "江苏" in where:
        meta.profile = "jiangsu"
    elif "湖北" in where or "武汉" in where or any(_HUBEI_TABLE_NO.search(_page_text(p)) for p in pages):
        meta.profile = "hubei"
    return meta


def _is_unit_name(name: str) -> bool:
    """Not just a place and a kind ("上海市普陀区区级单位"), nor empty."""
    return len(name) >= 2 and not _REGION_ONLY.match(name)


def _agreed_unit_name(tables: list[Table]) -> str | None:
    """The name most tables' 编制单位 / 编制部门 lines print, when more than half of those that print one agree."""
    names = Counter(n for t in tables if (n := "".join((t.unit_name or "").split())) and _is_unit_name(n))
    if not names:
        return None
    name, count = names.most_common(1)[0]
    return name if 2 * count > sum(names.values()) else None


def _level(
    label: str | None,
    title: str,
    kind: str | None,
    tables: list[Table],
    toc: list[TocEntry],
    headings: list[str],
    pages: list[Page],
) -> str | None:
    """部门 or 单位, from the strongest signal that says: the cover's label (预算主管部门： / 预算单位：), the cover
    title (…部门预算 / …单位预算 / …部门决算), the tables (titles "预算单位…" / "单位“三公”…" / "部门…", and for
    a budget the "编制部门：" / "编制单位：" lines), then the headings and TOC (部门预算编制说明, 单位预算表 …).
    A 决算 prints "编制单位：" whatever it is, so that line counts only in a budget."""
    if label in _LABEL_LEVEL:
        return _LABEL_LEVEL[label]
    by_title = _level_by_count([title])
    if by_title:
        return by_title
    votes: Counter[str] = Counter()
    for t in tables:
        name = normalise_title(t.title)
        if name.startswith(("预算单位", "单位")):
            votes["单位"] += 1
        elif name.startswith("部门") and not name.startswith("部门单位"):
            votes["部门"] += 1
    text = "".join(_page_text(p) for p in pages) if tables else ""
    for m in _IDENTITY_LEVEL.finditer(text):
        if m.group(1) == "部门" or kind == "预算":
            votes[m.group(1)] += 1
    if votes["部门"] != votes["单位"]:
        return "部门" if votes["部门"] > votes["单位"] else "单位"
    return _level_by_count([e.text for e in toc] + headings)


def _level_by_count(texts: list[str]) -> str | None:
    found = Counter(m.group(1) for t in texts for m in _LEVEL_WORD.finditer(unicodedata.normalize("NFKC", t)))
    if found["部门"] == found["单位"]:
        return None
    return "部门" if found["部门"] > found["单位"] else "单位"


def _page_text(page: Page) -> str:
    return "".join(c.text for c in page.chars if not c.text.isspace())


def _kind(text: str) -> str | None:
    text = _NOT_KIND.sub("", text)
    if "决算" in text:
        return "决算"
    if "预算" in text:
        return "预算"
    return None


def _kind_by_count(texts: list[str]) -> str | None:
    joined = _NOT_KIND.sub("", "".join(texts))
    final, budget = joined.count("决算"), joined.count("预算")
    if final == budget == 0:
        return None
    return "决算" if final > budget else "预算"
