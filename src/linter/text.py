"""Text rules shared by the parsers: CJK-aware joining and squashing, matching form, note and total patterns.

One implementation for every parser (the PDF parser, the DOCX plugin), so that the same printed text gives the
same model whatever file format carried it.
"""

from __future__ import annotations

import re
import unicodedata

NOTE_START = re.compile(r"^(?:注|说明|备注)\s*\d*\s*[:：]|^注\s*\d")  # on squashed or matching-form text
ABSENCE = re.compile(r"^本(?:部门|单位).{0,80}无")  # "本部门2024年度无政府性基金预算财政拨款收入…"
TOTAL = re.compile(r"(?:合计|总计)$")  # a 合计 / 总计 row label


def is_cjk(ch: str) -> bool:
    """Ideographs and the full-width punctuation set around them (no space is written between those)."""
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF  # radicals, CJK punctuation, kana, ideographs
        or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF  # full-width forms: ，（）：
        or 0x2018 <= o <= 0x201F  # “ ” ‘ ’ used as Chinese quotes
        or 0x20000 <= o <= 0x2FA1F
    )


def join_wrapped(parts: list[str]) -> str:
    """Join the lines of a wrapped cell, note or paragraph: no space between two CJK sides, one space otherwise."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and not (is_cjk(out[-1]) and is_cjk(part[0])):
            out += " "
        out += part
    return out


def squash(text: str) -> str:
    """Whitespace normalised: none next to a CJK character (``收 入`` → ``收入``), single spaces elsewhere."""
    t = re.sub(r"\s+", " ", text).strip()
    if " " not in t:
        return t
    out = []
    for i, ch in enumerate(t):
        if ch == " " and (is_cjk(t[i - 1]) or is_cjk(t[i + 1])):
            continue
        out.append(ch)
    return "".join(out)


def norm(text: str) -> str:
    """For matching: NFKC (folds Kangxi radicals and full-width forms), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def is_note_start(text: str) -> bool:
    """A line that opens a table note: 注：/说明：/备注：/注1, or a 本部门…无… statement."""
    return bool(NOTE_START.match(text) or ABSENCE.match(text))


def strip_prefix(text: str, prefix: int) -> str:
    """``text`` without its first ``prefix`` characters of NFKC non-space text, and the separator after them."""
    seen = 0
    for i, ch in enumerate(text):
        if seen >= prefix:
            return text[i:].lstrip(" 、.．:：")
        seen += len("".join(unicodedata.normalize("NFKC", ch).split()))
    return ""
