"""Ruling lines → table grids with merged cells; characters into cells.

The recipe of docs/pdf-parsing.md: collect horizontal and vertical rule
segments (LibreOffice draws full-length lines, ONLYOFFICE per-cell lines,
Word thin filled rectangles), join touching ones into components, take the
clustered rule positions as row and column edges, and merge neighbouring
slots whenever no rule separates them at the midpoint of their shared edge.
Characters go to the slot holding their centre, so narrow cells are never
clipped and a vertically centred rowspan text lands in its merged cell, not in
the row it happens to be level with.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from linter.core.text import is_cjk, join_wrapped
from linter.parse.pdf.pages import Char, Page, Segment

BBox = tuple[float, float, float, float]

SNAP = 1.5  # pt: rules closer than this are one rule; a gap this small does not break a rule
MIN_RULE = 1.0  # pt: shorter pieces are corner dots of per-cell borders, not rules

_SPACE_RUN = re.compile(r"[ \t\u3000]+")


@dataclass(eq=False, slots=True)
class GridCell:
    """A merged cell: the slots [row, row+rowspan) × [col, col+colspan) of one grid."""

    page: int
    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: BBox
    chars: list[Char] = field(default_factory=list)
    text: str = ""


@dataclass(eq=False)
class Grid:
    page: int
    xs: list[float]  # column edges, left to right
    ys: list[float]  # row edges, top to bottom
    owners: list[list[GridCell]]  # the merged cell of every slot
    cells: list[GridCell]  # in reading order of their top-left slots
    chars: list[Char]  # every character inside the grid
    hsegs: list[Segment]  # the rulings, kept to rebuild the grid on other column edges
    vsegs: list[Segment]

    @property
    def bbox(self) -> BBox:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    def slot_bbox(self, r: int, c: int) -> BBox:
        return (round(self.xs[c], 2), round(self.ys[r], 2), round(self.xs[c + 1], 2), round(self.ys[r + 1], 2))

    def texts(self) -> list[list[str | None]]:
        """pdfplumber's convention: the text at the top-left slot of a merged cell, None in the covered slots."""
        return [
            [cell.text if (cell.row, cell.col) == (r, c) else None for c, cell in enumerate(row)]
            for r, row in enumerate(self.owners)
        ]


def find_grids(page: Page) -> list[Grid]:
    """Every ruled table on the page (at least 2 × 2 rules that meet and 2 slots), top to bottom."""
    hs, vs = _merge_collinear(page.segments)
    grids = []
    for hcomp, vcomp in _components(hs, vs):
        grid = build_grid(page.number, hcomp, vcomp, page.chars)
        if grid is not None:
            grids.append(grid)
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


def build_grid(
    page_no: int, hsegs: list[Segment], vsegs: list[Segment], chars: list[Char], xs: list[float] | None = None
) -> Grid | None:
    """The grid of one component of rulings; ``xs`` forces the column edges (a continuation on its table's edges)."""
    ys = _cluster([s.top for s in hsegs])
    if xs is None:
        xs = _cluster([s.x0 for s in vsegs])
    if len(ys) < 2 or len(xs) < 2 or (len(ys) - 1) * (len(xs) - 1) < 2:
        return None
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    h_at = _rules_by_position(ys, [(s.top, s.x0, s.x1) for s in hsegs])
    v_at = _rules_by_position(xs, [(s.x0, s.top, s.bottom) for s in vsegs])

    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:  # the smaller index (the top-left slot) stays the root
            parent[max(ra, rb)] = min(ra, rb)

    for r in range(n_rows):
        ymid = (ys[r] + ys[r + 1]) / 2
        for c in range(n_cols):
            if c + 1 < n_cols and not _covered(v_at[c + 1], ymid):
                union(r * n_cols + c, r * n_cols + c + 1)
            if r + 1 < n_rows and not _covered(h_at[r + 1], (xs[c] + xs[c + 1]) / 2):
                union(r * n_cols + c, (r + 1) * n_cols + c)

    extent: dict[int, list[int]] = {}  # root → [r0, c0, r1, c1]
    for i in range(n_rows * n_cols):
        r, c = divmod(i, n_cols)
        e = extent.setdefault(find(i), [r, c, r, c])
        e[0], e[1], e[2], e[3] = min(e[0], r), min(e[1], c), max(e[2], r), max(e[3], c)
    by_root: dict[int, GridCell] = {}
    cells = []
    for root in sorted(extent):
        r0, c0, r1, c1 = extent[root]
        cell = GridCell(
            page_no,
            r0,
            c0,
            r1 - r0 + 1,
            c1 - c0 + 1,
            (round(xs[c0], 2), round(ys[r0], 2), round(xs[c1 + 1], 2), round(ys[r1 + 1], 2)),
        )
        by_root[root] = cell
        cells.append(cell)
    owners = [[by_root[find(r * n_cols + c)] for c in range(n_cols)] for r in range(n_rows)]

    x_lo, x_hi, y_lo, y_hi = xs[0], xs[-1], ys[0], ys[-1]
    inside = []
    for ch in chars:
        cx, cy = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
        if x_lo < cx < x_hi and y_lo < cy < y_hi:
            inside.append(ch)
            owners[bisect_right(ys, cy) - 1][bisect_right(xs, cx) - 1].chars.append(ch)
    for cell in cells:
        if cell.chars:
            cell.text = cell_text(cell.chars)
    return Grid(page_no, xs, ys, owners, cells, inside, hsegs, vsegs)


def cell_text(chars: list[Char]) -> str:
    """Lines by vertical centre, characters by x; a space only where the PDF drew one or between two
    non-CJK words set apart (letter-spaced CJK stays unspaced); wrapped lines joined by :func:`join_wrapped`."""
    ordered = sorted(chars, key=lambda ch: ((ch.top + ch.bottom) / 2, ch.x0))
    lines: list[list[Char]] = []
    ref = -1e9
    for ch in ordered:
        cy = (ch.top + ch.bottom) / 2
        if not lines or cy - ref > 0.5 * max(ch.size, 1.0):
            lines.append([ch])
            ref = cy
        else:
            lines[-1].append(ch)
    texts = []
    for line in lines:
        line.sort(key=lambda ch: ch.x0)
        buf: list[str] = []
        prev: Char | None = None
        for ch in line:
            if (
                prev is not None
                and ch.x0 - prev.x1 > 0.3 * max(ch.size, prev.size, 1.0)
                and not is_cjk(ch.text[0])
                and not is_cjk(prev.text[-1])
            ):
                buf.append(" ")
            buf.append(ch.text)
            prev = ch
        texts.append(_SPACE_RUN.sub(" ", "".join(buf)).strip())
    return join_wrapped(texts)


def _merge_collinear(segments: list[Segment]) -> tuple[list[Segment], list[Segment]]:
    """Join the pieces of one rule (per-cell borders, Word's rectangles) so a merge shows as a real gap."""
    hs = sorted((s for s in segments if s.horizontal and s.x1 - s.x0 >= MIN_RULE), key=lambda s: (s.top, s.x0))
    vs = sorted((s for s in segments if not s.horizontal and s.bottom - s.top >= MIN_RULE), key=lambda s: (s.x0, s.top))
    merged_h: list[Segment] = []
    for s in _by_line(hs, lambda s: s.top):
        s.sort(key=lambda t: t.x0)
        cur = Segment(s[0].x0, s[0].top, s[0].x1, s[0].top)
        for t in s[1:]:
            if t.x0 <= cur.x1 + SNAP:
                cur.x1 = max(cur.x1, t.x1)
            else:
                merged_h.append(cur)
                cur = Segment(t.x0, t.top, t.x1, t.top)
        merged_h.append(cur)
    merged_v: list[Segment] = []
    for s in _by_line(vs, lambda s: s.x0):
        s.sort(key=lambda t: t.top)
        cur = Segment(s[0].x0, s[0].top, s[0].x0, s[0].bottom)
        for t in s[1:]:
            if t.top <= cur.bottom + SNAP:
                cur.bottom = max(cur.bottom, t.bottom)
            else:
                merged_v.append(cur)
                cur = Segment(t.x0, t.top, t.x0, t.bottom)
        merged_v.append(cur)
    return merged_h, merged_v


def _by_line(segs: list[Segment], pos: Callable[[Segment], float]) -> list[list[Segment]]:
    """Groups of segments on one line (position within 1 pt), ``segs`` sorted by position."""
    groups: list[list[Segment]] = []
    last = -1e9
    for s in segs:
        p = pos(s)
        if groups and p - last <= 1.0:
            groups[-1].append(s)
        else:
            groups.append([s])
        last = p
    return groups


def _components(hs: list[Segment], vs: list[Segment]) -> list[tuple[list[Segment], list[Segment]]]:
    """Horizontal and vertical rules that touch (within SNAP), grouped; at least 2 of each."""
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if h.x0 - SNAP <= v.x0 <= h.x1 + SNAP and v.top - SNAP <= h.top <= v.bottom + SNAP:
                a, b = find(i), find(len(hs) + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, tuple[list[Segment], list[Segment]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    return [g for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 2]


def _cluster(values: list[float]) -> list[float]:
    """Rule positions: values within SNAP of their neighbour are one edge (their mean)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= SNAP:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _rules_by_position(edges: list[float], rules: list[tuple[float, float, float]]) -> list[list[tuple[float, float]]]:
    """For every edge, the spans (start, end) of the rules lying on it."""
    at: list[list[tuple[float, float]]] = [[] for _ in edges]
    for pos, a, b in rules:
        i = bisect_right(edges, pos)
        for k in (i - 1, i):
            if 0 <= k < len(edges) and abs(edges[k] - pos) <= SNAP:
                at[k].append((a, b))
                break
    return at


def _covered(spans: list[tuple[float, float]], point: float) -> bool:
    return any(a - SNAP <= point <= b + SNAP for a, b in spans)
