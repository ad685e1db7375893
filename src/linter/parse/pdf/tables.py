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
from linter.core.text import (
    is_note_start,
    join_wrapped,
    norm,
    normalise_number,
    normalise_title,
    squash,
    strip_enumerator,
)
from linter.parse.pdf.grid import Grid, GridCell, build_grid, find_grids
from linter.parse.pdf.pages import Page, TextLine, _make_line
from linter.parse.table_builder import (
    KEY_ROLES,
    Caption,
    SlotGrid,
    build_table,
    column_roles,
    is_blank_total,
    is_lanci_row,
    split_lanes,
)

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
# a continuation caption, at the end of the line: 续表, 续表1, （续）, (续表), 续上表, 接上表, after a 表号 or title or alone
_CONTINUED = re.compile(
    r"(?:[（(]\s*(?:续\s*表?|续\s*上\s*表|接\s*上\s*表)\s*[\d一二三四五六七八九十]*\s*[)）]"
    r"|续\s*表\s*[\d一二三四五六七八九十]*|续\s*上\s*表|接\s*上\s*表)\s*$"
)
_BARE_NUMBER = re.compile(r"附?表\d+")  # 表1 / 附表2 of 表1（续）: no 表号 of a known template
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
    orphan: _Orphan | None = None  # a caption (表号, title, 单位) left alone at the foot of the previous page
    for page in pages:
        parts = _page_parts(page, catalogue)
        if orphan is not None and parts and orphan.page == page.number - 1 and _adopt(parts[0], orphan, catalogue):
            consumed.setdefault(orphan.page, []).extend(ln.bbox for ln in orphan.lines)
        orphan = _orphan_caption(page, parts, catalogue)
        for part in parts:
            if part.title is None and part.number is None and not part.continued:
                part.title = _title_in_grid(part.grid, catalogue)
            consumed.setdefault(page.number, []).append(_round(part.grid.bbox))
            consumed[page.number].extend(ln.bbox for ln in part.lines)
            group = groups[-1] if groups else None
            edges = _continuation_edges(group, part, catalogue) if group is not None else None
            if group is not None and edges is not None:
                if part.grid.xs != edges:  # a subset of the columns: rebuild on the table's edges
                    rebuilt = build_grid(page.number, part.grid.hsegs, part.grid.vsegs, part.grid.chars, edges)
                    if rebuilt is not None:
                        part.grid = rebuilt
                group.append(part)
            elif part.grid.chars:
                if part.continued:  # 公开04表（续） that continues nothing here: still that table
                    part.number = part.number or part.cont_number
                    part.title = part.title or part.cont_title
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
    continued: bool = False  # captioned as a continuation: 续表, 续表1, （续）, 公开03表（续）, …决算表（续）
    cont_number: str | None = None  # the 表号 / title the continuation caption names (公开03表 of 公开03表（续）)
    cont_title: str | None = None

    @property
    def has_identity(self) -> bool:
        return any(v is not None for v in (self.title, self.number, self.unit, self.unit_name))

    @property
    def named(self) -> bool:
        """A title or 表号 of its own: a table of its own (a repeated 单位 line alone does not make one)."""
        return self.title is not None or self.number is not None


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


@dataclass
class _Orphan:
    """Caption lines (表号, title, 单位) left at the foot of a page, below every table on it."""

    page: int
    lines: list[TextLine]
    number: str | None = None
    title: str | None = None
    unit: str | None = None
    unit_name: str | None = None


def _orphan_caption(page: Page, parts: list[_Part], catalogue: Catalogue) -> _Orphan | None:
    """A table's caption alone on the last text lines of the page, below every table: it belongs to the table
    that opens the next page (a page break between a table's caption and its grid)."""
    floor = max((max([p.grid.ys[-1], *(ln.bottom for ln in p.lines)]) for p in parts), default=0.0)
    floor = max(floor, page.height / 2)  # a caption left alone sits low on the page
    inside = {id(ch) for p in parts for ch in p.grid.chars}
    chars = [ch for ch in page.chars if id(ch) not in inside and ch.top >= floor - 1]
    if not any(ch.text == "表" for ch in chars):
        return None  # no 表号 or title there (the common case: nothing to lay out)
    lines = [ln for ln in page.lines(chars) if ln.text and not _is_footer(ln)]
    if not lines:
        return None
    orphan = _Orphan(page.number, [])
    bottom = max(ln.bottom for ln in lines)
    for row in _baseline_rows(sorted(lines, key=lambda ln: -ln.bottom))[:IDENTITY_ROWS]:
        if bottom - max(ln.bottom for ln in row) > IDENTITY_REACH:
            break
        kinds = [_classify(ln.text, catalogue) for ln in row]
        if any(kind not in ("number", "title", "unit", "unit_name") for kind, _ in kinds):
            break
        if orphan.title is not None and (orphan.number or any(kind != "number" for kind, _ in kinds)):
            break  # above the title only a 表号 printed over it
        if any(kind == "title" and strip_enumerator(value or "") != value for kind, value in kinds):
            break  # "三、支出决算表": a heading naming a table, not its caption
        for ln, (kind, value) in zip(row, kinds, strict=True):
            orphan.lines.append(ln)
            _take_caption(orphan, kind, value)
    return orphan if orphan.number or orphan.title else None


def _adopt(first: _Part, orphan: _Orphan, catalogue: Catalogue) -> bool:
    """The caption left at the foot of the previous page is that of ``first``, the page's first table, when
    nothing stands between them and it fills what ``first`` lacks: its 表号 ("公开04表" over a title on the next
    page), or its whole caption (the grid alone on the next page)."""
    if first.text_above or first.continued:
        return False
    if first.title is not None:
        if first.number is not None or orphan.number is None or orphan.title is not None:
            return False
    elif first.number is not None:
        return False
    elif orphan.title is None:
        first.title = _title_in_grid(first.grid, catalogue)  # a form's title in its first row, its 表号 above it
    first.number = first.number or orphan.number
    first.title = first.title or orphan.title
    first.unit = first.unit or orphan.unit
    first.unit_name = first.unit_name or orphan.unit_name
    return True


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
    """Title, 表号, 单位 lines upwards from the top rule; stops at the title or at any other text (prose).

    A continuation caption (续表, （续）, 公开03表（续）, …决算表（续）) marks the part as continued; the 表号 and
    title printed with it name the table it continues, they do not make it a table of its own."""
    top = part.grid.ys[0]
    for row in _baseline_rows(sorted(above, key=lambda ln: -ln.bottom))[:IDENTITY_ROWS]:
        if top - max(ln.bottom for ln in row) > IDENTITY_REACH:
            break
        kinds = [_classify(ln.text, catalogue) for ln in row]
        if any(kind is None for kind, _ in kinds) or not _above_head(part, [kind for kind, _ in kinds]):
            break
        for ln, (kind, value) in zip(row, kinds, strict=True):
            part.lines.append(ln)
            if kind == "continued":
                part.continued = True
                base_kind, base = _classify(value, catalogue) if value else (None, None)
                if base_kind == "number":
                    part.cont_number = base
                elif base_kind == "title":
                    part.cont_title = base
            else:
                _take_caption(part, kind, value)
    if part.continued:
        part.cont_number = part.cont_number or part.number
        part.cont_title = part.cont_title or part.title
        part.number = part.title = None


def _above_head(part: _Part, kinds: list[str | None]) -> bool:
    """Whether a caption row of ``kinds`` still belongs to the table. Up to the caption's head (its title or its
    continuation mark) every caption row does; above it only a 表号 printed over the title (Jiangsu), a
    continuation mark over the title, or the title over a 续表 mark."""
    if part.title is None and not part.continued:
        return True
    for kind in kinds:
        if kind == "number" and part.number is None and part.cont_number is None:
            continue
        if kind == "continued" and not part.continued:
            continue
        if kind == "title" and part.title is None and part.cont_title is None:
            continue
        return False
    return True


def _classify(text: str, catalogue: Catalogue) -> tuple[str | None, str | None]:
    """What an identity line is: ("title" | "number" | "unit" | "unit_name" | "pre", value), ("continued", the
    表号 or title it names, or None), or (None, None)."""
    m = _CONTINUED.search(text)
    if m:
        base = re.sub(r"\s+", " ", text[: m.start()]).strip()
        if not base or _BARE_NUMBER.fullmatch(norm(base)):
            return "continued", None  # 续表, 续表1, （续）, 表1（续）
        for named in (base, base + "表"):  # 支出决算表（续）, 支出决算续表
            kind, _ = _classify(named, catalogue)
            if kind in ("number", "title"):
                return "continued", named
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


def _continuation_edges(group: list[_Part], part: _Part, catalogue: Catalogue) -> list[float] | None:
    """The column edges on which ``part`` continues the table ``group``, or None when it does not continue it.

    A grid at the top of the page after the table's last part, the table running to the foot of its page (no
    notes), with matching columns: it continues the table when nothing is printed above it but a repeated 单位
    line, or when its caption says it is a continuation (续表, （续）, 公开03表（续）, the title with （续）) of this
    table. The columns match at the same edges (a merge may hide some), or, on a page of another size (a
    landscape part of a portrait table) or under a continuation caption, in the same proportions."""
    prev = group[-1]
    if not (
        part.page.number == prev.page.number + 1 and prev.last_on_page and part.first_on_page and not prev.notes
    ):
        return None
    if part.continued:
        if not _same_table(group, part, catalogue):
            return None
    elif prev.text_below or part.named or part.text_above:
        return None
    master, xs = prev.grid.xs, part.grid.xs
    if _compatible_edges(master, xs):
        return master
    rescaled = part.continued or abs(part.page.width - prev.page.width) > 1.0
    return xs if rescaled and _proportional_edges(master, xs) else None


def _continues(prev: _Part, part: _Part, catalogue: Catalogue | None = None) -> bool:
    """Whether ``part`` continues the table whose last part is ``prev`` (see :func:`_continuation_edges`)."""
    return _continuation_edges([prev], part, catalogue or Catalogue()) is not None


def _same_table(group: list[_Part], part: _Part, catalogue: Catalogue) -> bool:
    """The 表号 or title a continuation caption names (none: 续表) is that of the table ``group``."""
    spec, number, title = _identity(group, catalogue)
    if part.cont_number is not None:
        if number is not None:
            return normalise_number(part.cont_number) == normalise_number(number)
        named = catalogue.match_number(part.cont_number, "hubei" if part.cont_number.startswith("公开") else "shanghai")
        return spec is None or named is None or named is spec
    if part.cont_title is not None:
        a, b = normalise_title(part.cont_title), normalise_title(title or "")
        if a and b and (a == b or a.endswith(b) or b.endswith(a)):
            return True
        named = catalogue.match_title(part.cont_title)
        return named is not None and named is spec
    return True


def _compatible_edges(master: list[float], xs: list[float]) -> bool:
    """Same outer edges, and every inner edge of ``xs`` is one of the master's (a merge may hide some)."""
    if abs(master[0] - xs[0]) > EDGE_TOL or abs(master[-1] - xs[-1]) > EDGE_TOL:
        return False
    return all(any(abs(x - m) <= EDGE_TOL for m in master) for x in xs)


def _proportional_edges(master: list[float], xs: list[float]) -> bool:
    """The same columns drawn to another width: as many edges, each at the same share of the table's width."""
    if len(master) != len(xs) or len(xs) < 3:
        return False
    m_width, width = master[-1] - master[0], xs[-1] - xs[0]
    if m_width <= 0 or width <= 0:
        return False
    tol = EDGE_TOL / min(m_width, width)
    return all(abs((m - master[0]) / m_width - (x - xs[0]) / width) <= tol for m, x in zip(master, xs, strict=True))


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
    roles = column_roles(_slots(st), path_rows, n_header)[1]
    text_table = all(role in ("text", "label") for role in roles)
    for part in group[1:]:
        start = _repeated_header(part.grid, header_texts)
        if start >= part.grid.n_rows:
            continue
        before = len(st.rows)
        st.add(part.grid, start)
        if text_table and before > n_header:
            _fill_restarted_rowspans(st, before)
            _merge_broken_row(st, before, n_header)
        elif before > n_header:
            _merge_split_row(st, before, roles)
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

    def cell_page(self, r: int, c: int) -> int:
        return self.cells[r][c].page


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


def _merge_split_row(st: _Stitched, at: int, roles: list[str]) -> None:
    """A row split by the page break, its code / name (and 行次) on one page and its amounts on the next: the
    first row of the continuation has values and no key at all, the row before it a key and, in every lane where
    the continuation row has values, no value. The values join their row; each keeps its own page and box."""
    row, prev = st.rows[at], st.rows[at - 1]
    keys = [c for c, role in enumerate(roles) if role in (*KEY_ROLES, "line_no")]
    if any(row[c].text for c in keys) or any(cell.rowspan > 1 for cell in row):
        return
    lanes = split_lanes(roles)
    filled = [cols for cols in lanes if any(row[c].text for c in cols)]
    if not filled:
        return
    for cols in filled:
        lane_keys = [c for c in cols if c in keys]
        if not any(prev[c].text for c in lane_keys):
            return  # the row before has no key here: nothing to join the values to
        for c in cols:
            if c in lane_keys:
                continue
            if prev[c].text or not _is_root(st.rows, at - 1, c) or prev[c].rowspan > 1:
                return  # the row before has a value here already (or a merged cell): two rows
    for cols in filled:
        for c in cols:
            if row[c].text and c not in keys:
                prev[c] = row[c]
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


def _take_caption(target: _Part | _Orphan, kind: str | None, value: str | None) -> None:
    """A caption line's field on the table part (or the orphan caption) it belongs to: the first 表号, unit and
    编制单位 stand, a title line replaces the one before it."""
    if kind == "number":
        target.number = target.number or value
    elif kind == "unit":
        target.unit = target.unit or value
    elif kind == "unit_name":
        target.unit_name = target.unit_name or value
    elif kind == "title":
        target.title = value
