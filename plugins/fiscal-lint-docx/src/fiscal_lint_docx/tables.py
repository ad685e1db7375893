"""A table grid and the paragraphs around it → :class:`linter.core.model.Table`, with the PDF parser's semantics.

Word-specific here: the caption lines above a table (表号, title, 单位) as Word sets them, caption rows pasted
into the grid, notes by their small type, and where the header ends (a 栏次 row, rows flagged as repeating
headers, else the rows above the first data row). Column paths and roles, lanes and rows are read off the
grid by :mod:`linter.parse.table_builder`, the same rules the PDF parser uses, so that both parsers give the same model.
"""

from __future__ import annotations

import re

from linter.api import Catalogue, TableSpec
from linter.api import Note, Table
from linter.api import is_code, parse_amount
from linter.api import Caption, is_blank_total, is_lanci_row, origin_texts
from linter.api import build_table as build_model_table
from linter.api import is_note_start, squash

from fiscal_lint_docx.reader import Grid, Para

MAX_HEADER_ROWS = 8  # deeper "headers" are a misreading: the 02表 family has 4, a 栏次 row included
MAX_TITLE_CHARS = 60

_NUMBER = re.compile(r"^(公开\s*0?\d{1,2}\s*表|表\s*[一二三四五六七八九十]{1,3}(?![\u4e00-\u9fff])|附表\s*\d+)")
_CURRENCY = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|千元|亿元|元)")
_UNIT_NAME = re.compile(r"(?:部门/)?(?:编制|填报|预算)?单位(?:名称)?\s*(?:[（(]盖章[)）])?\s*[:：]\s*(.+)")
_CAPTION_LINE = re.compile(r"^(?:(?:部门/)?(?:金额|编制|填报|预算)?单位|填报日期|填报人|联系电话|编制日期)")


def is_title(para: Para, catalogue: Catalogue) -> bool:
    t = squash(para.text)
    if not t or len(t) > MAX_TITLE_CHARS or t.startswith(("注", "说明")) or not re.search(r"表(?:[（(]续[)）])?$|续表$", t):
        return False
    # a sentence ending in 表 ("详见下表") is not a title unless it is set like one or is a known title
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
    if number and not caption.title and squash(rest).endswith("表"):  # "公开01表 收入支出决算总表" on one line
        caption.number, caption.title = number, " ".join(rest.split())
        return True
    if not _CAPTION_LINE.match(rest):
        return False
    caption.number = number or caption.number
    # "单位：中共某某办公室<tab>单位：万元": the parts share a line, apart.
    for part in re.split(r"\t|\s{2,}|(?=填报日期)|(?<=\S)\s+(?=(?:金额)?单位\s*[:：])", rest):
        currency = _CURRENCY.match(part.strip())
        if currency:
            caption.unit = currency.group(1)
            continue
        name = _UNIT_NAME.match(part.strip())
        if name and caption.unit_name is None:
            caption.unit_name = name.group(1).strip() or None
    return True


def is_note(para: Para, in_notes: bool, note_size: float | None) -> bool:
    t = squash(para.text)
    if is_note_start(t):
        return True
    # Continuation lines of a 注 ("2. 本套报表……") keep the note's small type.
    return in_notes and note_size is not None and para.size is not None and para.size <= note_size


def strip_caption_rows(grid: Grid, caption: Caption, catalogue: Catalogue) -> int:
    """Leading full-width rows holding a title, 表号 or 单位 line (tables pasted from a spreadsheet); their count."""
    taken = 0
    for r in range(len(grid.slots) - 1):
        if grid.width < 2 or any(grid.owner[r][c] != (r, 0) for c in range(grid.width)):
            break
        text = grid.slots[r][0] or ""
        if not caption.title and squash(text).endswith("表") and catalogue.match_title(squash(text)) is not None:
            caption.title = " ".join(text.split())
        elif not read_caption_line(text, caption):
            break
        taken += 1
    return taken


def build_table(grid: Grid, caption: Caption, notes: list[Para], catalogue: Catalogue) -> Table:
    top = strip_caption_rows(grid, caption, catalogue)
    n_header, number_row = split_header(grid, top)
    pages = grid.pages[top:] or [1]
    return build_model_table(
        grid,
        top=top,
        n_header=n_header,
        number_row=number_row,
        caption=caption,
        spec=_spec(caption, catalogue),
        notes=[Note(text=p.text, page=p.page) for p in notes],
        page=pages[0],
        page_end=pages[-1],
    )


def _spec(caption: Caption, catalogue: Catalogue) -> TableSpec | None:
    """The catalogue entry: by title first, else by the printed number in the profile it belongs to."""
    spec = catalogue.match_title(caption.title) if caption.title else None
    if spec is None and caption.number:
        spec = catalogue.match_number(caption.number, "hubei" if caption.number.startswith("公开") else "shanghai")
    return spec


def split_header(grid: Grid, top: int) -> tuple[int, int | None]:
    """(number of header rows from ``top``, row index of the 栏次 row or None).

    A 栏次 row ends the header. Failing that, rows flagged as repeating headers are the header. Failing
    that, the rows above the first row holding an amount or a code (or a blank 合计 row) are, if their
    last row gives every column its own cell: a form-style table (绩效自评表: "单位名称 | …" across five
    columns) has no header.
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


def _is_column_number_row(grid: Grid, r: int) -> bool:
    return is_lanci_row(origin_texts(grid, r))


def _is_data_row(grid: Grid, r: int) -> bool:
    texts = origin_texts(grid, r)
    return any(t and (is_code(t) or parse_amount(t) is not None) for t in texts) or is_blank_total(texts)


def _through_merges(grid: Grid, end: int) -> int:
    """Move the header's end down past any cell merged down from inside the header."""
    while end < len(grid.slots) and any(grid.owner[end][c][0] < end for c in range(grid.width)):
        end += 1
    return end
