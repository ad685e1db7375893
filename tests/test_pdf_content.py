"""The content-stream reader (linter.parse.pdf.content) against pdfminer.six's own content parser.

``read_objects`` must give exactly the objects ``PDFContentParser.nextobject`` gives (same values, same types,
the same interned symbols), or None so that the stream goes to pdfminer. Checked on generated streams (tokens
of every kind the reader covers, and bytes it does not), on every content stream of the PDFs the test suite
builds and of the corpus, and on the whole model: parsing with the reader and with pdfminer's parser alone
gives the same document.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pdfgen
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFContentParser
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFStream, resolve1, stream_value
from pdfminer.psparser import KWD, LIT, PSEOF
from support import session_for

from linter.parse.pdf import pages
from linter.parse.pdf.content import read_objects

LONG = "FISCAL_LINT_FUZZ_EXAMPLES" in os.environ
PROPERTY = settings(
    max_examples=int(os.environ.get("FISCAL_LINT_FUZZ_EXAMPLES", "300")),
    deadline=None,
    derandomize=not LONG,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def pdfminer_objects(data: bytes) -> list:
    stream = PDFStream({}, data)
    stream.objid = 1
    try:
        parser = PDFContentParser([stream])
    except PSEOF:
        return []
    out = []
    while True:
        try:
            _, obj = parser.nextobject()
        except PSEOF:
            return out
        out.append(obj)


def same(ours: list, theirs: list) -> bool:
    """Equal values of equal types all the way down (1 == 1.0 == True in Python: not here)."""
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, list):
        return len(ours) == len(theirs) and all(same(a, b) for a, b in zip(ours, theirs, strict=True))
    if isinstance(ours, dict):
        return ours.keys() == theirs.keys() and all(same(ours[k], theirs[k]) for k in ours)
    return ours is theirs if ours.__class__.__name__ in ("PSKeyword", "PSLiteral") else ours == theirs


def agrees(data: bytes) -> bool:
    """The reader gives pdfminer's objects, or leaves the stream to it."""
    ours = read_objects(data)
    return ours is None or same(ours, pdfminer_objects(data))


# ---- generated streams ----------------------------------------------------------------------------------

numbers = st.one_of(
    st.integers(-10**9, 10**9).map(lambda i: str(i).encode()),
    st.decimals(-10**6, 10**6, places=4, allow_nan=False, allow_infinity=False).map(lambda d: str(d).encode()),
    st.sampled_from([b"-", b"+", b".", b"-.", b"+.5", b"5.", b"1.2.3", b"--5", b"5-3", b"1e5", b"-0", b".0"]),
)
name_bytes = st.binary(max_size=6).filter(lambda b: not any(c in b for c in b" \t\r\n\x0c\x00/%[]()<>{}#"))
names = st.one_of(name_bytes.map(lambda b: b"/" + b), st.sampled_from([b"/F1", b"/Span", b"/MCID", b"/", b"/a#20b"]))
keywords = st.sampled_from([b"BT", b"ET", b"Tf", b"Tj", b"TJ", b"Td", b"T*", b"cm", b"re", b"f*", b"W", b"n", b"q",
                            b"Q", b"BDC", b"EMC", b"true", b"false", b"d0", b"BI", b"ID", b"EI", b"'", b'"'])
string_bodies = st.binary(max_size=12).map(lambda b: b.replace(b"(", b"\\(").replace(b")", b"\\)"))
escapes = st.sampled_from([b"\\n", b"\\r", b"\\t", b"\\b", b"\\f", b"\\(", b"\\)", b"\\\\", b"\\1", b"\\12",
                           b"\\123", b"\\1234", b"\\400", b"\\777", b"\\q", b"\\\r\n", b"\\\n", b"\\\r"])
strings = st.lists(st.one_of(string_bodies, escapes), max_size=4).map(lambda parts: b"(" + b"".join(parts) + b")")
hexes = st.binary(max_size=6).map(lambda b: b"<" + b.hex().encode() + b">") | st.sampled_from([b"<4 1>", b"<abc>",
                                                                                                  b"<41>>", b"<4x>"])
junk = st.sampled_from([b"{", b"}", b")", b"(", b">", b"<", b"]", b"[", b"<<", b">>", b"\x80", b"*", b"#", b"%c\n",
                        b"(a(b)c)", b"\x00", b"\x0b"])
separators = st.sampled_from([b" ", b"\n", b"\r\n", b"\t", b"", b"  ", b"%comment\n", b"\x00"])
atoms = st.one_of(numbers, names, keywords, strings, hexes)
tokens = st.recursive(
    atoms,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda xs: b"[" + b" ".join(xs) + b"]"),
        st.lists(st.tuples(names, inner), max_size=3).map(lambda kv: b"<<" + b" ".join(k + b" " + v for k, v in kv) + b">>"),
    ),
    max_leaves=8,
)


@PROPERTY
@given(st.lists(st.tuples(st.one_of(tokens, junk), separators), max_size=25))
def test_generated_streams_read_as_pdfminer_reads_them(parts: list[tuple[bytes, bytes]]) -> None:
    data = b"".join(token + sep for token, sep in parts)
    assert agrees(data), data


@PROPERTY
@given(st.binary(max_size=200))
def test_arbitrary_bytes_read_as_pdfminer_reads_them(data: bytes) -> None:
    assert agrees(data), data


def test_what_the_reader_covers_and_what_it_leaves() -> None:
    content = (b"q 1 0 0 1 0 0 cm BT /F1 12 Tf 1 0 0 1 72.5 700 Tm (a\\(b\\)\\\\\\101) Tj [(x) -250 <4E2D>] TJ ET Q\n"
               b"/Span <</MCID 3 /ActualText (\\376\\377)>> BDC EMC % comment\n 0.5 g 10 10 100 .5 re f* ' \"")
    objects = read_objects(content)
    assert objects is not None and same(objects, pdfminer_objects(content))
    assert objects[9] is LIT("F1") and objects[11] is KWD(b"Tf") and objects[19] == b"a(b)\\A"
    assert objects[16] == 72.5 and type(objects[17]) is int and objects[34] == 0.5
    assert objects[21] == [b"x", -250, b"N-"]
    assert objects[26] == {"MCID": 3, "ActualText": b"\xfe\xff"}
    assert objects[-2:] == [KWD(b"'"), KWD(b'"')]
    # left to pdfminer: inline images, procedures, # in names, nested or open parentheses, stray brackets
    for data in (b"BI /W 1 /H 1 ID \x00 EI", b"{ 1 }", b"/a#20b", b"(a(b)c) Tj", b"(open", b"1 ]", b"<< /a >>",
                 b"[ 1 Tj ]", b"<41>> ", b"\x80"):
        assert read_objects(data) is None, data


def test_pathological_streams_take_linear_time() -> None:
    """Every position of the stream is matched by some alternative, so a failure never searches onwards and
    the possessive white-space run never backtracks (a regular expression's quadratic or exponential cases)."""
    started = time.perf_counter()
    for data in (b" " * 300_000 + b"}", b" " * 300_000, b"(" + b"a" * 300_000, b"[ " * 100_000, b"/a" * 100_000 + b"#",
                 b"%" * 300_000, b"<" + b" " * 300_000):
        assert agrees(data) if len(data) < 1000 else True
        read_objects(data)
    assert time.perf_counter() - started < 10  # quadratic would be minutes


# ---- real streams ---------------------------------------------------------------------------------------


def content_streams(pdf: Path) -> list[bytes]:
    """Every page's content (its streams joined, as the interpreter reads them) and every form XObject's."""
    out = []
    with pdf.open("rb") as fp:
        doc = PDFDocument(PDFParser(fp))
        for page in PDFPage.create_pages(doc):
            out.append(b"".join(stream_value(c).get_data() for c in page.contents))
            for xobject in (resolve1((page.resources or {}).get("XObject")) or {}).values():
                xobject = stream_value(xobject)
                if getattr(xobject.get("Subtype"), "name", None) == "Form":
                    out.append(xobject.get_data())
    return out


def check_streams(pdfs: list[Path]) -> tuple[int, int]:
    read = left = 0
    for pdf in pdfs:
        for data in content_streams(pdf):
            ours = read_objects(data)
            if ours is None:
                left += 1
                continue
            assert same(ours, pdfminer_objects(data)), (pdf.name, data[:200])
            read += 1
    return read, left


def test_streams_of_the_generated_reports(tmp_path: Path) -> None:
    """The reports the test suite draws with reportlab, and the hand-assembled CID-font PDF."""
    pdfs = []
    for name, data in (("report.pdf", pdfgen.fixture_report()), ("cid.pdf", pdfgen.cid_only_pdf())):
        (tmp_path / name).write_bytes(data)
        pdfs.append(tmp_path / name)
    read, left = check_streams(pdfs)
    assert read >= 5 and left == 0


def test_streams_of_the_corpus(shared: Path) -> None:
    pdfs = sorted((shared / "corpus").rglob("*.pdf"))
    read, left = check_streams(pdfs)
    assert read > 250 and left == 0  # every page of every corpus report is read by the fast reader


def test_the_model_is_the_same_with_pdfminers_parser_alone(shared: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session = session_for()
    seed = shared / "corpus" / "jianghan-2024" / "jianghan-2024.pdf"
    fast = session.parse(seed).to_dict()
    monkeypatch.setattr(pages, "read_objects", lambda data: None)  # every stream to pdfminer's execute
    assert session.parse(seed).to_dict() == fast


def raw_pages(pdf: Path) -> list:
    """The parser's raw pages (glyphs, rulings, lines) of ``pdf``."""
    from linter.core.limits import Limits
    from linter.parse.pdf.document import load_pages

    with pdf.open("rb") as fp:
        return load_pages(PDFDocument(PDFParser(fp)), Limits())


@pytest.mark.parametrize("content", [
    # an inline image between two pieces of text: the page goes to pdfminer's own parser
    b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET q 10 0 0 10 72 600 cm BI /W 1 /H 1 /BPC 8 /CS /G ID \x80 EI Q "
    b"BT /F1 12 Tf 72 650 Td (World) Tj ET",
    # a procedure, and a name with a # escape
    b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET { 1 } pop /Na#6De BT /F1 12 Tf 72 650 Td (World) Tj ET",
])
def test_streams_left_to_pdfminer_read_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 content: bytes) -> None:
    assert read_objects(content) is None
    pdf = tmp_path / "left.pdf"
    pdf.write_bytes(pdfgen.one_page(pdfgen.stream(content)))
    ours = raw_pages(pdf)
    assert "".join(c.text for c in ours[0].chars) == "HelloWorld"
    monkeypatch.setattr(pages, "read_objects", lambda data: None)
    assert raw_pages(pdf) == ours


def test_content_over_the_cap_goes_to_pdfminer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Content larger than FAST_CONTENT_MAX is streamed by pdfminer (the page-objects limit stops a hostile page
    as it goes), with the same result."""
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(pdfgen.one_page(pdfgen.stream(pdfgen.HELLO)))
    ours = raw_pages(pdf)
    calls: list[int] = []
    monkeypatch.setattr(pages, "read_objects", lambda data: calls.append(len(data)))
    monkeypatch.setattr(pages, "FAST_CONTENT_MAX", 10)
    assert raw_pages(pdf) == ours and calls == []
    assert "".join(c.text for c in ours[0].chars) == "Hello"
