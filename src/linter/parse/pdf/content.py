"""Page content streams read in one pass of a regular expression, with pdfminer.six's parser as the reference.

pdfminer tokenizes a content stream a byte-state at a time (``PSBaseParser``/``PSStackParser``): about two
thirds of a parse is spent there, more than in everything fiscal-lint does with the glyphs. Content streams
use a small part of the PostScript syntax: numbers, names, strings, arrays, the odd property dictionary and
operators. :func:`read_objects` reads exactly that part and gives the same objects pdfminer's
``PDFContentParser.nextobject`` gives (the same ints and floats, interned ``LIT``/``KWD`` symbols, ``bytes``,
lists, dicts), decided the same way token by token (a bare ``-`` is dropped, ``1.2.3`` is ``1.2`` and ``.3``,
an unknown escape drops its character).

Anything outside that part answers ``None`` and the caller hands the stream to pdfminer's own parser
unchanged: inline images (``BI``/``ID``/``EI``), procedures (``{}``), names with ``#`` escapes, unbalanced
parentheses, unterminated strings, unbalanced brackets or dictionaries, a keyword inside an array, stray
bytes. tests/test_pdf_content.py checks the two readers give the same objects on every content stream of
the corpus and on generated streams.
"""

from __future__ import annotations

import re
from typing import Any

from pdfminer.psparser import KWD, LIT, PSLiteral, literal_name

_TOKEN = re.compile(
    rb"""
    (?:[\s\x00]++|%[^\r\n]*+)*+  # white space and comments before each token (possessive: no backtracking)
    (?:
      (?P<number>(?=[-+0-9.])[-+]?[0-9]*(?:\.[0-9]*)?)
    | (?P<keyword>[A-Za-z][^\#/%\[\]()<>{}\s]*)(?P<khash>\#)?
    | (?P<name>/[^\#/%\[\]()<>{}\s]*)(?P<hash>\#)?
    | \((?P<string>(?:[^()\\]++|\\.)*+)\)
    | (?P<dict><<|>>)
    | <(?P<hex>[0-9A-Fa-f\s]*)>(?P<hexend>>)?
    | (?P<open>\[)
    | (?P<close>\])
    | (?P<quote>['"])
    | (?P<end>\Z)  # white space to the end
    | (?P<other>.)  # anything else: so that every position matches and a failure costs no search
    )
    """,
    re.VERBOSE | re.DOTALL,
)
_SPACE = re.compile(rb"\s")
_HEX_PAIR = re.compile(rb"[0-9a-fA-F]{2}|.", re.DOTALL)
_ESCAPES = {ord("b"): 8, ord("t"): 9, ord("n"): 10, ord("f"): 12, ord("r"): 13, ord("("): 40, ord(")"): 41,
            ord("\\"): 92}
_INLINE_IMAGE = {b"BI", b"ID", b"EI"}
_DICT_BEGIN = b"<<"


class _NotCovered(Exception):
    """The stream uses syntax :func:`read_objects` leaves to pdfminer."""


def _unescape(body: bytes) -> bytes:
    """A literal string's bytes as pdfminer's ``_parse_string_1`` decodes them."""
    if b"\\" not in body:
        return body
    out = bytearray()
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c != 0x5C:
            out.append(c)
            i += 1
            continue
        i += 1  # the regular expression pairs every backslash with a character
        c = body[i]
        if 0x30 <= c <= 0x37:
            j = i
            while j < n and j < i + 3 and 0x30 <= body[j] <= 0x37:
                j += 1
            code = int(body[i:j], 8)
            if code > 255:
                raise _NotCovered  # pdfminer stops on an assertion here: let it
            out.append(code)
            i = j
        elif c in _ESCAPES:
            out.append(_ESCAPES[c])
            i += 1
        elif c == 0x0D and i + 1 < n and body[i + 1] == 0x0A:
            i += 2  # a line continuation written \r\n
        else:
            i += 1  # pdfminer drops an unknown escape together with its backslash
    return bytes(out)


def _number(text: bytes) -> int | float | None:
    """pdfminer's reading of a number token: None where it drops the token (``-``, ``.``)."""
    try:
        return float(text) if b"." in text else int(text)
    except ValueError:
        return None


def read_objects(data: bytes) -> list[Any] | None:
    """The top-level objects of a content stream, in order, as pdfminer's content parser yields them, or None
    when the stream uses syntax left to pdfminer."""
    try:
        return _read(data)
    except _NotCovered:
        return None


def _read(data: bytes) -> list[Any]:
    out: list[Any] = []
    stack: list[tuple[str, list[Any]]] = []  # the open arrays ("a") and dictionaries ("d")
    current = out
    for m in _TOKEN.finditer(data):
        kind = m.lastgroup
        if kind == "number":
            value = _number(m.group("number"))
            if value is not None:
                current.append(value)
        elif kind == "keyword":
            token = m.group("keyword")
            if token == b"true":
                current.append(True)
            elif token == b"false":
                current.append(False)
            elif stack or token in _INLINE_IMAGE:
                raise _NotCovered
            else:
                current.append(KWD(token))
        elif kind == "name":
            raw = m.group("name")[1:]
            try:
                name: str | bytes = str(raw, "utf-8")
            except UnicodeDecodeError:
                name = raw
            current.append(LIT(name))
        elif kind == "string":
            current.append(_unescape(m.group("string")))
        elif kind == "hex":
            current.append(_HEX_PAIR.sub(lambda p: bytes((int(p.group(0), 16),)), _SPACE.sub(b"", m.group("hex"))))
        elif kind == "open":
            stack.append(("a", current))
            current = []
        elif kind == "close":
            if not stack or stack[-1][0] != "a":
                raise _NotCovered
            _, parent = stack.pop()
            parent.append(current)
            current = parent
        elif kind == "dict":
            if m.group("dict") == _DICT_BEGIN:
                stack.append(("d", current))
                current = []
                continue
            if not stack or stack[-1][0] != "d" or len(current) % 2:
                raise _NotCovered
            keys = current[0::2]
            if not all(isinstance(k, PSLiteral) for k in keys):
                raise _NotCovered
            _, parent = stack.pop()
            parent.append({literal_name(k): v for k, v in zip(keys, current[1::2], strict=True)})
            current = parent
        elif kind == "end":
            break
        elif kind == "quote":
            if stack:
                raise _NotCovered
            current.append(KWD(m.group("quote")))
        else:  # any other byte, a name or keyword running into "#", ">>" right after a hex string
            raise _NotCovered
    if stack:
        raise _NotCovered
    return out
