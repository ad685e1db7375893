"""Where a finding is drawn: its box on each page, one rectangle per line of text.

A cell, a table or a heading is drawn at the box the model gives. A sentence is located in the PDF's glyphs:
the model gives the box of the sentence's paragraph (on its first page) and the sentence's text, so the
sentence is found among the characters inside that box, and, when it runs on past the end of the page, at
the top of the next page; each line it covers gives one rectangle (the characters of the sentence on that
line). The union of a page's rectangles is the sentence's box on that page. The characters are read by the
parser's own page reader (:mod:`linter.parse.pdf.pages`), so the coordinates are the model's.

Boxes drawn from text reach a little below the characters' boxes: pdfminer ends a glyph at the font's
declared descent, which fonts in these reports often give as 0, while CJK glyphs sit partly below the
baseline (on the seed report the ink of a 14 pt line ends 2.4 pt under its character box).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from pdfminer.pdfexceptions import PDFException
from pdfminer.psexceptions import PSException

from linter.core.errors import InputError
from linter.core.findings import Location
from linter.core.model import BBox
from linter.parse.pdf.pages import Char, Page, build_lines, iter_pages

GLYPH_DEPTH = 1.2  # a text line's box reaches this many character sizes below its top
PARAGRAPH_DEPTH = 3.0  # points added below a paragraph's box when the sentence could not be found in it
CONTINUATION_LINES = 8  # lines at the top of the next page where a sentence cut by a page break may go on


@dataclass(frozen=True)
class Mark:
    """A finding's place on one page: one rectangle per line of text (one for a cell or a table)."""

    page: int
    rects: tuple[BBox, ...]

    @property
    def bbox(self) -> BBox:
        return (
            min(r[0] for r in self.rects),
            min(r[1] for r in self.rects),
            max(r[2] for r in self.rects),
            max(r[3] for r in self.rects),
        )


def is_prose(loc: Location) -> bool:
    """A sentence or a note (text, but no cell): drawn from its glyphs, not from the model's box alone."""
    return bool(loc.text) and not loc.column and not loc.row_code and not loc.row_label


def marks_for(locations: list[Location], pdf: bytes | None) -> list[list[Mark]]:
    """Each location's marks (an empty list for a location without a page and a box)."""
    need = {loc.page for loc in locations if loc.page and loc.bbox and is_prose(loc)}
    pages = _read_pages(pdf, need | {p + 1 for p in need}) if pdf is not None and need else {}
    return [_marks(loc, pages) for loc in locations]


def _read_pages(pdf: bytes, wanted: set[int]) -> dict[int, Page]:
    # The file was parsed under the resource guard a moment ago, so reading it again stays within the limits
    # it met; if it cannot be read now, sentences are drawn at their paragraphs' boxes instead.
    pages: dict[int, Page] = {}
    try:
        for page in iter_pages(io.BytesIO(pdf), only=wanted):
            pages[page.number] = page
    except (InputError, PDFException, PSException, ValueError, KeyError, TypeError, AttributeError):
        return {}
    return pages


def _marks(loc: Location, pages: dict[int, Page]) -> list[Mark]:
    if loc.page is None or loc.bbox is None:
        return []
    if not is_prose(loc):
        return [Mark(loc.page, (tuple(loc.bbox),))]  # type: ignore[arg-type]
    found = _find_sentence(loc.text or "", loc.page, tuple(loc.bbox), pages)  # type: ignore[arg-type]
    if found:
        return found
    x0, top, x1, bottom = loc.bbox
    return [Mark(loc.page, ((x0, top, x1, round(bottom + PARAGRAPH_DEPTH, 2)),))]


# ---- the sentence among the glyphs ------------------------------------------------------------------------


@dataclass
class _Glyphs:
    """The characters of some lines in reading order, as one comparable string with each character's origin."""

    text: str
    chars: list[tuple[int, int, Char]]  # (page, line index, character) for each position of ``text``

    @classmethod
    def of(cls, page: int, lines: Iterable[list[Char]]) -> _Glyphs:
        text: list[str] = []
        chars: list[tuple[int, int, Char]] = []
        for i, line in enumerate(lines):
            for c in line:
                for ch in _comparable(c.text):
                    text.append(ch)
                    chars.append((page, i, c))
        return cls("".join(text), chars)

    def __add__(self, other: _Glyphs) -> _Glyphs:
        return _Glyphs(self.text + other.text, self.chars + other.chars)

    def marks(self, start: int, end: int) -> list[Mark]:
        """The characters ``start:end`` as one mark per page, one rectangle per line."""
        by_line: dict[tuple[int, int], list[Char]] = {}
        for page, i, c in self.chars[start:end]:
            by_line.setdefault((page, i), []).append(c)
        rects: dict[int, list[BBox]] = {}
        for (page, _), line in by_line.items():
            top = min(c.top for c in line)
            size = max(c.size for c in line)
            bottom = max(max(c.bottom for c in line), top + GLYPH_DEPTH * size)
            x0, x1 = min(c.x0 for c in line), max(c.x1 for c in line)
            rects.setdefault(page, []).append((round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2)))
        return [Mark(page, tuple(r)) for page, r in rects.items()]


def _comparable(text: str) -> str:
    """Text as compared: NFKC (full-width digits and ％ as the rules see them), no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _lines_in(page: Page, box: BBox | None, slack: float = 1.0) -> list[list[Char]]:
    chars = [c for c in page.chars if c.text.strip()]
    if box is not None:
        x0, top, x1, bottom = box
        chars = [c for c in chars if x0 - slack <= c.cx <= x1 + slack and top - slack <= c.cy <= bottom + slack]
    return [sorted(ln.chars, key=lambda c: c.x0) for ln in build_lines(chars)]


def _find_sentence(text: str, page: int, box: BBox, pages: dict[int, Page]) -> list[Mark]:
    target = _comparable(text)
    here = pages.get(page)
    if not target or here is None:
        return []
    glyphs = _Glyphs.of(page, _lines_in(here, box))
    at = glyphs.text.find(target)
    if at >= 0:
        return glyphs.marks(at, at + len(target))
    nxt = pages.get(page + 1)
    if nxt is None:
        return []
    # The paragraph goes on at the top of the next page (the model's box is its part on the first page): the
    # sentence runs over the page break, or lies wholly on the next page. Whatever running header that page
    # has is skipped: the sentence must read on from this page's part without a gap.
    lines = _lines_in(nxt, None)
    for skip in range(min(CONTINUATION_LINES, len(lines))):
        joined = glyphs + _Glyphs.of(page + 1, lines[skip:])
        at = joined.text.find(target)
        if at >= 0 and at + len(target) > len(glyphs.text):
            return joined.marks(at, at + len(target))
    return []
