"""文字 / Prose.

Sections, paragraphs and sentences; patterns (RE2 ``re"…"``, always inside one sentence) and names
found in them; texts and labels as they are compared.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from linter.core.findings import Evidence
from linter.core.model import Section, iter_sections
from linter.core.numbers import parse_amount
from linter.core.text import normalise_label, normalise_prose
from linter.dsl.functions.shared import as_int, as_list, location_of, norm_number, pattern_matches, text_has
from linter.dsl.registration import rule_function
from linter.dsl.runtime import Context, as_quantity, as_text, compile_regex, scope_of
from linter.dsl.values import Capture, Match, Missing, RegexV, RuleBug, Scope, Sentence, Verdict, Violation, describe


@rule_function()
def document(ctx: Context) -> Scope:
    """All the prose of the document (every section's paragraphs): ``document().absent(re"。。")``."""
    return ctx.document_scope()


def _section_matches(s: Section, query: str | RegexV, number: str | None, level: Any) -> int:
    """0 = no match, 2 = exact heading or title (or a ``re"…"`` found in the title), 1 = title contains the query."""
    if level is not None and s.level != as_int(level):
        return 0
    if number is not None and norm_number(s.number) != norm_number(number):
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


@rule_function()
def sections(ctx: Context, *args: Any, number: Any = None, level: Any = None) -> list[Scope]:
    """Every section whose heading or title matches (exact matches first, then titles containing it);
    a list, possibly empty.

    A ``re"…"`` is searched in the title as labels are compared (``sections(re"^预算绩效")``): number,
    spaces, punctuation and quotes removed, so 九、财政拨款“三公”经费支出决算情况说明 reads
    财政拨款三公经费支出决算情况说明, and one rule finds 十、机关运行经费支出说明 (Hubei) and
    （一）机关运行经费支出情况 (Shanghai). ``number = "十"`` and ``level = 1`` filter by the printed
    number and the heading level; on a section (``s.sections(…)``) only its subsections are searched.
    """
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


@rule_function()
def section(ctx: Context, *args: Any, number: Any = None, level: Any = None) -> Scope:
    """The section with this heading or title (``section("一、收入支出决算总体情况说明")``), matched as
    by ``sections``: an exact heading or title first, then a title containing the text (or the
    ``re"…"``); a heading with nothing under it (a TOC line taken for a heading) after the one with a
    body. ``section(number = "十")`` by its printed number.

    On a section (``s.section("结构情况")``) only its subsections are searched. Not found →
    insufficient_data.
    """
    found = sections(ctx, *args, number=number, level=level)
    if not found:
        what = " ".join(
            f're"{a.pattern}"' if isinstance(a, RegexV) else as_text(a) for a in args if not isinstance(a, Scope)
        ) or as_text(number or "")
        raise Missing(f"没有找到章节 {what} / section {what!r} not found")
    return found[0]


@rule_function()
def paragraphs(ctx: Context, scope: Any) -> list[Scope]:
    """The paragraphs of a section, each a scope of its sentences: ``paragraphs(s).containing(re"年初预算")``."""
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


@rule_function()
def sentences(ctx: Context, scope: Any) -> list[Sentence]:
    """The sentences of a scope (a section, paragraph, the notes of a table…), split at 。！？."""
    return scope_of(scope, ctx)


@rule_function()
def find(ctx: Context, scope: Any, pattern: Any) -> list[Match]:
    """Every match of ``pattern`` in the scope, **inside one sentence** (a pattern never spans 。！？);
    named groups become fields: ``for m in s.find(re"…(?P<rate>…)%")`` gives ``m.rate``, and
    ``m.text``, ``m.sentence``. A string is matched literally."""
    return pattern_matches(ctx, scope, pattern)


@rule_function()
def contains(ctx: Context, scope: Any, pattern: Any) -> Verdict:
    """The scope has at least one match of a ``re"…"`` or a string (matched literally):
    ``assert s.contains(re"本表无数据")``."""
    found = pattern_matches(ctx, scope, pattern)
    sents = scope_of(scope, ctx)
    where = sents[0].location if sents else None
    what = pattern.pattern if isinstance(pattern, RegexV) else as_text(pattern)
    ev = Evidence(expression=what, method="text", matches=[m.sentence.text for m in found[:10]])
    return Verdict(
        "pass" if found else "fail", ev, found[0].sentence.location if found else where, args={"pattern": what}
    )


@rule_function()
def absent(ctx: Context, scope: Any, pattern: Any) -> Verdict:
    """No match in the scope; **each** match found is reported as its own finding (``{match}``)."""
    return none(ctx, pattern_matches(ctx, scope, pattern))


@rule_function()
def none(ctx: Context, items: Any) -> Verdict:
    """The list is empty; otherwise one finding per item (a match, a sentence, a row…), ``{match}`` the item:
    ``assert none(document().repeats(min = 4))``."""
    items = as_list(items)
    if not items:
        return Verdict("pass", Evidence(method="text"))
    violations = []
    for it in items:
        loc = location_of(it)
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


@rule_function()
def containing(ctx: Context, items: Any, pattern: Any) -> list[Any]:
    """The items of a list (paragraphs, sentences, sections, matches, cells, captures) whose text contains
    the pattern: a ``re"…"``, or a text found as printed or compared as labels (spaces, punctuation and
    brackets ignored, so "党委办公厅（室）及相关机构事务" is found in "…党委办公厅室及相关机构事务款…").

    ``count(paragraphs(s).containing(r.label)) > 0``: some paragraph names the row;
    ``count([m.reason].containing(r.name)) > 0``: a captured reason names it.
    """
    out = []
    for it in as_list(items):
        if isinstance(it, Capture):  # a captured piece of a sentence: only its own text
            joined = it.text or ""
        else:
            joined = "".join(s.text for s in scope_of(it, ctx))
        ctx.tick(1 + len(joined) // 64)
        if text_has(joined, pattern):
            out.append(it)
    return out


@rule_function()
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


@rule_function()
def matches(ctx: Context, value: Any, pattern: Any) -> bool:
    """A text (a label ``r.label``, a header path ``c.path``, a capture…) contains the ``re"…"`` pattern:
    ``matches(c.path, re"决算")``."""
    if not isinstance(pattern, RegexV):
        raise RuleBug('matches() 需要 re"…" / matches() needs a re"…" pattern')
    return compile_regex(pattern.pattern).search(as_text(value)) is not None


@rule_function()
def captures(ctx: Context, found: Any, name: Any) -> list[Any]:
    """The capture ``name`` of every match of a list: ``sum(s.find(re"…(?P<amount>…)…").captures("amount"))``."""
    n = as_text(name)
    out = []
    for m in as_list(found):
        if not isinstance(m, Match):
            raise RuleBug(f"captures() 需要匹配结果 / captures() needs matches, got {describe(m)[:20]}")
        if n not in m.groups:
            raise RuleBug(f"模式中没有分组 {n} / no group {n!r} in the pattern")
        out.append(m.groups[n])
    return out


@rule_function()
def label(ctx: Context, text: Any) -> Any:
    """Text normalised as labels are compared: no spaces, punctuation or leading 一、 (on a list, each
    item): ``label(m.name) in label(names)``, ``label(r.label) == label(official)``."""
    if isinstance(text, list):
        return [label(ctx, x) for x in text]
    return normalise_label(as_text(text))


@rule_function()
def text(ctx: Context, *values: Any) -> str:
    """The text of a value; several values are joined: ``text(m.name, "支出")``."""
    return "".join(as_text(v) for v in values)


@rule_function()
def items(ctx: Context, value: Any) -> list[str]:
    """The items of an enumeration, split at 、，；: "基本工资、津贴补贴、奖金等" → [基本工资, 津贴补贴, 奖金]
    (a final 等 is dropped; 和/及 stay inside names such as 其他商品和服务支出)."""
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


# "X万元，与上年相比增加Y万元，增长Z%" — and the same comparison in the sentence after the figure it is about
# ("…支出16,593.12万元。主要用于……。与上年相比增加134.37万元，增长0.82%")
_COMPARISON = re.compile(
    r"(?:与|比|较)上年(?:预算|预算数)?(?:相比)?[，,]?[^，。；;%]{0,16}?(?P<dir>增加|减少|增长|下降)了?\s*"
    r"(?P<change>\d[\d,]*(?:\.\d+)?)\s*万元[，,]?\s*(?P<rdir>增长|增加|增幅|减少|下降|降幅)(?:为|了)?\s*"
    r"(?P<rate>\d+(?:\.\d+)?)\s*%"
)
_FIGURE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*万元")


@rule_function()
def comparisons(ctx: Context, scope: Any) -> list[Match]:
    """Year-on-year statements with an amount and a rate, paired with the figure they are about:
    ``m.cur`` (this year's amount), ``m.change`` (the stated change), ``m.dir`` (增加/减少…),
    ``m.rate`` (the stated %). The figure is the last amount before "与上年相比" in the sentence, or,
    when the sentence starts with the comparison, the last amount of the sentences before it **in the
    same paragraph** (a figure is never taken from another paragraph)."""
    out: list[Match] = []
    sentences = scope_of(scope, ctx)
    ctx.tick(len(sentences))
    for i, s in enumerate(sentences):
        for m in _COMPARISON.finditer(s.text):
            cur = _last_figure(s, m.start())
            j = i
            while cur is None and j > 0 and sentences[j - 1].paragraph is s.paragraph and s.paragraph is not None:
                j -= 1
                cur = _last_figure(sentences[j], len(sentences[j].text))
            if cur is None:
                continue
            groups = {name: Capture(name, m.group(name), s, m.end(name)) for name in ("dir", "change", "rdir", "rate")}
            groups["cur"] = cur
            out.append(Match(m.group(0), groups, s))
    return out


def _last_figure(s: Sentence, before: int) -> Capture | None:
    found = [f for f in _FIGURE.finditer(s.text[:before])]
    if not found:
        return None
    f = found[-1]
    return Capture("cur", f.group(1), s, f.end(1))


@rule_function()
def conflicting_changes(ctx: Context, scope: Any) -> list[Match]:
    """Comparisons (see ``comparisons``) that give the **same** figure a different change than most
    statements about it do: "收、支预算总计各增加2214.39万元" beside three "…24,169.74万元，与上年相比
    增加2228.78万元" — two bases for one figure. Each minority statement is one match; its text says
    which change the other statements give (``assert none(document().conflicting_changes())``)."""
    groups: dict[Decimal, list[Match]] = {}
    for m in comparisons(ctx, scope):
        cur = as_quantity(m.groups["cur"], ctx).value
        groups.setdefault(cur, []).append(m)
    out: list[Match] = []
    for found in groups.values():
        changes = [_signed_change(m) for m in found]
        distinct = set(changes)
        if len(distinct) < 2:
            continue
        usual = max(distinct, key=changes.count)
        if changes.count(usual) * 2 <= len(changes):
            continue  # no majority: which base is meant cannot be told
        usual_m = next(m for m, c in zip(found, changes, strict=True) if c == usual)
        for m, c in zip(found, changes, strict=True):
            if c != usual:
                note = (
                    f"{m.text}（本年 {m.groups['cur'].text} 万元；另有 {changes.count(usual)} 处对同一数字写"
                    f"{usual_m.groups['dir'].text}{usual_m.groups['change'].text}万元）"
                )
                out.append(Match(note, m.groups, m.sentence))
    return out


def _signed_change(m: Match) -> Decimal:
    value = parse_amount(m.groups["change"].text or "") or Decimal(0)
    return -value if (m.groups["dir"].text or "") in ("减少", "下降") else value
