"""Tables continued over page breaks (issue 12): every layout of a continuation gives ONE table.

The continuation part may repeat the header or not; it may be captioned 续表 / 续表1 / （续） / 公开03表（续）, or carry
the title again with （续）; a row may be split by the break (its label on one page, its amounts on the next); the
continuation may be landscape (the same columns, scaled to the wider page); and a caption left alone at the foot of
a page belongs to the table on the next page. Each fixture is drawn by the tests (tests/pdfgen.py) and each asserts
the whole joined table: its key and caption, every row in order, every cell's text and value, no stray table.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pdfgen import EXPENDITURE, FONT, SUMMARY, Cell, TableSpec, Writer

from linter.core.model import Document, Section, Table

# EXPENDITURE's body, as the joined table must read it: (code, label, [本年支出合计, 基本支出, 项目支出])
EXPECTED = [
    (None, "合计", ["100.00", "70.00", "30.00"]),
    ("201", "一般公共服务支出", ["80.00", "60.00", "20.00"]),
    ("20131", "党委办公厅（室）及相关机构事务", ["80.00", "60.00", "20.00"]),
    ("2013101", "行政运行", ["60.00", "60.00", ""]),
    ("2013102", "一般行政管理事务", ["20.00", "", "20.00"]),
    ("210", "卫生健康支出", ["20.00", "10.00", "10.00"]),
    ("21011", "行政事业单位医疗", ["20.00", "10.00", "10.00"]),
    ("2101101", "行政单位医疗", ["20.00", "10.00", "10.00"]),
]
BREAK = 4  # body rows on the first page
TITLE = EXPENDITURE.title  # "2024 年度支出决算表"


class Doc(Writer):
    """pdfgen's writer, with the pieces of a table drawn one by one so each layout can be put together."""

    def line(self, text: str, align: str = "right", size: float = 9, gap: float = 6) -> None:
        c = self.canvas
        c.setFont(FONT, size)
        if align == "right":
            c.drawRightString(self.page_size[0] - 60, self.y, text)
        elif align == "centre":
            c.drawCentredString(self.page_size[0] / 2, self.y, text)
        else:
            c.drawString(60, self.y, text)
        self.y -= size + gap

    def caption(self, spec: TableSpec, title: str | None = None, number: str | None = None, unit: bool = True) -> None:
        """Title (centred), 表号 (right) and the 编制单位 / 单位 line, as :meth:`Writer.table` draws them."""
        self.line(title if title is not None else spec.title, align="centre", size=14, gap=4)
        if number or (number is None and spec.number):
            self.line(number or spec.number or "", size=9, gap=3)
        if unit:
            c = self.canvas
            c.setFont(FONT, 9)
            if spec.unit_name:
                c.drawString(60, self.y, f"编制单位：{spec.unit_name}")
            c.drawRightString(self.page_size[0] - 60, self.y, f"单位：{spec.unit}")
            self.y -= 8

    def grid(self, spec: TableSpec, rows: list[list[Cell]], width: float | None = None) -> None:
        """The ruled grid of ``rows``; ``width`` scales the columns to that total width (a landscape part)."""
        if width is not None:
            k = width / sum(spec.widths)
            spec = replace(spec, widths=[w * k for w in spec.widths])
        self._grid(spec, rows)

    def notes(self, spec: TableSpec) -> None:
        for note in spec.notes:
            self.text(note, size=9, gap=4)


def _parse(tmp_path: Path, w: Writer) -> Document:
    from linter.parse.documents import parse_file
    from linter.session.plugin_manager import make_manager

    path = w.save(tmp_path / "continued.pdf")
    return parse_file(path, make_manager())


def _expenditure_report(
    tmp_path: Path,
    *,
    breaks: tuple[int, ...] = (BREAK,),
    body: list[list[Cell]] | None = None,
    repeat_header: bool = False,
    marker: str | list[tuple[str, str]] | None = None,
    marker_align: str = "right",
    unit_again: bool = False,
    split_row: bool = False,
    landscape: bool = False,
) -> Document:
    """The 支出决算表 (title, 表号, 单位, header) on page 1 with its first body rows, continued on the next pages:
    the body is cut before each row index in ``breaks``.

    ``marker``: a caption line above each continuation (续表, （续）, the title or 表号 with （续）), or several
    lines (text, alignment) top down; ``unit_again``:
    the 单位 line repeated above each continuation; ``split_row``: the row before each break keeps its code and
    name, its amounts are printed in a row of their own at the top of the next page; ``landscape``: the
    continuation pages are landscape and the continuation's columns scaled to their width."""
    rows: list[list[Cell]] = [list(row) for row in (body or EXPENDITURE.body)]
    bounds = [0, *breaks, len(rows)]
    parts = [rows[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    if split_row:
        for i in range(1, len(parts)):
            last = parts[i - 1][-1]
            parts[i - 1][-1] = [last[0], last[1], "", "", ""]
            parts[i] = [["", "", *last[2:]], *parts[i]]
    w = Doc()
    w.heading("第二部分 2024 年度部门决算表")
    w.caption(EXPENDITURE)
    w.grid(EXPENDITURE, EXPENDITURE.header + parts[0])
    for part in parts[1:]:
        w.new_page(landscape_page=landscape)
        lines = [(marker, marker_align)] if isinstance(marker, str) else (marker or [])
        for text, align in lines:
            w.line(text, align=align, size=14 if align == "centre" else 9)
        if unit_again:
            w.line(f"单位：{EXPENDITURE.unit}", size=9, gap=2)
        width = w.page_size[0] - 120 if landscape else None
        w.grid(EXPENDITURE, (EXPENDITURE.header if repeat_header else []) + part, width=width)
    w.notes(EXPENDITURE)
    return _parse(tmp_path, w)


def _cells(table: Table) -> list[tuple[str | None, str | None, list[str]]]:
    return [(r.code, r.label, [c.text for c in r.cells]) for r in table.rows]


def _assert_expenditure(
    doc: Document,
    breaks: tuple[int, ...] = (BREAK,),
    expected: list[tuple[str | None, str | None, list[str]]] = EXPECTED,
    count: int = 1,
) -> Table:
    """The one 支出决算表, whole: caption, columns, every row in order with every cell on its page; no keyless
    table, no second 支出决算表."""
    tables = [(t.key, t.title, t.page, len(t.rows)) for t in doc.tables]
    assert [t.key for t in doc.tables].count("expenditure") == 1, tables
    assert all(t.key is not None for t in doc.tables), tables
    assert len(doc.tables) == count, tables
    t = next(t for t in doc.tables if t.key == "expenditure")
    assert (t.number, t.title, t.unit, t.unit_name) == ("公开03表", TITLE, "万元", "示例单位")
    assert (t.page, t.page_end) == (1, 1 + len(breaks))
    assert [c.role for c in t.columns] == ["code", "label", "amount", "amount", "amount"]
    assert [c.path for c in t.columns if c.role == "amount"] == [["本年支出合计"], ["其中", "基本支出"], ["其中", "项目支出"]]
    assert t.header == [["项目", None, "本年支出合计", "其中", None], ["功能分类科目编码", "科目名称", None, "基本支出", "项目支出"]]
    assert _cells(t) == expected
    assert [[c.value for c in r.cells] for r in t.rows] == [[v or None for v in cells] for _, _, cells in expected]
    assert [r.index for r in t.rows] == list(range(len(expected)))
    assert [r.level for r in t.rows] == ["合计", "类", "款", "项", "项", "类", "款", "项"]
    pages = [1 + sum(1 for b in breaks if i >= b) for i in range(len(expected))]
    assert [r.page for r in t.rows] == pages
    assert [n.text for n in t.notes] == EXPENDITURE.notes
    return t


# ---------------------------------------------------------------------------------------------- (a), (b)


def test_continuation_without_header(tmp_path: Path) -> None:
    _assert_expenditure(_expenditure_report(tmp_path))


def test_continuation_with_repeated_header(tmp_path: Path) -> None:
    _assert_expenditure(_expenditure_report(tmp_path, repeat_header=True))


@pytest.mark.parametrize("breaks", [(0,), (1,), (2, 5), (1, 3, 7)])
@pytest.mark.parametrize("marker", [None, "续表"])
@pytest.mark.parametrize("repeat_header", [False, True])
def test_continuations_over_several_pages(
    tmp_path: Path, breaks: tuple[int, ...], marker: str | None, repeat_header: bool
) -> None:
    """The first part may be the header alone (or the header and the 合计 row); a table may run over 4 pages."""
    doc = _expenditure_report(tmp_path, breaks=breaks, marker=marker, repeat_header=repeat_header)
    _assert_expenditure(doc, breaks=breaks)


def test_continuation_under_a_repeated_unit_line(tmp_path: Path) -> None:
    """Only the 单位 line printed again above the continuation: no title or 表号, so no table of its own."""
    _assert_expenditure(_expenditure_report(tmp_path, unit_again=True))


# ---------------------------------------------------------------------------------------------- (c), (d), (e)


@pytest.mark.parametrize("marker", ["续表", "续表1", "续表 1", "续表一", "（续）", "(续)", "（续表）", "续上表"])
@pytest.mark.parametrize("repeat_header", [False, True])
def test_continuation_captioned_as_continued(tmp_path: Path, marker: str, repeat_header: bool) -> None:
    _assert_expenditure(_expenditure_report(tmp_path, marker=marker, repeat_header=repeat_header))


def test_continuation_caption_centred_with_unit_line(tmp_path: Path) -> None:
    _assert_expenditure(_expenditure_report(tmp_path, marker="续表", marker_align="centre", unit_again=True))


@pytest.mark.parametrize(
    "title", [f"{TITLE}（续）", f"{TITLE}(续)", "支出决算表（续）", f"{TITLE}（续表）", "2024 年度支出决算续表"]
)
@pytest.mark.parametrize("repeat_header", [False, True])
def test_continuation_titled_again_with_continued(tmp_path: Path, title: str, repeat_header: bool) -> None:
    doc = _expenditure_report(tmp_path, marker=title, marker_align="centre", unit_again=True, repeat_header=repeat_header)
    _assert_expenditure(doc)


@pytest.mark.parametrize("number", ["公开03表（续）", "公开03表(续)", "公开 03 表（续）", "公开03表续表"])
@pytest.mark.parametrize("repeat_header", [False, True])
def test_continuation_numbered_again_with_continued(tmp_path: Path, number: str, repeat_header: bool) -> None:
    _assert_expenditure(_expenditure_report(tmp_path, marker=number, unit_again=True, repeat_header=repeat_header))


@pytest.mark.parametrize(
    "lines",
    [
        [(TITLE, "centre"), ("续表", "right")],  # the title again, 续表 under it where the 表号 goes
        [(TITLE, "centre"), ("公开03表（续）", "right")],
        [("续表", "left"), (TITLE, "centre")],
        [(TITLE, "centre"), ("公开03表", "right"), ("续表", "left")],
    ],
)
def test_title_again_with_a_continuation_mark_on_its_own_line(tmp_path: Path, lines: list[tuple[str, str]]) -> None:
    _assert_expenditure(_expenditure_report(tmp_path, marker=lines, unit_again=True))


def test_title_again_without_continuation_mark_is_another_table(tmp_path: Path) -> None:
    """The same title on the next page and no 续: a table of its own (绩效目标表 repeat theirs, one per project)."""
    doc = _expenditure_report(tmp_path, marker=[(TITLE, "centre")], repeat_header=True)
    assert [(t.key, t.page, len(t.rows)) for t in doc.tables] == [
        ("expenditure", 1, BREAK), ("expenditure", 2, len(EXPECTED) - BREAK)
    ]


@pytest.mark.parametrize("marker", ["公开04表（续）", "财政拨款收入支出决算总表（续）"])
def test_continued_caption_of_another_table_does_not_join(tmp_path: Path, marker: str) -> None:
    """A continuation caption naming another table: not this table's continuation; it keeps the name it has."""
    doc = _expenditure_report(tmp_path, marker=marker, marker_align="right" if "公开" in marker else "centre")
    assert [t.key for t in doc.tables] == ["expenditure", "fiscal_grant_summary"]
    assert [len(t.rows) for t in doc.tables] == [BREAK, len(EXPECTED) - BREAK]
    assert _cells(doc.tables[0]) == EXPECTED[:BREAK]


# ---------------------------------------------------------------------------------------------- (f)


@pytest.mark.parametrize("repeat_header", [False, True])
@pytest.mark.parametrize("marker", [None, "续表"])
@pytest.mark.parametrize("breaks", [(BREAK,), (2, 6)])
def test_row_split_by_the_page_break_is_one_row(
    tmp_path: Path, repeat_header: bool, marker: str | None, breaks: tuple[int, ...]
) -> None:
    doc = _expenditure_report(tmp_path, breaks=breaks, split_row=True, repeat_header=repeat_header, marker=marker)
    # a split row is on the page of its code and name (before the break) …
    t = _assert_expenditure(doc, breaks=breaks)
    for page, b in enumerate(breaks, start=2):
        row = t.rows[b - 1]
        # … and its amounts keep the page and box they are printed in
        assert {c.page for c in row.cells if c.text} == {page}
        assert {c.page for c in t.rows[b - 2].cells} == {page - 1}
        tops = {c.bbox[1] for c in row.cells if c.text and c.bbox}
        assert len(tops) == 1 and tops.pop() < 120


def test_blank_row_before_the_break_is_not_merged_with_a_keyed_row(tmp_path: Path) -> None:
    """A row with a name and no amounts, followed on the next page by a row with its own code: two rows."""
    body = [list(row) for row in EXPENDITURE.body]
    body[BREAK - 1] = [body[BREAK - 1][0], body[BREAK - 1][1], "", "", ""]
    expected = [*EXPECTED[: BREAK - 1], (EXPECTED[BREAK - 1][0], EXPECTED[BREAK - 1][1], ["", "", ""]), *EXPECTED[BREAK:]]
    _assert_expenditure(_expenditure_report(tmp_path, body=body), expected=expected)


SUMMARY_SPLIT = [
    ["一、一般公共预算财政拨款收入", "1", "100.00", "一、一般公共服务支出", "5", "80.00"],
    ["二、政府性基金预算财政拨款收入", "2", "", "二、卫生健康支出", "6", ""],
]


def _summary_report(tmp_path: Path, rest: list[list[Cell]]) -> Document:
    w = Doc()
    w.heading("第二部分 2024 年度部门决算表")
    w.caption(SUMMARY)
    w.grid(SUMMARY, SUMMARY.header + SUMMARY_SPLIT)
    w.new_page()
    w.grid(SUMMARY, rest)
    return _parse(tmp_path, w)


def test_row_split_in_a_two_lane_table(tmp_path: Path) -> None:
    """Both lanes' amounts of the split row on the next page: one row per lane, each with its amount."""
    doc = _summary_report(tmp_path, [["", "", "", "", "", "20.00"], ["本年收入合计", "3", "100.00", "本年支出合计", "7", "100.00"]])
    (t,) = doc.tables
    assert t.key == "income_expenditure_summary"
    got = [(r.lane, r.line_no, r.label, [c.value for c in r.cells], r.page) for r in t.rows]
    assert got == [
        (0, "1", "一、一般公共预算财政拨款收入", ["100.00"], 1),
        (1, "5", "一、一般公共服务支出", ["80.00"], 1),
        (0, "2", "二、政府性基金预算财政拨款收入", [None], 1),
        (1, "6", "二、卫生健康支出", ["20.00"], 1),
        (0, "3", "本年收入合计", ["100.00"], 2),
        (1, "7", "本年支出合计", ["100.00"], 2),
    ]
    assert t.rows[3].cells[0].page == 2


def test_row_after_the_break_with_a_key_in_another_lane_is_its_own_row(tmp_path: Path) -> None:
    """A row whose left half is empty (real 01表 rows are so) is not the tail of the row before it."""
    doc = _summary_report(tmp_path, [["", "", "", "三、教育支出", "7", "20.00"]])
    (t,) = doc.tables
    got = [(r.lane, r.line_no, [c.value for c in r.cells], r.page) for r in t.rows]
    assert got == [(0, "1", ["100.00"], 1), (1, "5", ["80.00"], 1), (0, "2", [None], 1), (1, "6", [None], 1),
                   (1, "7", ["20.00"], 2)]


# ---------------------------------------------------------------------------------------------- (g)


@pytest.mark.parametrize("repeat_header", [False, True])
@pytest.mark.parametrize("marker", [None, "续表"])
def test_portrait_part_continued_in_landscape(tmp_path: Path, repeat_header: bool, marker: str | None) -> None:
    doc = _expenditure_report(tmp_path, landscape=True, repeat_header=repeat_header, marker=marker)
    t = _assert_expenditure(doc)
    # the landscape part's cells keep their own (wider) boxes
    last = t.rows[-1].cells[-1].bbox
    assert last is not None and last[2] > 700


def test_landscape_continuation_over_two_pages_with_split_rows(tmp_path: Path) -> None:
    doc = _expenditure_report(tmp_path, breaks=(2, 6), landscape=True, split_row=True, marker="续表")
    _assert_expenditure(doc, breaks=(2, 6))


def test_landscape_grid_with_other_columns_is_another_table(tmp_path: Path) -> None:
    """A landscape grid whose columns are not in the same proportions is no continuation, even at the page top."""
    w = Doc()
    w.caption(EXPENDITURE)
    w.grid(EXPENDITURE, EXPENDITURE.header + EXPENDITURE.body[:BREAK])
    w.new_page(landscape_page=True)
    other = replace(EXPENDITURE, widths=[200, 100, 60, 60, 60])
    w.grid(other, EXPENDITURE.body[BREAK:], width=w.page_size[0] - 120)
    doc = _parse(tmp_path, w)
    assert [(t.key, t.page, len(t.rows)) for t in doc.tables] == [("expenditure", 1, BREAK), (None, 2, len(EXPECTED) - BREAK)]


def test_table_after_notes_is_not_a_continuation(tmp_path: Path) -> None:
    """A table that ends in its notes does not continue on the next page, whatever the next grid looks like."""
    w = Doc()
    w.caption(EXPENDITURE)
    w.grid(EXPENDITURE, EXPENDITURE.header + EXPENDITURE.body[:BREAK])
    w.notes(EXPENDITURE)
    w.new_page()
    w.grid(EXPENDITURE, EXPENDITURE.body[BREAK:])
    doc = _parse(tmp_path, w)
    assert [(t.key, len(t.rows)) for t in doc.tables] == [("expenditure", BREAK), (None, len(EXPECTED) - BREAK)]


# ---------------------------------------------------------------------------------------------- (h)


def _caption_at_foot(tmp_path: Path, *, title: bool, number: bool, unit: bool, before: TableSpec | None) -> Document:
    """``before`` (if any) with its notes, then the 支出决算表's caption lines at the very foot of page 1, its
    grid (and its notes) on page 2."""
    w = Doc()
    w.heading("第二部分 2024 年度部门决算表")
    if before is not None:
        w.table(before)
    lines = (22 if title else 0) + (12 if number else 0) + (8 if unit else 0)
    w.y = 62 + lines  # the caption's last line just above the footer
    if title:
        w.line(EXPENDITURE.title, align="centre", size=14, gap=4)
    if number:
        w.line(EXPENDITURE.number or "", size=9, gap=3)
    if unit:
        w.line(f"编制单位：{EXPENDITURE.unit_name}", align="left", size=9, gap=-9)
        w.line(f"单位：{EXPENDITURE.unit}", size=9, gap=8)
    w.new_page()
    w.grid(EXPENDITURE, EXPENDITURE.header + EXPENDITURE.body)
    w.notes(EXPENDITURE)
    return _parse(tmp_path, w)


@pytest.mark.parametrize(
    ("title", "number", "unit"),
    [(True, True, True), (True, True, False), (True, False, False), (False, True, False), (False, True, True)],
)
@pytest.mark.parametrize("before", [None, SUMMARY], ids=["alone", "after-a-table"])
def test_caption_alone_at_the_foot_of_a_page(
    tmp_path: Path, title: bool, number: bool, unit: bool, before: TableSpec | None
) -> None:
    doc = _caption_at_foot(tmp_path, title=title, number=number, unit=unit, before=before)
    assert [t.key for t in doc.tables] == (["income_expenditure_summary"] if before else []) + ["expenditure"]
    t = doc.tables[-1]
    assert (t.page, t.page_end) == (2, 2)
    assert t.number == ("公开03表" if number else None)
    assert t.title == (TITLE if title else "")
    assert t.unit == ("万元" if unit else None)
    assert t.unit_name == ("示例单位" if unit else None)
    assert _cells(t) == EXPECTED
    # the caption is the table's, not prose of page 1
    assert not any("支出决算表" in text or "公开03表" in text for text in _prose(doc.sections))


def test_number_at_the_foot_over_a_title_on_the_next_page(tmp_path: Path) -> None:
    """The case handled before: the 表号 alone at the foot of a page, the title and grid on the next."""
    w = Doc()
    w.heading("第二部分 2024 年度部门决算表")
    w.y = 74
    w.line(EXPENDITURE.number or "")
    w.new_page()
    w.caption(EXPENDITURE, number="")
    w.grid(EXPENDITURE, EXPENDITURE.header + EXPENDITURE.body)
    doc = _parse(tmp_path, w)
    (t,) = doc.tables
    assert (t.key, t.number, t.title, t.page) == ("expenditure", "公开03表", TITLE, 2)
    assert _cells(t) == EXPECTED


def _prose(sections: list[Section]) -> list[str]:
    return [text for s in sections for text in (s.heading, *(p.text for p in s.paragraphs), *_prose(s.children))]
