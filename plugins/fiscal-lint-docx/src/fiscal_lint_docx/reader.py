"""The OOXML body in reading order: paragraphs with their layout cues, tables as merged-cell grids, and pages.

A DOCX has no page layout, so pages are counted from explicit breaks only: ``w:br w:type="page"``,
``w:pageBreakBefore`` (direct or from the paragraph style) and section breaks that start a new page.
Word's ``w:lastRenderedPageBreak`` marks are ignored: they are stale after any edit by another tool and are
absent from generated files, so mixing them in would give page numbers that mean different things per file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from linter.api import SlotGrid
from linter.api import is_cjk, join_wrapped

Element = BaseOxmlElement

MAX_COLUMNS = 63  # Word's limit for a table
_OFF = {"0", "false", "off", "none"}
# Text inside these is not part of the paragraph as printed: deleted revisions, moved-away text, and text
# boxes (their own paragraphs, often a duplicated VML fallback).
_SKIP_INSIDE = {qn("w:del"), qn("w:moveFrom"), qn("w:txbxContent")}
_CONTAINERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:smartTag")}


@dataclass
class Para:
    """A body paragraph with what heading and note detection need to know about its look."""

    text: str  # lines joined
    raw_text: str  # lines joined with "\n"
    page: int
    page_end: int
    size: float | None  # the font size (pt) most of its characters have
    bold: bool  # every visible character is bold
    centred: bool
    style: str  # style name as stored ("heading 1", "Normal", "标题 1" …)
    outline_level: int | None  # w:outlineLvl, 0-based, from the paragraph or its style


@dataclass
class Grid(SlotGrid):
    """A table as laid out: text at a merged cell's top-left slot, None in the slots it covers."""

    marked_header: int = 0  # leading rows flagged as repeating header rows (w:tblHeader)

    def extend(self, other: Grid, skip: int) -> None:
        """Append ``other``'s rows after its first ``skip`` rows (a continuation whose header repeats)."""
        shift = len(self.slots) - skip
        for r in range(skip, len(other.slots)):
            self.slots.append(list(other.slots[r]))
            self.owner.append([(r0 + shift, c0) if r0 >= skip else (r + shift, c) for c, (r0, c0) in enumerate(other.owner[r])])
            self.pages.append(other.pages[r])


Block = Para | Grid


def _int(value: str | None, default: int) -> int:
    """An integer attribute; a malformed one (hand-edited or generated XML) reads as its default, as Word does."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _ilvl(value: str | None) -> int:
    """A list level, clamped to Word's nine (0–8)."""
    return min(max(_int(value, 0), 0), 8)


def _span(value: str | None, default: int) -> int:
    """A column count (w:gridSpan, w:gridBefore), clamped to Word's 63 columns so a bad file cannot blow up a grid."""
    return min(max(_int(value, default), 0), MAX_COLUMNS)


def _points(sz: Element | None) -> float | None:
    """A font size in points from ``w:sz`` (half-points, or a measure such as "10.5pt")."""
    value = sz.get(qn("w:val"), "") if sz is not None else ""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(pt)?", value.strip())
    if not m:
        return None
    return float(m.group(1)) if m.group(2) else float(m.group(1)) / 2


def _flag(el: Element | None) -> bool | None:
    """An on/off property: absent → None, ``<w:b/>`` → True, ``<w:b w:val="0"/>`` → False."""
    if el is None:
        return None
    return (el.get(qn("w:val")) or "true").lower() not in _OFF


class Styles:
    """Style lookups along ``w:basedOn`` chains, nearest definition first."""

    def __init__(self, styles: Element):
        self._by_id: dict[str, Element] = {}
        self.default_paragraph: str | None = None
        for s in styles.findall(qn("w:style")):
            sid = s.get(qn("w:styleId"))
            if sid is None:
                continue
            self._by_id[sid] = s
            if s.get(qn("w:type")) == "paragraph" and (s.get(qn("w:default")) or "").lower() in {"1", "true", "on"}:
                self.default_paragraph = sid
        self._defaults_rpr = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")

    def chain(self, style_id: str | None) -> Iterator[Element]:
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self._by_id:
            seen.add(style_id)
            style = self._by_id[style_id]
            yield style
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None

    def name(self, style_id: str | None) -> str:
        for style in self.chain(style_id):
            name = style.find(qn("w:name"))
            return name.get(qn("w:val"), "") if name is not None else ""
        return ""

    def ppr(self, style_id: str | None, tag: str) -> Element | None:
        for style in self.chain(style_id):
            el = style.find(f"{qn('w:pPr')}/{qn(tag)}")
            if el is not None:
                return el
        return None

    def rpr(self, style_ids: list[str | None], tag: str) -> Element | None:
        for sid in style_ids:
            for style in self.chain(sid):
                el = style.find(f"{qn('w:rPr')}/{qn(tag)}")
                if el is not None:
                    return el
        return self._defaults_rpr.find(qn(tag)) if self._defaults_rpr is not None else None


_CN_NUM = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (Word's chineseCounting for list numbers)."""
    if n < 10:
        return _CN_NUM[n]
    if n < 20:
        return "十" + (_CN_NUM[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_NUM[n // 10] + "十" + (_CN_NUM[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + _CN_NUM[rest] if rest < 10 else ("一" if rest < 20 else "") + chinese_number(rest))
    return _CN_NUM[n // 100 % 10] + "百" + tail


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _format_number(n: int, fmt: str) -> str:
    if fmt in {"chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographDigital"}:
        return chinese_number(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in {"lowerLetter", "upperLetter"}:
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in {"lowerRoman", "upperRoman"}:
        return _roman(n).upper() if fmt == "upperRoman" else _roman(n)
    return str(n)  # decimal and anything exotic: the number is what matters for heading detection


class Numbering:
    """Word list numbers (``w:numPr``) rendered as text, so that an auto-numbered "一、" heading reads like a typed one."""

    def __init__(self, numbering: Element | None):
        self._abstract: dict[str, Element] = {}
        self._num: dict[str, tuple[str, Element]] = {}
        self._counters: dict[str, list[int]] = {}
        self._started: set[str] = set()
        if numbering is None:
            return
        for a in numbering.findall(qn("w:abstractNum")):
            self._abstract[a.get(qn("w:abstractNumId"), "")] = a
        for num in numbering.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                self._num[num.get(qn("w:numId"), "")] = (ref.get(qn("w:val"), ""), num)

    def _level(self, abstract: Element, num: Element, ilvl: int) -> Element | None:
        for override in num.findall(qn("w:lvlOverride")):
            if override.get(qn("w:ilvl")) == str(ilvl) and override.find(qn("w:lvl")) is not None:
                return override.find(qn("w:lvl"))
        for lvl in abstract.findall(qn("w:lvl")):
            if lvl.get(qn("w:ilvl")) == str(ilvl):
                return lvl
        return None

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the list's counter at ``ilvl`` and return the printed label ("一、", "（二）", "3.")."""
        if num_id not in self._num:
            return ""
        abstract_id, num = self._num[num_id]
        abstract = self._abstract.get(abstract_id)
        if abstract is None:
            return ""
        lvl = self._level(abstract, num, ilvl)
        if lvl is None:
            return ""
        counters = self._counters.setdefault(abstract_id, [0] * 9)
        if num_id not in self._started:  # a w:num with a start override restarts the shared list
            self._started.add(num_id)
            for override in num.findall(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                if start is not None:
                    counters[_ilvl(override.get(qn("w:ilvl")))] = _int(start.get(qn("w:val")), 1) - 1
        if counters[ilvl] == 0:
            start_el = lvl.find(qn("w:start"))
            counters[ilvl] = _int(start_el.get(qn("w:val")), 1) - 1 if start_el is not None else 0
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        fmt_el, text_el = lvl.find(qn("w:numFmt")), lvl.find(qn("w:lvlText"))
        fmt = fmt_el.get(qn("w:val"), "decimal") if fmt_el is not None else "decimal"
        if fmt in {"bullet", "none"} or text_el is None:
            return ""  # bullets are not numbers: the paragraph text stays as typed

        def render(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            level = self._level(abstract, num, k)
            kfmt = level.find(qn("w:numFmt")) if level is not None else None
            return _format_number(max(counters[k], 1), kfmt.get(qn("w:val"), "decimal") if kfmt is not None else "decimal")

        text = re.sub(r"%([1-9])", render, text_el.get(qn("w:val"), ""))
        suffix = lvl.find(qn("w:suff"))
        if (suffix is not None and suffix.get(qn("w:val")) == "nothing") or (text and is_cjk(text[-1])):
            return text
        return text + " "


class BodyReader:
    """Walks the document body once, keeping the page count, and yields paragraphs and table grids."""

    def __init__(self, document: DocxDocument):
        self._doc = document
        self.styles = Styles(document.styles.element)
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):  # python-docx raises these when the package has no numbering part
            numbering = None
        self.numbering = Numbering(numbering)
        body = document.element.body
        # A section break's kind is stored on the section that *follows* it. Keyed by the elements themselves:
        # they stay alive in the dict, so lxml hands back the same proxies (an id() of a proxy is not stable).
        sections = list(body.iter(qn("w:sectPr")))
        self._next_section_type: dict[Element, str] = {
            s: (_section_type(sections[i + 1]) if i + 1 < len(sections) else "nextPage") for i, s in enumerate(sections)
        }
        self.page = 1
        self._fresh = True  # nothing printed yet on the current page

    def _break(self) -> None:
        self.page += 1
        self._fresh = True

    def blocks(self) -> list[Block]:
        return list(self._walk(self._doc.element.body))

    def _walk(self, parent: Element) -> Iterator[Block]:
        for child in parent:
            if child.tag == qn("w:p"):
                yield self.paragraph(child)
            elif child.tag == qn("w:tbl"):
                yield self.table(child)
            elif child.tag in _CONTAINERS:
                yield from self._walk(child)

    def paragraph(self, p: Element, in_table: bool = False) -> Para:
        ppr = p.find(qn("w:pPr"))
        style_id = _val(ppr, "w:pStyle") or self.styles.default_paragraph

        def prop(tag: str) -> Element | None:
            direct = ppr.find(qn(tag)) if ppr is not None else None
            return direct if direct is not None else self.styles.ppr(style_id, tag)

        # Word ignores page-break-before inside tables and at the top of a page.
        if not in_table and _flag(prop("w:pageBreakBefore")) and not self._fresh:
            self._break()
        lines: list[list[str]] = [[self._list_label(prop("w:numPr"))]]
        sizes: Counter[float | None] = Counter()
        bold = True
        first: int | None = None
        last = self.page
        for run in _runs(p):
            rpr = run.find(qn("w:rPr"))
            run_styles = [_val(rpr, "w:rStyle"), style_id]
            if _flag(self._run_prop(rpr, run_styles, "w:vanish")):
                continue  # hidden text is not printed
            for el in run:
                tag = el.tag
                if tag == qn("w:t"):
                    text = el.text or ""
                    lines[-1].append(text)
                    if text.strip():
                        first = self.page if first is None else first
                        last = self.page
                        sizes[_points(self._run_prop(rpr, run_styles, "w:sz"))] += len(text.strip())
                        bold = bold and bool(_flag(self._run_prop(rpr, run_styles, "w:b")))
                elif tag == qn("w:tab"):
                    lines[-1].append("\t")
                elif tag == qn("w:br"):
                    kind = el.get(qn("w:type"))
                    if kind == "page":
                        self._break()
                    elif kind != "column":
                        lines.append([])
                elif tag == qn("w:cr"):
                    lines.append([])
                elif tag == qn("w:noBreakHyphen"):
                    lines[-1].append("-")
        self._fresh = False
        sect = ppr.find(qn("w:sectPr")) if ppr is not None else None
        if sect is not None and self._next_section_type.get(sect) not in {"continuous", "nextColumn"}:
            self._break()
        texts = ["".join(parts).strip() for parts in lines]
        jc = prop("w:jc")
        outline = prop("w:outlineLvl")
        return Para(
            text=join_wrapped(texts),
            raw_text="\n".join(t for t in texts if t),
            page=first if first is not None else last,
            page_end=last,
            size=sizes.most_common(1)[0][0] if sizes else None,
            bold=bold and bool(sizes),
            centred=jc is not None and jc.get(qn("w:val")) == "center",
            style=self.styles.name(style_id),
            outline_level=_int(outline.get(qn("w:val")), 9) if outline is not None else None,
        )

    def _run_prop(self, rpr: Element | None, run_styles: list[str | None], tag: str) -> Element | None:
        """A run property: direct formatting, then the character style, the paragraph style, the defaults."""
        direct = rpr.find(qn(tag)) if rpr is not None else None
        return direct if direct is not None else self.styles.rpr(run_styles, tag)

    def _list_label(self, num_pr: Element | None) -> str:
        if num_pr is None:
            return ""
        num_id = _val(num_pr, "w:numId")
        if not num_id or num_id == "0":
            return ""
        return self.numbering.label(num_id, _ilvl(_val(num_pr, "w:ilvl")))

    def table(self, tbl: Element) -> Grid:
        width = len(tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}"))
        slots: list[list[str | None]] = []
        owner: list[list[tuple[int, int]]] = []
        pages: list[int] = []
        marked = 0
        open_merge: dict[int, tuple[int, int]] = {}  # column → origin of a vertical merge still running
        for r, tr in enumerate(_children(tbl, "w:tr")):
            pages.append(self.page)
            trpr = tr.find(qn("w:trPr"))
            if marked == r and trpr is not None and _flag(trpr.find(qn("w:tblHeader"))):
                marked += 1
            row: list[str | None] = []
            own: list[tuple[int, int]] = []
            for _ in range(_span(_val(trpr, "w:gridBefore"), 0)):
                row.append("")
                own.append((r, len(own)))
            for tc in _children(tr, "w:tc"):
                tcpr = tc.find(qn("w:tcPr"))
                span = max(1, _span(_val(tcpr, "w:gridSpan"), 1))
                vmerge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
                c = len(row)
                text = self._cell_text(tc)
                if vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue" and c in open_merge:
                    origin = open_merge[c]
                    row.extend([None] * span)
                    own.extend([origin] * span)
                    continue
                row.extend([text] + [None] * (span - 1))
                own.extend([(r, c)] * span)
                for k in range(c, c + span):
                    open_merge.pop(k, None)
                if vmerge is not None:
                    open_merge[c] = (r, c)
            self._fresh = False
            slots.append(row)
            owner.append(own)
        width = max([width, *(len(row) for row in slots)])
        for r, row in enumerate(slots):  # short rows (w:gridAfter, ragged tables) end in blank slots
            for c in range(len(row), width):
                row.append("")
                owner[r].append((r, c))
        return Grid(slots=slots, owner=owner, pages=pages, marked_header=marked)

    def _cell_text(self, tc: Element) -> str:
        """The cell's paragraphs joined like the wrapped lines of a PDF cell, so both parsers print it alike."""
        return join_wrapped([self.paragraph(p, in_table=True).text for p in tc.iter(qn("w:p")) if not _inside(p, tc, _SKIP_INSIDE)])


def _val(parent: Element | None, tag: str) -> str | None:
    el = parent.find(qn(tag)) if parent is not None else None
    return el.get(qn("w:val")) if el is not None else None


def _section_type(sect: Element) -> str:
    return _val(sect, "w:type") or "nextPage"


def _inside(el: Element, stop: Element, tags: set[str]) -> bool:
    a = el.getparent()
    while a is not None and a is not stop:
        if a.tag in tags:
            return True
        a = a.getparent()
    return False


def _runs(p: Element) -> Iterator[Element]:
    """The paragraph's runs in order, inside hyperlinks, fields and insertions, but not deleted or boxed text."""
    for run in p.iter(qn("w:r")):
        if not _inside(run, p, _SKIP_INSIDE):
            yield run


def _children(parent: Element, tag: str) -> Iterator[Element]:
    """Direct children named ``tag``, looking through content controls (rows and cells may sit in w:sdt)."""
    for child in parent:
        if child.tag == qn(tag):
            yield child
        elif child.tag in _CONTAINERS:
            yield from _children(child, tag)

