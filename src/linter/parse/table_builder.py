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
# 科目名称 also as 功能分类科目名称 / 经济分类科目名称 / 部门经济分类科目名称 / 功能科目名称 (budget tables)
LABEL_HEADER = re.compile(r"^(?:项目|(?:部门)?(?:(?:功能|经济)(?:分类)?)*科目名称|项目名称|名称|科目|单位名称)$")
MIN_NAME_VALUES = 3  # a code column holding at least this many names and no code is a name column
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

    def cell_page(self, r: int, c: int) -> int:
        """The page the merged cell covering slot (r, c) is printed on: its row's, unless the format joined a
        row split by a page break (its amounts printed on the next page)."""
        return self.pages[r]


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
        values = [grid.slots[r][c] or "" for r in range(body_start, len(grid.slots))]
        role = column_role(path, values)
        if role == "code" and _names_only(values):
            # a header cell reaching over a sliver of the name column (header and body rules a few pt apart):
            # the body's names start there
            role = "label"
        roles.append(role)
    return paths, roles


def _names_only(values: list[str]) -> bool:
    filled = [t for t in (squash(v) for v in values) if t and not TOTAL.search(t)]
    return len(filled) >= MIN_NAME_VALUES and not any(ch.isdigit() for t in filled for ch in t)


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
    grid: SlotGrid,
    top: int,
    lanes: list[list[int]],
    rows: list[Row],
    spec: TableSpec | None,
    has_path: bool,
    paths: list[list[str]] | None = None,
) -> list[str | None]:
    """The catalogue's lane names, else distinct top header cells over the lanes, else the distinct header cells
    that span each lane's columns (支出 › 功能分类 | 支出 › 支出用途), else each lane's 合计 label."""
    if len(lanes) < 2:
        return [None]
    if spec is not None and len(spec.lanes) == len(lanes):
        return list(spec.lanes)
    if has_path:
        tops = [squash(grid.text_at(top, cols[0])) for cols in lanes]
        if all(tops) and len(set(tops)) == len(tops):
            return list(tops)
        if paths is not None:
            spans = [_common_head(paths, cols) for cols in lanes]
            if all(spans) and len(set(spans)) == len(spans):
                return list(spans)
    names: list[str | None] = []
    for i in range(len(lanes)):
        total = next((r.label for r in rows if r.lane == i and r.level == "合计" and r.label), "")
        names.append(TOTAL.sub("", total) or None)
    return names


def _common_head(paths: list[list[str]], cols: list[int]) -> str:
    """The lowest header name over all of ``cols`` (their paths' common prefix, last element), or ""."""
    named = [paths[c] for c in cols if paths[c]]
    if len(named) < 2:
        return ""
    head = ""
    for names in zip(*named, strict=False):
        if len(set(names)) != 1:
            break
        head = names[0]
    return head


def body_rows(grid: SlotGrid, r: int, body_start: int, roles: list[str], lanes: list[list[int]]) -> list[Row]:
    """One Row per lane of physical row ``r``; a lane with nothing printed in it gives none."""
    return [row for row, _ in _body_rows(grid, r, body_start, roles, lanes)]


def _body_rows(
    grid: SlotGrid, r: int, body_start: int, roles: list[str], lanes: list[list[int]]
) -> list[tuple[Row, list[str]]]:
    """:func:`body_rows`, each row with the texts of its lane's code columns in order ("" where blank)."""
    out = []
    page = grid.pages[r]
    for lane_index, cols in enumerate(lanes):
        lo, hi = cols[0], cols[-1]
        # the cells that start in this row and end in this lane (a cell spanning lanes belongs to the lane it
        # ends in, where its amount is); their text shows at the leftmost slot
        own = {c for c in cols if grid.owner[r][c][0] == r and lo <= _right_edge(grid, r, c) <= hi}
        anchors = {c for c in own if c == lo or grid.owner[r][c - 1] != grid.owner[r][c]}
        printed = [squash(grid.text_at(r, c)) if c in anchors else "" for c in cols if roles[c] == "code"]
        parts = [p for p in printed if p]
        code = split_code(parts)
        # a code cell that does not read as a code ("7" where 210 belongs) is kept as printed
        code_text = " ".join(parts) if code is None and any(ch.isdigit() for p in parts for ch in p) else None
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
                text, bbox, cell_page = grid.text_at(r, c).strip(), grid.cell_bbox(r, c), grid.cell_page(r, c)
            else:
                text, bbox, cell_page = "", grid.slot_bbox(r, c), page
            value = amount_value(text) if roles[c] == "amount" else None
            cells.append(Cell(column=c, text=text, value=value, page=cell_page, bbox=bbox))
        if (
            not any(cell.text for cell in cells)
            and label is None
            and code is None
            and code_text is None
            and line_no is None
        ):
            continue
        level = code_level(code) if code else ("合计" if label and TOTAL.search(label) else None)
        row = Row(
            index=r - body_start,
            lane=lane_index,
            code=code,
            code_kind=code_kind(code) if code else None,
            label=label,
            line_no=line_no,
            level=level,
            page=page,
            cells=cells,
            code_text=code_text,
        )
        out.append((row, printed))
    return out


# ---- malformed split codes -----------------------------------------------------------------------------------
# A code printed over 类 | 款 | 项 columns whose one cell does not read ("7" for 210, "2" for 02) is rebuilt from
# the rows around it when they leave a single possibility; the row keeps the printed text in ``code_text`` and
# says ``code_repaired``. Rows run 类 → its 款 → their 项 (a row follows its parent or its previous sibling).

_PART_WIDTHS = (3, 2, 2)


def _code_parts(code: str) -> list[str]:
    return [code[:3], *(code[i : i + 2] for i in range(3, len(code), 2))]


def _fits(fragment: str, candidate: str) -> bool:
    """The printed fragment is what is left of ``candidate`` with digits lost (or ``candidate`` of it with
    digits added): one is a subsequence of the other."""
    short, long = (fragment, candidate) if len(fragment) <= len(candidate) else (candidate, fragment)
    it = iter(long)
    return all(ch in it for ch in short)


def repair_codes(rows: list[tuple[Row, list[str]]]) -> None:
    """Rebuild the codes of rows whose split code has one unreadable part, where the neighbouring rows of the
    same lane allow only one code; others keep ``code = None`` (and their printed ``code_text``)."""
    by_lane: dict[int, list[tuple[Row, list[str]]]] = {}
    for row, printed in rows:
        by_lane.setdefault(row.lane, []).append((row, printed))
    for lane_rows in by_lane.values():
        for i, (row, printed) in enumerate(lane_rows):
            if row.code is None and row.code_text is not None and 2 <= len(printed) <= 3:
                code = _repaired(lane_rows, i, printed)
                if code is not None:
                    row.code, row.code_kind, row.level, row.code_repaired = code, code_kind(code), code_level(code), True


def _repaired(lane_rows: list[tuple[Row, list[str]]], i: int, printed: list[str]) -> str | None:
    k = max(j for j, p in enumerate(printed) if p) + 1  # 1 = 类, 2 = 款, 3 = 项
    if any(p and not p.isdigit() for p in printed):
        return None
    bad = [j for j in range(k) if len(printed[j]) != _PART_WIDTHS[j]]
    if len(bad) != 1:
        return None
    j = bad[0]
    before = [r.code for r, _ in lane_rows[:i] if r.code]
    after = [r.code for r, _ in lane_rows[i + 1 :] if r.code]
    used = set(before) | set(after)
    if j < k - 1:
        return _ancestor_repair(printed, k, j, before, after)
    return _own_repair(printed, k, j, before, after, used, lane_rows, i)


def _ancestor_repair(printed: list[str], k: int, j: int, before: list[str], after: list[str]) -> str | None:
    """An unreadable part above the row's own: the parent is that of the previous row (its parent or sibling)."""
    parent_len = 3 + 2 * (k - 2)
    if not before or len(before[-1]) < parent_len:
        return None
    parent = before[-1][:parent_len]
    parent_parts = _code_parts(parent)
    if any(m != j and parent_parts[m] != printed[m] for m in range(k - 1)):
        return None  # the readable parts say otherwise
    code = parent + printed[k - 1]
    if j == k - 2:  # the parent's own part is the unreadable one: something else must confirm it
        confirmed = (printed[j] and _fits(printed[j], parent_parts[j])) or (
            bool(after) and after[0].startswith(parent) and len(after[0]) == len(code)
        )
        if not confirmed:
            return None
    return code if code not in before and code not in after else None


def _own_repair(
    printed: list[str],
    k: int,
    j: int,
    before: list[str],
    after: list[str],
    used: set[str],
    lane_rows: list[tuple[Row, list[str]]],
    i: int,
) -> str | None:
    """The row's own part unreadable: between its siblings, the one value that holds what is printed."""
    parent = "".join(printed[:j])
    width = _PART_WIDTHS[j]
    own_len = len(parent) + width
    nxt = lane_rows[i + 1][0].code if i + 1 < len(lane_rows) else None
    if nxt and len(nxt) > own_len and nxt.startswith(parent):
        code = nxt[:own_len]  # the very next row is its child
        return code if code not in used else None
    lo, hi = -1, 10**width  # exclusive bounds: the nearest siblings before and after
    for code in reversed(before):
        if code == parent:
            lo = 0  # the row is the parent's first child
            break
        if not code.startswith(parent):
            break
        if len(code) >= own_len:
            lo = int(code[len(parent) : own_len])
            break
    for code in after:
        if not code.startswith(parent):
            break
        if len(code) >= own_len:
            hi = int(code[len(parent) : own_len])
            break
    fragment = printed[j]
    candidates = [
        parent + f"{n:0{width}d}"
        for n in range(max(lo + 1, 0 if j else 100), min(hi, 10**width))
        if _fits(fragment, f"{n:0{width}d}") and parent + f"{n:0{width}d}" not in used
    ]
    return candidates[0] if len(candidates) == 1 else None


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
    printed_rows = [pair for r in range(body_start, len(grid.slots)) for pair in _body_rows(grid, r, body_start, roles, lane_columns)]
    repair_codes(printed_rows)
    rows = [row for row, _ in printed_rows]
    names = lane_names(grid, top, lane_columns, rows, spec, bool(path_rows), paths)
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
