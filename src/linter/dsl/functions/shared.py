"""Helpers shared by several theme modules of the built-in rule-language functions (not callable from rules)."""

from __future__ import annotations

import unicodedata
from typing import Any

from linter.core.findings import Location
from linter.core.text import normalise_label, normalise_prose
from linter.dsl.runtime import Context, as_text, compile_regex, scope_of
from linter.dsl.values import Capture, Match, Quantity, RegexV, RowV, RuleBug, Scope, Sentence, TableV, TocV, origin_of


def as_list(x: Any) -> list[Any]:
    return x if isinstance(x, list) else [x]


def as_int(value: Any) -> int:
    if isinstance(value, Quantity):
        return int(value.value)
    return int(as_text(value))


def norm_number(number: str | None) -> str:
    """A section number as compared: "（一）" = "(一)" = "一"; "第二部分" stays itself."""
    t = unicodedata.normalize("NFKC", number or "")
    return "".join(ch for ch in t if not unicodedata.category(ch).startswith(("P", "S", "Z")))


def pattern_matches(ctx: Context, scope: Any, pattern: Any) -> list[Match]:
    """Matches inside each sentence: a pattern never spans two sentences."""
    if isinstance(pattern, RegexV):
        rx = compile_regex(pattern.pattern)
    elif isinstance(pattern, str | Capture):
        rx = compile_regex(escape_literal(as_text(pattern)))
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


def escape_literal(text: str) -> str:
    return "".join("\\" + ch if ch in r"\.^$|?*+()[]{}" else ch for ch in text)


def location_of(item: Any) -> Location | None:
    if isinstance(item, Match):
        return item.sentence.location
    if isinstance(item, Sentence):
        return item.location
    if isinstance(item, RowV):
        t, r = item.table, item.row
        return Location(page=r.page, bbox=t.row_bbox(r), table=t.key, table_number=t.number, row_code=r.code, row_label=r.label,
                        **origin_of(t))
    if isinstance(item, Quantity):
        return next((r.location for r in item.refs if r.location), None)
    if isinstance(item, TocV):
        return Location(page=item.entry.page, section="目录", text=item.entry.text)
    if isinstance(item, TableV):
        t = item.table
        return Location(page=t.page, bbox=t.bbox, table=t.key, table_number=t.number, **origin_of(t))
    if isinstance(item, Scope) and item.section is not None:
        return Location(page=item.section.page, bbox=item.section.bbox, section=item.section.heading)
    return None


def text_has(text_: str, pattern: Any) -> bool:
    """A ``re"…"`` found in the text, or a text contained in it (as printed, or compared as labels)."""
    if isinstance(pattern, RegexV):
        return compile_regex(pattern.pattern).search(text_) is not None
    needle = as_text(pattern)
    if not needle.strip():
        return False
    return normalise_prose(needle) in text_ or normalise_label(needle) in normalise_label(text_)
