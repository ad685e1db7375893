"""表、行、列与单元格 / Tables, rows, columns and cells.

A table is named by its catalogue key (``table("three_public")``: the same key whatever a province numbers
the table), a row by its code, label, 行次 or level, a column by its headers or its 栏次. What is not
found ends the instance as insufficient_data.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from linter.core.findings import Location
from linter.core.model import Column, Row, Table
from linter.core.numbers import parse_amount
from linter.core.text import normalise_label, normalise_prose, split_sentences
from linter.dsl.functions.shared import as_list, text_has
from linter.dsl.registration import rule_function
from linter.dsl.runtime import Context, as_text, compile_regex
from linter.dsl.values import (
    Blank,
    ColumnV,
    Missing,
    Quantity,
    Ref,
    RegexV,
    RowV,
    RuleBug,
    Scope,
    Sentence,
    TableV,
    column_path,
    describe,
    origin_of,
)


@rule_function()
def tables(ctx: Context, key: Any = None) -> list[TableV]:
    """Every table with canonical key ``key`` (e.g. one 项目支出绩效自评表 per project); ``tables()``: all.

    A list, possibly empty: ``tables("performance_project")``, ``notes(tables())``.
    """
    if key is None:
        return [TableV(t) for t in ctx.document.tables]
    k = as_text(key)
    return [TableV(t) for t in ctx.document.tables if t.key == k]


@rule_function()
def table(ctx: Context, key: Any) -> TableV:
    """The table with canonical key ``key`` (see the catalogue, ``linter.core.catalogue``), e.g.
    ``table("three_public")``. Not found → insufficient_data; a table whose continuation was left apart
    (see ``unjoined_continuations``) → insufficient_data too: one parse problem is reported once, by the
    rule that reads it, not by every identity the missing rows break."""
    k = as_text(key)
    for t in ctx.document.tables:
        if t.key == k:
            orphan = unjoined_continuation(ctx.document.tables, t)
            if orphan is not None:
                raise Missing(
                    f"{describe(TableV(t))} 在第 {orphan.page} 页的续表未能并入，表可能未读全 / "
                    f"table {k!r}: its continuation on page {orphan.page} was not joined"
                )
            suspect = _suspect_tables(ctx).get(id(t))
            if suspect is not None:
                raise Missing(f"{suspect}；本表可能未读全或读错，依赖本表的检查按数据不足处理 / table {k!r} is suspect")
            return TableV(t)
    raise Missing(f"文档中没有表 {k} / table {k!r} not found")


def _amount_columns(t: Table) -> int:
    return sum(1 for c in t.columns if c.role == "amount")


def unjoined_continuation(tables: list[Table], t: Table) -> Table | None:
    """The table printed right after ``t`` that looks like its continuation left apart: no key, no title of
    its own, amounts in as many columns as ``t`` has, starting on ``t``'s last page or the next."""
    try:
        nxt = tables[tables.index(t) + 1]
    except (ValueError, IndexError):
        return None
    if nxt.key or (nxt.title or "").strip() or not nxt.rows:
        return None
    n = _amount_columns(t)
    if n == 0 or _amount_columns(nxt) != n or len(nxt.columns) != len(t.columns):
        return None
    return nxt if t.page_end <= nxt.page <= t.page_end + 1 else None


@rule_function()
def unjoined_continuations(ctx: Context) -> list[TableV]:
    """The keyed tables whose continuation was left apart by the parser (a part without title, key or
    表号, with the same amount columns, on the next page): ``for t in unjoined_continuations()``. The
    rules that read such a table end as insufficient_data (``table``)."""
    tables = ctx.document.tables
    return [TableV(t) for t in tables if t.key and unjoined_continuation(tables, t) is not None]


# ---- suspect tables: one parse-quality finding instead of a cascade (docs/domain-rules.md §2.4.1) ----------


def _decimal(cell: Any) -> Decimal | None:
    return Decimal(cell.value) if cell is not None and cell.value is not None else None


def _half_unit(values: list[Decimal]) -> Decimal:
    """The rounding envelope of a sum of printed figures: half a unit of the last printed place of each."""
    return sum((Decimal(5).scaleb(min(int(v.as_tuple().exponent), 0) - 1) for v in values), Decimal(0))


def _value_in(r: Row, c: Column) -> Decimal | None:
    return _decimal(next((x for x in r.cells if x.column == c.index), None))


def _fmt(v: Decimal) -> str:
    return f"{v:,.2f}" if v == v.quantize(Decimal("0.01")) else f"{v:,}"


def _class_rows(t: Table, lane: int) -> list[Row]:
    return [r for r in t.rows if r.lane == lane and r.level == "类" and r.code and len(r.code) == 3]


def lost_class(tables: list[Table], t: Table) -> str | None:
    """Why the 类 rows of a code table look like they lost a whole class, or None.

    The 合计 row exceeds the sum of the 类 rows in the table's first amount column by more than rounding,
    no amount column has the 类 rows summing to more than 合计, and the gap is exactly a class: either
    款 rows printed without their 类 row add up to it, or another table of the document prints 类 rows
    this table lacks that add up to it (in one of its amount columns). A gap that is no whole class is
    an arithmetic error of the table, the hierarchy identity's finding, not a suspect parse."""
    for lane in sorted({r.lane for r in t.rows}):
        totals = [r for r in t.rows if r.lane == lane and r.level == "合计"]
        classes = _class_rows(t, lane)
        cols = [c for c in t.columns if c.role == "amount" and c.lane == lane]
        if len(totals) != 1 or not classes or not cols:
            continue
        first = cols[0]
        total = _value_in(totals[0], first)
        if total is None:
            continue
        parts = [v for v in (_value_in(r, first) for r in classes) if v is not None]
        gap = total - sum(parts, Decimal(0))
        envelope = _half_unit([total, *parts])
        if gap <= envelope:
            continue
        overshoot = False
        for c in cols[1:]:
            tc = _value_in(totals[0], c) or Decimal(0)
            pc = [v for v in (_value_in(r, c) for r in classes) if v is not None]
            if tc - sum(pc, Decimal(0)) < -_half_unit([tc, *pc]):
                overshoot = True
        if overshoot:
            continue
        unit = t.unit or ""
        name = f"{describe(TableV(t))}（第 {t.page} 页）“{'/'.join(column_path(first))}”栏"
        head = f"{name}合计 {_fmt(total)}{unit}，各类之和 {_fmt(total - gap)}{unit}，少 {_fmt(gap)}{unit}"
        codes = {r.code for r in classes}
        orphans = [r for r in t.rows if r.lane == lane and r.level == "款" and r.code and r.code[:3] not in codes]
        ov = [v for v in (_value_in(r, first) for r in orphans) if v is not None]
        if ov and abs(sum(ov, Decimal(0)) - gap) <= envelope + _half_unit(ov):
            lost = "、".join(sorted({(r.code or "")[:3] for r in orphans}))
            return f"{head}，恰为 {lost} 类下各款之和，而本表没有 {lost} 这一类行"
        for other in tables:
            if other is t or not other.key:
                continue
            for olane in sorted({r.lane for r in other.rows}):
                missing = [r for r in _class_rows(other, olane) if r.code not in codes]
                if not missing:
                    continue
                for oc in (c for c in other.columns if c.role == "amount" and c.lane == olane):
                    mv = [v for v in (_value_in(r, oc) for r in missing) if v is not None]
                    if mv and sum(mv, Decimal(0)) != 0 and abs(sum(mv, Decimal(0)) - gap) <= envelope + _half_unit(mv):
                        lost = "、".join(f"{r.code} {row_name(RowV(other, r))}" for r in missing)
                        return f"{head}，恰为{describe(TableV(other))}列有而本表没有的类（{lost}）的金额"
    return None


def unmapped_columns(t: Table) -> str | None:
    """Why some amount columns of a table cannot be named by their headers, or None: an amount column with
    no header text, a header that reads as a figure (a body row taken for the header), or two amount
    columns of one lane with the same header path (a rule cannot tell them apart)."""
    seen: dict[tuple[int, tuple[str, ...]], Column] = {}
    problems: list[str] = []
    for c in t.columns:
        if c.role != "amount":
            continue
        path = [p for p in (normalise_label(x) for x in c.path) if p]
        where = f"第 {c.index + 1} 列"
        if not path:
            problems.append(f"{where}有金额而没有表头")
            continue
        if all(parse_amount(p) is not None for p in path):
            problems.append(f"{where}的表头“{'/'.join(c.path)}”是一个数字（表头未能识别）")
            continue
        key = (c.lane, tuple(path))
        if key in seen:
            problems.append(f"第 {seen[key].index + 1} 列与{where}的表头同为“{'/'.join(c.path)}”")
        seen.setdefault(key, c)
    if not problems:
        return None
    return f"{describe(TableV(t))}（第 {t.page} 页）：{'；'.join(problems)}，金额栏无法与表样的栏目对应"


def _suspect_tables(ctx: Context) -> dict[int, str]:
    """The keyed tables that lost a class of rows or whose amount columns cannot be mapped, with the reason
    (``id(table)`` → text), computed once per document and evaluation."""
    suspects: dict[int, str] = ctx.once("suspect_tables", lambda: _find_suspect_tables(ctx))
    return suspects


def _find_suspect_tables(ctx: Context) -> dict[int, str]:
    tables = ctx.document.tables
    ctx.tick(len(tables))
    out: dict[int, str] = {}
    for t in tables:
        if not t.key:
            continue
        why = unmapped_columns(t) or lost_class(tables, t)
        if why is not None:
            out[id(t)] = why
    return out


def _suspect_item(t: Table, why: str) -> Sentence:
    loc = Location(page=t.page, bbox=t.bbox, table=t.key, table_number=t.number, text=why, **origin_of(t))
    return Sentence(why, None, None, t.page, loc)


@rule_function()
def lost_classes(ctx: Context) -> list[Sentence]:
    """The code tables whose 类 rows add up to a whole class less than 合计 (rows of a class lost, in print or
    in parsing): the 合计 exceeds the sum of the 类 rows by exactly the 款 rows printed without their 类,
    or by the 类 rows another table prints and this one lacks. One item per table, ``{match}`` the
    table with the figures: ``assert none(lost_classes())``. The rules that read such a table end as
    insufficient_data (``table``)."""
    tables = ctx.document.tables
    ctx.tick(len(tables))
    return [_suspect_item(t, why) for t in tables if t.key and (why := lost_class(tables, t)) is not None]


@rule_function()
def unmapped_amount_columns(ctx: Context) -> list[Sentence]:
    """The keyed tables with amount columns that cannot be named by their headers (no header, a figure read
    as the header, two columns of one lane with the same header). One item per table, ``{match}`` the
    table and the columns: ``assert none(unmapped_amount_columns())``. The rules that read such a table
    end as insufficient_data (``table``)."""
    tables = ctx.document.tables
    ctx.tick(len(tables))
    return [_suspect_item(t, why) for t in tables if t.key and (why := unmapped_columns(t)) is not None]


def _table_of(x: Any) -> Table:
    if isinstance(x, TableV | RowV | ColumnV):
        return x.table
    raise RuleBug(f"需要一张表：{describe(x)} / a table is needed")


def _lane_index(t: Table, lane: Any) -> int:
    if isinstance(lane, Quantity):
        return int(lane.value)
    if isinstance(lane, str) and lane.strip().isdigit():  # r.lane of an unnamed lane is its number
        return int(lane.strip())
    name = normalise_label(as_text(lane))
    for ln in t.lanes:
        if normalise_label(ln.name) == name:
            return ln.index
    raise Missing(f"{describe(TableV(t))} 没有栏 {as_text(lane)} / no lane {as_text(lane)!r}")


def row_name(rv: RowV) -> str:
    """The 科目名称 of a row: its label, or on a code table the text of its lane's name column."""
    if rv.row.label:
        return rv.row.label
    text_cols = {c.index for c in rv.table.columns if c.role == "text" and c.lane == rv.row.lane}
    return next((c.text for c in rv.row.cells if c.column in text_cols and c.text), "")


@rule_function()
def rows(
    ctx: Context,
    source: Any,
    code: Any = None,
    code_prefix: Any = None,
    label: Any = None,
    line: Any = None,
    level: Any = None,
    lane: Any = None,
    label_matches: RegexV | None = None,
    name: Any = None,
) -> list[RowV]:
    """Rows of a table (or of a row list) that match every filter given.

    ``code`` is the subject code (``code = "201"``), ``code_prefix`` its beginning; ``label`` ignores
    whitespace, punctuation and a leading "一、"; ``level`` is 类/款/项/合计 (or a list of them);
    ``lane`` is a lane name (收入/支出) or number; ``line`` is the 行次; ``label_matches`` is a
    ``re"…"`` searched in the label; ``name`` is the 科目名称 compared as ``label`` is: the label, or on
    a code table (编码 | 名称 | amounts) the text of the name column. ``t.rows(level = ["合计", "类", "款"])``.
    """
    if isinstance(source, list):
        candidates = [r for r in source if isinstance(r, RowV)]
    else:
        t = _table_of(source)
        candidates = [RowV(t, r) for r in t.rows]
    ctx.tick(len(candidates))
    levels = {as_text(v) for v in as_list(level)} if level is not None else None
    want_label = normalise_label(as_text(label)) if label is not None else None
    want_name = normalise_label(as_text(name)) if name is not None else None
    rx = compile_regex(label_matches.pattern) if label_matches is not None else None
    out: list[RowV] = []
    for rv in candidates:
        r = rv.row
        if code is not None and r.code != as_text(code):
            continue
        if code_prefix is not None and not (r.code or "").startswith(as_text(code_prefix)):
            continue
        if want_label is not None and normalise_label(r.label) != want_label:
            continue
        if want_name is not None and normalise_label(row_name(rv)) != want_name:
            continue
        if line is not None and (r.line_no or "").strip() != as_text(line).strip():
            continue
        if levels is not None and r.level not in levels:
            continue
        if lane is not None and r.lane != _lane_index(rv.table, lane):
            continue
        if rx is not None and rx.search(r.label or "") is None:
            continue
        out.append(rv)
    return out


@rule_function()
def row(
    ctx: Context,
    source: Any,
    code: Any = None,
    code_prefix: Any = None,
    label: Any = None,
    line: Any = None,
    level: Any = None,
    lane: Any = None,
    label_matches: RegexV | None = None,
    name: Any = None,
) -> RowV:
    """Exactly one row (filters as for ``rows``): none or several → insufficient_data.

    ``t.row(label = "公用经费合计")``; ``t.row()`` alone is the only row of a one-row table.
    """
    filters = {
        "code": code, "code_prefix": code_prefix, "label": label, "line": line, "level": level, "lane": lane, "name": name
    }
    found = rows(ctx, source, label_matches=label_matches, **filters)
    what = ", ".join(f"{k}={describe(v)}" for k, v in filters.items() if v is not None) or "（唯一一行）"
    if not found:
        raise Missing(f"没有找到行 {what} / no row matches {what}")
    if len(found) > 1:
        raise Missing(f"行 {what} 不唯一（{len(found)} 行）/ {len(found)} rows match {what}")
    return found[0]


@rule_function()
def subject(ctx: Context, source: Any, *names: Any) -> RowV:
    """The row of a 科目 named by its path of names, 类 first: ``t05.subject(m.lei, m.kuan, m.xiang)`` is
    the 项 "一般行政管理事务" under the 款 "宣传事务" of the 类 "一般公共服务支出" (a 项 name alone is
    ambiguous). Names are compared as labels (其它 as 其他: a variant spelling is a wording finding, not a
    missing 科目). Not found, or ambiguous → insufficient_data."""
    t = _table_of(source)
    wanted = [normalise_label(as_text(n)) for n in names]
    found = [RowV(t, r) for r in t.rows if r.level == "类" and normalise_label(row_name(RowV(t, r))) == wanted[0]]
    for name in wanted[1:]:
        found = [k for f in found for k in children(ctx, f) if normalise_label(row_name(k)) == name]
    path = "/".join(as_text(n) for n in names)
    if len(found) != 1:
        what = "没有找到" if not found else f"不唯一（{len(found)} 行）"
        raise Missing(f"{describe(TableV(t))} 中科目 {path} {what} / subject {path!r}: {len(found)} rows")
    return found[0]


@rule_function()
def children(ctx: Context, parent: RowV) -> list[RowV]:
    """The rows one level down, by code prefix: 合计 → 类, 类 (3 digits) → 款 (5), 款 → 项 (7), in the same lane."""
    t, r = parent.table, parent.row
    same_lane = [x for x in t.rows if x.lane == r.lane and x is not r]
    ctx.tick(len(same_lane))
    if r.level == "合计":
        return [RowV(t, x) for x in same_lane if x.level == "类"]
    if not r.code:
        return []
    return [RowV(t, x) for x in same_lane if x.code and len(x.code) == len(r.code) + 2 and x.code.startswith(r.code)]


@rule_function()
def above(ctx: Context, r: RowV) -> list[RowV]:
    """The rows printed above ``r`` in its lane, top to bottom: the lines a 合计 row adds up
    (``t.row(label = "本年收入合计", lane = "收入").above()`` are the income lines the total adds up)."""
    ctx.tick(len(r.table.rows))
    return [RowV(r.table, x) for x in r.table.rows if x.lane == r.row.lane and x.index < r.row.index]


@rule_function()
def below(ctx: Context, r: RowV) -> list[RowV]:
    """The rows printed below ``r`` in its lane, top to bottom."""
    ctx.tick(len(r.table.rows))
    return [RowV(r.table, x) for x in r.table.rows if x.lane == r.row.lane and x.index > r.row.index]


@rule_function()
def between(ctx: Context, first: RowV, last: RowV) -> list[RowV]:
    """The rows printed strictly between two rows of the same lane: ``between(本年收入合计, 总计)`` are the
    lines (结余, 结转…) that the 总计 adds to the 本年 total, whatever a template calls them."""
    if first.table is not last.table or first.row.lane != last.row.lane:
        raise RuleBug("between() 需要同一张表同一栏的两行 / between() needs two rows of one lane")
    ctx.tick(len(first.table.rows))
    lo, hi = sorted((first.row.index, last.row.index))
    return [RowV(first.table, x) for x in first.table.rows if x.lane == first.row.lane and lo < x.index < hi]


def _resolve_column(t: Table, path: list[Any], no: Any, lane: int | None) -> Column:
    cands = [c for c in t.columns if lane is None or c.lane == lane]
    if len(path) == 1 and isinstance(path[0], ColumnV):
        want = path[0].column
        hit = [c for c in cands if c.index == want.index]
        if hit:
            return hit[0]
        # a column chosen in another lane: the same header in this row's lane
        path = column_path(want)
    if no is not None:
        matches = [c for c in cands if (c.column_no or "").strip() == as_text(no).strip()]
        what = f"栏次 {as_text(no)}"
    else:
        q = [normalise_label(as_text(p)) for p in path]
        matches = [c for c in cands if _path_matches(q, [normalise_label(p) for p in column_path(c)])]
        amount = [c for c in matches if c.role == "amount"]
        matches = amount or matches
        if len(matches) > 1:
            matches = [c for c in matches if len(column_path(c)) == len(q)] or matches
        what = "/".join(as_text(p) for p in path)
    name = describe(TableV(t))
    if not matches:
        raise Missing(f"{name} 没有列 {what} / column {what!r} not found")
    if len(matches) > 1:
        raise Missing(f"{name} 的列 {what} 不唯一 / column {what!r} is ambiguous")
    return matches[0]


def _path_matches(query: list[str], path: list[str]) -> bool:
    """The query is an in-order subsequence of the header path ending at its last header."""
    if not query or not path or query[-1] != path[-1]:
        return False
    it = iter(path)
    return all(any(q == p for p in it) for q in query)


def _cell(t: Table, r: Row, c: Column) -> Quantity | Blank:
    cell = next((x for x in r.cells if x.column == c.index), None)
    loc = Location(
        page=cell.page if cell else r.page,
        bbox=cell.bbox if cell else None,
        table=t.key,
        table_number=t.number,
        row_code=r.code,
        row_label=r.label,
        line_no=r.line_no,
        column=column_path(c),
        column_no=c.column_no,
        **origin_of(t),
    )
    name = f"{describe(RowV(t, r))}·{'/'.join(column_path(c))}"
    if cell is None or cell.value is None:
        text = cell.text if cell else ""
        note = f"非数字：{text}" if text and text.strip() else None
        return Blank(Ref(name, text, None, location=loc, note=note))
    return Quantity.printed(Decimal(cell.value), cell.text or cell.value, name, loc, t.unit)


@rule_function()
def col(ctx: Context, target: Any, *path: Any, no: Any = None) -> Any:
    """A column (of a table), a cell value (of a row) or the values of a row list.

    By header path (``t.col("决算数", "合计")``: the headers in order, the last one exact) or by
    栏次 (``t.col(no = 1)``). On a row (``r.col(…)``), only the row's own lane is searched; on a row
    list (``rows.col(…)``), the cells of every row. Not found or ambiguous → insufficient_data.
    """
    ctx.tick()
    if not path and no is None:
        raise RuleBug("col() 需要表头或栏次 / col() needs a header path or no=")
    if isinstance(target, list):
        return [col(ctx, x, *path, no=no) for x in target]
    if isinstance(target, RowV):
        c = _resolve_column(target.table, list(path), no, target.row.lane)
        return _cell(target.table, target.row, c)
    t = _table_of(target)
    return ColumnV(t, _resolve_column(t, list(path), no, None))


@rule_function()
def columns(ctx: Context, target: Any, *path: Any, lane: Any = None) -> list[ColumnV]:
    """The amount columns of a table, optionally under a header (``t.columns("决算数")``) or in a lane
    (``t.columns(lane = "支出")``): ``for c in t.columns()`` runs a check on every amount column."""
    t = _table_of(target)
    lane_ix = _lane_index(t, lane) if lane is not None else None
    q = [normalise_label(as_text(p)) for p in path]
    out = []
    for c in t.columns:
        if c.role != "amount" or (lane_ix is not None and c.lane != lane_ix):
            continue
        norm = [normalise_label(p) for p in column_path(c)]
        if q and norm[: len(q)] != q:
            continue
        out.append(ColumnV(t, c))
    return out


def _header_hit(part: Any, header: str) -> bool:
    """A header text equals the part (compared as labels), or a re"…" part is found in it."""
    if isinstance(part, RegexV):
        return compile_regex(part.pattern).search(header) is not None
    return header == normalise_label(as_text(part))


def _assign(parts: list[Any], headers: list[str]) -> bool:
    """Each part matches a different header (a tiny bipartite matching: paths have a few headers)."""
    if not parts:
        return True
    first, rest = parts[0], parts[1:]
    return any(_header_hit(first, h) and _assign(rest, headers[:i] + headers[i + 1 :]) for i, h in enumerate(headers))


@rule_function()
def col_having(ctx: Context, target: Any, *parts: Any) -> Any:
    """A column by header fragments **in any order**: each part is a header (compared as labels) or a
    ``re"…"`` pattern searched in one header (as compared: no spaces or punctuation), and each part
    matches a different header of the column's path.

    ``r.col_having("决算数", "合计")`` is "决算数/合计" in the Hubei 三公 table and "合计/决算数" in the
    Shanghai one; ``r.col_having(re"^(小计|合计)$")`` is the total column whatever it is called. Like
    ``col``: on a table a column, on a row its cell (in the row's lane), on a row list their cells.
    Of several matches, one whose path has just these headers, or whose own (last) header is one of
    them, is taken ("预算数" over 合计 and 人员经费 is the 合计 column). Not found or ambiguous →
    insufficient_data.
    """
    ctx.tick()
    if not parts:
        raise RuleBug("col_having() 需要表头 / col_having() needs headers")
    if isinstance(target, list):
        return [col_having(ctx, x, *parts) for x in target]
    t = _table_of(target)
    lane = target.row.lane if isinstance(target, RowV) else None
    cands = [c for c in t.columns if lane is None or c.lane == lane]
    hits = [c for c in cands if _assign(list(parts), [normalise_label(h) for h in column_path(c)])]
    hits = [c for c in hits if c.role == "amount"] or hits
    if len(hits) > 1:
        hits = [c for c in hits if len(column_path(c)) == len(parts)] or hits
    if len(hits) > 1:  # "预算数" over 合计/人员经费/…: the column whose own (last) header is named
        hits = [c for c in hits if any(_header_hit(p, normalise_label(column_path(c)[-1])) for p in parts)] or hits
    what = "+".join(p.pattern if isinstance(p, RegexV) else as_text(p) for p in parts)
    if not hits:
        raise Missing(f"{describe(TableV(t))} 没有列 {what} / no column with headers {what!r}")
    if len(hits) > 1:
        raise Missing(f"{describe(TableV(t))} 的列 {what} 不唯一 / columns with headers {what!r} are ambiguous")
    if isinstance(target, RowV):
        return _cell(t, target.row, hits[0])
    return ColumnV(t, hits[0])


def _form_hit(part: Any, text: str) -> bool:
    norm = normalise_label(text)
    if isinstance(part, RegexV):
        return _label_search(part.pattern, norm)
    want = normalise_label(as_text(part))
    return bool(want) and norm.startswith(want)


@lru_cache(maxsize=65536)  # pure, and asked again for the same headers and cells by rule after rule
def _label_search(pattern: str, label: str) -> bool:
    return compile_regex(pattern).search(label) is not None


def _form_matcher(part: Any) -> Callable[[str], bool]:
    """:func:`_form_hit` for one ``part`` against many texts: the label or pattern is prepared once (on the first
    text, as ``_form_hit`` does, so an invalid pattern fails only where it would have)."""
    if isinstance(part, RegexV):
        return lambda text: _form_hit(part, text)
    want = normalise_label(as_text(part))
    if not want:
        return lambda text: False
    return lambda text: normalise_label(text).startswith(want)


@rule_function()
def form_value(ctx: Context, target: Any, label: Any, header: Any = None) -> Quantity | Blank | list[Any]:
    """A figure of a form-like table (绩效自评表: labels and values side by side, no real header).

    ``t.form_value("基本支出总额")`` is the first filled cell right of the cell that reads 基本支出总额;
    ``t.form_value("部门整体支出总额", "预算数")`` is the cell in that label's row under the nearest cell
    above it that reads 预算数. A label or header matches a cell that starts with it (compared as labels,
    so "预算数(A)" reads as 预算数) or, as ``re"…"``, contains the pattern. The label must occur once.
    On a list of forms (``tables("budget_project_performance")``) the figure of each, as a list to ``sum``.
    """
    if isinstance(target, list):
        return [form_value(ctx, x, label, header) for x in target]
    t = _table_of(target)
    ctx.tick(len(t.rows))
    label_hit = _form_matcher(label)
    found = [(r, c) for r in t.rows for c in sorted(r.cells, key=lambda x: x.column) if label_hit(c.text)]
    what = label.pattern if isinstance(label, RegexV) else as_text(label)
    if not found:
        raise Missing(f"{describe(TableV(t))} 中没有“{what}” / no cell reads {what!r}")
    if len(found) > 1:
        raise Missing(f"{describe(TableV(t))} 中“{what}”不唯一 / {len(found)} cells read {what!r}")
    r, lab = found[0]
    cells = sorted(r.cells, key=lambda x: x.column)
    if header is None:
        cell = next((c for c in cells if c.column > lab.column and c.text.strip()), None)
        col_ix = cell.column if cell else None
    else:
        col_ix = None
        for hr in sorted((x for x in t.rows if x.index < r.index), key=lambda x: -x.index):
            hc = next((c for c in hr.cells if _form_hit(header, c.text)), None)
            if hc is not None:
                col_ix = hc.column
                break
        if col_ix is None:
            hw = header.pattern if isinstance(header, RegexV) else as_text(header)
            raise Missing(f"{describe(TableV(t))} 中“{what}”上方没有“{hw}” / no header {hw!r} above {what!r}")
    column = next((c for c in t.columns if c.index == col_ix), None)
    if column is None:
        raise Missing(f"{describe(TableV(t))} 中“{what}”旁没有数值 / no value next to {what!r}")
    value = _cell(t, r, column)
    if isinstance(value, Blank) and value.ref.text and value.ref.text.strip():
        # a form's columns are text columns: read the number printed there ("976.91", "12")
        number = parse_amount(value.ref.text)
        if number is not None:
            ref = value.ref
            return Quantity.printed(number, value.ref.text.strip(), ref.name, ref.location, t.unit)
    return value


@rule_function()
def is_empty(ctx: Context, target: Any) -> bool:
    """True when no amount cell of the table holds a non-zero number (blank and 0.00 are empty): ``t.is_empty()``."""
    t = _table_of(target)
    ctx.tick(len(t.rows))
    amount_cols = {c.index for c in t.columns if c.role == "amount"}
    return not any(
        c.value is not None and Decimal(c.value) != 0 for r in t.rows for c in r.cells if c.column in amount_cols
    )


@rule_function()
def notes(ctx: Context, target: Any) -> Scope:
    """The notes printed under a table (说明, 注, the 本表无数据 statement) as prose.

    On a list of tables (``notes(tables())``), the notes of all of them.
    """
    if isinstance(target, list):
        parts = [notes(ctx, x) for x in target]
        return Scope("表注", tuple(s for p in parts for s in p.sentences))
    t = _table_of(target)
    sentences = []
    for note in t.notes:
        for text in split_sentences(normalise_prose(note.text)):
            loc = Location(page=note.page, bbox=note.bbox, table=t.key, table_number=t.number, text=text, **origin_of(t))
            sentences.append(Sentence(text, None, None, note.page, loc))
    return Scope(f"{describe(TableV(t))} 表注", tuple(sentences))


@rule_function()
def cells(ctx: Context, target: Any, pattern: Any = None) -> list[Sentence]:
    """The filled cells of a table or row, row by row, as texts with their place; with a pattern
    (``re"…"`` or text, as for ``containing``) only those containing it. For form-like tables
    (绩效自评表): ``count(t.cells(re"资金量[:：]\\d")) > 0``."""
    t = _table_of(target)
    rows_ = [target.row] if isinstance(target, RowV) else t.rows
    by_index = {c.index: c for c in t.columns}
    out: list[Sentence] = []
    for r in rows_:
        ctx.tick(len(r.cells))
        for c in sorted(r.cells, key=lambda x: x.column):
            text_ = normalise_prose(c.text or "")
            if not text_ or (pattern is not None and not text_has(text_, pattern)):
                continue
            column = by_index.get(c.column)
            loc = Location(
                page=c.page,
                bbox=c.bbox,
                table=t.key,
                table_number=t.number,
                row_code=r.code,
                row_label=r.label,
                column=column_path(column) if column is not None else None,
                text=text_,
                **origin_of(t),
            )
            out.append(Sentence(text_, None, None, c.page, loc))
    return out


@rule_function()
def cell(ctx: Context, target: Any, which: Any) -> Sentence:
    """The text of one cell of a row, as prose: ``find``, ``matches`` and ``text`` read it.

    ``which`` is a position (1 = the first cell, -1 = the last) or a header: the cell in the column
    whose header, or the nearest cell above it in the table (a form's in-body header row such as
    年初目标值 / 实际完成值), starts with that text (compared as labels) or, as ``re"…"``, contains it.
    A cell the row does not have reads as empty text.
    """
    if not isinstance(target, RowV):
        raise RuleBug("cell() 需要一行 / cell() needs a row")
    t, r = target.table, target.row
    cells = sorted(r.cells, key=lambda x: x.column)
    ctx.tick(len(cells))
    hit = None
    if isinstance(which, Quantity):
        i = int(which.value)
        pos = i - 1 if i > 0 else len(cells) + i
        hit = cells[pos] if i != 0 and 0 <= pos < len(cells) else None
    else:
        hit_of = _form_matcher(which)
        col_ix = next((c.index for c in t.columns if c.lane == r.lane and any(hit_of(h) for h in column_path(c))), None)
        if col_ix is None:
            ctx.tick(len(t.rows))
            for hr in sorted((x for x in t.rows if x.index < r.index), key=lambda x: -x.index):
                hc = next((c for c in hr.cells if hit_of(c.text)), None)
                if hc is not None:
                    col_ix = hc.column
                    break
        hit = next((c for c in cells if c.column == col_ix), None) if col_ix is not None else None
    column = next((c for c in t.columns if hit is not None and c.index == hit.column), None)
    text_ = normalise_prose(hit.text) if hit is not None else ""
    loc = Location(
        page=hit.page if hit is not None else r.page,
        bbox=hit.bbox if hit is not None else t.row_bbox(r),
        table=t.key,
        table_number=t.number,
        row_code=r.code,
        row_label=r.label,
        column=column_path(column) if column is not None else None,
        text=text_ or None,
        **origin_of(t),
    )
    return Sentence(text_, None, None, loc.page, loc)


@rule_function()
def headers(ctx: Context, target: Any) -> list[str]:
    """Every header text of a table, compared as labels: ``label(m.name) in t.headers()``."""
    t = _table_of(target)
    out: list[str] = []
    for c in t.columns:
        for h in column_path(c):
            k = normalise_label(h)
            if k and k not in out:
                out.append(k)
    return out
