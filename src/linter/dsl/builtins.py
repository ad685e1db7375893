"""The built-in functions of the rule language.

Every function is called as ``f(ctx, *args, **kwargs)``; in a rule ``x.f(a)`` is ``f(x, a)``.
They are registered through the ``fiscal_lint_dsl_functions`` hook (see
:mod:`linter.dsl.plugin`), exactly as a third-party plugin registers its own.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from linter.dsl.runtime import (
    POLICIES,
    Context,
    apply_policy,
    as_quantity,
    as_text,
    compile_regex,
    scope_of,
)
from linter.dsl.text import normalise_label, normalise_prose, split_sentences
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
    Verdict,
    Violation,
    column_path,
    describe,
)
from linter.findings import Evidence, Location
from linter.model import Column, Row, Section, Table, iter_sections

HUNDRED = Quantity.exact(100)


# ---- tables, rows, columns -------------------------------------------------------------------------


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


def is_empty(ctx: Context, target: Any) -> bool:
    """True when no amount cell of the table holds a non-zero number (blank and 0.00 are empty)."""
    t = _table_of(target)
    ctx.tick(len(t.rows))
    amount_cols = {c.index for c in t.columns if c.role == "amount"}
    return not any(
        c.value is not None and Decimal(c.value) != 0 for r in t.rows for c in r.cells if c.column in amount_cols
    )


def notes(ctx: Context, target: Any) -> Scope:
    """The notes printed under a table (说明, 注, the 本表无数据 statement) as prose."""
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


def amount(ctx: Context, value: Any) -> Quantity:
    """A number from a capture or a string, with its printed precision."""
    return as_quantity(value, ctx)


def is_blank(ctx: Context, value: Any) -> bool:
    return isinstance(value, Blank) or (isinstance(value, Capture) and not (value.text or "").strip())


def is_zero(ctx: Context, value: Any) -> bool:
    """Printed as exactly zero (0, 0.00). A blank is not zero."""
    if is_blank(ctx, value):
        return False
    return as_quantity(value, ctx).value == 0


# ---- prose -------------------------------------------------------------------------------------------


def document(ctx: Context) -> Scope:
    """All the prose of the document (every section's paragraphs)."""
    return ctx.document_scope()


def _int(value: Any) -> int:
    if isinstance(value, Quantity):
        return int(value.value)
    return int(as_text(value))


def _section_matches(s: Section, query: str, number: str | None, level: Any) -> int:
    """0 = no match, 2 = exact heading or title, 1 = title contains the query."""
    if level is not None and s.level != _int(level):
        return 0
    if number is not None and normalise_label(s.number) != normalise_label(number):
        return 0
    if not query:
        return 2
    q = normalise_label(query)
    if normalise_prose(s.heading) == normalise_prose(query) or normalise_label(s.title) == q:
        return 2
    return 1 if q and q in normalise_label(s.title) else 0


def sections(ctx: Context, *args: Any, number: Any = None, level: Any = None) -> list[Scope]:
    """Every section whose heading or title matches (exact matches first, then titles containing it)."""
    within: list[Section]
    rest = list(args)
    if rest and isinstance(rest[0], Scope):
        parent = rest.pop(0)
        within = list(parent.section.children) if parent.section else list(ctx.document.sections)
    else:
        within = list(ctx.document.sections)
    if len(rest) > 1:
        raise RuleBug("section() 只接受一个标题 / section() takes one heading")
    query = as_text(rest[0]) if rest else ""
    num = as_text(number) if number is not None else None
    scored: list[tuple[int, int, Section]] = []
    for i, s in enumerate(iter_sections(within)):
        ctx.tick()
        score = _section_matches(s, query, num, level)
        if score:
            scored.append((-score, i, s))
    scored.sort(key=lambda x: (x[0], x[1]))
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
        if not normalise_label(a):
            continue
        rest = t[i + length :]
        # the same phrase again, directly or after one punctuation mark
        if rest.startswith(a) or (rest[:1] in "，、；,;" and rest[1:].startswith(a)):
            return t[i : i + length + (0 if rest.startswith(a) else 1) + length]
    return None


def label(ctx: Context, text: Any) -> str:
    """Text normalised as labels are compared: no spaces, punctuation or leading 一、."""
    return normalise_label(as_text(text))


def text(ctx: Context, value: Any) -> str:
    return as_text(value)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "table": table,
    "rows": rows,
    "row": row,
    "children": children,
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
}
