"""表述与格式 / Wording and format.

Checks of how the text is written rather than of what it states: phrases written twice, numbering
that skips or repeats, a name printed in another form.
"""

from __future__ import annotations

import re
from typing import Any

from linter.core.findings import Location
from linter.core.text import normalise_label, normalise_prose
from linter.dsl.functions.classification_functions import economic_codes, same_name
from linter.dsl.functions.shared import as_int, as_list
from linter.dsl.functions.table_functions import row_name
from linter.dsl.registration import rule_function
from linter.dsl.runtime import Context, as_text, scope_of
from linter.dsl.values import Capture, Match, RowV, Sentence, origin_of


@rule_function()
def repeats(ctx: Context, scope: Any, min: Any = None) -> list[Match]:  # noqa: A002 - the DSL keyword is "min"
    """Phrases written twice in a row ("从绩效评价情况来看，从绩效评价情况来看"), at least ``min`` characters.

    RE2 has no back-references, so this is done here, in O(length × 40) per sentence.
    """
    shortest = as_int(min) if min is not None else 4
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


_REPEAT_GAPS = frozenset({"，", "、", "；", ",", ";"})


def _repeat_at(t: str, i: int, shortest: int) -> str | None:
    """The longest phrase (``shortest`` to 40 characters) starting at ``i`` that is written again directly or after
    one punctuation mark. Only the ends ``j`` where the phrase could begin again are tried: where its first
    character occurs again (directly) or follows one mark (after it). A sentence seldom has more than one or two,
    where trying every length took 40 slices per character."""
    first = t[i]
    lo, hi = i + shortest, i + min(40, (len(t) - i) // 2)
    ends: set[int] = set()
    k = t.find(first, lo, hi + 2)
    while k >= 0:
        ends.update((k, k - 1))
        k = t.find(first, k + 1, hi + 2)
    for j in sorted(ends, reverse=True):  # the longest phrase first
        if not lo <= j <= hi:
            continue
        length = j - i
        after = t[j]
        if after == first and t.startswith(t[i:j], j):
            gap = 0
        elif after in _REPEAT_GAPS and t[j + 1 : j + 2] == first and t.startswith(t[i:j], j + 1):
            gap = 1
        else:
            continue
        if normalise_label(t[i:j]):  # a run of punctuation or spaces is not a phrase
            return t[i : j + gap + length]
    return None


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


@rule_function()
def numbering_gaps(ctx: Context, scope: Any) -> list[Match]:
    """Enumerators at the start of a sentence that skip or repeat a number (（一）（三）, 1. 2. 2.).

    Each style (一、 / （一） / 1. or 1、 / （1）) is followed separately inside each section; a list may
    restart at 1. Each match has the groups ``number`` (as printed) and ``expected``:
    ``for m in numbering_gaps(document())``.
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


@rule_function()
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


@rule_function()
def misnamed_codes(ctx: Context, rows: Any) -> list[Sentence]:
    """Of a list of rows, those whose economic classification code (3 or 5 digits, 3xx) is in the official list
    under another name, each as "30202 是“印刷费”，表中写“咨询费”" placed at its row; codes not in the list and
    variant spellings of the official name ("…养老保险费" / "…养老保险缴费") are left out. One list per table,
    so a renumbered list is one finding: ``assert count(misnamed_codes(t.rows(level = ["类", "款"]))) == 0``."""
    official = economic_codes()
    out: list[Sentence] = []
    for rv in as_list(rows):
        if not isinstance(rv, RowV):
            continue
        ctx.tick()
        code = (rv.row.code or "").strip()
        if not re.fullmatch(r"3\d\d(?:\d\d)?", code) or code not in official:
            continue
        name = row_name(rv)
        if same_name(name, official[code]):
            continue
        text_ = f"{code} 是“{official[code]}”，表中写“{name}”"
        t, r = rv.table, rv.row
        loc = Location(page=r.page, bbox=t.row_bbox(r), table=t.key, table_number=t.number, row_code=r.code, row_label=r.label,
                       text=text_, **origin_of(t))
        out.append(Sentence(text_, None, None, r.page, loc))
    return out
