"""A table grid and the lines around it → :class:`linter.model.Table`, with the PDF parser's semantics.

Header rows, column paths and roles, 栏次, lanes of two-lane tables, rows keyed by code / label / 行次, and
cells whose value is a decimal string or None — decided by :mod:`linter.numbers`, never here. The rules for
roles, lanes and rows mirror ``linter.parsers.pdf.tables`` so that both parsers give the same model.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from linter.catalogue import Catalogue, TableSpec
from linter.model import Cell, Column, Lane, Note, Row, Table
from linter.numbers import code_kind, code_level, is_code, join_split_code, parse_amount

from fiscal_lint_docx.reader import Grid, Para, squash

MAX_HEADER_ROWS = 8  # deeper "headers" are a misreading: the 02表 family has 4, a 栏次 row included
MAX_TITLE_CHARS = 60

_NUMBER = re.compile(r"^(公开\s*0?\d{1,2}\s*表|表\s*[一二三四五六七八九十]{1,3}(?![\u4e00-\u9fff])|附表\s*\d+)")
_CURRENCY = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|千元|亿元|元)")
_UNIT_NAME = re.compile(r"(?:部门/)?(?:编制|填报|预算)?单位(?:名称)?\s*(?:[（(]盖章[)）])?\s*[:：]\s*(.+)")
_CAPTION_LINE = re.compile(r"^(?:(?:部门/)?(?:金额|编制|填报|预算)?单位|填报日期|填报人|联系电话|编制日期)")
_NOTE_START = re.compile(r"^(?:注|说明|备注)\s*\d*\s*[:：]|^注\s*\d")
_ABSENCE = re.compile(r"^本(?:部门|单位).{0,80}无")
_TOTAL = re.compile(r"(?:合计|总计)$")
_CODE_HEADER = re.compile(r"编码|代码|^(?:类|款|项)$")
_LABEL_HEADER = re.compile(r"^(?:项目|科目名称|项目名称|名称|科目|单位名称)$")
_TEXT_HEADER = re.compile(r"^(?:序号|备注|说明)$|情况|内容|事项|形式|原因|依据")
_PLACEHOLDER = {"-", "—", "－", "/", "——", "--"}
_KEYS = ("code", "label")


@dataclass
class Caption:
    """What is printed just above a table: 表号, title, 单位 line(s)."""

    number: str | None = None
    title: str = ""
    unit: str | None = None
    unit_name: str | None = None


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
    if _NOTE_START.match(t) or _ABSENCE.match(t):
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
    body_start = top + n_header
    path_rows = [r for r in range(top, body_start) if r != number_row]
    roles = []
    columns = []
    for c in range(grid.width):
        path = column_path(grid, c, path_rows)
        column_no = None
        if number_row is not None and grid.is_origin(number_row, c):
            printed = re.sub(r"\s+", "", grid.slots[number_row][c] or "")
            column_no = printed if printed.isdigit() else None
        roles.append(column_role(path, [grid.slots[r][c] or "" for r in range(body_start, len(grid.slots))]))
        columns.append(Column(index=c, path=path, role=roles[-1], column_no=column_no))
    spec = _spec(caption, catalogue)
    lane_columns = split_lanes(roles)
    for i, cols in enumerate(lane_columns):
        for c in cols:
            columns[c].lane = i
    rows = [row for r in range(body_start, len(grid.slots)) for row in body_rows(grid, r, body_start, roles, lane_columns)]
    names = lane_names(grid, top, lane_columns, rows, spec, bool(path_rows))
    pages = grid.pages[top:] or [1]
    return Table(
        key=spec.key if spec else None,
        number=caption.number,
        title=caption.title,
        unit=caption.unit,
        unit_name=caption.unit_name,
        page=pages[0],
        page_end=pages[-1],
        columns=columns,
        lanes=[Lane(index=i, name=names[i], columns=cols) for i, cols in enumerate(lane_columns)],
        header=[list(grid.slots[r]) for r in range(top, body_start)],
        rows=rows,
        notes=[Note(text=p.text, page=p.page) for p in notes],
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


def _origin_texts(grid: Grid, r: int) -> list[str]:
    return [squash(grid.slots[r][c] or "") for c in range(grid.width) if grid.is_origin(r, c)]


def _is_column_number_row(grid: Grid, r: int) -> bool:
    texts = [t for t in _origin_texts(grid, r) if t]
    nums = [t for t in texts if t != "栏次"]
    if not all(t.isdigit() for t in nums):
        return False
    return "栏次" in texts or (len(nums) >= 3 and nums == [str(i) for i in range(1, len(nums) + 1)])


def _is_data_row(grid: Grid, r: int) -> bool:
    texts = _origin_texts(grid, r)
    if any(t and (is_code(t) or parse_amount(t) is not None) for t in texts):
        return True
    # a 合计 row with nothing in it (a table without data) is body, although 合计 is also a header word
    return any(t in ("合计", "总计") for t in texts) and any(not t for t in texts)


def _through_merges(grid: Grid, end: int) -> int:
    """Move the header's end down past any cell merged down from inside the header."""
    while end < len(grid.slots) and any(grid.owner[end][c][0] < end for c in range(grid.width)):
        end += 1
    return end


def column_path(grid: Grid, c: int, rows: list[int]) -> list[str]:
    """Header texts over column ``c``, top down: a cell spanning columns names each, a row span is named once."""
    path: list[str] = []
    seen: set[tuple[int, int]] = set()
    for r in rows:
        origin = grid.owner[r][c]
        text = squash(grid.text_at(r, c))
        if text and origin not in seen:
            path.append(text)
        seen.add(origin)
    return path


def column_role(path: list[str], values: list[str]) -> str:
    norm = [unicodedata.normalize("NFKC", p) for p in path]
    if any(p == "行次" for p in norm):
        return "line_no"
    if any(_CODE_HEADER.search(p) for p in norm):
        return "code"
    if norm and _LABEL_HEADER.match(norm[-1]):
        return "label"
    if norm and _TEXT_HEADER.search(norm[-1]):
        return "text"
    filled = [v for v in (squash(v) for v in values) if v]
    if filled:
        return "amount" if all(v in _PLACEHOLDER or parse_amount(v) is not None for v in filled) else "text"
    return "amount" if norm else "text"  # an empty table's value columns are still amounts


def split_lanes(roles: list[str]) -> list[list[int]]:
    """Side-by-side lanes: the role pattern (key columns, then values) repeated, e.g. label,line_no,amount ×2."""
    groups: list[list[int]] = [[]]
    for c, role in enumerate(roles):
        cur = groups[-1]
        # a key column right after value columns opens the next lane, once this lane has keys of its own
        if role in _KEYS and cur and roles[cur[-1]] not in _KEYS and any(roles[k] in _KEYS for k in cur):
            groups.append([c])
        else:
            cur.append(c)
    keys = [[roles[c] for c in g if roles[c] in _KEYS] for g in groups]
    if len(groups) < 2 or any(k != keys[0] for k in keys):
        return [list(range(len(roles)))]
    return groups


def lane_names(grid: Grid, top: int, lanes: list[list[int]], rows: list[Row], spec: TableSpec | None,
               has_path: bool) -> list[str | None]:
    if len(lanes) < 2:
        return [None]
    if spec is not None and len(spec.lanes) == len(lanes):
        return list(spec.lanes)
    if has_path:
        tops = [squash(grid.text_at(top, cols[0])) for cols in lanes]
        if all(tops) and len(set(tops)) == len(tops):
            return list(tops)
    names: list[str | None] = []
    for i in range(len(lanes)):
        total = next((r.label for r in rows if r.lane == i and r.level == "合计" and r.label), "")
        names.append(_TOTAL.sub("", total) or None)
    return names


def body_rows(grid: Grid, r: int, body_start: int, roles: list[str], lanes: list[list[int]]) -> list[Row]:
    """One Row per lane of physical row ``r``; a lane with nothing printed in it gives none."""
    out = []
    page = grid.pages[r]
    for lane_index, cols in enumerate(lanes):
        lo, hi = cols[0], cols[-1]
        # the cells that start in this row and end in this lane (a cell spanning lanes belongs to the lane it
        # ends in, where its amount is); their text shows at the leftmost slot
        own = {c for c in cols if grid.owner[r][c][0] == r and lo <= _right_edge(grid, r, c) <= hi}
        anchors = {c for c in own if c == lo or grid.owner[r][c - 1] != grid.owner[r][c]}
        parts = [p for c in cols if roles[c] == "code" and c in anchors if (p := squash(grid.text_at(r, c)))]
        code = _code(parts)
        label = next((squash(grid.text_at(r, c)) or None for c in cols if roles[c] == "label" and c in own), None)
        if label is None and code is None:  # "合计" merged across the code and name columns
            label = next((p for p in parts if not p.isdigit()), None)
        line_no = next((squash(grid.text_at(r, c)) or None for c in cols if roles[c] == "line_no" and c in anchors), None)
        cells = []
        for c in cols:
            if roles[c] not in ("amount", "text"):
                continue
            # One cell per column, so that a column is addressable in every row: a slot covered by a merged
            # cell reads as blank, its text stays with the cell's leftmost slot.
            text = grid.text_at(r, c).strip() if c in anchors else ""
            value = _decimal_text(parse_amount(text)) if roles[c] == "amount" else None
            cells.append(Cell(column=c, text=text, value=value, page=page))
        if not any(cell.text for cell in cells) and label is None and code is None and line_no is None:
            continue
        level = code_level(code) if code else ("合计" if label and _TOTAL.search(label) else None)
        out.append(
            Row(
                index=r - body_start,
                lane=lane_index,
                code=code,
                code_kind=code_kind(code) if code else None,
                label=label,
                line_no=line_no,
                level=level,
                page=page,
                cells=cells,
            )
        )
    return out


def _right_edge(grid: Grid, r: int, c: int) -> int:
    origin = grid.owner[r][c]
    while c + 1 < grid.width and grid.owner[r][c + 1] == origin:
        c += 1
    return c


def _code(parts: list[str]) -> str | None:
    """A code printed in one column (``2010601``) or over 类/款/项 columns (``201`` ``06`` ``01``)."""
    if not parts or not all(p.isdigit() for p in parts):
        return None
    if len(parts) == 1:
        return parts[0] if is_code(parts[0]) else None
    return join_split_code(parts)


def _decimal_text(value: Decimal | None) -> str | None:
    # "f" keeps a plain decimal: str(Decimal("0.00000000")) would be "0E-8", which the schema refuses.
    return format(value, "f") if value is not None else None
