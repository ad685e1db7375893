"""报告集合 / Report sets: reaching the other reports of a unit, and the statements that compare with them.

``report(kind = "预算", year = metadata("fiscal_year") - 1)`` is another report of the set (the unit's reports in the run,
see ``fiscal-lint sets``); every function called on it (``prev.table("…")``, ``prev.document()``) reads
that report, and every place read from it names it, so a finding shows both documents. When the set has
no such report, the rule instance is *not applicable*, with the report it needed ("集合中没有 2024 年部门预算").
"""

from __future__ import annotations

import re
from typing import Any

from linter.core.sets import normalise_unit
from linter.core.text import normalise_label
from linter.dsl.registration import rule_function
from linter.dsl.runtime import Context, as_quantity, as_text, scope_of
from linter.dsl.values import Capture, Match, Missing, Quantity, ReportV, RuleBug, Skip

KINDS = ("预算", "决算")
LEVELS = ("部门", "单位")


def _year_of(value: Any, ctx: Context) -> int:
    q = as_quantity(value, ctx)
    if q.value != q.value.to_integral_value() or not 1990 <= q.value <= 2100:
        raise RuleBug(f"年度应为整数年份，而不是 {q.value} / a year must be a whole year")
    return int(q.value)


@rule_function()
def report(ctx: Context, kind: Any = None, year: Any = None, level: Any = None) -> ReportV:
    """Another report of the set: ``report(kind = "预算", year = metadata("fiscal_year") - 1)``. ``kind`` defaults to this
    report's kind, ``year`` to its year, ``level`` (``"部门"``/``"单位"``) to its level. Call functions on
    it to read it: ``prev.table("budget_three_public")``, ``prev.document().find(re"…")``.

    The instance is *not applicable* when the set has no such report (or when the report is checked
    alone), with the report it needed as the reason."""
    k = as_text(kind) if kind is not None else _current_kind(ctx)
    lv = as_text(level) if level is not None else (ctx.document.metadata.level or "部门")
    if k not in KINDS:
        raise RuleBug(f"report() 的 kind 应为 预算 或 决算，而不是 {k!r} / kind must be 预算 or 决算")
    if lv not in LEVELS:
        raise RuleBug(f"report() 的 level 应为 部门 或 单位，而不是 {lv!r} / level must be 部门 or 单位")
    y = _year_of(year, ctx) if year is not None else _current_year(ctx)
    if ctx.partners is None:
        raise Skip(f"单独检查，没有报告集合，无从比较 {y} 年{lv}{k} / checked alone: no {y} {lv}{k} to compare with")
    found = ctx.partners.find(k, y, lv)
    if found is None:
        raise Skip(ctx.partners.missing(k, y, lv))
    return found


def _current_kind(ctx: Context) -> str:
    k = ctx.document.metadata.kind
    if not k:
        raise Missing("文档中读不出预算/决算 / the document does not say whether it is a 预算 or a 决算")
    return k


def _current_year(ctx: Context) -> int:
    y = ctx.document.metadata.fiscal_year
    if y is None:
        raise Missing("文档中读不出年度 / the document does not state its year")
    return y


# ---- statements that compare with another year ----------------------------------------------------

_NUM = r"\d[\d,]*(?:\.\d+)?"
# "比2024年预算增加Y万元" / "与2023年度相比，增加Y万元" / "比2022年（上一年度，下同）预算持平" / "比上年持平"
_COMPARE = re.compile(
    r"(?:比|与|较)(?P<base>\d{4}|上)年度?(?:[（(][^）)]{0,12}[）)])?"
    r"(?P<bkind>年初预算|预算执行数|预算数?|决算数?|执行数)?(?:相比|相较)?[，,]?\s*"
    rf"(?P<dir>增加|减少|增长|下降|持平|一致|相同|不变|基本持平)了?\s*(?:(?P<change>{_NUM})\s*万元)?"
)
_AMOUNT_BEFORE = re.compile(rf"(?P<cur>{_NUM})\s*万元[，,]?\s*$")
_AMOUNT_ENDS = re.compile(rf"(?P<cur>{_NUM})\s*万元[。；;]?$")
_ALL_AMOUNTS = re.compile(rf"({_NUM})\s*万元")
# where a subject starts: after a clause boundary, "其中", an enumerator or a year
_SUBJECT_START = re.compile(r"[，,；;：:。、（(]|其中|以及|和|及")
_SUBJECT_NOISE = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*)+|^\d{4}年度?[，,]?|^(?:本年度?|全年|上年度?)|^(?:本部门|本单位)|[“”\"'‘’]|(?:合计)?(?:为|是|共计|共|达到?)$"
)


def subject_key(text: str, unit: str | None = None) -> str:
    """The comparable form of an amount's subject: no enumerator, year, quotes, trailing 为/共计, leading
    本部门 or the unit's own name (``unit``: "某局收入预算" is the 收入预算); compared as labels (其它 = 其他,
    full-width = half-width)."""
    t = text.strip()
    for _ in range(3):
        t2 = _SUBJECT_NOISE.sub("", t).strip()
        if t2 == t:
            break
        t = t2
    key = normalise_label(t)
    own = normalise_label(unit) if unit else ""
    if own and key.startswith(own) and len(key) > len(own):
        key = key[len(own):]
    return key


def _subject_before(text: str, end: int) -> tuple[str, int]:
    """The words naming the amount that starts at ``end``: back to the last clause boundary."""
    head = text[:end]
    starts = [m.end() for m in _SUBJECT_START.finditer(head)]
    # a boundary inside the subject's own brackets ("因公出国（境）费") is not a start
    start = 0
    for s in reversed(starts):
        if head[s - 1] in "（(" and ("）" in head[s:] or ")" in head[s:]):
            continue
        if head[s - 1] in "和及" and not re.search(r"[，,；;：:]", head[s:]) and s > 0:
            continue  # "财政拨款收入和支出…": 和 inside a name
        start = s
        break
    return head[start:].strip(), start


@rule_function()
def changes(ctx: Context, scope: Any) -> list[Match]:
    """Statements that compare an amount with another year's report: "财政拨款收入18,976.76万元，比2024年
    预算增加3,355.65万元", "…0万元，与2024年预算持平", "收入总计9859.38万元，与2023年度相比，增加1062.85万元".

    Fields: ``m.subject`` (the words naming the amount, e.g. 财政拨款收入; compare with ``subject_key``),
    ``m.cur`` (this year's amount, 万元), ``m.dir`` (增加/减少/持平…), ``m.change`` (the stated change;
    empty for 持平), ``m.base_year`` (the year compared with; 上年 is this year − 1) and ``m.base_kind``
    (预算, 决算, 年初预算 or 执行数 as written; empty when the sentence does not say). Comparisons with
    a 预算执行数 (an item's execution) are listed with ``m.base_kind`` = 执行数."""
    out: list[Match] = []
    sentences = scope_of(scope, ctx)
    ctx.tick(len(sentences))
    y = ctx.document.metadata.fiscal_year
    for i, s in enumerate(sentences):
        for m in _COMPARE.finditer(s.text):
            about = s
            before = _AMOUNT_BEFORE.search(s.text[: m.start()])
            if before is None and not s.text[: m.start()].strip() and i > 0:
                # "…公务接待费1.35万元。比2024年预算持平": the comparison opens the sentence after its figure
                prev = sentences[i - 1]
                if prev.paragraph is s.paragraph and s.paragraph is not None:
                    about, before = prev, _AMOUNT_ENDS.search(prev.text)
            if before is None:
                continue
            subject, start = _subject_before(about.text, before.start("cur"))
            if not subject_key(subject, ctx.document.metadata.unit_name):
                continue
            base = m.group("base")
            base_year = (str(y - 1) if y else None) if base == "上" else base
            bkind = m.group("bkind") or ""
            bkind = {"预算数": "预算", "决算数": "决算", "预算执行数": "执行数"}.get(bkind, bkind)
            change = m.group("change")
            groups = {
                "subject": Capture("subject", subject, about, before.start("cur")),
                "cur": Capture("cur", before.group("cur"), about, before.end("cur")),
                "dir": Capture("dir", m.group("dir"), s, m.end("dir")),
                "change": Capture("change", change, s, m.end("change") if change else m.end()),
                "base_year": Capture("base_year", base_year, s, m.end("base")),
                "base_kind": Capture("base_kind", bkind, s, m.end("base")),
            }
            text = about.text[start:] + s.text[: m.end()] if about is not s else s.text[start : m.end()]
            out.append(Match(text, groups, s))
    return out


@rule_function()
def base_of(ctx: Context, statement: Any) -> Quantity:
    """The amount a comparison (``changes``) implies for the year it compares with: this year's amount
    less the stated change (plus it for 减少); for 持平/一致 this year's amount itself."""
    if not isinstance(statement, Match) or "cur" not in statement.groups:
        raise RuleBug("base_of() 需要 changes() 的一项 / base_of() needs an item of changes()")
    cur = as_quantity(statement.groups["cur"], ctx)
    word = statement.groups["dir"].text or ""
    if word in ("持平", "一致", "相同", "不变", "基本持平"):
        return cur
    change = statement.groups["change"]
    if change.text is None:
        raise Missing(f"“{statement.text}”没有写变动金额 / the statement gives no amount of change")
    delta = as_quantity(change, ctx)
    return cur.add(delta) if word in ("减少", "下降") else cur.sub(delta)


@rule_function()
def same_unit(ctx: Context, a: Any, b: Any) -> bool:
    """Whether two printed unit names name the same unit, as report sets group them: full-width = half-width,
    no spaces, 与 = 和, a leading 中共 left out (``same_unit(t.unit_name, metadata("unit_name"))``)."""
    return normalise_unit(as_text(a)) == normalise_unit(as_text(b))


@rule_function()
def subject_in(ctx: Context, subject: Any, names: Any) -> bool:
    """Whether an amount's subject (``m.subject`` of ``changes``) is one of ``names``, compared as
    ``amount_of`` compares them: ``subject_in(m.subject, ["“三公”经费预算数", "“三公”经费预算"])``."""
    unit = ctx.document.metadata.unit_name
    key = subject_key(as_text(subject), unit)
    return bool(key) and key in {subject_key(as_text(x), unit) for x in (names if isinstance(names, list) else [names])}


@rule_function()
def amount_of(ctx: Context, scope: Any, subject: Any) -> Capture:
    """The amount (万元) the prose states for a subject: the first "<subject>X万元" whose subject reads the
    same (``subject_key``: no enumerator, year or quotes; 其它 = 其他). ``subject`` may be a list of the
    wordings templates use. On another report: ``prev.document().amount_of(m.subject)``. *Insufficient
    data* when the prose never states it."""
    wanted = [subject_key(as_text(x)) for x in (subject if isinstance(subject, list) else [subject])]
    wanted = [w for w in wanted if w]
    if not wanted:
        raise RuleBug("amount_of() 需要一个名称 / amount_of() needs a subject")
    sentences = scope_of(scope, ctx)
    ctx.tick(len(sentences))
    for s in sentences:
        for m in _ALL_AMOUNTS.finditer(s.text):
            subject_text, _ = _subject_before(s.text, m.start(1))
            if subject_key(subject_text, ctx.document.metadata.unit_name) in wanted:
                return Capture("amount", m.group(1), s, m.end(1))
    names = "、".join(as_text(x) for x in (subject if isinstance(subject, list) else [subject]))
    raise Missing(f"该报告的说明中没有写“{names}”的金额 / the report states no amount for {names}")


__all__ = ["amount_of", "base_of", "changes", "report", "same_unit", "subject_in", "subject_key"]
