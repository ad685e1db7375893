"""Printed numbers and classification codes.

One place decides what a printed cell means, so that no rule ever has to:
an amount becomes a Decimal (its printed text is kept beside it), a blank cell
stays blank (``None``, never 0), and a classification code (201, 20805,
2080505, 30101) is a code, never an amount.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_AMOUNT = re.compile(r"^[-−－]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_SPACES = re.compile(r"\s+")


def normalise_amount_text(text: str) -> str:
    return _SPACES.sub("", text).replace("，", ",").replace("．", ".").replace("−", "-").replace("－", "-")


def parse_amount(text: str | None) -> Decimal | None:
    """The Decimal printed in an amount cell, or None for a blank or non-numeric cell.

    Accepts thousands separators (``2,940.05``), a leading minus and full-width
    digits' punctuation. ``0.00`` is zero; ``""`` is None. Text such as
    ``90%以上`` or ``-`` is not a number (None).
    """
    if text is None:
        return None
    t = normalise_amount_text(text)
    if not t or not _AMOUNT.match(t):
        return None
    try:
        return Decimal(t.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
        return None


def amount_value(text: str | None) -> str | None:
    """The model's ``Cell.value`` for printed text: a plain decimal string (never exponent form), or None."""
    d = parse_amount(text)
    return format(d, "f") if d is not None else None


def decimals_of(text: str) -> int:
    """Decimals printed on a number: ``"12.30"`` → 2, ``"35"`` → 0."""
    t = normalise_amount_text(text)
    return len(t.split(".", 1)[1]) if "." in t else 0


_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")


def is_code(text: str | None) -> bool:
    """A 功能分类 (3/5/7 digits) or 经济分类 (3/5 digits) code as printed in a code column."""
    return bool(text) and bool(_CODE.match(_SPACES.sub("", text or "")))


def code_kind(code: str) -> str:
    """Economic codes (支出经济分类) start with 3; function codes (功能分类) start with 2."""
    return "economic" if code.startswith(("3", "5")) else "function"


def code_level(code: str) -> str | None:
    """类 / 款 / 项 from the length of a classification code."""
    return {3: "类", 5: "款", 7: "项"}.get(len(code))


def join_split_code(parts: list[str]) -> str | None:
    """Join a code printed over three 类/款/项 columns (``201``, ``06``, ``01``) into ``2010601``.

    Returns None unless the parts form a valid code prefix sequence.
    """
    parts = [_SPACES.sub("", p) for p in parts if p and p.strip()]
    if not parts:
        return None
    if not re.fullmatch(r"\d{3}", parts[0]):
        return None
    if any(not re.fullmatch(r"\d{2}", p) for p in parts[1:]):
        return None
    return "".join(parts)
