"""A table grid and the lines around it → :class:`linter.model.Table`, with the PDF parser's semantics.

Header rows, column paths and roles, 栏次, lanes of two-lane tables, rows keyed by code / label / 行次, and
cells whose value is a decimal string or None — decided by :mod:`linter.numbers`, never here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from linter.catalogue import Catalogue
from linter.model import Cell, Column, Lane, Note, Row, Table
from linter.numbers import code_kind, code_level, is_code, join_split_code, parse_amount

from fiscal_lint_docx.reader import Grid, Para, squeeze

MAX_HEADER_ROWS = 8  # deeper "headers" are a misreading: the 02表 family has 4, a 栏次 row included

_NUMBER = re.compile(r"^(公开\s*\d{1,2}\s*表|表\s*[一二三四五六七八九十]+|附表\s*\d+)")
_CURRENCY = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|千元|亿元|元)")
_UNIT_NAME = re.compile(r"(?:编制单位|单位名称|部门/单位|部门（单位）|部门|单位)\s*(?:（盖章）|\(盖章\))?\s*[:：]\s*(.+)")
_CAPTION_LINE = re.compile(r"^(?:(?:金额|编制)?单位|单位名称|部门|填报日期|填报单位)")
_NOTE_START = re.compile(r"^(?:注|备注|说明)\s*(?:[:：]|\d|$)")
_EMPTY_STATEMENT = re.compile(r"^本(?:部门|单位).{0,40}(?:无|没有|未)")
_TOTAL = re.compile(r"(?:合计|总计)$")
_LABEL_WORDS = ("名称",)


@dataclass
class Caption:
    """What is printed just above a table: 表号, title, 单位 line(s)."""

    number: str | None = None
    title: str = ""
    unit: str | None = None
    unit_name: str | None = None
    lines: list[int] = field(default_factory=list)  # block indexes it used


def is_title(para: Para, catalogue: Catalogue) -> bool:
    t = squeeze(para.text)
    if not t or len(t) > 60 or t.endswith("。") or not re.search(r"表(?:[（(]续[)）])?$", t):
        return False
    return para.bold or para.centred or catalogue.match_title(t) is not None


def read_caption_line(text: str, caption: Caption) -> bool:
    """Take what a 表号 / 单位 line says into ``caption``; False (and ``caption`` untouched) for any other line."""
    t = text.strip()
    m = _NUMBER.match(t)
    number = re.sub(r"\s+", "", m.group(1)) if m else None
    rest = t[m.end():].strip() if m else t
    if number and not rest:
        caption.number = number
        return True
    if number and not caption.title and squeeze(rest).endswith("表"):  # "公开01表 收入支出决算总表" on one line
        caption.number, caption.title = number, squeeze(rest)
        return True
    if not _CAPTION_LINE.match(rest):
        return False
    caption.number = number or caption.number
    # "单位：中共某某办公室<tab>单位：万元": the parts sit on one line, apart.
    for part in re.split(r"\t|\s{2,}|(?=填报日期)|(?<=\S)\s+(?=(?:金额)?单位\s*[:：])", rest):
        currency = _CURRENCY.search(part)
        if currency and currency.start() == 0:
            caption.unit = currency.group(1)
            continue
        name = _UNIT_NAME.match(part.strip())
        if name and caption.unit_name is None:
            caption.unit_name = name.group(1).strip() or None
    return True


def is_note(para: Para, in_notes: bool, note_size: float | None) -> bool:
    t = squeeze(para.text)
    if _NOTE_START.match(t) or _EMPTY_STATEMENT.match(t):
        return True
    # Continuation lines of a 注 ("2. 本套报表……") keep the note's small type.
    return in_notes and note_size is not None and para.size is not None and para.size <= note_size


def strip_caption_rows(grid: Grid, caption: Caption, catalogue: Catalogue) -> int:
    """Leading full-width rows holding a title, 表号 or 单位 line (tables pasted from a spreadsheet); their count."""
    taken = 0
    for r in range(len(grid.slots) - 1):
        if any(grid.owner[r][c] != (r, 0) for c in range(grid.width)) or grid.width < 2:
            break
        text = grid.slots[r][0] or ""
        t = squeeze(text)
        if catalogue.match_title(t) is not None and t.endswith("表") and not caption.title:
            caption.title = t
        elif not read_caption_line(text, caption):
            break
        taken += 1
    return taken


def build_table(grid: Grid, caption: Caption, notes: list[Para], catalogue: Catalogue) -> Table:
    skip = strip_caption_rows(grid, caption, catalogue)
    n_header, number_row = split_header(grid, skip)
    header_rows = [r for r in range(skip, skip + n_header) if r != number_row]
    columns = []
    for c in range(grid.width):
        path = [squeeze(grid.text_at(r, c)) for r in header_rows]
        column_no = None
        if number_row is not None and grid.is_origin(number_row, c):
            printed = re.sub(r"\s+", "", grid.slots[number_row][c] or "")
            column_no = printed if printed.isdigit() else None
        columns.append(Column(index=c, path=path, role=column_role(grid, c, path, skip + n_header), column_no=column_no))
    spec = catalogue.match_title(caption.title) if caption.title else None
    if spec is None and caption.number:
        spec = catalogue.match_number(caption.number, None)
    lanes = split_lanes(columns, spec.lanes if spec else ())
    body = range(skip + n_header, len(grid.slots))
    rows = [_row(grid, r - skip - n_header, r, lane, columns) for r in body for lane in lanes]
    pages = grid.pages[skip:] or [1]
    return Table(
        key=spec.key if spec else None,
        number=caption.number,
        title=" ".join(caption.title.split()),
        unit=caption.unit,
        unit_name=caption.unit_name,
        page=pages[0],
        page_end=pages[-1],
        columns=columns,
        lanes=lanes,
        header=[list(grid.slots[r]) for r in range(skip, skip + n_header)],
        rows=rows,
        notes=[Note(text=p.text, page=p.page) for p in notes],
    )


def split_header(grid: Grid, top: int) -> tuple[int, int | None]:
    """(number of header rows from ``top``, row index of the 栏次 row or None).

    A 栏次 row ends the header. Failing that, rows flagged as repeating headers are the header. Failing
    that, the rows above the first row holding an amount or a code are, if their last row gives every
    column its own cell: a form-style table (绩效自评表: "单位名称 | …" across five columns) has no header.
    """
    first_data = None
    for r in range(top, min(len(grid.slots), top + MAX_HEADER_ROWS + 1)):
        if r > top and _is_column_number_row(grid, r):
            return _through_merges(grid, r + 1) - top, r
        if _is_data_row(grid, r):
            first_data = r
            break
    if grid.marked_header > top:
        return _through_merges(grid, grid.marked_header) - top, None
    if first_data is None or first_data == top:
        return 0, None
    last = first_data - 1
    if any(grid.owner[last][c] == grid.owner[last][c + 1] for c in range(grid.width - 1)):
        return 0, None
    return _through_merges(grid, first_data) - top, None


def _origin_texts(grid: Grid, r: int) -> list[str]:
    return [re.sub(r"\s+", "", grid.slots[r][c] or "") for c in range(grid.width) if grid.is_origin(r, c)]


def _is_column_number_row(grid: Grid, r: int) -> bool:
    texts = [t for t in _origin_texts(grid, r) if t]
    if "栏次" in texts:
        return True
    return len(texts) >= 2 and all(t.isdigit() for t in texts) and [int(t) for t in texts] == list(range(1, len(texts) + 1))


def _is_data_row(grid: Grid, r: int) -> bool:
    return any(is_code(t) or parse_amount(t) is not None for t in _origin_texts(grid, r) if t)


def _through_merges(grid: Grid, end: int) -> int:
    """Move the header's end down past any cell merged down from inside the header."""
    while end < len(grid.slots) and any(grid.owner[end][c][0] < end for c in range(grid.width)):
        end += 1
    return end


def column_role(grid: Grid, c: int, path: list[str], body_start: int) -> str:
    words = [re.sub(r"\s+", "", p) for p in path]
    if any("行次" in w for w in words):
        return "line_no"
    if any("编码" in w or "代码" in w for w in words):
        return "code"
    if any(w in {"项目", "科目"} or any(k in w for k in _LABEL_WORDS) for w in words):
        return "label"
    if any(w in {"序号", "编号"} for w in words) or not path:
        return "text"  # a form-style table without a header is read as text
    texts = [re.sub(r"\s+", "", grid.slots[r][c] or "") for r in range(body_start, len(grid.slots)) if grid.is_origin(r, c)]
    return "amount" if all(parse_amount(t) is not None for t in texts if t) else "text"


def split_lanes(columns: list[Column], names: tuple[str, ...]) -> list[Lane]:
    """Side-by-side row sets: a new lane starts where a code or label column follows an amount column."""
    groups: list[list[Column]] = [[]]
    for col in columns:
        if col.role in {"code", "label"} and any(c.role == "amount" for c in groups[-1]):
            groups.append([])
        groups[-1].append(col)
    lanes = []
    for i, group in enumerate(groups):
        for col in group:
            col.lane = i
        lanes.append(Lane(index=i, name=_lane_name(group, names, i, len(groups)), columns=[c.index for c in group]))
    return lanes


def _lane_name(group: list[Column], names: tuple[str, ...], i: int, count: int) -> str | None:
    if count == 1:
        return None
    if len(names) == count:
        return names[i]
    tops = {col.path[0] for col in group if col.path}
    return tops.pop() if len(tops) == 1 else None


def _row(grid: Grid, index: int, r: int, lane: Lane, columns: list[Column]) -> Row:
    cols = [columns[c] for c in lane.columns]

    def own_text(c: int) -> str:
        """Text of the cell covering (r, c) when that cell starts on this row (a cell merged down is not repeated)."""
        r0, _ = grid.owner[r][c]
        return grid.text_at(r, c).strip() if r0 == r else ""

    parts = [re.sub(r"\s+", "", own_text(c.index)) for c in cols if c.role == "code" and grid.is_origin(r, c.index)]
    parts = [p for p in parts if p]
    code = parts[0] if len(parts) == 1 and is_code(parts[0]) else (join_split_code(parts) if len(parts) > 1 else None)
    label = next((" ".join(own_text(c.index).split()) for c in cols if c.role == "label"), "")
    if not label:  # "合计" merged across the code and name columns sits in the code column
        label = next((" ".join(own_text(c.index).split()) for c in cols
                      if c.role == "code" and own_text(c.index) and not is_code(own_text(c.index))), "")
    line_no = next((re.sub(r"\s+", "", own_text(c.index)) for c in cols if c.role == "line_no"), "")
    level = code_level(code) if code else ("合计" if label and _TOTAL.search(re.sub(r"\s+", "", label)) else None)
    page = grid.pages[r]
    cells = []
    for col in cols:
        if col.role not in {"amount", "text"}:
            continue
        # One cell per column, so that a column is addressable in every row: a slot covered by a merged
        # cell reads as blank, its text stays with the cell's top-left slot.
        text = (grid.slots[r][col.index] or "").strip()
        amount = parse_amount(text) if col.role == "amount" else None
        cells.append(Cell(column=col.index, text=text, value=_decimal_text(amount), page=page))
    return Row(
        index=index,
        lane=lane.index,
        code=code,
        code_kind=code_kind(code) if code else None,
        label=label or None,
        line_no=line_no or None,
        level=level,
        page=page,
        cells=cells,
    )


def _decimal_text(value: Decimal | None) -> str | None:
    # "f" keeps a plain decimal: str(Decimal("0.00000000")) would be "0E-8", which the schema refuses.
    return format(value, "f") if value is not None else None
