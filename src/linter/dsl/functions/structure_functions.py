"""文档结构 / Document structure.

The table of contents (目录) and what its entries name in the body, titles as they are compared, the
printing order, one level up, the headings, the prose printed near a table, and the document's metadata.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import fields
from difflib import SequenceMatcher
from typing import Any

from linter.core.catalogue import Catalogue, normalise_title
from linter.core.findings import Evidence, Location
from linter.core.model import Metadata, Paragraph, Section, Table, iter_sections
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
    targets: list[Section | Table | None] = ctx.once("toc_targets", lambda: _find_toc_targets(ctx))
    return targets


def _find_toc_targets(ctx: Context) -> list[Section | Table | None]:
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


# ---- a TOC line against its body heading: the closest heading and how the two texts differ ----------------

_SIMILAR_TITLE = 0.6  # SequenceMatcher ratio of two comparable titles above which a heading is the line's, reworded
_GENERIC_UNIT = {"部门", "单位", "本部门", "本单位"}
_YEAR = re.compile(r"(?:19|20)\d{2}")


def _printed(text_: str) -> str:
    """A heading as printed, compared: NFKC, no spaces, one kind of quotes, "年度" read as "年"."""
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text_ or ""))
    t = re.sub(r"[“”\"]", "\"", t)
    t = re.sub(r"[‘’']", "'", t)
    return t.replace("年度", "年")


def _heading_text(x: Section | Table | Paragraph) -> str:
    if isinstance(x, Paragraph):
        return re.sub(r"\s+", " ", x.text).strip()
    return x.heading if isinstance(x, Section) else x.title


def _title_lines(doc: Any, toc_pages: set[int]) -> list[tuple[Section, Paragraph]]:
    """Paragraphs printed as a title line of their own (short, no sentence punctuation), outside the TOC pages:
    a part heading the parser read as prose ("上海市规划和自然资源局2024年度部门决算表" above the first table)."""
    out = []
    for s in iter_sections(doc.sections):
        for p in s.paragraphs:
            t = re.sub(r"\s+", "", p.text or "")
            if 4 <= len(t) <= 40 and not re.search(r"[。；;，,：:！？]", t) and p.page not in toc_pages:
                out.append((s, p))
    return out


def _closest(ctx: Context, index: int) -> tuple[Section | Table | Paragraph, bool] | None:
    """The body heading of TOC line ``index`` (see ``target``: same title, else same number), with True; else the
    heading most like it (comparable titles at least 60 % alike) among the headings of its level that no other
    TOC line names (a 第X部分 line: the parts; a line under a part: that part's sections), or else a title line
    printed as prose with the same title, with False."""
    targets = _toc_targets(ctx)
    hit = targets[index]
    if hit is not None:
        return hit, True
    doc = ctx.document
    e = doc.toc[index]
    taken = {id(t) for t in targets if t is not None}
    if e.level <= 1:
        pool = [s for s in doc.sections if s.level == 1]
    else:
        part = next((targets[i] for i in range(index - 1, -1, -1) if doc.toc[i].level <= 1), None)
        pool = list(part.children) if isinstance(part, Section) else [s for s in iter_sections(doc.sections) if s.level > 1]
    wanted = _comparable_title(e.text)
    best: tuple[float, Section] | None = None
    ctx.tick(len(pool))
    for s in pool:
        if id(s) in taken:
            continue
        ratio = SequenceMatcher(None, wanted, _comparable_title(s.heading)).ratio()
        if ratio >= _SIMILAR_TITLE and (best is None or ratio > best[0]):
            best = (ratio, s)
    if best is not None:
        return best[1], False
    lines = _title_lines(doc, {x.page for x in doc.toc})
    ctx.tick(len(lines))
    return next(((p, False) for _, p in lines if wanted and _comparable_title(p.text) == wanted), None)


def _unit_span(text_: str, unit: str) -> tuple[int, int] | None:
    i = text_.find(unit) if unit else -1
    return (i, i + len(unit)) if i >= 0 else None


def heading_difference(toc_text: str, body_text: str, unit_name: str | None) -> tuple[str, str]:
    """How a TOC line and its body heading differ, as printed: ("", "") when they do not (spaces, the width
    of characters, the kind of quotes and 年度/年 aside); else the kind ("年度", "单位名称" or "文字") and the
    difference in words: "年度不同：目录 2023 年，正文 2024 年", "单位名称不同：目录缺“武汉市”"."""
    a, b = _printed(toc_text), _printed(body_text)
    if a == b:
        return "", ""
    years_a, years_b = _YEAR.findall(a), _YEAR.findall(b)
    if years_a and years_b and years_a != years_b:
        return "年度", f"年度不同：目录写 {'、'.join(years_a)} 年，正文写 {'、'.join(years_b)} 年"
    unit = _printed(unit_name or "")
    spans_a, spans_b = _unit_span(a, unit), _unit_span(b, unit)
    parts: list[str] = []
    in_unit = False
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        x, y = a[i1:i2], b[j1:j2]
        if op == "delete":
            parts.append(f"目录多“{x}”")
        elif op == "insert":
            parts.append(f"目录缺“{y}”")
        else:
            parts.append(f"目录“{x}”，正文“{y}”")
        touches_b = spans_b is not None and j1 < spans_b[1] and max(j2, j1 + 1) > spans_b[0]
        touches_a = spans_a is not None and i1 < spans_a[1] and max(i2, i1 + 1) > spans_a[0]
        if (touches_a or touches_b) and x not in _GENERIC_UNIT:
            in_unit = True
    kind = "单位名称" if in_unit else "文字"
    return kind, f"{kind}不同：{'；'.join(parts)}"


def _body_location(ctx: Context, x: Section | Table | Paragraph) -> Location | None:
    if isinstance(x, Paragraph):
        return Location(page=x.page, bbox=x.bbox, text=_heading_text(x))
    return location_of(_as_value(ctx, x))


@rule_function()
def closest_heading(ctx: Context, entry: Any) -> Scope | TableV:
    """The body heading a TOC entry names, or failing that the closest one: ``target(e)`` (same title, else
    the same number), else the heading of the entry's level most like it (titles at least 60 % alike) that
    no other entry names, else a title line printed as prose with the same title (a part heading the parser
    read as a paragraph). Nothing close → insufficient_data."""
    if not isinstance(entry, TocV):
        raise RuleBug("closest_heading() 需要目录条目 / closest_heading() needs a TOC entry from toc()")
    hit = _closest(ctx, entry.index)
    if hit is None:
        raise Missing(f"目录条目“{entry.entry.text}”在正文中没有相近的标题 / no body heading close to the TOC entry")
    body = hit[0]
    if isinstance(body, Paragraph):
        loc = _body_location(ctx, body)
        assert loc is not None
        text_ = _heading_text(body)
        return Scope(text_, (Sentence(text_, None, body, body.page, loc),))
    return _as_value(ctx, body)


@rule_function()
def toc_found(ctx: Context, entry: Any) -> Verdict:
    """The TOC entry names a body heading or table (``target``). When it does not, the failure is placed on the
    page of the closest body heading (``closest_heading``), ``{match}`` quoting it with the difference
    ("；正文第 3 页最接近的标题是“…”（文字不同：…）"), or on the TOC line when nothing is close
    (``{match}`` empty)."""
    if not isinstance(entry, TocV):
        raise RuleBug("toc_found() 需要目录条目 / toc_found() needs a TOC entry from toc()")
    hit = _closest(ctx, entry.index)
    if hit is not None and hit[1]:
        return Verdict("pass", Evidence(method="text"))
    if hit is None:
        loc = location_of(entry)
        return Verdict("fail", Evidence(method="text", matches=[entry.entry.text]), loc, args={"match": ""})
    body = hit[0]
    _, diff = heading_difference(entry.entry.text, _heading_text(body), ctx.document.metadata.unit_name)
    loc = _body_location(ctx, body)
    page = loc.page if loc is not None else None
    closest = f"；正文第 {page} 页最接近的标题是“{_heading_text(body)}”（{diff}）"
    return Verdict(
        "fail", Evidence(method="text", matches=[entry.entry.text, _heading_text(body)]), loc, args={"match": closest}
    )


@rule_function()
def toc_agrees(ctx: Context, entry: Any, aspect: Any = "文字") -> Verdict:
    """The TOC entry reads as its body heading (``target``): ``toc_agrees(e, "单位名称")`` fails when the year or
    the unit's name differs ("江汉区委办公室" for "中共武汉市江汉区委办公室", 2023 for 2024),
    ``toc_agrees(e, "文字")`` when only the words of the title do (one finding per heading: a name
    difference is not reported again as wording). Spaces, character width, the kind of quotes and 年度/年
    are no difference. The failure is placed on the body heading's page; ``{match}`` quotes the heading, its
    page and the difference ("正文第 3 页的标题为“…”（单位名称不同：目录缺“武汉市”）"). No body heading →
    insufficient_data."""
    if not isinstance(entry, TocV):
        raise RuleBug("toc_agrees() 需要目录条目 / toc_agrees() needs a TOC entry from toc()")
    want = as_text(aspect)
    if want not in ("单位名称", "文字"):
        raise RuleBug('toc_agrees() 的方面须为 "单位名称" 或 "文字" / aspect must be "单位名称" or "文字"')
    hit = _toc_targets(ctx)[entry.index]
    if hit is None:
        raise Missing(f"目录条目“{entry.entry.text}”在正文中没有对应的标题或表 / TOC entry not found in the body")
    if isinstance(hit, Table):
        # a 公开表 is named by its title (a table's title carries the year and the unit, a TOC line its number)
        same = _comparable_title(entry.entry.text) == _comparable_title(hit.title)
        kind, diff = ("", "") if same else ("文字", heading_difference(split_number(entry.entry.text)[1], hit.title, None)[1])
    else:
        kind, diff = heading_difference(entry.entry.text, _heading_text(hit), ctx.document.metadata.unit_name)
    is_name = kind in ("年度", "单位名称")
    if not kind or is_name != (want == "单位名称"):
        return Verdict("pass", Evidence(method="text"))
    loc = _body_location(ctx, hit)
    page = loc.page if loc is not None else None
    args = {"match": f"正文第 {page} 页的标题为“{_heading_text(hit)}”（{diff}）"}
    return Verdict("fail", Evidence(method="text", matches=[entry.entry.text, _heading_text(hit)]), loc, args=args)


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
