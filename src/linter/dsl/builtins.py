"""The built-in functions of the rule language.

Every function is called as ``f(ctx, *args, **kwargs)``; in a rule ``x.f(a)`` is ``f(x, a)``.
They are registered through the ``fiscal_lint_dsl_functions`` hook (see
:mod:`linter.dsl.plugin`), exactly as a third-party plugin registers its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import fields
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from linter.core.catalogue import Catalogue, normalise_title
from linter.core.findings import Evidence, Location
from linter.core.model import Column, Metadata, Row, Section, Table, iter_sections
from linter.core.numbers import decimals_of, parse_amount
from linter.core.text import normalise_label, normalise_prose, split_number, split_sentences
from linter.dsl.runtime import (
    POLICIES,
    Context,
    apply_policy,
    as_quantity,
    as_text,
    compare,
    compile_regex,
    scope_of,
)
from linter.dsl.values import (
    Blank,
    Capture,
    ColumnV,
    Match,
    Missing,
    Quantity,
    Ref,
    RegexV,
    RowV,
    RuleBug,
    Scope,
    Sentence,
    TableV,
    TocV,
    Verdict,
    Violation,
    column_path,
    describe,
    fmt_decimal,
)

HUNDRED = Quantity.exact(100)


# ---- tables, rows, columns -------------------------------------------------------------------------


def tables(ctx: Context, key: Any = None) -> list[TableV]:
    """Every table with canonical key ``key`` (e.g. one 项目支出绩效自评表 per project); ``tables()``: all."""
    if key is None:
        return [TableV(t) for t in ctx.document.tables]
    k = as_text(key)
    return [TableV(t) for t in ctx.document.tables if t.key == k]


def table(ctx: Context, key: Any) -> TableV:
    """The table with canonical key ``key`` (see the catalogue), e.g. ``table("three_public")``."""
    k = as_text(key)
    for t in ctx.document.tables:
        if t.key == k:
            return TableV(t)
    raise Missing(f"文档中没有表 {k} / table {k!r} not found")


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


def _as_list(x: Any) -> list[Any]:
    return x if isinstance(x, list) else [x]


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
) -> list[RowV]:
    """Rows of a table (or of a row list) that match every filter given.

    ``label`` ignores whitespace, punctuation and a leading "一、"; ``level`` is 类/款/项/合计
    (or a list of them); ``lane`` is a lane name ("支出") or index; ``line`` is the 行次.
    """
    if isinstance(source, list):
        candidates = [r for r in source if isinstance(r, RowV)]
    else:
        t = _table_of(source)
        candidates = [RowV(t, r) for r in t.rows]
    ctx.tick(len(candidates))
    levels = {as_text(v) for v in _as_list(level)} if level is not None else None
    want_label = normalise_label(as_text(label)) if label is not None else None
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
) -> RowV:
    """Exactly one row (filters as for ``rows``). ``t.row()`` alone is the only row of a one-row table."""
    filters = {"code": code, "code_prefix": code_prefix, "label": label, "line": line, "level": level, "lane": lane}
    found = rows(ctx, source, label_matches=label_matches, **filters)
    what = ", ".join(f"{k}={describe(v)}" for k, v in filters.items() if v is not None) or "（唯一一行）"
    if not found:
        raise Missing(f"没有找到行 {what} / no row matches {what}")
    if len(found) > 1:
        raise Missing(f"行 {what} 不唯一（{len(found)} 行）/ {len(found)} rows match {what}")
    return found[0]


def children(ctx: Context, parent: RowV) -> list[RowV]:
    """The rows one level down: 合计 → 类, 类 (3 digits) → 款 (5), 款 → 项 (7), in the same lane."""
    t, r = parent.table, parent.row
    same_lane = [x for x in t.rows if x.lane == r.lane and x is not r]
    ctx.tick(len(same_lane))
    if r.level == "合计":
        return [RowV(t, x) for x in same_lane if x.level == "类"]
    if not r.code:
        return []
    return [RowV(t, x) for x in same_lane if x.code and len(x.code) == len(r.code) + 2 and x.code.startswith(r.code)]


def above(ctx: Context, r: RowV) -> list[RowV]:
    """The rows printed above ``r`` in its lane, top to bottom: the lines a 合计 row adds up
    (``t.row(label = "本年收入合计", lane = "收入").above()``)."""
    ctx.tick(len(r.table.rows))
    return [RowV(r.table, x) for x in r.table.rows if x.lane == r.row.lane and x.index < r.row.index]


def below(ctx: Context, r: RowV) -> list[RowV]:
    """The rows printed below ``r`` in its lane, top to bottom."""
    ctx.tick(len(r.table.rows))
    return [RowV(r.table, x) for x in r.table.rows if x.lane == r.row.lane and x.index > r.row.index]


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
    )
    name = f"{describe(RowV(t, r))}·{'/'.join(column_path(c))}"
    if cell is None or cell.value is None:
        text = cell.text if cell else ""
        note = f"非数字：{text}" if text and text.strip() else None
        return Blank(Ref(name, text, None, location=loc, note=note))
    return Quantity.printed(Decimal(cell.value), cell.text or cell.value, name, loc, t.unit)


def col(ctx: Context, target: Any, *path: Any, no: Any = None) -> Any:
    """A column (of a table), a cell value (of a row) or the values of a row list.

    By header path (``col("决算数", "合计")``: the headers in order, the last one exact) or by
    栏次 (``col(no=1)``). On a row, only the row's own lane is searched.
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


def columns(ctx: Context, target: Any, *path: Any, lane: Any = None) -> list[ColumnV]:
    """The amount columns of a table, optionally under a header (``columns("决算数")``) or in a lane."""
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


def col_having(ctx: Context, target: Any, *parts: Any) -> Any:
    """A column by header fragments **in any order**: each part is a header (compared as labels) or a
    ``re"…"`` pattern searched in one header (as compared: no spaces or punctuation), and each part
    matches a different header of the column's path.

    ``r.col_having("决算数", "合计")`` is "决算数/合计" in the Hubei 三公 table and "合计/决算数" in the
    Shanghai one; ``r.col_having(re"^(小计|合计)$")`` is the total column whatever it is called. Like
    ``col``: on a table a column, on a row its cell (in the row's lane), on a row list their cells.
    Not found or ambiguous → insufficient_data.
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
        return compile_regex(part.pattern).search(norm) is not None
    want = normalise_label(as_text(part))
    return bool(want) and norm.startswith(want)


def form_value(ctx: Context, target: Any, label: Any, header: Any = None) -> Quantity | Blank:
    """A figure of a form-like table (绩效自评表: labels and values side by side, no real header).

    ``t.form_value("基本支出总额")`` is the first filled cell right of the cell that reads 基本支出总额;
    ``t.form_value("部门整体支出总额", "预算数")`` is the cell in that label's row under the nearest cell
    above it that reads 预算数. A label or header matches a cell that starts with it (compared as labels,
    so "预算数(A)" reads as 预算数) or, as ``re"…"``, contains the pattern. The label must occur once.
    """
    t = _table_of(target)
    ctx.tick(len(t.rows))
    found = [(r, c) for r in t.rows for c in sorted(r.cells, key=lambda x: x.column) if _form_hit(label, c.text)]
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


def is_empty(ctx: Context, target: Any) -> bool:
    """True when no amount cell of the table holds a non-zero number (blank and 0.00 are empty)."""
    t = _table_of(target)
    ctx.tick(len(t.rows))
    amount_cols = {c.index for c in t.columns if c.role == "amount"}
    return not any(
        c.value is not None and Decimal(c.value) != 0 for r in t.rows for c in r.cells if c.column in amount_cols
    )


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
            loc = Location(page=note.page, bbox=note.bbox, table=t.key, table_number=t.number, text=text)
            sentences.append(Sentence(text, None, None, note.page, loc))
    return Scope(f"{describe(TableV(t))} 表注", tuple(sentences))


# ---- numbers -----------------------------------------------------------------------------------------


def sum_(ctx: Context, values: Any, blank: Any = None) -> Quantity:
    """Σ of a list; blanks follow ``blank="zero"|"assume_zero"|"skip"|"insufficient"``."""
    policy = _policy(blank, ctx)
    items = apply_policy(_as_list(values), policy)
    ctx.tick(len(items))
    total = Quantity.exact(0)
    for v in items:
        total = total.add(as_quantity(v, ctx))
    return total


def _policy(blank: Any, ctx: Context) -> str:
    if blank is None:
        return ctx.default_blank
    p = as_text(blank)
    if p not in POLICIES:
        raise RuleBug(f"未知的空白策略 {p} / unknown blank policy {p!r}")
    return p


def count(ctx: Context, values: Any, pattern: RegexV | str | None = None) -> Quantity:
    """How many items a list has, or how many times ``pattern`` occurs in a text scope."""
    if pattern is None:
        return Quantity.exact(len(_as_list(values)))
    return Quantity.exact(len(_matches(ctx, values, pattern)))


def pct(ctx: Context, num: Any, den: Any) -> Quantity:
    """100·num/den by interval division: compare it with a stated percentage."""
    return as_quantity(num, ctx).div(as_quantity(den, ctx)).mul(HUNDRED)


def ratio(ctx: Context, num: Any, den: Any) -> Quantity:
    return as_quantity(num, ctx).div(as_quantity(den, ctx))


def yoy(ctx: Context, current: Any, change: Any) -> Quantity:
    """Growth rate in % from this year's figure and the signed change: 100·Δ/(current − Δ)."""
    c, d = as_quantity(current, ctx), as_quantity(change, ctx)
    return d.div(c.sub(d)).mul(HUNDRED)


UP_WORDS = ("增加", "增长", "上升", "提高", "增多", "大于", "高于", "超过", "多")
DOWN_WORDS = ("减少", "下降", "降低", "减", "小于", "低于", "少")
FLAT_WORDS = ("持平", "等于", "相等", "一致", "不变")


def _direction(word: Any) -> int:
    w = as_text(word).strip()
    if w in UP_WORDS:
        return 1
    if w in DOWN_WORDS:
        return -1
    if w in FLAT_WORDS:
        return 0
    raise RuleBug(f"“{w}” 不是方向词 / {w!r} is not a direction word (增加/减少/持平…)")


def signed(ctx: Context, amount: Any, word: Any) -> Quantity:
    """The amount with the sign its direction word gives: ``signed(201.5, "减少")`` = −201.5."""
    d = _direction(word)
    q = as_quantity(amount, ctx)
    if d == 0:
        return q.mul(Quantity.exact(0))
    return q if d > 0 else q.neg()


def agrees(ctx: Context, word: Any, value: Any) -> Verdict:
    """The direction word (增加/减少/持平, 大于/小于/等于) matches the sign of ``value``."""
    d = _direction(word)
    q = as_quantity(value, ctx)
    sign = (q.value > 0) - (q.value < 0)
    ev = Evidence(lhs=as_text(word), rhs=describe(q), method="direction", operands=[r.operand() for r in q.refs])
    args = {"word": as_text(word), "value": describe(q)}
    loc = next((r.location for r in q.refs if r.location), None)
    if sign == d:
        return Verdict("pass", ev, loc, args=args)
    if q.lo <= 0 <= q.hi and d == 0:
        return Verdict("rounding", ev, loc, args=args)  # 持平 within rounding of a tiny change
    return Verdict("fail", ev, loc, q.assumed, args=args)


def unit(ctx: Context, value: Any, name: Any) -> Quantity:
    """Declare the unit of a figure (``unit(m.amount, "元")``) so it meets 万元 cells correctly."""
    q = as_quantity(value, ctx)
    return Quantity(q.value, q.lo, q.hi, as_text(name), q.refs, q.assumed, q.text)


def amount(ctx: Context, value: Any, places: Any = None) -> Quantity:
    """A number from a capture or a string, with its printed precision.

    ``places = 2`` reads a figure written with fewer decimals as if printed with 2: prose drops
    trailing zeros ("预算数为12万元" is the 12.00 of the table), and a ratio taken from "12" would
    otherwise carry the ±0.5 of a whole number.
    """
    q = as_quantity(value, ctx)
    if places is None or q.text is None:
        return q
    d = _int(places)
    if decimals_of(q.text) >= d:
        return q
    unit_ = Decimal(1).scaleb(-d)
    half = unit_ / 2
    v = q.value.quantize(unit_)
    refs = tuple(Ref(r.name, r.text, r.value, v - half, v + half, r.location, r.note) for r in q.refs)
    return Quantity(v, v - half, v + half, q.unit, refs, q.assumed, q.text)


def number(ctx: Context, value: Any) -> Quantity | Blank:
    """The first number printed in a text cell or capture ("99%" → 99, "200人次" → 200), with its precision."""
    if isinstance(value, Quantity):
        return value
    if isinstance(value, Blank):
        ref, text = value.ref, value.ref.text or ""
    else:
        ref, text = None, as_text(value)
    m = _FIRST_NUMBER.search(text.replace(",", ""))
    if m is None:
        if ref is not None:
            return value
        raise Missing(f"“{text}” 中没有数字 / no number in {text!r}")
    name = ref.name if ref else text
    return Quantity.printed(Decimal(m.group(0)), m.group(0), name, ref.location if ref else None)


_FIRST_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def pct_matches(ctx: Context, stated: Any, computed: Any) -> Verdict:
    """A stated percentage against the computed one (domain.md §2.0-3).

    Holds when the stated figure is the computed one rounded (with the rounding intervals of ``==``).
    A figure truncated instead of rounded (99.92% written "99%") is an info finding "截尾"; anything
    else fails.
    """
    s, c = as_quantity(stated, ctx), as_quantity(computed, ctx)
    v = compare("==", s, c, ctx)
    if v.status != "fail" or s.text is None:
        return v
    step = Decimal(1).scaleb(-decimals_of(s.text))
    lo, hi = sorted((c.lo.quantize(step, ROUND_DOWN), c.hi.quantize(step, ROUND_DOWN)))
    if not lo <= s.value <= hi:
        return v
    rounded = c.value.quantize(step, ROUND_HALF_UP)
    v.evidence.method = "truncated"
    args = {**v.args, "rounded": fmt_decimal(rounded)}
    msg = "截尾而非四舍五入：写作 {lhs}%，计算为 {rhs}%，四舍五入应为 {rounded}%"
    return Verdict("rounding", v.evidence, v.location, v.assumed, v.violations, args, msg)


def items(ctx: Context, value: Any) -> list[str]:
    """The items of an enumeration: "基本工资、津贴补贴、奖金等" → [基本工资, 津贴补贴, 奖金]."""
    text = as_text(value).strip().rstrip("。；;，,")
    out = []
    for part in _ENUM_SPLIT.split(text):
        p = part.strip()
        if p.endswith("等") and len(p) > 1:
            p = p[:-1]
        if p:
            out.append(p)
    return out


# only punctuation separates items: 和/及 occur inside names (其他商品和服务支出, 税金及附加费用)
_ENUM_SPLIT = re.compile(r"[、，,；;]")


def is_blank(ctx: Context, value: Any) -> bool:
    return isinstance(value, Blank) or (isinstance(value, Capture) and not (value.text or "").strip())


def is_zero(ctx: Context, value: Any) -> bool:
    """Printed as exactly zero (0, 0.00). A blank is not zero."""
    if is_blank(ctx, value):
        return False
    return as_quantity(value, ctx).value == 0


def is_number(ctx: Context, value: Any) -> bool:
    """A cell or capture printed as a number (a blank or a text such as "—" is not)."""
    if isinstance(value, Quantity):
        return True
    if isinstance(value, Capture):
        return value.text is not None and parse_amount(value.text.strip()) is not None
    return False


def printed(ctx: Context, value: Any) -> str:
    """The text printed in a cell or capture, as printed ("" for a blank cell)."""
    if isinstance(value, Blank):
        return value.ref.text or ""
    if isinstance(value, Quantity):
        return value.text if value.text is not None else describe(value)
    return as_text(value)


# ---- prose -------------------------------------------------------------------------------------------


def document(ctx: Context) -> Scope:
    """All the prose of the document (every section's paragraphs)."""
    return ctx.document_scope()


def _int(value: Any) -> int:
    if isinstance(value, Quantity):
        return int(value.value)
    return int(as_text(value))


def _section_matches(s: Section, query: str | RegexV, number: str | None, level: Any) -> int:
    """0 = no match, 2 = exact heading or title (or a ``re"…"`` found in the title), 1 = title contains the query."""
    if level is not None and s.level != _int(level):
        return 0
    if number is not None and _norm_number(s.number) != _norm_number(number):
        return 0
    if isinstance(query, RegexV):
        # the title as labels are compared: no spaces, punctuation or quotes ("三公"经费 → 三公经费)
        return 2 if compile_regex(query.pattern).search(normalise_label(s.title)) else 0
    if not query:
        return 2
    q = normalise_label(query)
    if normalise_prose(s.heading) == normalise_prose(query) or normalise_label(s.title) == q:
        return 2
    return 1 if q and q in normalise_label(s.title) else 0


def _norm_number(number: str | None) -> str:
    """A section number as compared: "（一）" = "(一)" = "一"; "第二部分" stays itself."""
    t = unicodedata.normalize("NFKC", number or "")
    return "".join(ch for ch in t if not unicodedata.category(ch).startswith(("P", "S", "Z")))


def sections(ctx: Context, *args: Any, number: Any = None, level: Any = None) -> list[Scope]:
    """Every section whose heading or title matches (exact matches first, then titles containing it).

    A ``re"…"`` is searched in the title as labels are compared (``sections(re"^预算绩效")``)."""
    within: list[Section]
    rest = list(args)
    if rest and isinstance(rest[0], Scope):
        parent = rest.pop(0)
        within = list(parent.section.children) if parent.section else list(ctx.document.sections)
    else:
        within = list(ctx.document.sections)
    if len(rest) > 1:
        raise RuleBug("section() 只接受一个标题 / section() takes one heading")
    query: str | RegexV = (rest[0] if isinstance(rest[0], RegexV) else as_text(rest[0])) if rest else ""
    num = as_text(number) if number is not None else None
    scored: list[tuple[int, int, Section]] = []
    for i, s in enumerate(iter_sections(within)):
        ctx.tick()
        score = _section_matches(s, query, num, level)
        if score:
            scored.append((-score, i, s))
    # a heading with nothing under it (a TOC line taken for a heading) ranks after its body instance
    scored.sort(key=lambda x: (x[0], not (x[2].paragraphs or x[2].children), x[1]))
    return [ctx.section_scope(s) for _, _, s in scored]


def section(ctx: Context, *args: Any, number: Any = None, level: Any = None) -> Scope:
    """The section with this heading or title (``section("一、收入支出决算总体情况说明")``).

    On a section (``s.section("结构情况")``) only its subsections are searched.
    """
    found = sections(ctx, *args, number=number, level=level)
    if not found:
        what = " ".join(as_text(a) for a in args if not isinstance(a, Scope)) or as_text(number or "")
        raise Missing(f"没有找到章节 {what} / section {what!r} not found")
    return found[0]


def paragraphs(ctx: Context, scope: Any) -> list[Scope]:
    if not isinstance(scope, Scope):
        raise RuleBug("paragraphs() 需要章节 / paragraphs() needs a section")
    out: list[Scope] = []
    current: list[Sentence] = []
    for s in scope.sentences:
        if current and s.paragraph is not current[-1].paragraph:
            out.append(Scope(scope.name, tuple(current), scope.section))
            current = []
        current.append(s)
    if current:
        out.append(Scope(scope.name, tuple(current), scope.section))
    return out


def sentences(ctx: Context, scope: Any) -> list[Sentence]:
    return scope_of(scope, ctx)


def _matches(ctx: Context, scope: Any, pattern: Any) -> list[Match]:
    """Matches inside each sentence: a pattern never spans two sentences."""
    if isinstance(pattern, RegexV):
        rx = compile_regex(pattern.pattern)
    elif isinstance(pattern, str | Capture):
        rx = compile_regex(_escape(as_text(pattern)))
    else:
        raise RuleBug('需要 re"…" 或字符串 / a re"…" pattern or a string is needed')
    names = {i: name for name, i in rx.groupindex.items()}
    out: list[Match] = []
    for s in scope_of(scope, ctx):
        ctx.tick(1 + len(s.text) // 64)
        for m in rx.finditer(s.text):
            groups = {name: Capture(name, m.group(i), s, m.end(i)) for i, name in names.items()}
            out.append(Match(m.group(0), groups, s))
    return out


def _escape(text: str) -> str:
    return "".join("\\" + ch if ch in r"\.^$|?*+()[]{}" else ch for ch in text)


def find(ctx: Context, scope: Any, pattern: Any) -> list[Match]:
    """Every match of ``pattern`` in the scope; named groups become fields: ``m.rate``."""
    return _matches(ctx, scope, pattern)


def contains(ctx: Context, scope: Any, pattern: Any) -> Verdict:
    """The scope has at least one match (a string is matched literally)."""
    found = _matches(ctx, scope, pattern)
    sents = scope_of(scope, ctx)
    where = sents[0].location if sents else None
    what = pattern.pattern if isinstance(pattern, RegexV) else as_text(pattern)
    ev = Evidence(expression=what, method="text", matches=[m.sentence.text for m in found[:10]])
    return Verdict(
        "pass" if found else "fail", ev, found[0].sentence.location if found else where, args={"pattern": what}
    )


def absent(ctx: Context, scope: Any, pattern: Any) -> Verdict:
    """No match in the scope; each match found is reported as its own finding."""
    return none(ctx, _matches(ctx, scope, pattern))


def none(ctx: Context, items: Any) -> Verdict:
    """The list is empty; otherwise one finding per item (a match, a sentence, a row…)."""
    items = _as_list(items)
    if not items:
        return Verdict("pass", Evidence(method="text"))
    violations = []
    for it in items:
        loc = _location_of(it)
        text = describe(it)
        ev = Evidence(method="text", matches=[text])
        violations.append(Violation(loc, ev, {"match": text}))
    return Verdict(
        "fail",
        Evidence(method="text", matches=[describe(i) for i in items[:10]]),
        violations[0].location,
        violations=violations,
        args={"match": violations[0].args["match"]},
    )


def _location_of(item: Any) -> Location | None:
    if isinstance(item, Match):
        return item.sentence.location
    if isinstance(item, Sentence):
        return item.location
    if isinstance(item, RowV):
        t, r = item.table, item.row
        return Location(page=r.page, table=t.key, table_number=t.number, row_code=r.code, row_label=r.label)
    if isinstance(item, Quantity):
        return next((r.location for r in item.refs if r.location), None)
    if isinstance(item, TocV):
        return Location(page=item.entry.page, section="目录", text=item.entry.text)
    if isinstance(item, TableV):
        t = item.table
        return Location(page=t.page, bbox=t.bbox, table=t.key, table_number=t.number)
    if isinstance(item, Scope) and item.section is not None:
        return Location(page=item.section.page, bbox=item.section.bbox, section=item.section.heading)
    return None


def repeats(ctx: Context, scope: Any, min: Any = None) -> list[Match]:  # noqa: A002 - the DSL keyword is "min"
    """Phrases written twice in a row ("从绩效评价情况来看，从绩效评价情况来看"), at least ``min`` characters.

    RE2 has no back-references, so this is done here, in O(length × 40) per sentence.
    """
    shortest = _int(min) if min is not None else 4
    out: list[Match] = []
    for s in scope_of(scope, ctx):
        t = s.text
        ctx.tick(1 + len(t) // 8)
        i = 0
        while i < len(t):
            hit = _repeat_at(t, i, shortest)
            if hit:
                out.append(Match(hit, {}, s))
                i += len(hit)
            else:
                i += 1
    return out


def _repeat_at(t: str, i: int, shortest: int) -> str | None:
    for length in range(min(40, (len(t) - i) // 2), shortest - 1, -1):
        a = t[i : i + length]
        j = i + length
        # the same phrase again, directly or after one punctuation mark (startswith at an offset: no slicing)
        if t.startswith(a, j):
            gap = 0
        elif t[j : j + 1] in {"，", "、", "；", ",", ";"} and t.startswith(a, j + 1):
            gap = 1
        else:
            continue
        if normalise_label(a):  # a run of punctuation or spaces is not a phrase
            return t[i : j + gap + length]
    return None


def label(ctx: Context, text: Any) -> Any:
    """Text normalised as labels are compared: no spaces, punctuation or leading 一、 (on a list, each item)."""
    if isinstance(text, list):
        return [label(ctx, x) for x in text]
    return normalise_label(as_text(text))


def text(ctx: Context, *values: Any) -> str:
    """The text of a value; several values are joined: ``text(m.name, "支出")``."""
    return "".join(as_text(v) for v in values)


def matches(ctx: Context, value: Any, pattern: Any) -> bool:
    """A text (a label, a header path ``c.path``, a capture…) contains the ``re"…"`` pattern."""
    if not isinstance(pattern, RegexV):
        raise RuleBug('matches() 需要 re"…" / matches() needs a re"…" pattern')
    return compile_regex(pattern.pattern).search(as_text(value)) is not None


def captures(ctx: Context, found: Any, name: Any) -> list[Any]:
    """The capture ``name`` of every match of a list: ``sum(s.find(re"…(?P<amount>…)…").captures("amount"))``."""
    n = as_text(name)
    out = []
    for m in _as_list(found):
        if not isinstance(m, Match):
            raise RuleBug(f"captures() 需要匹配结果 / captures() needs matches, got {describe(m)[:20]}")
        if n not in m.groups:
            raise RuleBug(f"模式中没有分组 {n} / no group {n!r} in the pattern")
        out.append(m.groups[n])
    return out


# ---- document structure: table of contents, order, parents, form cells ---------------------------


def toc(ctx: Context, level: Any = None) -> list[TocV]:
    """The entries of the table of contents (目录) in printed order; ``toc(level = 1)`` only the 第X部分 lines.

    Fields: ``e.text`` (as printed), ``e.number`` (第二部分, 十一…), ``e.title`` (without the number),
    ``e.level`` (1 = 第X部分, 2 = 一、), ``e.page`` (the page number printed in the TOC, if any).
    """
    want = _int(level) if level is not None else None
    ctx.tick(len(ctx.document.toc))
    return [TocV(e, i) for i, e in enumerate(ctx.document.toc) if want is None or e.level == want]


def _comparable_title(text_: str) -> str:
    """A heading as titles are compared: no number, no "…2024年度" prefix, no spaces or punctuation."""
    return normalise_label(normalise_title(split_number(text_)[1]))


def title(ctx: Context, x: Any) -> str:
    """The title of a TOC entry, section or table (or a text) as titles are compared: without its number,
    the "<unit> 2024 年度" prefix, spaces and punctuation. "2024 年度重点工作完成情况" and
    "2024 年重点工作完成情况" have the same title; "其他重要事项说明" and "其他重要事项的情况说明" do not.
    """
    if isinstance(x, TocV):
        return _comparable_title(x.entry.text)
    if isinstance(x, Scope) and x.section is not None:
        return _comparable_title(x.section.heading)
    if isinstance(x, TableV):
        return _comparable_title(x.table.title)
    return _comparable_title(as_text(x))


def _toc_targets(ctx: Context) -> list[Section | Table | None]:
    """What each TOC entry names in the body (None when nothing does), computed once per document.

    A 第X部分 line is the level-1 section with the same title, else the same number. A line under it is
    a section of that part with the same title, else the same number; else the table the catalogue
    knows by that title (the 第二部分 lines name the 公开表); else any section with the same title.
    TOC lines themselves are never body headings (domain.md §2.6).
    """
    key = id(ctx.document)
    cache = ctx.__dict__.setdefault("_toc_cache", {})
    if key in cache:
        return cache[key]
    doc = ctx.document
    cat = Catalogue()
    everything = list(iter_sections(doc.sections))
    parts = [s for s in everything if s.level == 1]
    ctx.tick(len(doc.toc) * (len(everything) + len(doc.tables)))

    def pick(cands: list[Section], number: str, wanted: str) -> Section | None:
        same_title = [s for s in cands if _comparable_title(s.heading) == wanted]
        if same_title:
            return same_title[0]
        if number:
            return next((s for s in cands if _norm_number(s.number) == _norm_number(number)), None)
        return None

    out: list[Section | Table | None] = []
    part: Section | None = None
    for e in doc.toc:
        number, ttl = split_number(e.text)
        wanted = _comparable_title(e.text)
        hit: Section | Table | None
        if e.level <= 1:
            hit = pick(parts, number, wanted)
            part = hit
        else:
            hit = pick(list(part.children), number, wanted) if part is not None else None
            if hit is None:
                spec = cat.match_title(ttl)
                hit = next((t for t in doc.tables if spec is not None and t.key == spec.key), None)
            if hit is None:
                hit = next((s for s in everything if _comparable_title(s.heading) == wanted), None)
        out.append(hit)
    cache[key] = out
    return out


def _as_value(ctx: Context, x: Section | Table) -> Scope | TableV:
    return TableV(x) if isinstance(x, Table) else ctx.section_scope(x)


def target(ctx: Context, entry: Any) -> Scope | TableV:
    """The body section or table a TOC entry names (see ``toc``); nothing → insufficient_data,
    so ``exists(target(e))`` asks whether the entry has a counterpart in the body."""
    if not isinstance(entry, TocV):
        raise RuleBug("target() 需要目录条目 / target() needs a TOC entry from toc()")
    hit = _toc_targets(ctx)[entry.index]
    if hit is None:
        raise Missing(f"目录条目“{entry.entry.text}”在正文中没有对应的标题或表 / TOC entry not found in the body")
    return _as_value(ctx, hit)


def toc_entry(ctx: Context, x: Any) -> TocV:
    """The TOC entry that names this section or table; not listed in the TOC → insufficient_data."""
    if isinstance(x, TableV):
        obj: Any = x.table
    elif isinstance(x, Scope) and x.section is not None:
        obj = x.section
    else:
        raise RuleBug("toc_entry() 需要章节或表 / toc_entry() needs a section or a table")
    for i, hit in enumerate(_toc_targets(ctx)):
        if hit is obj:
            return TocV(ctx.document.toc[i], i)
    raise Missing(f"“{describe(x)}”不在目录中 / not listed in the TOC")


def _position(ctx: Context, x: Any) -> tuple[int, float, int] | None:
    """Where a table, section, row or TOC entry's target is printed: (page, top, headings first)."""
    if isinstance(x, TocV):
        hit = _toc_targets(ctx)[x.index]
        return _position(ctx, _as_value(ctx, hit)) if hit is not None else None
    if isinstance(x, TableV):
        t = x.table
        return (t.page, t.bbox[1] if t.bbox else 0.0, 1)
    if isinstance(x, RowV):
        cell_ = next((c for c in x.row.cells if c.bbox), None)
        return (x.row.page, cell_.bbox[1] if cell_ and cell_.bbox else 0.0, 1)
    if isinstance(x, Scope) and x.section is not None:
        s = x.section
        return (s.page, s.bbox[1] if s.bbox else 0.0, 0)
    raise RuleBug(f"in_order() 不能定位 {describe(x)[:20]} / cannot place this item")


def in_order(ctx: Context, items: Any) -> Verdict:
    """The tables, sections or TOC entries of the list are printed in this order.

    Each item printed before one listed ahead of it is its own finding (``{match}`` the item,
    ``{after}`` the one it should follow). Items that cannot be found (a TOC entry without a
    counterpart) are left out: ``exists`` reports those.
    """
    ahead: tuple[Any, tuple[int, float, int]] | None = None
    violations: list[Violation] = []
    for it in _as_list(items):
        ctx.tick()
        pos = _position(ctx, it)
        if pos is None:
            continue
        if ahead is not None and pos < ahead[1]:
            args = {"match": describe(it), "after": describe(ahead[0])}
            violations.append(Violation(_location_of(it), Evidence(method="order", matches=[describe(it)]), args))
            continue
        ahead = (it, pos)
    if not violations:
        return Verdict("pass", Evidence(method="order"))
    return Verdict(
        "fail",
        Evidence(method="order", matches=[v.args["match"] for v in violations[:10]]),
        violations[0].location,
        violations=violations,
        args=dict(violations[0].args),
    )


def parent(ctx: Context, x: Any) -> RowV | Scope:
    """One level up: the 款 row of a 项 row (by code), the 类 row of a 款 row, the 合计 row of a 类 row
    (same lane); the section a subsection belongs to. None (a top-level item) → insufficient_data."""
    if isinstance(x, RowV):
        t, r = x.table, x.row
        same_lane = [y for y in t.rows if y.lane == r.lane and y is not r]
        ctx.tick(len(same_lane))
        if r.code and len(r.code) in (5, 7):
            hit = next((y for y in same_lane if y.code == r.code[:-2]), None)
        elif r.code and len(r.code) == 3:
            hit = next((y for y in same_lane if y.level == "合计"), None)
        else:
            hit = None
        if hit is None:
            raise Missing(f"{describe(x)} 没有上级行 / no parent row")
        return RowV(t, hit)
    if isinstance(x, Scope) and x.section is not None:
        for s in iter_sections(ctx.document.sections):
            ctx.tick()
            if any(c is x.section for c in s.children):
                return ctx.section_scope(s)
        raise Missing(f"“{x.name}”是顶层章节 / a top-level section has no parent")
    raise RuleBug("parent() 需要一行或一个章节 / parent() needs a row or a section")


def _text_has(text_: str, pattern: Any) -> bool:
    """A ``re"…"`` found in the text, or a text contained in it (as printed, or compared as labels)."""
    if isinstance(pattern, RegexV):
        return compile_regex(pattern.pattern).search(text_) is not None
    needle = as_text(pattern)
    if not needle.strip():
        return False
    return normalise_prose(needle) in text_ or normalise_label(needle) in normalise_label(text_)


def containing(ctx: Context, items: Any, pattern: Any) -> list[Any]:
    """The items of a list (paragraphs, sentences, sections, matches, cells) whose text contains the
    pattern: a ``re"…"``, or a text found as printed or compared as labels (spaces, punctuation and
    brackets ignored, so "党委办公厅（室）及相关机构事务" is found in "…党委办公厅室及相关机构事务款…").

    ``count(paragraphs(s).containing(r.label)) > 0``: some paragraph names the row.
    """
    out = []
    for it in _as_list(items):
        sents = scope_of(it, ctx)
        joined = "".join(s.text for s in sents)
        ctx.tick(1 + len(joined) // 64)
        if _text_has(joined, pattern):
            out.append(it)
    return out


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
            if not text_ or (pattern is not None and not _text_has(text_, pattern)):
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
            )
            out.append(Sentence(text_, None, None, c.page, loc))
    return out


def _longest_common_run(a: str, b: str) -> int:
    """Length of the longest common substring (dynamic programming, O(len(a)·len(b)))."""
    best = 0
    prev = [0] * (len(b) + 1)
    for ch in a:
        cur = [0] * (len(b) + 1)
        for j, ch2 in enumerate(b, 1):
            if ch == ch2:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def mentions(ctx: Context, scope: Any, name: Any, ratio: Any = None) -> Verdict:
    """The scope names ``name`` (compared as labels). With ``ratio = 0.7`` a sentence sharing an unbroken
    run of at least 70 % of the name also counts: a glossary entry "机关事业单位基本养老保险(款)" names
    the subject 机关事业单位基本养老保险缴费支出. Fails with ``{match}`` = the name."""
    want = normalise_label(as_text(name))
    r = Decimal(1) if ratio is None else as_quantity(ratio, ctx).value
    sents = scope_of(scope, ctx)
    found = None
    if want:
        need = max(1, int((Decimal(len(want)) * r).to_integral_value(ROUND_HALF_UP)))
        for s in sents:
            have = normalise_label(s.text)
            ctx.tick(1 + len(want) * len(have) // 256)
            if want in have or (need < len(want) and _longest_common_run(want, have) >= need):
                found = s
                break
    ev = Evidence(expression=as_text(name), method="text", matches=[found.text] if found else [])
    where = found.location if found else (sents[0].location if sents else None)
    return Verdict("pass" if found else "fail", ev, where, args={"match": as_text(name)})


# ---- document-wide text helpers (wording and format rules) ---------------------------------------


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
        col_ix = next(
            (c.index for c in t.columns if c.lane == r.lane and any(_form_hit(which, h) for h in column_path(c))), None
        )
        if col_ix is None:
            ctx.tick(len(t.rows))
            for hr in sorted((x for x in t.rows if x.index < r.index), key=lambda x: -x.index):
                hc = next((c for c in hr.cells if _form_hit(which, c.text)), None)
                if hc is not None:
                    col_ix = hc.column
                    break
        hit = next((c for c in cells if c.column == col_ix), None) if col_ix is not None else None
    column = next((c for c in t.columns if hit is not None and c.index == hit.column), None)
    text_ = normalise_prose(hit.text) if hit is not None else ""
    loc = Location(
        page=hit.page if hit is not None else r.page,
        bbox=hit.bbox if hit is not None else None,
        table=t.key,
        table_number=t.number,
        row_code=r.code,
        row_label=r.label,
        column=column_path(column) if column is not None else None,
        text=text_ or None,
    )
    return Sentence(text_, None, None, loc.page, loc)


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


def metadata(ctx: Context, name: Any) -> Any:
    """A field of the document's metadata: ``fiscal_year`` (a number), ``unit_name``, ``kind``,
    ``profile``, ``title``, ``currency_unit``, ``publication_date``. Unknown to the parser → insufficient_data."""
    n = as_text(name)
    if n not in {f.name for f in fields(Metadata)}:
        raise RuleBug(f"元数据没有字段 {n} / no metadata field {n!r}")
    value = getattr(ctx.document.metadata, n)
    if value is None or value == "":
        raise Missing(f"文档元数据缺少 {n} / metadata {n} unknown")
    return Quantity.exact(value) if isinstance(value, int) else str(value)


_YEAR = re.compile(r"(?:19|20)\d\d")


def year(ctx: Context, value: Any) -> Quantity:
    """A year read as a number (``year(m.y) == metadata("fiscal_year") - 1``).

    A captured year is never an amount; this is the one way to compute with it. Not a 4-digit year
    (19xx/20xx) → insufficient_data.
    """
    t = as_text(value).strip()
    if not _YEAR.fullmatch(t):
        raise Missing(f"“{t}” 不是年份 / {t!r} is not a year")
    return Quantity.exact(int(t))


def headings(ctx: Context) -> Scope:
    """The document's title, TOC entries, section headings and table titles, one sentence each."""
    doc = ctx.document
    out: list[Sentence] = []

    def add(text_: str | None, loc: Location) -> None:
        t = normalise_prose(text_ or "")
        if t:
            out.append(Sentence(t, None, None, loc.page, Location(**{**loc.__dict__, "text": t})))

    add(doc.metadata.title, Location(page=1))
    for e in doc.toc:
        add(e.text, Location(page=e.page, section="目录"))
    for s in iter_sections(doc.sections):
        add(s.heading, Location(page=s.page, bbox=s.bbox, section=s.heading))
    for tb in doc.tables:
        add(tb.title, Location(page=tb.page, bbox=tb.bbox, table=tb.key, table_number=tb.number))
    ctx.tick(len(out))
    return Scope("标题", tuple(out))


_CN_DIGIT = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# enumerators at the start of a sentence, by style: 一、 / （一） / 1. or 1、 / （1）
_ENUMERATOR_STYLES = (
    ("cn", re.compile(r"^([一二三四五六七八九十百]+)、")),
    ("cn_paren", re.compile(r"^[（(]([一二三四五六七八九十百]+)[)）]")),
    ("arabic", re.compile(r"^(\d{1,3})(?:[.．](?!\d)|、)")),
    ("arabic_paren", re.compile(r"^[（(](\d{1,3})[)）]")),
)


def _cn_number(t: str) -> int | None:
    """一 … 九十九, 一百…: the value of a Chinese numeral as used in enumerators."""
    total, cur = 0, 0
    for ch in t:
        if ch == "百":
            total, cur = total + (cur or 1) * 100, 0
        elif ch == "十":
            total, cur = total + (cur or 1) * 10, 0
        elif ch in _CN_DIGIT:
            cur = _CN_DIGIT[ch]
        else:
            return None
    return total + cur


def _cn_numeral(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "") if n < 100 else str(n)


def _enumerator(style: str, n: int) -> str:
    return {
        "cn": f"{_cn_numeral(n)}、",
        "cn_paren": f"（{_cn_numeral(n)}）",
        "arabic": f"{n}.",
        "arabic_paren": f"（{n}）",
    }[style]


def numbering_gaps(ctx: Context, scope: Any) -> list[Match]:
    """Enumerators at the start of a sentence that skip or repeat a number (（一）（三）, 1. 2. 2.).

    Each style (一、 / （一） / 1. / （1）) is followed separately inside each section; a list may
    restart at 1. Each match has the groups ``number`` (as printed) and ``expected``.
    """
    out: list[Match] = []
    last: dict[str, int] = {}
    section: object = None
    for s in scope_of(scope, ctx):
        ctx.tick()
        if s.section is not section:
            last, section = {}, s.section
        for style, rx in _ENUMERATOR_STYLES:
            m = rx.match(s.text)
            if m is None:
                continue
            n = int(m.group(1)) if style.startswith("arabic") else _cn_number(m.group(1))
            if n is None:
                break
            prev = last.get(style)
            if prev is not None and n != 1 and n != prev + 1:
                groups = {
                    "number": Capture("number", m.group(0), s, m.end()),
                    "expected": Capture("expected", _enumerator(style, prev + 1), s, m.end()),
                }
                out.append(Match(m.group(0), groups, s))
            last[style] = n
            break
    return out


_CONNECTOR_CHARS = frozenset("和与及暨")


def _name_key(text_: str) -> str:
    return "".join(ch for ch in normalise_label(text_) if ch not in _CONNECTOR_CHARS)


def name_variants(ctx: Context, scope: Any, name: Any) -> list[Match]:
    """Places where a name is printed differently only in connectors (和/与/及/暨/、), brackets or
    spaces: "规划与自然资源局" for the unit "规划和自然资源局". The exact name is not reported."""
    want = normalise_prose(as_text(name))
    key = _name_key(want)
    out: list[Match] = []
    if len(key) < 4:
        return out
    for s in scope_of(scope, ctx):
        t = s.text
        ctx.tick(1 + len(t) // 8)
        i = 0
        while i < len(t):
            hit = None
            if t[i] == want[0]:
                for length in range(len(want) - 2, len(want) + 3):
                    sub = t[i : i + length]
                    if len(sub) == length and sub[-1] == want[-1] and sub != want and _name_key(sub) == key:
                        hit = sub
                        break
            if hit:
                out.append(Match(hit, {}, s))
                i += len(hit)
            else:
                i += 1
    return out


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "table": table,
    "tables": tables,
    "rows": rows,
    "row": row,
    "children": children,
    "above": above,
    "below": below,
    "between": between,
    "col_having": col_having,
    "form_value": form_value,
    "is_number": is_number,
    "printed": printed,
    "matches": matches,
    "captures": captures,
    "toc": toc,
    "title": title,
    "target": target,
    "toc_entry": toc_entry,
    "in_order": in_order,
    "parent": parent,
    "containing": containing,
    "cells": cells,
    "mentions": mentions,
    "col": col,
    "columns": columns,
    "is_empty": is_empty,
    "notes": notes,
    "sum": sum_,
    "count": count,
    "pct": pct,
    "ratio": ratio,
    "yoy": yoy,
    "signed": signed,
    "agrees": agrees,
    "unit": unit,
    "amount": amount,
    "number": number,
    "pct_matches": pct_matches,
    "items": items,
    "is_blank": is_blank,
    "is_zero": is_zero,
    "document": document,
    "section": section,
    "sections": sections,
    "paragraphs": paragraphs,
    "sentences": sentences,
    "find": find,
    "contains": contains,
    "absent": absent,
    "none": none,
    "repeats": repeats,
    "label": label,
    "text": text,
    "cell": cell,
    "headers": headers,
    "metadata": metadata,
    "year": year,
    "headings": headings,
    "numbering_gaps": numbering_gaps,
    "name_variants": name_variants,
}
