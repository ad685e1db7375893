"""科目编码 / Classification codes.

The official 部门预算支出经济分类科目 (code → name) shipped as data (``data/economic-classification.tsv``),
so a rule can tell a code printed beside another 科目's name ("30202 咨询费": 30202 is 印刷费).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import Any

from linter.core.text import normalise_label
from linter.dsl.registration import rule_function
from linter.dsl.runtime import Context, as_text

_DATA = Path(__file__).with_name("data") / "economic-classification.tsv"
# printed variants that are the same name: 维修(护)费 / 维修（护）费, 养老保险费 / 养老保险缴费, 费用 / 费
_SUFFIXES = re.compile(r"(?:缴费|费用|费|支出)$")
_SIMILAR = 0.8  # SequenceMatcher ratio above which two names are one name printed differently


@cache
def economic_codes() -> dict[str, str]:
    """The official economic classification: code → name."""
    out: dict[str, str] = {}
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, name = line.split("\t", 1)
            out[code.strip()] = name.strip()
    return out


def _key(name: str) -> str:
    return _SUFFIXES.sub("", normalise_label(name))


def same_name(printed: str, official: str) -> bool:
    a, b = _key(printed), _key(official)
    if not a or not b:
        return False
    return a == b or SequenceMatcher(None, a, b).ratio() >= _SIMILAR


@rule_function()
def official_name(ctx: Context, code: Any) -> str:
    """The official name of a 部门预算支出经济分类 code (``official_name("30202")`` = "印刷费"); "" when the
    code is not in the list."""
    return economic_codes().get(as_text(code).strip(), "")


@rule_function()
def official_name_matches(ctx: Context, name: Any, code: Any) -> bool:
    """The printed name is the official name of ``code`` (brackets, spacing and 费/费用/缴费/支出 endings
    aside, and allowing a character or two of difference: "机关事业单位基本养老保险费" is 30108's
    "…缴费"). False for a code the list does not have."""
    official = economic_codes().get(as_text(code).strip())
    return official is not None and same_name(as_text(name), official)


@rule_function()
def code_named(ctx: Context, name: Any) -> str:
    """The code whose official name the printed name is ("咨询费" → "30203"); "" when none is.
    With ``official_name_matches`` it tells a renumbered list ("30202 咨询费") from a variant name."""
    printed = as_text(name)
    exact = [c for c, n in economic_codes().items() if _key(n) == _key(printed)]
    if exact:
        return exact[0]
    return next((c for c, n in economic_codes().items() if same_name(printed, n)), "")
