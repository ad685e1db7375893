"""A Shanghai 区级 部门预算 laid out by the tests, from a fragment document (``rules/yusuan/fixtures/shanghai-budget.json``).

The PDF is drawn from the fragment's data, never from numbers copied here, so the two stay in step:

- a cover: the title (with "上海市" before it when the fragment's title does not name the city, as the real covers
  do) and "预算主管部门：X" (a 单位预算: "预算单位：X");
- the sections in order, each top-level one on a new page under a centred title; subsection headings
  ("一、…") in body style at the left margin; paragraphs with a two-character first-line indent, wrapped by width
  (so a figure may be cut at a line end, as word processors do), numbered items ("1. “…（项）”…") as paragraphs;
- after the section whose heading ends with "预算编制说明", the tables, each on a page of its own (landscape when
  it is wider than a portrait page): the title, "编制部门：X" and "单位：元" / "单位：万元", then the grid.

Headers are built from the column paths ("本年收入/项目" …): a header cell spans the columns below it and runs down
to the body when its path ends. ``@code`` / ``@label`` columns become the Shanghai 项目 block: 功能分类科目编码 over
类 / 款 / 项 (经济分类: 部门预算经济分类科目编码 over 类 / 款) beside the 科目名称 column; a code is printed split
over those columns (款 and 项 as two digits, 类 repeated on every row), and a total row's label spans the whole
block. Tables whose body is only a total row get blank lines above it, as the printed empty tables do, and two-lane
tables a few blank lines before their 总计 row. Notes go under the grid.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pdfgen import FONT, Writer, _expand, draw_rules
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth

FIXTURE = Path(__file__).resolve().parents[1] / "rules" / "yusuan" / "fixtures" / "shanghai-budget.json"

MARGIN = 60.0
PORTRAIT_WIDTH = A4[0] - 2 * MARGIN
BODY_SIZE = 11.0
CELL_SIZE = 9.0
HEADER_SIZE = 9.0
ROW_HEIGHT = 20.0
CODE_PARTS = {"function": ["类", "款", "项"], "economic": ["类", "款"]}
CODE_HEADER = {"function": "功能分类科目编码", "economic": "部门预算经济分类科目编码"}
NAME_HEADER = {"function": "功能分类科目名称", "economic": "经济分类科目名称"}
NO_LINE_START = "，。、；：？！）》”’%"  # punctuation a line never starts with: it stays at the end of the line before


def load_fixture(path: Path = FIXTURE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------- the layout


@dataclass
class GridColumn:
    path: list[str]
    width: float
    align: str  # "left" | "centre" | "right"


@dataclass
class Grid:
    """A table as it is printed: the header rows (cells with spans) over the body rows."""

    columns: list[GridColumn]
    header: list[list[Any]]
    body: list[list[Any]]
    notes: list[str] = field(default_factory=list)

    @property
    def width(self) -> float:
        return sum(c.width for c in self.columns)


def _code_kind(table: dict[str, Any]) -> str:
    return "economic" if "经济分类" in table.get("title", "") else "function"


def _split_code(code: str, kind: str) -> list[str]:
    """"2120199" → ["212", "01", "99"]; "30217" → ["302", "17"]; a 类 row leaves 款 and 项 blank."""
    parts = [code[:3], code[3:5], code[5:7]]
    return parts[: len(CODE_PARTS[kind])]


def _is_amount(spec: Any) -> bool:
    if isinstance(spec, str):
        return not spec.startswith("@")
    return spec.get("role", "amount") == "amount"


def _columns(table: dict[str, Any]) -> tuple[list[GridColumn], list[tuple[str, int]]]:
    """The printed columns, and for each fragment column what it becomes: ("code", n), ("label", 1) or
    ("amount", 1) — n printed columns."""
    kind = _code_kind(table)
    two_lanes = len(table.get("lanes", [])) > 1
    amounts = sum(1 for spec in table["columns"] if _is_amount(spec))
    # narrow amount columns in the widest tables: their longer headers wrap ("事业单位经营收入"), as printed
    amount_width = 75 if amounts >= 5 else 88 if two_lanes or amounts > 3 else 95
    out: list[GridColumn] = []
    plan: list[tuple[str, int]] = []
    for spec in table["columns"]:
        if isinstance(spec, str) and spec.startswith("@code"):
            for part in CODE_PARTS[kind]:
                out.append(GridColumn(["项目", CODE_HEADER[kind], part], 40 if kind == "economic" else 30, "centre"))
            plan.append(("code", len(CODE_PARTS[kind])))
        elif isinstance(spec, str) and spec.startswith("@label"):
            out.append(GridColumn(["项目", NAME_HEADER[kind]], 190, "left"))
            plan.append(("label", 1))
        else:
            path = spec if isinstance(spec, str) else spec["path"]
            role = "amount" if _is_amount(spec) else spec["role"]
            if role == "label":
                out.append(GridColumn(path.split("/"), 150 if two_lanes else 190, "left"))
            else:
                out.append(GridColumn(path.split("/"), amount_width, "right"))
            plan.append((role, 1))
    return out, plan


def _header(columns: list[GridColumn]) -> list[list[Any]]:
    """Header rows from the column paths: at each depth a cell spans the neighbours that share its path so far,
    and the last part of a shorter path runs down to the body."""
    depth = max(len(c.path) for c in columns)
    rows: list[list[Any]] = []
    for d in range(depth):
        row: list[Any] = []
        i = 0
        while i < len(columns):
            path = columns[i].path
            if d >= len(path):
                i += 1
                continue
            j = i + 1
            while j < len(columns) and len(columns[j].path) > d and columns[j].path[: d + 1] == path[: d + 1]:
                j += 1
            rowspan = depth - d if d == len(path) - 1 else 1
            row.append({"text": path[d], "colspan": j - i, "rowspan": rowspan})
            i = j
        rows.append(row)
    return rows


def _body(table: dict[str, Any], plan: list[tuple[str, int]]) -> list[list[Any]]:
    kind = _code_kind(table)
    has_code = any(role == "code" for role, _ in plan)
    out: list[list[Any]] = []
    for values in table["rows"]:
        code = next((str(v) for (role, _), v in zip(plan, values, strict=True) if role == "code"), "")
        row: list[Any] = []
        for (role, _), value in zip(plan, values, strict=True):
            text = str(value or "")
            if role == "code":
                if code:
                    row.extend(_split_code(code, kind))
                continue
            if role == "label" and has_code and not code:
                # a total row: its label spans the code columns and the name column, centred
                row.append({"text": text, "colspan": len(CODE_PARTS[kind]) + 1, "align": "centre"})
                continue
            row.append(text)
        out.append(row)
    ncols = sum(width for _, width in plan)
    blank = [""] * ncols
    if has_code and len(out) == 1:  # an empty table: blank lines above its 合计 row
        out = [list(blank) for _ in range(5)] + out
    elif len(table.get("lanes", [])) > 1:  # blank lines before the 总计 row
        out = out[:-1] + [list(blank) for _ in range(2)] + out[-1:]
    return out


def grid(table: dict[str, Any]) -> Grid:
    columns, plan = _columns(table)
    return Grid(columns, _header(columns), _body(table, plan), list(table.get("notes", [])))


# ---------------------------------------------------------------------------------------------- drawing


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of at most ``width`` points; closing punctuation never starts a line."""
    lines: list[str] = []
    line = ""
    for ch in text:
        if line and stringWidth(line + ch, FONT, size) > width:
            if ch in NO_LINE_START and len(line) > 1:  # the character before comes down with it
                lines.append(line[:-1])
                line = line[-1]
            else:
                lines.append(line)
                line = ""
        line += ch
    if line:
        lines.append(line)
    return lines


class BudgetWriter(Writer):
    """pdfgen's writer with the pieces of a Shanghai 部门预算: cover, centred chapter titles, paragraphs wrapped by
    width, and tables with merged header cells, left-aligned names and right-aligned amounts."""

    def cover(self, title: str, label: str) -> None:
        self.y = self.page_size[1] - 250
        self.text(title, size=22, centred=True, gap=40)
        self.text(label, size=16, centred=True)
        self.new_page()

    def chapter(self, title: str) -> None:
        self.text(title, size=16, centred=True, gap=18)

    def subheading(self, title: str) -> None:
        self.text(title, size=BODY_SIZE, x=MARGIN, gap=8)

    def prose(self, text: str) -> None:
        width = self.page_size[0] - 2 * MARGIN
        indent = 2 * BODY_SIZE
        first = _wrap(text, width - indent, BODY_SIZE)[0]
        lines = [first, *_wrap(text[len(first) :], width, BODY_SIZE)] if len(first) < len(text) else [first]
        for i, line in enumerate(lines):
            self.text(line, size=BODY_SIZE, x=MARGIN + (indent if i == 0 else 0), gap=7)
        self.y -= 3

    def budget_table(self, title: str, unit: str, unit_label: str, g: Grid) -> None:
        wide = g.width > PORTRAIT_WIDTH
        self.new_page(landscape_page=wide)
        page_w = self.page_size[0]
        x0 = (page_w - g.width) / 2
        self.text(title, size=16, centred=True, gap=14)
        c = self.canvas
        c.setFont(FONT, 10)
        c.drawString(x0, self.y, unit_label)
        c.drawRightString(x0 + g.width, self.y, f"单位：{unit}")
        self.y -= 10
        self._draw_grid(g, x0)
        for note in g.notes:
            c.setFont(FONT, CELL_SIZE)
            c.drawString(x0, self.y, note)
            self.y -= CELL_SIZE + 6

    def _draw_grid(self, g: Grid, x0: float) -> None:
        c = self.canvas
        rows = g.header + g.body
        ncols = len(g.columns)
        slots = _expand(rows, ncols)
        aligns: dict[tuple[int, int], str] = {}
        for r, row in enumerate(rows):  # an explicit "align" on a cell (a total row's label)
            col = 0
            for cell in row:
                while col < ncols and slots[r][col] is None:
                    col += 1
                if isinstance(cell, dict) and "align" in cell:
                    aligns[(r, col)] = cell["align"]
                col += cell.get("colspan", 1) if isinstance(cell, dict) else 1
        xs = [x0]
        for col in g.columns:
            xs.append(xs[-1] + col.width)
        ys = [self.y - ROW_HEIGHT * r for r in range(len(rows) + 1)]
        draw_rules(c, slots, xs, ys)
        nhead = len(g.header)
        for r, row in enumerate(slots):
            for col, slot in enumerate(row):
                if slot is None or not slot[0]:
                    continue
                text, cs, rs = slot
                x_left, x_right = xs[col], xs[col + cs]
                size = HEADER_SIZE if r < nhead else CELL_SIZE
                align = "centre" if r < nhead else aligns.get((r, col), g.columns[col].align)
                lines = _wrap(text, x_right - x_left - 6, size) if r < nhead else [text]
                leading = size + 2
                ymid = (ys[r] + ys[r + rs]) / 2
                base = ymid + (len(lines) - 1) * leading / 2 - size / 3
                c.setFont(FONT, size)
                for k, line in enumerate(lines):
                    y = base - k * leading
                    if align == "right":
                        c.drawRightString(x_right - 3, y, line)
                    elif align == "left":
                        c.drawString(x_left + 3, y, line)
                    else:
                        c.drawCentredString((x_left + x_right) / 2, y, line)
        self.y = ys[-1] - 14


# ---------------------------------------------------------------------------------------------- the report


def cover_title(data: dict[str, Any]) -> str:
    title = data["metadata"]["title"]
    return title if "上海" in title else "上海市" + title


def render(data: dict[str, Any]) -> bytes:
    """The fragment ``data`` as a Shanghai 区级 部门预算 (or 单位预算, by ``metadata.level``) PDF."""
    md = data["metadata"]
    unit_name = md["unit_name"]
    department = md.get("level", "部门") == "部门"
    w = BudgetWriter()
    w.cover(cover_title(data), ("预算主管部门：" if department else "预算单位：") + unit_name)
    unit_label = ("编制部门：" if department else "编制单位：") + unit_name
    first = True
    for section in data["sections"]:
        if not first:
            w.new_page()
        first = False
        _section(w, section, top=True)
        if section["heading"].endswith("预算编制说明"):
            for table in data["tables"]:
                w.budget_table(table["title"], table.get("unit", "万元"), unit_label, grid(table))
    return w.bytes()


def _section(w: BudgetWriter, section: dict[str, Any], top: bool) -> None:
    (w.chapter if top else w.subheading)(section["heading"])
    for paragraph in section.get("paragraphs", []):
        w.prose(paragraph)
    for child in section.get("children", []):
        _section(w, child, top=False)


def variant(data: dict[str, Any]) -> dict[str, Any]:
    """A deep copy to plant defects in."""
    return copy.deepcopy(data)


def last_year(data: dict[str, Any], income: str = "140.00") -> dict[str, Any]:
    """The report a year before the fragment, as its "比2024年预算增加10.00万元" statements imply: every year
    moved back by one and the three grant totals 140.00 万元 (``income``: another 财政拨款收入, to plant a
    mismatch with what the later report states)."""
    text = json.dumps(data, ensure_ascii=False).replace("2024", "2023").replace("2025", "2024")
    prev = json.loads(text)
    for s in prev["sections"]:
        s["paragraphs"] = [
            p.replace("财政拨款收入150.00万元", f"财政拨款收入{income}万元")
            .replace("财政拨款支出预算150.00万元", "财政拨款支出预算140.00万元")
            .replace("一般公共预算拨款支出预算150.00万元", "一般公共预算拨款支出预算140.00万元")
            for p in s.get("paragraphs", [])
        ]
    return prev
