"""The document model: what every parser produces and every rule reads.

The model is plain dataclasses that serialise to the JSON described by
``schemas/document.schema.json``. Amounts are kept twice: the printed text
(``text``) and the parsed decimal as a string (``value``), or ``None`` when the
cell is blank. A blank cell is never 0 and a code is never an amount: both are
decided here, once, by :mod:`linter.core.numbers`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from typing import Any

SCHEMA_VERSION = "1.0"

BBox = tuple[float, float, float, float]
"""(x0, top, x1, bottom) in PDF points, origin at the top-left of the page."""


@dataclass
class Metadata:
    unit_name: str | None = None
    fiscal_year: int | None = None
    kind: str | None = None  # "决算" | "预算"
    profile: str | None = None  # "hubei" | "shanghai" | "jiangsu" | "national" (a 预算 of no known province) | None
    title: str | None = None
    publication_date: str | None = None  # ISO date when it could be read
    currency_unit: str | None = None  # the unit most tables use: "万元" | "元"
    level: str | None = None  # "部门" | "单位": a 部门预算/部门决算 or a 单位预算/单位决算, as the document says


@dataclass
class ParserInfo:
    name: str
    version: str


@dataclass
class Source:
    file_name: str
    sha256: str
    page_count: int
    producer: str | None
    parser: ParserInfo


@dataclass
class LineBox:
    """One printed line of a paragraph: where it stands, and which characters of the paragraph's ``text`` it holds
    (``text[start:end]``), so that a sentence can be given the box of the lines it is printed on."""

    page: int
    bbox: BBox
    start: int
    end: int


@dataclass
class Paragraph:
    text: str  # soft line breaks and page breaks joined
    raw_text: str  # as laid out, lines joined with "\n"
    page: int  # first page (1-based)
    page_end: int
    bbox: BBox | None = None  # on the first page
    lines: list[LineBox] = field(default_factory=list)  # empty when the parser has no layout (DOCX, fragments)

    def boxes(self, start: int, end: int) -> list[tuple[int, BBox]]:
        """Where ``text[start:end]`` is printed: per page, the union of the boxes of the lines holding it (the first
        page first). Empty without line boxes."""
        out: dict[int, BBox] = {}
        for ln in self.lines:
            if ln.end <= start or ln.start >= end:
                continue
            box = out.get(ln.page)
            out[ln.page] = ln.bbox if box is None else (
                min(box[0], ln.bbox[0]), min(box[1], ln.bbox[1]), max(box[2], ln.bbox[2]), max(box[3], ln.bbox[3])
            )
        return list(out.items())


@dataclass
class Section:
    heading: str  # the heading as printed (whitespace normalised)
    number: str | None  # "第一部分", "一", "（一）", "1" … or None
    title: str  # the heading without its number
    level: int  # 1 = 第X部分, 2 = 一、, 3 = （一）, 4 = 1.
    page: int
    bbox: BBox | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)


@dataclass
class TocEntry:
    text: str
    level: int
    page: int  # page of the TOC itself
    target_page: str | None = None  # the printed page number, if any


@dataclass
class Column:
    index: int  # position in the table's full grid, 0-based
    path: list[str]  # header texts from the top header row down, merged cells repeated
    role: str  # "code" | "label" | "line_no" | "amount" | "text"
    lane: int = 0  # which lane the column belongs to
    column_no: str | None = None  # the printed 栏次 ("1", "2", …) when there is one


@dataclass
class Lane:
    index: int
    name: str | None  # e.g. "收入" / "支出"; None for a one-lane table
    columns: list[int]  # Column.index values


@dataclass
class Cell:
    column: int  # Column.index
    text: str  # as printed, lines inside the cell joined ("" when blank)
    value: str | None  # Decimal as a string for an amount column; None when blank or not a number
    page: int
    bbox: BBox | None = None

    @property
    def decimal(self) -> Decimal | None:
        return Decimal(self.value) if self.value is not None else None


@dataclass
class Row:
    index: int  # position among the table's body rows (physical rows, 0-based)
    lane: int  # the lane this logical row belongs to
    code: str | None  # 功能分类 / 经济分类 code, digits only, never an amount
    code_kind: str | None  # "function" | "economic" | None
    label: str | None
    line_no: str | None  # 行次 as printed
    level: str | None  # "类" | "款" | "项" from the code length; "合计" for total rows
    page: int
    cells: list[Cell] = field(default_factory=list)  # the lane's columns, in order
    code_text: str | None = None  # the code cells as printed when they do not read as ``code`` ("7 11 02")
    code_repaired: bool = False  # ``code`` rebuilt from the neighbouring rows; the printed text is ``code_text``


@dataclass
class Note:
    text: str
    page: int
    bbox: BBox | None = None


@dataclass
class Table:
    key: str | None  # canonical key from the catalogue, or None for an unknown table
    number: str | None  # the printed number: "公开01表", "表七" …
    title: str  # as printed, whitespace normalised
    unit: str | None  # "万元" | "元" | None
    unit_name: str | None  # 编制单位 printed above the table
    page: int
    page_end: int
    columns: list[Column] = field(default_factory=list)
    lanes: list[Lane] = field(default_factory=list)
    header: list[list[str | None]] = field(default_factory=list)  # header grid, None under a merge
    rows: list[Row] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    bbox: BBox | None = None  # on the first page

    def row_bbox(self, row: Row) -> BBox | None:
        """A row's box on its page, across the table: its cells' height (only amount cells carry boxes), the
        table's width (a continued page repeats the layout), so a finding about the whole row — a misprinted
        code, a name — is drawn over the code and the name too. None when no cell has a box (a JSON document)."""
        boxes = [c.bbox for c in row.cells if c.bbox is not None and c.page == row.page]
        if not boxes:
            return None
        x0, x1 = min(b[0] for b in boxes), max(b[2] for b in boxes)
        if self.bbox is not None:
            x0, x1 = min(x0, self.bbox[0]), max(x1, self.bbox[2])
        return (x0, min(b[1] for b in boxes), x1, max(b[3] for b in boxes))


@dataclass
class Document:
    metadata: Metadata
    source: Source
    toc: list[TocEntry] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    schema_version: str = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return _clean(asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        return _build(cls, data)


def _clean(obj: Any) -> Any:
    """asdict() keeps tuples; JSON wants lists."""
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return obj


_NESTED: dict[tuple[type, str], type] = {}


def _build(cls: type, data: Any) -> Any:
    """Rebuild dataclasses from their dict form (the JSON model)."""
    kwargs = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        target = _NESTED.get((cls, f.name))
        if target is not None and value is not None:
            if isinstance(value, list):
                value = [_build(target, v) for v in value]
            else:
                value = _build(target, value)
        elif f.name == "bbox" and value is not None:
            value = tuple(value)
        kwargs[f.name] = value
    return cls(**kwargs)


_NESTED.update(
    {
        (Document, "metadata"): Metadata,
        (Document, "source"): Source,
        (Document, "toc"): TocEntry,
        (Document, "sections"): Section,
        (Document, "tables"): Table,
        (Source, "parser"): ParserInfo,
        (Section, "paragraphs"): Paragraph,
        (Paragraph, "lines"): LineBox,
        (Section, "children"): Section,
        (Table, "columns"): Column,
        (Table, "lanes"): Lane,
        (Table, "rows"): Row,
        (Table, "notes"): Note,
        (Row, "cells"): Cell,
    }
)


def iter_sections(sections: list[Section]):
    """Depth-first walk over a section tree."""
    for s in sections:
        yield s
        yield from iter_sections(s.children)
