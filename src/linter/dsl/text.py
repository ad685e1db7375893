"""Text as rules see it: normalised prose, sentences, labels compared loosely."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Whitespace next to a CJK character is a layout artefact ("减少 201.5 万元"); between two
# ASCII words it is real. Python's re is safe here: fixed patterns, linear on this input.
_SPACE_NEAR_WIDE = re.compile(r"\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+")
_SPACES = re.compile(r"\s+")
_FULLWIDTH = str.maketrans("０１２３４５６７８９％．", "0123456789%.")  # Chinese punctuation stays

_SENTENCE_END = "。！？!?"


def normalise_prose(text: str) -> str:
    """Prose as patterns see it: full-width digits and ％ made ASCII, layout spaces removed."""
    t = text.translate(_FULLWIDTH)
    t = _SPACE_NEAR_WIDE.sub("", t)
    return _SPACES.sub(" ", t).strip()


def split_sentences(text: str) -> list[str]:
    """Sentences end at 。！？ (kept with the sentence). A pattern never spans two of them."""
    out: list[str] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in _SENTENCE_END:
            # "。。" stays in the sentence it ends, so a doubled stop is still visible to patterns
            if i + 1 < len(text) and text[i + 1] in _SENTENCE_END:
                continue
            piece = text[start : i + 1].strip()
            if piece:
                out.append(piece)
            start = i + 1
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


# "一、", "（一）", "(1)", "1.", "1、", "第一部分" at the start of a label or heading.
_ENUM = re.compile(
    r"^(?:第[一二三四五六七八九十百]+部分|[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百\d]+[)）]|\d+[.、．](?!\d))\s*"
)


def strip_enumerator(text: str) -> str:
    return _ENUM.sub("", text.strip(), count=1)


@lru_cache(maxsize=65536)  # pure, and called for every label of every rule instance
def normalise_label(text: str | None) -> str:
    """Labels compared whitespace- and punctuation-insensitively, enumerators dropped.

    ``一、一般公共服务支出`` = ``一般公共服务支出``; ``因公出国(境)费`` = ``因公出国（境）费``.
    """
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", text)
    t = _SPACES.sub("", t)
    t = strip_enumerator(t)
    return "".join(ch for ch in t if not unicodedata.category(ch).startswith(("P", "S", "Z"))).lower()


_NUMBER_PREFIX = re.compile(
    r"^\s*(第[一二三四五六七八九十百]+部分|[一二三四五六七八九十百]+(?=、)|[（(][一二三四五六七八九十百\d]+[)）]|\d+(?=[.、．](?!\d)))"
    r"[、.．]?\s*"
)


def split_number(heading: str) -> tuple[str, str]:
    """``"十一、其他重要事项说明"`` → ("十一", "其他重要事项说明"); ("", heading) when it is not numbered."""
    t = unicodedata.normalize("NFKC", heading).strip()
    m = _NUMBER_PREFIX.match(t)
    if m is None:
        return "", t
    return m.group(1), t[m.end() :].strip()
