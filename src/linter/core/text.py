"""Text normalisation, in one place: what the parsers do to printed text (CJK-aware joining and squashing,
matching form, note and total patterns) and how rules see it (normalised prose, sentences, labels compared loosely).

One implementation for every parser (the PDF parser, the DOCX plugin), so that the same printed text gives the
same model whatever file format carried it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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


# ---- text as rules see it ------------------------------------------------------------------------
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


def sentence_spans(text: str) -> list[tuple[str, int, int]]:
    """The sentences of a paragraph as :func:`split_sentences` gives them from :func:`normalise_prose`, each with
    the span ``text[start:end]`` of the paragraph's own text it was read from. Normalising only maps characters
    one to one and drops whitespace, so the two texts agree character for character once whitespace is set
    aside."""
    normal = normalise_prose(text)
    translated = text.translate(_FULLWIDTH)
    at = [i for i, ch in enumerate(translated) if not ch.isspace()]  # compact position → position in ``text``
    compact = "".join(translated[i] for i in at)
    out: list[tuple[str, int, int]] = []
    cursor = 0
    for sentence in split_sentences(normal):
        key = "".join(sentence.split())
        found = compact.find(key, cursor) if key else -1
        if found < 0:  # cannot happen for text normalise_prose made; the whole paragraph is then the span
            out.append((sentence, 0, len(text)))
            continue
        cursor = found + len(key)
        out.append((sentence, at[found], at[cursor - 1] + 1))
    return out


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

    ``一、一般公共服务支出`` = ``一般公共服务支出``; ``因公出国(境)费`` = ``因公出国（境）费``; 其它 = 其他
    (one 科目 name in two spellings: the spelling is a wording finding, not another 科目).
    """
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", text).replace("其它", "其他")
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


# ---- table titles and numbers as the catalogue compares them -----------------------------------------

_CN_DIGITS = "一二三四五六七八九"


def normalise_title(text: str) -> str:
    """Title as compared: NFKC, no whitespace, no year, no quotes or brackets, no 表号 prefix."""
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"\s+", "", t)
    t = re.sub(r"^(?:公开\d+表|表[一二三四五六七八九十]+)", "", t)
    t = re.sub(r"^.*?\d{4}年度?", "", t)  # "XX单位2024年度" prefix
    t = re.sub(r"[\"“”‘’'《》()（）\[\]【】]", "", t)
    return t


def normalise_number(number: str) -> str:
    """``公开 01 表`` → ``公开01表``; ``表 7`` → ``表七``."""
    n = re.sub(r"\s+", "", unicodedata.normalize("NFKC", number))
    m = re.fullmatch(r"公开0?(\d)表", n)
    if m:
        return f"公开0{m.group(1)}表"
    m = re.fullmatch(r"表(\d)", n)
    if m:
        return "表" + _CN_DIGITS[int(m.group(1)) - 1]
    return n

