"""Raw page objects from pdfminer.six: character boxes, ruling segments, text lines.

We drive ``PDFPageAggregator(laparams=None)`` ourselves: pdfminer's layout
analysis is slower and glues table cells across rules (docs/pdf-parsing.md,
pitfalls 5 and 13). Coordinates are converted to a top-left origin
(``top`` grows downwards), as a reader sees the page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTCurve, LTFigure, LTLine, LTRect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage

RULE_MAX_THICKNESS = 2.0  # a filled rectangle thinner than this is a ruling (Word draws borders so)
_BOLD_NAME = re.compile(r"bold|black|heavy", re.IGNORECASE)
_FILL_STROKE = 2  # text render mode "2 Tr"


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    font: str
    bold: bool = False  # a bold face, or glyphs filled and stroked (how some exporters fake bold)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class Segment:
    """A horizontal (``top == bottom``) or vertical (``x0 == x1``) ruling."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.bottom - self.top)


@dataclass(slots=True)
class TextLine:
    chars: list[Char]
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float  # the most common character size

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (round(self.x0, 2), round(self.top, 2), round(self.x1, 2), round(self.bottom, 2))


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)

    def lines(self, chars: list[Char] | None = None, split_gap: float = 1.5) -> list[TextLine]:
        return build_lines(self.chars if chars is None else chars, split_gap=split_gap)


class _Aggregator(PDFPageAggregator):
    """Keeps the text render mode on each LTChar: ONLYOFFICE draws bold headings as "2 Tr"."""

    render_mode = 0

    def render_string(self, textstate, seq, ncs, graphicstate):
        self.render_mode = textstate.render
        super().render_string(textstate, seq, ncs, graphicstate)

    def render_char(self, *args, **kwargs):
        adv = super().render_char(*args, **kwargs)
        self.cur_item._objs[-1].render_mode = self.render_mode
        return adv


def _is_bold(obj: LTChar) -> bool:
    name = obj.fontname if isinstance(obj.fontname, str) else str(obj.fontname)
    return getattr(obj, "render_mode", 0) == _FILL_STROKE or bool(_BOLD_NAME.search(name))


def iter_pages(fp: BinaryIO, password: str = "", maxpages: int = 0) -> Iterator[Page]:
    """Yield every page of the PDF in ``fp`` as raw characters and rulings."""
    rsrc = PDFResourceManager(caching=True)
    device = _Aggregator(rsrc, laparams=None)
    interpreter = PDFPageInterpreter(rsrc, device)
    for number, pdfpage in enumerate(PDFPage.get_pages(fp, password=password, maxpages=maxpages), start=1):
        interpreter.process_page(pdfpage)
        layout = device.get_result()
        x0, y0, x1, y1 = layout.bbox
        page = Page(number=number, width=x1 - x0, height=y1 - y0)
        _collect(layout, page, y1)
        yield page


def _collect(container, page: Page, ytop: float) -> None:
    for obj in container:
        if isinstance(obj, LTChar):
            text = obj.get_text()
            if not text or text.isspace() and text != " ":
                continue
            page.chars.append(
                Char(
                    text, obj.x0, ytop - obj.y1, obj.x1, ytop - obj.y0, round(obj.size, 1), obj.fontname, _is_bold(obj)
                )
            )
        elif isinstance(obj, LTFigure):
            _collect(obj, page, ytop)
        elif isinstance(obj, LTLine | LTRect):
            w, h = obj.x1 - obj.x0, obj.y1 - obj.y0
            if isinstance(obj, LTLine) or min(w, h) <= RULE_MAX_THICKNESS:
                if w >= h:  # horizontal: centre line
                    y = ytop - (obj.y0 + obj.y1) / 2
                    page.segments.append(Segment(obj.x0, y, obj.x1, y))
                else:
                    x = (obj.x0 + obj.x1) / 2
                    page.segments.append(Segment(x, ytop - obj.y1, x, ytop - obj.y0))
            elif isinstance(obj, LTRect) and obj.stroke:
                # a stroked box: its four edges are rulings
                t, b = ytop - obj.y1, ytop - obj.y0
                page.segments += [
                    Segment(obj.x0, t, obj.x1, t),
                    Segment(obj.x0, b, obj.x1, b),
                    Segment(obj.x0, t, obj.x0, b),
                    Segment(obj.x1, t, obj.x1, b),
                ]
        elif isinstance(obj, LTCurve) and len(getattr(obj, "pts", []) or []) == 2:
            (ax, ay), (bx, by) = obj.pts
            if abs(ax - bx) < 0.5 or abs(ay - by) < 0.5:
                page.segments.append(Segment(min(ax, bx), ytop - max(ay, by), max(ax, bx), ytop - min(ay, by)))


def build_lines(chars: list[Char], split_gap: float = 1.5) -> list[TextLine]:
    """Group characters into text lines by position, not by content-stream order.

    Characters whose vertical centres lie within half a character size belong to
    one line; within a line a horizontal gap wider than ``split_gap`` × size
    starts a new line (two cells or two text blocks side by side). A gap wider
    than 0.3 em becomes a space unless the PDF already drew one (Word and
    LibreOffice put ~0.2 em between CJK and digits, which is not a space).
    """
    if not chars:
        return []
    ordered = sorted(chars, key=lambda c: (c.cy, c.x0))
    rows: list[list[Char]] = []
    current: list[Char] = [ordered[0]]
    ref = ordered[0].cy
    for c in ordered[1:]:
        tol = max(1.0, 0.5 * max(c.size, current[-1].size))
        if abs(c.cy - ref) <= tol:
            current.append(c)
        else:
            rows.append(current)
            current = [c]
            ref = c.cy
    rows.append(current)

    lines: list[TextLine] = []
    for row in rows:
        row.sort(key=lambda c: c.x0)
        run: list[Char] = [row[0]]
        for c in row[1:]:
            prev = run[-1]
            size = max(prev.size, c.size, 1.0)
            if c.x0 - prev.x1 > split_gap * size:
                lines.append(_make_line(run))
                run = [c]
            else:
                run.append(c)
        lines.append(_make_line(run))
    lines.sort(key=lambda ln: (round(ln.top), ln.x0))
    return lines


def _make_line(chars: list[Char]) -> TextLine:
    parts: list[str] = []
    prev: Char | None = None
    for c in chars:
        if prev is not None and c.text != " " and prev.text != " ":
            if c.x0 - prev.x1 > 0.3 * max(prev.size, c.size, 1.0):
                parts.append(" ")
        parts.append(c.text)
        prev = c
    text = unicodedata.normalize("NFC", "".join(parts)).strip()
    sizes = sorted(c.size for c in chars)
    return TextLine(
        chars=chars,
        text=text,
        x0=min(c.x0 for c in chars),
        top=min(c.top for c in chars),
        x1=max(c.x1 for c in chars),
        bottom=max(c.bottom for c in chars),
        size=sizes[len(sizes) // 2],
    )
