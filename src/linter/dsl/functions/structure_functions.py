"""文档结构 / Document structure.

The table of contents (目录) and what its entries name in the body, titles as they are compared, the
printing order, one level up, the headings, the prose printed near a table, and the document's metadata.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from linter.core.catalogue import Catalogue, normalise_title
from linter.core.findings import Evidence, Location
from linter.core.model import Metadata, Section, Table, iter_sections
from linter.core.text import normalise_label, normalise_prose, split_number
from linter.dsl.functions.shared import as_int, as_list, location_of, norm_number
from linter.dsl.functions.table_functions import notes
from linter.dsl.registration import rule_function
from linter.dsl.runtime import Context, as_text
from linter.dsl.values import (
    Missing,
    Quantity,
    RowV,
    RuleBug,
    Scope,
    Sentence,
    TableV,
    TocV,
    Verdict,
    Violation,
    describe,
)


@rule_function()
def toc(ctx: Context, level: Any = None) -> list[TocV]:
    """The entries of the table of contents (目录) in printed order; ``toc(level = 1)`` only the 第X部分 lines.

    Fields: ``e.text`` (as printed), ``e.number`` (第二部分, 十一…), ``e.title`` (without the number),
    ``e.level`` (1 = 第X部分, 2 = 一、), ``e.page`` (the page number printed in the TOC, if any).
    """
    want = as_int(level) if level is not None else None
    ctx.tick(len(ctx.document.toc))
    return [TocV(e, i) for i, e in enumerate(ctx.document.toc) if want is None or e.level == want]


def _comparable_title(text_: str) -> str:
    """A heading as titles are compared: no number, no "…2024年度" prefix, no spaces or punctuation."""
    return normalise_label(normalise_title(split_number(text_)[1]))


@rule_function()
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
    TOC lines themselves are never body headings (docs/domain-rules.md §2.6).
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
            return next((s for s in cands if norm_number(s.number) == norm_number(number)), None)
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


@rule_function()
def target(ctx: Context, entry: Any) -> Scope | TableV:
    """The body section or table a TOC entry names (see ``toc``); nothing → insufficient_data,
    so ``exists(target(e))`` asks whether the entry has a counterpart in the body.

    A 第X部分 line is the level-1 section with the same title (as ``title`` compares), else the same
    number. A line under it is a section of that part with the same title, else the same number;
    else the 公开表 the catalogue knows by that title (the 第二部分 lines name the tables); else any
    section with the same title. TOC lines themselves are never body headings.
    """
    if not isinstance(entry, TocV):
        raise RuleBug("target() 需要目录条目 / target() needs a TOC entry from toc()")
    hit = _toc_targets(ctx)[entry.index]
    if hit is None:
        raise Missing(f"目录条目“{entry.entry.text}”在正文中没有对应的标题或表 / TOC entry not found in the body")
    return _as_value(ctx, hit)


@rule_function()
def toc_entry(ctx: Context, x: Any) -> TocV:
    """The TOC entry that names this section or table (the inverse of ``target``); not listed in the
    TOC → insufficient_data."""
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


@rule_function()
def in_order(ctx: Context, items: Any) -> Verdict:
    """The tables, sections or TOC entries of the list are printed in this order (page, then position
    on the page): ``in_order([ta, tb])``, ``in_order(toc())``.

    Each item printed before one listed ahead of it is its own finding (``{match}`` the item,
    ``{after}`` the one it should follow). Items that cannot be found (a TOC entry without a
    counterpart) are left out: ``exists`` reports those.
    """
    ahead: tuple[Any, tuple[int, float, int]] | None = None
    violations: list[Violation] = []
    for it in as_list(items):
        ctx.tick()
        pos = _position(ctx, it)
        if pos is None:
            continue
        if ahead is not None and pos < ahead[1]:
            args = {"match": describe(it), "after": describe(ahead[0])}
            violations.append(Violation(location_of(it), Evidence(method="order", matches=[describe(it)]), args))
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


@rule_function()
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


@rule_function()
def nearby(ctx: Context, target: Any) -> Scope:
    """The prose printed near a table, besides its own notes: every paragraph on the table's pages and on
    the page after its last one, whatever section the parser gave it to, and the notes of the other
    tables printed there.

    A statement the template puts under the table is found here when it is not read as the table's
    note: printed below a template instruction line (the notes stop at that line, the rest is prose),
    or pushed to the top of the next page (prose of the section where it lands, or a note of the table
    that opens that page). The text nearby may be about another table, so look for what names this one:
    ``t.notes().contains(said) or t.nearby().contains(said)``.
    """
    if not isinstance(target, TableV):
        raise RuleBug("nearby() 需要一张表 / nearby() needs a table")
    t = target.table
    first, last = t.page, t.page_end + 1
    out: list[Sentence] = []
    prose = ctx.document_scope().sentences
    ctx.tick(len(prose))
    for s in prose:
        p = s.paragraph
        lo, hi = (p.page, p.page_end) if p is not None else (s.page, s.page)
        if lo is not None and hi is not None and lo <= last and hi >= first:
            out.append(s)
    for other in ctx.document.tables:
        ctx.tick()
        if other is not t and other.page <= last and other.page_end >= first:
            out.extend(s for s in notes(ctx, TableV(other)).sentences if s.page is not None and first <= s.page <= last)
    return Scope(f"{describe(target)} 附近", tuple(out))


@rule_function()
def metadata(ctx: Context, name: Any) -> Any:
    """A field of the document's metadata: ``fiscal_year`` (a number), ``unit_name``, ``kind``,
    ``profile``, ``title``, ``currency_unit``, ``publication_date`` (texts). Unknown to the parser →
    insufficient_data; a name not in this list is a rule error. ``metadata("fiscal_year")``."""
    n = as_text(name)
    if n not in {f.name for f in fields(Metadata)}:
        raise RuleBug(f"元数据没有字段 {n} / no metadata field {n!r}")
    value = getattr(ctx.document.metadata, n)
    if value is None or value == "":
        raise Missing(f"文档元数据缺少 {n} / metadata {n} unknown")
    return Quantity.exact(value) if isinstance(value, int) else str(value)


@rule_function()
def headings(ctx: Context) -> Scope:
    """The document's title, TOC entries, section headings and table titles, one sentence each: for
    checks of years and template residue outside the body text (``headings().absent(re"…")``)."""
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
