"""Ruled grids → model tables.

For every grid: its identity from the lines just above it (title, 表号,
``单位：…``), its notes from the lines just below it; continuation parts on
the following pages are stitched onto their table; then the header rows,
column roles, lanes and body rows are read off the stitched grid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from linter.core.catalogue import Catalogue, TableSpec
from linter.core.model import BBox, Note, Table
from linter.core.numbers import parse_amount
from linter.core.text import is_note_start, join_wrapped, norm, squash
from linter.parse.pdf.grid import Grid, GridCell, build_grid, find_grids
from linter.parse.pdf.pages import Page, TextLine, _make_line
from linter.parse.table_builder import Caption, SlotGrid, build_table, column_roles, is_blank_total, is_lanci_row

EDGE_TOL = 2.0  # pt: column edges of a continuation part may drift this much
IDENTITY_REACH = 130.0  # pt above the top rule where a title, 表号 or 单位 line may sit
IDENTITY_ROWS = 5  # text rows looked at above a grid

_NUMBER = re.compile(r"公开0?\d{1,2}表|表[一二三四五六七八九十]{1,3}(?![\u4e00-\u9fff])")
_CURRENCY = re.compile(r"(?:金额)?单位[:：]\s*(万元|千元|亿元|元)\s*$")
_UNIT_NAME = re.compile(
    r"^(?:部门/)?(?:编制|填报|预算)?(?:单位|部门)(?:名称)?(?:[（(]盖章[)）])?[:：]\s*(.+?)\s*(?:填报日期.*)?$"
)
_LABEL_END = re.compile(r"(?:单位|部门)(?:名称)?(?:[（(](?:盖章|名称)[)）])?[:：]$")  # a label whose value is set apart
_PRE_LINE = re.compile(r"^(?:填报日期|填报人|联系电话|编制日期)[:：]")
_FOOTER = re.compile(r"^(?:[-—–－]\s*\d+\s*[-—–－]|\d+|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)$")
_NOTE_ITEM = re.compile(r"^(?:\d+\s*[.．、]|[（(]\d+[)）])")
_HEADER_WORD = re.compile(
    r"项目|科目|编码|名称|行次|栏次|金额|数|计|收入|支出|经费|费|类|款|项|序号|事项|内容|情况|目标|形式|进度|结余|结转|拨款|分类|备注|说明"
    r"|预算|决算|资金|其中"
)


def extract_tables(
    pages: list[Page], catalogue: Catalogue
) -> tuple[list[Table], dict[int, list[tuple[float, float, float, float]]]]:
    """Returns the model tables and, per page number, the bboxes (x0,top,x1,bottom) of everything the tables consumed
    (grid, the title / 表号 / 单位 lines above it, the notes below it) so the prose extractor can skip those regions."""
    consumed: dict[int, list[BBox]] = {}
    groups: list[list[_Part]] = []
    orphan: tuple[int, str, BBox] | None = None  # a 表号 left alone at the foot of the previous page
    for page in pages:
        parts = _page_parts(page, catalogue)
        if orphan is not None and parts and orphan[0] == page.number - 1:
            first = parts[0]
            if first.title is not None and first.number is None and not first.text_above:
                first.number = orphan[1]  # "公开04表" at the foot of one page, its table on the next
                consumed.setdefault(orphan[0], []).append(orphan[2])
        orphan = _orphan_number(page, parts, catalogue)
        for part in parts:
            if part.title is None and part.number is None:
                part.title = _title_in_grid(part.grid, catalogue)
            consumed.setdefault(page.number, []).append(_round(part.grid.bbox))
            consumed[page.number].extend(ln.bbox for ln in part.lines)
            prev = groups[-1][-1] if groups else None
            if prev is not None and _continues(prev, part):
                if part.grid.xs != prev.grid.xs:  # a subset of the columns: rebuild on the table's edges
                    rebuilt = build_grid(page.number, part.grid.hsegs, part.grid.vsegs, part.grid.chars, prev.grid.xs)
                    if rebuilt is not None:
                        part.grid = rebuilt
                groups[-1].append(part)
            elif part.grid.chars:
                groups.append([part])
    tables = [_build_table(group, catalogue) for group in groups]
    return tables, consumed


# --------------------------------------------------------------------------- parts: one grid with its surroundings


@dataclass(eq=False)
class _Part:
    grid: Grid
    page: Page
    first_on_page: bool
    last_on_page: bool
    title: str | None = None
    number: str | None = None
    unit: str | None = None
    unit_name: str | None = None
    text_above: bool = False  # prose between the page top (or the previous grid) and this grid
    text_below: bool = False  # prose after this grid on its page, besides its notes
    notes: list[Note] = field(default_factory=list)
    lines: list[TextLine] = field(default_factory=list)  # identity and note lines consumed

    @property
    def has_identity(self) -> bool:
        return any(v is not None for v in (self.title, self.number, self.unit, self.unit_name))


def _page_parts(page: Page, catalogue: Catalogue) -> list[_Part]:
    grids = find_grids(page)
    if not grids:
        return []
    inside = {id(ch) for g in grids for ch in g.chars}
    lines = [
        ln for ln in page.lines([ch for ch in page.chars if id(ch) not in inside]) if ln.text and not _is_footer(ln)
    ]
    used: set[int] = set()
    parts = [_Part(g, page, i == 0, i == len(grids) - 1) for i, g in enumerate(grids)]
    for i, part in enumerate(parts):
        top = part.grid.ys[0]
        floor = parts[i - 1].grid.ys[-1] if i else 0.0
        above = [ln for ln in lines if id(ln) not in used and floor - 1 <= ln.top and ln.bottom <= top + 2]
        _read_identity(part, above, catalogue)
        used.update(id(ln) for ln in part.lines)
        part.text_above = any(id(ln) not in used for ln in above)
        ceiling = parts[i + 1].grid.ys[0] if i + 1 < len(parts) else page.height
        below = [ln for ln in lines if id(ln) not in used and ln.top >= part.grid.ys[-1] - 2 and ln.bottom <= ceiling]
        n_before = len(part.lines)
        _read_notes(part, below)
        used.update(id(ln) for ln in part.lines[n_before:])
        part.text_below = i + 1 == len(parts) and any(id(ln) not in used for ln in below)
    return parts


def _orphan_number(page: Page, parts: list[_Part], catalogue: Catalogue) -> tuple[int, str, BBox] | None:
    """A 表号 alone on the last text line of the page, below every table: it belongs to the table that opens the
    next page (a page break between a table's number and its title)."""
    floor = max((max([p.grid.ys[-1], *(ln.bottom for ln in p.lines)]) for p in parts), default=0.0)
    floor = max(floor, page.height / 2)  # a 表号 left alone sits low on the page
    inside = {id(ch) for p in parts for ch in p.grid.chars}
    chars = [ch for ch in page.chars if id(ch) not in inside and ch.top >= floor - 1]
    if not any(ch.text == "表" for ch in chars):
        return None  # no 表号 there (the common case: nothing to lay out)
    lines = [ln for ln in page.lines(chars) if ln.text and not _is_footer(ln)]
    if not lines:
        return None
    last = max(lines, key=lambda ln: ln.bottom)
    if any(ln is not last and ln.bottom > last.top for ln in lines):
        return None  # not alone on its line
    kind, value = _classify(last.text, catalogue)
    return (page.number, value, last.bbox) if kind == "number" and value else None


def _title_in_grid(grid: Grid, catalogue: Catalogue) -> str | None:
    """A table title printed in the grid's first row, as the only text of the row (a form: 财政项目支出绩效目标填报表).
    Only a title the catalogue knows: the row stays in the body."""
    if not grid.owners:
        return None
    texts = [cell.text for c, cell in enumerate(grid.owners[0]) if cell.text.strip() and cell.col == c]
    if len(texts) != 1 or catalogue.match_title(norm(texts[0])) is None:
        return None
    return squash(texts[0])


def _read_identity(part: _Part, above: list[TextLine], catalogue: Catalogue) -> None:
    """Title, 表号, 单位 lines upwards from the top rule; stops at the title or at any other text (prose)."""
    top = part.grid.ys[0]
    for row in _baseline_rows(sorted(above, key=lambda ln: -ln.bottom))[:IDENTITY_ROWS]:
        if top - max(ln.bottom for ln in row) > IDENTITY_REACH:
            return
        kinds = [_classify(ln.text, catalogue) for ln in row]
        if any(kind is None for kind, _ in kinds):
            return
        if part.title is not None and (part.number or any(kind != "number" for kind, _ in kinds)):
            return  # above the title only a 表号 printed over it (Jiangsu) still belongs to the table
        for ln, (kind, value) in zip(row, kinds, strict=True):
            part.lines.append(ln)
            if kind == "number":
                part.number = part.number or value
            elif kind == "unit":
                part.unit = part.unit or value
            elif kind == "unit_name":
                part.unit_name = part.unit_name or value
            elif kind == "title":
                part.title = value


def _classify(text: str, catalogue: Catalogue) -> tuple[str | None, str | None]:
    """What an identity line is: ("title" | "number" | "unit" | "unit_name" | "pre", value), or (None, None)."""
    t = norm(text)
    m = _CURRENCY.search(t)
    if m:
        rest = t[: m.start()]
        name = _UNIT_NAME.match(rest) if rest else None
        return ("unit", m.group(1)) if not rest or name else (None, None)
    m = _UNIT_NAME.match(t)
    if m:
        return "unit_name", m.group(1)
    if _PRE_LINE.match(t):
        return "pre", None
    m = _NUMBER.search(t)
    if m and (m.start() == 0 or m.end() == len(t)):
        rest = (t[: m.start()] + t[m.end() :]).strip()
        if not rest:
            return "number", m.group(0)
    if _is_title(t, catalogue):
        return "title", re.sub(r"\s+", " ", text).strip()
    return None, None


def _is_title(t: str, catalogue: Catalogue) -> bool:
    if len(t) > 60 or t.startswith(("注", "说明")):
        return False
    # 收支预算总表, …决算表（续）, 财政拨款支出预算表（功能科目）
    return bool(re.search(r"表(?:[（(][^()（）]{1,12}[)）])?$|续表$", t)) or catalogue.match_title(t) is not None


def _read_notes(part: _Part, below: list[TextLine]) -> None:
    """注：/说明：/备注： items (with their numbered items and wrapped lines) and 本部门…无… statements."""
    grid = part.grid
    right = min(grid.xs[-1], part.page.width * 0.85)
    prev: TextLine | None = None
    current: list[TextLine] = []
    groups: list[list[TextLine]] = []
    for ln in sorted(below, key=lambda ln: (ln.top, ln.x0)):
        gap = ln.top - (prev.bottom if prev is not None else grid.ys[-1])
        if gap > 2.5 * ln.size:
            break
        t = norm(ln.text)
        if is_note_start(t) or (groups and _NOTE_ITEM.match(t)):
            current = [ln]
            groups.append(current)
        elif (
            prev is not None
            and current
            and gap < ln.size
            and prev.x1 >= right - 3 * prev.size
            and ln.x0 <= current[0].x0 + 2 * ln.size
        ):
            current.append(ln)
        else:
            break
        prev = ln
    for group in groups:
        part.lines.extend(group)
        part.notes.append(Note(join_wrapped([ln.text for ln in group]), part.page.number, _union(group)))


def _continues(prev: _Part, part: _Part) -> bool:
    """A grid at the top of the next page, with nothing above it and the same columns, continues the table."""
    return (
        part.page.number == prev.page.number + 1
        and prev.last_on_page
        and part.first_on_page
        and not prev.notes
        and not prev.text_below
        and not part.has_identity
        and not part.text_above
        and _compatible_edges(prev.grid.xs, part.grid.xs)
    )


def _compatible_edges(master: list[float], xs: list[float]) -> bool:
    """Same outer edges, and every inner edge of ``xs`` is one of the master's (a merge may hide some)."""
    if abs(master[0] - xs[0]) > EDGE_TOL or abs(master[-1] - xs[-1]) > EDGE_TOL:
        return False
    return all(any(abs(x - m) <= EDGE_TOL for m in master) for x in xs)


# --------------------------------------------------------------------------- stitched grid → model table


@dataclass
class _Stitched:
    """The physical rows of a table over all its parts: per slot the merged cell it belongs to."""

    rows: list[list[GridCell]] = field(default_factory=list)
    source: list[tuple[Grid, int]] = field(default_factory=list)  # the grid and row index each row comes from

    def add(self, grid: Grid, start: int = 0) -> None:
        for r in range(start, grid.n_rows):
            self.rows.append(list(grid.owners[r]))
            self.source.append((grid, r))


def _stitch(group: list[_Part]) -> tuple[_Stitched, int]:
    """The table's parts as one grid (repeated headers dropped, page-break artefacts repaired) and its header size."""
    st = _Stitched()
    st.add(group[0].grid)
    n_header = _header_rows(st.rows)
    header_texts = [_row_signature(st.rows, r) for r in range(n_header)]
    lanci = _lanci_index(st.rows, n_header)
    path_rows = range(lanci if lanci is not None else n_header)
    text_table = all(role in ("text", "label") for role in column_roles(_slots(st), path_rows, n_header)[1])
    for part in group[1:]:
        start = _repeated_header(part.grid, header_texts)
        if start >= part.grid.n_rows:
            continue
        before = len(st.rows)
        st.add(part.grid, start)
        if text_table and before > n_header:
            _fill_restarted_rowspans(st, before)
            _merge_broken_row(st, before, n_header)
    return st, n_header


def _build_table(group: list[_Part], catalogue: Catalogue) -> Table:
    first = group[0]
    st, n_header = _stitch(group)
    subheaders = _lift_stray_subheaders(st.rows, n_header)
    spec, number, title = _identity(group, catalogue)
    unit = next((p.unit for p in group if p.unit), None)
    unit_name = next((p.unit_name for p in group if p.unit_name), None)
    return build_table(
        _slots(st),
        top=0,
        n_header=n_header,
        number_row=_lanci_index(st.rows, n_header),
        caption=Caption(number=number, title=title or "", unit=unit, unit_name=unit_name),
        spec=spec,
        notes=[note for part in group for note in part.notes],
        page=first.page.number,
        page_end=group[-1].page.number,
        bbox=_round(first.grid.bbox),
        extra_names=subheaders,
    )


@dataclass
class _Slots(SlotGrid):
    """The stitched grid as the core's slot grid, with the PDF's layout: every slot's bbox."""

    cells: list[list[GridCell]] = field(default_factory=list)
    source: list[tuple[Grid, int]] = field(default_factory=list)

    def cell_bbox(self, r: int, c: int) -> BBox | None:
        return self.cells[r][c].bbox

    def slot_bbox(self, r: int, c: int) -> BBox | None:
        grid, local = self.source[r]
        return grid.slot_bbox(local, c)


def _slots(st: _Stitched) -> _Slots:
    """Merged cells by identity → texts at their top-left slots and the owner of every slot."""
    rows = st.rows
    slots: list[list[str | None]] = []
    owner: list[list[tuple[int, int]]] = []
    for r, row in enumerate(rows):
        slots.append([])
        owner.append([])
        for c, cell in enumerate(row):
            if r and rows[r - 1][c] is cell:
                origin = owner[r - 1][c]
            elif c and row[c - 1] is cell:
                origin = owner[r][c - 1]
            else:
                origin = (r, c)
            owner[r].append(origin)
            slots[r].append(cell.text if origin == (r, c) else None)
    pages = [grid.page for grid, _ in st.source]
    return _Slots(slots, owner, pages, cells=rows, source=st.source)


def _identity(group: list[_Part], catalogue: Catalogue) -> tuple[TableSpec | None, str | None, str | None]:
    first = group[0]
    title, number = first.title, first.number
    spec = catalogue.match_title(title) if title else None
    if spec is None and number:
        profile = "hubei" if number.startswith("公开") else "shanghai"
        spec = catalogue.match_number(number, profile)
        if spec is not None and title and spec.kind not in title:
            spec = None  # 公开05表 of a 预算 report is not the 决算 公开05表
    return spec, number, title


def _header_rows(rows: list[list[GridCell]]) -> int:
    """How many top rows are column headers: header words down to a printed 栏次 row, or down to the first
    data row (which must follow at once). A form (label | value rows) has none."""
    last = 0
    for r in range(min(len(rows), 8)):
        texts = [squash(cell.text) for c, cell in enumerate(rows[r]) if _is_root(rows, r, c) and cell.text.strip()]
        if is_lanci_row(texts):
            return r + 1
        blank_total = is_blank_total([squash(cell.text) for c, cell in enumerate(rows[r]) if _is_root(rows, r, c)])
        if any(_is_number_like(t) for t in texts) or blank_total:
            return last if last == r else 0
        if not texts:
            if r and any(rows[r][c] is rows[r - 1][c] for c in range(len(rows[r]))):
                continue  # a header cell reaching down into an otherwise empty row
            return last
        # most cells must be column names; a form's first row (单位名称 | <its unit>) is not
        if 2 * sum(1 for t in texts if len(t) <= 40 and _HEADER_WORD.search(t)) <= len(texts):
            return 0
        last = r + 1
    return last


def _lanci_index(rows: list[list[GridCell]], n_header: int) -> int | None:
    """The printed 栏次 row (always the header's last row), which numbers the columns and is not a path level."""
    return n_header - 1 if n_header and is_lanci_row(_row_texts(rows, n_header - 1)) else None


def _repeated_header(grid: Grid, header_texts: list[list[str | None]]) -> int:
    """How many leading rows of a continuation part repeat the table's header."""
    n = 0
    while n < len(header_texts) and n < grid.n_rows and _row_signature(grid.owners, n) == header_texts[n]:
        n += 1
    return n


def _fill_restarted_rowspans(st: _Stitched, at: int) -> None:
    """A rowspan cut by the page break restarts as an empty cell on the next page: it is the same cell."""
    prev_row, row = st.rows[at - 1], st.rows[at]
    for c, cell in enumerate(row):
        before = prev_row[c]
        if (
            cell is not before
            and not cell.text
            and before.rowspan > 1
            and _is_root(st.rows, at, c)
            and (c == 0 or row[c - 1] is not cell)
            and cell.colspan == before.colspan
            and (c == 0 or prev_row[c - 1] is not before)
        ):
            for r in range(at, len(st.rows)):
                for k in range(c, c + cell.colspan):
                    if st.rows[r][k] is cell:
                        st.rows[r][k] = before


def _merge_broken_row(st: _Stitched, at: int, n_header: int) -> None:
    """A row split by the page break comes back as a row with an empty key cell: glue its tail on.
    Only for text tables whose key (first) column is never empty above the break."""
    row = st.rows[at]
    if row[0].text or not _is_root(st.rows, at, 0):
        return
    if any(not st.rows[r][0].text and _is_root(st.rows, r, 0) for r in range(n_header, at)):
        return
    if any(cell.rowspan > 1 for cell in row):
        return
    prev = st.rows[at - 1]
    for c, cell in enumerate(row):
        if _is_root(st.rows, at, c) and cell.text:
            target = prev[c]
            target.text = join_wrapped([target.text, cell.text])
    del st.rows[at]
    del st.source[at]


def _lift_stray_subheaders(rows: list[list[GridCell]], n_header: int) -> dict[int, str]:
    """Column names printed on the first body row, the 合计 row, under a multi-column header cell (seen:
    本年支出's 合计 | 基本支出 | 项目支出, 科目编码's 类 | 款 | 项): they belong to the columns' paths, so
    they are taken out of the body (blanked) and returned per column."""
    if not n_header or n_header >= len(rows):
        return {}
    bottom, body = rows[n_header - 1], rows[n_header]
    if not any(squash(cell.text) in ("合计", "总计") for cell in body):
        return {}
    lifted: dict[int, str] = {}
    c = 0
    while c < len(bottom):
        span = [k for k in range(c, len(bottom)) if bottom[k] is bottom[c]]
        texts = [squash(body[k].text) if _is_root(rows, n_header, k) and body[k].colspan == 1 else "" for k in span]
        if (
            len(span) > 1
            and len(set(texts)) == len(texts)
            and all(t and not _is_number_like(t) and _HEADER_WORD.search(t) for t in texts)
        ):
            for k, t in zip(span, texts, strict=True):
                lifted[k] = t
                body[k].text = ""
        c = span[-1] + 1
    return lifted


# --------------------------------------------------------------------------- small helpers


def _is_root(rows: list[list[GridCell]], r: int, c: int) -> bool:
    """The top-left slot of its merged cell."""
    cell = rows[r][c]
    return (r == 0 or rows[r - 1][c] is not cell) and (c == 0 or rows[r][c - 1] is not cell)


def _row_texts(rows: list[list[GridCell]], r: int) -> list[str]:
    return [t for c, cell in enumerate(rows[r]) if _is_root(rows, r, c) and (t := squash(cell.text))]


def _row_signature(rows: list[list[GridCell]], r: int) -> list[str | None]:
    return [norm(cell.text) if _is_root(rows, r, c) else None for c, cell in enumerate(rows[r])]


def _is_number_like(t: str) -> bool:
    return parse_amount(t) is not None or bool(re.fullmatch(r"-?\d+(?:\.\d+)?%", t))


def _is_footer(line: TextLine) -> bool:
    return bool(_FOOTER.match(norm(line.text)))


def _baseline_rows(lines: list[TextLine]) -> list[list[TextLine]]:
    """Lines sharing a baseline (``单位：<name>`` … ``单位：万元``), nearest to the grid first; a label set apart
    from its value (``部门：`` ⟷ ``江苏省人民检察院``) is joined to it."""
    rows: list[list[TextLine]] = []
    for ln in lines:
        if rows and abs(rows[-1][0].bottom - ln.bottom) <= 0.5 * max(ln.size, 1.0):
            rows[-1].append(ln)
        else:
            rows.append([ln])
    return [_join_labels(row) for row in rows]


def _join_labels(row: list[TextLine]) -> list[TextLine]:
    row = sorted(row, key=lambda ln: ln.x0)
    out: list[TextLine] = []
    for ln in row:
        if out and _LABEL_END.search(norm(out[-1].text)) and not _CURRENCY.search(norm(ln.text)):
            out[-1] = _make_line(sorted([*out[-1].chars, *ln.chars], key=lambda c: c.x0))
        else:
            out.append(ln)
    return out


def _union(lines: list[TextLine]) -> BBox:
    return (
        round(min(ln.x0 for ln in lines), 2),
        round(min(ln.top for ln in lines), 2),
        round(max(ln.x1 for ln in lines), 2),
        round(max(ln.bottom for ln in lines), 2),
    )


def _round(bbox: BBox) -> BBox:
    return (round(bbox[0], 2), round(bbox[1], 2), round(bbox[2], 2), round(bbox[3], 2))
