"""A table's slot grid → :class:`linter.core.model.Table`: the format-independent half of every table parser.

A parser lays a table out as a :class:`SlotGrid` (text at a merged cell's top-left slot, None in the slots it
covers, the page of every row and, where the format has a layout, the bbox of every slot) and says where its
header ends; the rules here read the rest off the grid: column paths and roles, the printed 栏次, lanes of
side-by-side tables and their names, and body rows keyed by code / label / 行次 with one cell per value column,
whose values are decided by :mod:`linter.core.numbers`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from linter.core.catalogue import TableSpec
from linter.core.model import BBox, Cell, Column, Lane, Note, Row, Table
from linter.core.numbers import amount_value, code_kind, code_level, is_code, join_split_code, parse_amount
from linter.core.text import TOTAL, squash

CODE_HEADER = re.compile(r"编码|代码|^(?:类|款|项)$")
LABEL_HEADER = re.compile(r"^(?:项目|科目名称|项目名称|名称|科目|单位名称)$")
TEXT_HEADER = re.compile(r"^(?:序号|备注|说明)$|情况|内容|事项|形式|原因|依据")
PLACEHOLDERS = frozenset({"-", "—", "－", "/", "——", "--"})  # printed in an amount column for "nothing"
KEY_ROLES = ("code", "label")


@dataclass
class SlotGrid:
    """A table as laid out: text at a merged cell's top-left slot, None in the slots it covers."""

    slots: list[list[str | None]]
    owner: list[list[tuple[int, int]]]  # top-left slot of the merged cell covering each slot
    pages: list[int]  # page of each row

    @property
    def width(self) -> int:
        return len(self.slots[0]) if self.slots else 0

    def text_at(self, r: int, c: int) -> str:
        """The text of the merged cell that covers slot (r, c)."""
        r0, c0 = self.owner[r][c]
        return self.slots[r0][c0] or ""

    def is_origin(self, r: int, c: int) -> bool:
        return self.owner[r][c] == (r, c)

    def cell_bbox(self, r: int, c: int) -> BBox | None:
        """The bbox of the merged cell covering slot (r, c); None where the format has no layout."""
        return None

    def slot_bbox(self, r: int, c: int) -> BBox | None:
        """The bbox of slot (r, c) alone; None where the format has no layout."""
        return None


def origin_texts(grid: SlotGrid, r: int) -> list[str]:
    """The squashed texts of the cells starting in row ``r``, blanks included."""
    return [squash(grid.slots[r][c] or "") for c in range(grid.width) if grid.is_origin(r, c)]


def is_lanci_row(texts: list[str]) -> bool:
    """A printed 栏次 row: ``栏次 | 1 | 2 | 3`` or, without the word, 1, 2, 3 … numbering at least three columns."""
    texts = [t for t in texts if t]
    nums = [t for t in texts if t != "栏次"]
    if not all(t.isdigit() for t in nums):
        return False
    if "栏次" in texts:
        return True
    return len(nums) >= 3 and nums == [str(i) for i in range(1, len(nums) + 1)]


def is_blank_total(texts: list[str]) -> bool:
    """A 合计 row with nothing in it (a table without data): body, although 合计 is also a header word.
    ``texts``: the row's cell texts, blanks included."""
    return any(t in ("合计", "总计") for t in texts) and any(not t for t in texts)


def column_path(grid: SlotGrid, c: int, rows: list[int] | range) -> list[str]:
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
    """code | label | line_no | text | amount, by the header path, else by what the body holds."""
    norm = [unicodedata.normalize("NFKC", p) for p in path]
    if any(p == "行次" for p in norm):
        return "line_no"
    if any(CODE_HEADER.search(p) for p in norm):
        return "code"
    if norm and LABEL_HEADER.match(norm[-1]):
        return "label"
    if norm and TEXT_HEADER.search(norm[-1]):
        return "text"
    filled = [v for v in (squash(v) for v in values) if v]
    if filled:
        return "amount" if all(v in PLACEHOLDERS or parse_amount(v) is not None for v in filled) else "text"
    return "amount" if norm else "text"  # an empty table's value columns are still amounts


def column_roles(
    grid: SlotGrid, path_rows: list[int] | range, body_start: int, extra: dict[int, str] | None = None
) -> tuple[list[list[str]], list[str]]:
    """The header path (plus ``extra`` names found elsewhere) and the role of every column."""
    paths: list[list[str]] = []
    roles: list[str] = []
    for c in range(grid.width):
        path = column_path(grid, c, path_rows)
        if extra and c in extra:
            path.append(extra[c])
        paths.append(path)
        roles.append(column_role(path, [grid.slots[r][c] or "" for r in range(body_start, len(grid.slots))]))
    return paths, roles


def split_lanes(roles: list[str]) -> list[list[int]]:
    """Side-by-side lanes: the role pattern (key columns, then values) repeated, e.g. label,line_no,amount ×2."""
    groups: list[list[int]] = [[]]
    for c, role in enumerate(roles):
        cur = groups[-1]
        # a key column right after value columns opens the next lane, once this lane has keys of its own
        if role in KEY_ROLES and cur and roles[cur[-1]] not in KEY_ROLES and any(roles[k] in KEY_ROLES for k in cur):
            groups.append([c])
        else:
            cur.append(c)
    keys = [[roles[c] for c in g if roles[c] in KEY_ROLES] for g in groups]
    if len(groups) < 2 or any(k != keys[0] for k in keys):
        return [list(range(len(roles)))]
    return groups


def lane_names(
    grid: SlotGrid, top: int, lanes: list[list[int]], rows: list[Row], spec: TableSpec | None, has_path: bool
) -> list[str | None]:
    """The catalogue's lane names, else distinct top header cells over the lanes, else each lane's 合计 label."""
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
        names.append(TOTAL.sub("", total) or None)
    return names


def body_rows(grid: SlotGrid, r: int, body_start: int, roles: list[str], lanes: list[list[int]]) -> list[Row]:
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
        code = split_code(parts)
        label = next((squash(grid.text_at(r, c)) or None for c in cols if roles[c] == "label" and c in own), None)
        if label is None and code is None:  # "合计" merged across the code and name columns
            label = next((p for p in parts if not p.isdigit()), None)
        line_no = next(
            (squash(grid.text_at(r, c)) or None for c in cols if roles[c] == "line_no" and c in anchors), None
        )
        cells = []
        for c in cols:
            if roles[c] not in ("amount", "text"):
                continue
            # One cell per column, so that a column is addressable in every row: a slot covered by a merged
            # cell reads as blank, its text stays with the cell's leftmost slot.
            if c in anchors:
                text, bbox = grid.text_at(r, c).strip(), grid.cell_bbox(r, c)
            else:
                text, bbox = "", grid.slot_bbox(r, c)
            value = amount_value(text) if roles[c] == "amount" else None
            cells.append(Cell(column=c, text=text, value=value, page=page, bbox=bbox))
        if not any(cell.text for cell in cells) and label is None and code is None and line_no is None:
            continue
        level = code_level(code) if code else ("合计" if label and TOTAL.search(label) else None)
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


def split_code(parts: list[str]) -> str | None:
    """A code printed in one column (``2010601``) or over 类/款/项 columns (``201`` ``06`` ``01``)."""
    if not parts or not all(p.isdigit() for p in parts):
        return None
    if len(parts) == 1:
        return parts[0] if is_code(parts[0]) else None
    return join_split_code(parts)


def _right_edge(grid: SlotGrid, r: int, c: int) -> int:
    origin = grid.owner[r][c]
    while c + 1 < grid.width and grid.owner[r][c + 1] == origin:
        c += 1
    return c


@dataclass
class Caption:
    """What is printed around a table: 表号, title, 单位 line(s)."""

    number: str | None = None
    title: str = ""
    unit: str | None = None
    unit_name: str | None = None


def build_table(
    grid: SlotGrid,
    *,
    top: int,
    n_header: int,
    number_row: int | None,
    caption: Caption,
    spec: TableSpec | None,
    notes: list[Note],
    page: int,
    page_end: int,
    bbox: BBox | None = None,
    extra_names: dict[int, str] | None = None,
) -> Table:
    """The model table of ``grid``, whose header is rows [top, top + n_header) with the 栏次 row ``number_row``
    among them (or None); rows above ``top`` are not part of the table. ``extra_names``: column names printed
    outside the header, appended to the columns' paths."""
    body_start = top + n_header
    path_rows = [r for r in range(top, body_start) if r != number_row]
    paths, roles = column_roles(grid, path_rows, body_start, extra_names)
    lane_columns = split_lanes(roles)
    lane_of = {c: i for i, cols in enumerate(lane_columns) for c in cols}
    columns = []
    for c in range(grid.width):
        column_no = None
        if number_row is not None and grid.is_origin(number_row, c):
            printed = squash(grid.slots[number_row][c] or "")
            column_no = printed if printed.isdigit() else None
        columns.append(Column(index=c, path=paths[c], role=roles[c], lane=lane_of[c], column_no=column_no))
    rows = [row for r in range(body_start, len(grid.slots)) for row in body_rows(grid, r, body_start, roles, lane_columns)]
    names = lane_names(grid, top, lane_columns, rows, spec, bool(path_rows))
    return Table(
        key=spec.key if spec else None,
        number=caption.number,
        title=caption.title,
        unit=caption.unit,
        unit_name=caption.unit_name,
        page=page,
        page_end=page_end,
        columns=columns,
        lanes=[Lane(index=i, name=names[i], columns=cols) for i, cols in enumerate(lane_columns)],
        header=[list(grid.slots[r]) for r in range(top, body_start)],
        rows=rows,
        notes=notes,
        bbox=bbox,
    )
