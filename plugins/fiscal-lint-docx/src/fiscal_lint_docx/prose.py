"""Headings, the section tree, the table of contents and the cover, from the paragraphs outside tables."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from linter.api import Metadata, Paragraph, Section, TocEntry
from linter.api import join_wrapped, squash, strip_prefix

from fiscal_lint_docx.reader import Para

MAX_HEADING_CHARS = 60  # a longer line is a sentence that happens to start with a number
DISPLAY_DELTA = 0.8  # pt larger than body text: a display heading (as the PDF parser decides)

_CN = "一二三四五六七八九十百零〇"
# (level, pattern on NFKC text without whitespace, how the number is written in the model)
_NUMBERED: tuple[tuple[int, re.Pattern[str], str], ...] = (
    (1, re.compile(rf"^(第[{_CN}\d]+部分)"), "{}"),
    (2, re.compile(rf"^([{_CN}]+)[、.]"), "{}"),
    (3, re.compile(rf"^\(([{_CN}]+)\)"), "（{}）"),
    (4, re.compile(r"^(\d{1,2})(?:、|\.(?!\d))"), "{}"),  # "1." but not "10.5万元"
)
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_TOC_STYLE = re.compile(r"^(?:toc|目录)\s*(\d)$", re.IGNORECASE)
_TOC_PAGE = re.compile(r"[\s.·…\-_]*\t[\s.·…\-_]*(\d+)\s*$|[.·…]{3,}\s*(\d+)\s*$")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


@dataclass
class Heading:
    number: str | None
    title: str
    level: int


def numbered(text: str) -> Heading | None:
    """The outline number a line starts with (第一部分 / 一、 / （一） / 1.), and the title after it as printed."""
    norm = unicodedata.normalize("NFKC", "".join(text.split()))
    for level, pattern, shape in _NUMBERED:
        m = pattern.match(norm)
        if m:
            return Heading(number=shape.format(m.group(1)), title=strip_prefix(" ".join(text.split()), m.end()), level=level)
    return None


def body_size(paras: list[Para]) -> float | None:
    """The font size of running text: the size most characters are set in."""
    sizes: Counter[float] = Counter()
    for p in paras:
        if p.size is not None:
            sizes[p.size] += len(p.text)
    return sizes.most_common(1)[0][0] if sizes else None


def heading_of(para: Para, size: float | None) -> Heading | None:
    """A heading by its style (Heading N / 标题 N / an outline level), or by its number plus a bold or larger type."""
    t = squash(para.text)
    if not t or len(t) > MAX_HEADING_CHARS:
        return None
    found = numbered(para.text)
    m = _HEADING_STYLE.match(para.style.strip())
    style_level = int(m.group(1)) if m else (para.outline_level + 1 if para.outline_level is not None and para.outline_level < 9 else None)
    if style_level is not None:
        return found or Heading(number=None, title=" ".join(para.text.split()), level=style_level)
    if found is None:
        return None
    larger = para.size is not None and size is not None and para.size >= size + DISPLAY_DELTA
    return found if (para.bold or larger) else None


def is_toc_title(para: Para) -> bool:
    return re.sub(r"\s+", "", para.text) in {"目录", "目錄"}


def is_toc_style(para: Para) -> bool:
    return _TOC_STYLE.match(para.style.strip()) is not None


def toc_entry(para: Para, previous: TocEntry | None) -> TocEntry:
    raw = para.raw_text.replace("\n", " ")
    m = _TOC_PAGE.search(raw)
    text = raw[: m.start()] if m else raw
    target = (m.group(1) or m.group(2)) if m else None
    style = _TOC_STYLE.match(para.style.strip())
    found = numbered(text)
    level = found.level if found else (int(style.group(1)) if style else (previous.level if previous else 1))
    return TocEntry(text=" ".join(text.split()), level=level, page=para.page, target_page=target)


def build_sections(items: list[tuple[Para, Heading | None]]) -> list[Section]:
    """The heading tree; each paragraph goes to the nearest heading above it.

    Paragraphs before the first heading keep a place of their own: a level-0 section without a heading.
    """
    roots: list[Section] = []
    stack: list[Section] = []
    for para, heading in items:
        if heading is None:
            if not stack:
                stack.append(Section(heading="", number=None, title="", level=0, page=para.page))
                roots.append(stack[0])
            stack[-1].paragraphs.append(
                Paragraph(text=para.text, raw_text=para.raw_text, page=para.page, page_end=para.page_end)
            )
            continue
        section = Section(
            heading=" ".join(para.text.split()),
            number=heading.number,
            title=heading.title,
            level=heading.level,
            page=para.page,
        )
        while stack and stack[-1].level >= section.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(section)
        stack.append(section)
    return roots


def cover_metadata(cover: list[Para], fallback_title: str | None) -> Metadata:
    """Title, year, kind, unit and date from the cover lines (the largest type is the title)."""
    sizes = [p.size for p in cover if p.size is not None]
    top = max(sizes) if sizes else None
    title_lines = [p.text for p in cover if top is not None and p.size == top]
    title = join_wrapped(title_lines) or (fallback_title or None)
    meta = Metadata(title=" ".join(title.split()) if title else None)
    if title:
        year = _YEAR.search(title)
        meta.fiscal_year = int(year.group(1)) if year else None
        meta.kind = "决算" if "决算" in title else ("预算" if "预算" in title else None)
        unit = re.sub(r"^.*?\d{4}\s*年度?", "", squash(title))
        unit = re.sub(r"(?:部门|单位)?(?:决算|预算)(?:信息)?(?:公开)?.*$", "", unit).strip()
        meta.unit_name = unit or None
    for p in cover:
        date = _DATE.search(p.text)
        if date and p.text not in title_lines:
            y, mo, d = (int(g) for g in date.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                meta.publication_date = f"{y:04d}-{mo:02d}-{d:02d}"
                break
    return meta
