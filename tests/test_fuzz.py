"""Property-based fuzzing (issue 7): mutated PDF bytes and generated or mutated rule files.

* PDF: bytes of a small report are flipped, cut, duplicated and spliced with PDF tokens. Whatever comes out,
  the parser returns a model or refuses the file with a known reason and a one-line message: never a
  traceback, never an unexplained "parser error", never a hang or a memory blow-up.
* Rules: programs generated from the grammar (``src/linter/dsl/grammar.lark``) and the shipped rule files with
  random edits. Parsing and checking never raise anything but :class:`DslError`, and every diagnostic names
  ``file:line:col`` inside the file; a rule that loads runs without an exception escaping the evaluator.

The default run is short and derandomised (the same examples every time, so the suite stays deterministic).
``FISCAL_LINT_FUZZ_EXAMPLES=N`` runs N random examples per property: ``tox -e fuzz`` does so with many.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pdfgen
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import session_for

import linter.dsl
from linter.core.errors import InputError
from linter.core.limits import Limits
from linter.parse.guard import parse_guarded

LONG = "FISCAL_LINT_FUZZ_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("FISCAL_LINT_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not LONG,
    database=None if not LONG else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
FUZZ_PDF = settings(FUZZ, max_examples=EXAMPLES if LONG else 12)  # each example forks a worker and parses

# Reasons a damaged PDF may be refused with: each is explained to the user in one line.
EXPLAINED = {
    "empty", "not_pdf", "truncated", "corrupt", "encrypted", "no_pages", "no_text_layer", "unmapped_glyphs",
    "not_disclosure", "reference_loop", "too_deep", "stream_too_large", "too_many_objects", "too_many_pages",
    "invalid_model",
}


# --- PDF bytes ------------------------------------------------------------------------------------------------------

def _small_report() -> bytes:
    w = pdfgen.Writer()
    w.heading("一、部门主要职责", size=12)
    w.paragraph("负责本单位日常工作。")
    w.table(pdfgen.SUMMARY)
    return w.bytes()


SEED = _small_report()
TOKENS = [b"obj", b"endobj", b" 0 R", b"<<", b">>", b"[", b"]", b"(", b")", b"stream\n", b"\nendstream",
          b"/Length 99999999", b"/Filter/FlateDecode", b"/Type/Pages", b"/Kids[1 0 R]", b"/Count 999999",
          b"xref", b"trailer", b"startxref", b"%%EOF", b"-1", b"99999999999999999999", b"/Encrypt 1 0 R", b"\x00" * 8]


@st.composite
def mutated_pdf(draw: st.DrawFn) -> bytes:
    data = bytearray(SEED)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "delete", "insert", "token", "duplicate", "digit", "truncate"]))
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif kind == "duplicate":
            piece = bytes(data[at : at + draw(st.integers(1, 256))])
            to = draw(st.integers(0, len(data)))
            data[to:to] = piece
        elif kind == "digit":
            digits = [m.start() for m in re.finditer(rb"\d", bytes(data))]
            if digits:
                data[draw(st.sampled_from(digits))] = ord(str(draw(st.integers(0, 9))))
        else:
            del data[max(at, 1) :]
        if not data:
            break
    return bytes(data)


def test_the_seed_itself_is_read(tmp_path: Path) -> None:
    path = tmp_path / "seed.pdf"
    path.write_bytes(SEED)
    assert parse_guarded(path, Limits(timeout=60), session_for().pm).tables


@FUZZ_PDF
@given(mutated_pdf())
def test_mutated_pdf_is_read_or_refused_with_a_reason(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "mutated.pdf"
    path.write_bytes(data)
    try:
        document = parse_guarded(path, Limits(timeout=60, memory=1024**3), session_for().pm)
    except InputError as exc:
        assert exc.reason in EXPLAINED, f"{exc.reason}: {exc.message}"
        assert exc.zh and exc.en and "\n" not in exc.message
    else:
        assert document.source.page_count >= 1


def test_flate_salvage_matches_pdfminer() -> None:
    """The linear-time salvage of damaged Flate data gives pdfminer's result (checked on seeded damage)."""
    import random
    import zlib

    from linter.parse.pdf import pages

    rnd = random.Random(7)
    for _ in range(200):
        raw = bytes(rnd.randrange(0, 40) for _ in range(rnd.randrange(1, 6000)))
        data = bytearray(zlib.compress(raw))
        where = rnd.choice(["checksum", "middle", "cut", "none"])
        if where == "checksum":
            data[-1] ^= 0xFF
        elif where == "middle":
            data[rnd.randrange(2, len(data))] ^= 0x55
        elif where == "cut":
            data = data[: rnd.randrange(1, len(data))]
        results = []
        for salvage in (pages._original_decompress_corrupted, pages._decompress_corrupted):
            try:
                results.append(salvage(bytes(data)))
            except zlib.error:
                results.append(None)
        assert results[0] == results[1], where


# --- rule files -----------------------------------------------------------------------------------------------------

GRAMMAR = Path(linter.dsl.__file__).parent / "grammar.lark"  # the grammar of the code under test
FUNCTIONS = ["table", "document", "sum", "count", "rows", "row", "col", "columns", "children", "section", "abs",
             "round", "contains", "absent", "present", "find", "value", "x", "t", "r", "c", "预算数", "决算数"]


def _spaced(s: str) -> str:
    return f" {s} "


def _rule_strategy() -> st.SearchStrategy[str]:
    """Programs from the grammar, tokens separated by spaces (lark would otherwise glue 'rule' to the id)."""
    from hypothesis.extra.lark import from_lark
    from lark import Lark
    from lark.lexer import PatternStr

    lark = Lark(GRAMMAR.read_text(encoding="utf-8"), start="start")
    terminals, _, _ = lark.grammar.compile(["start"], ())
    explicit: dict[str, st.SearchStrategy[str]] = {}
    for t in terminals:
        if isinstance(t.pattern, PatternStr):
            explicit[t.name] = st.just(_spaced(t.pattern.value))
        elif t.name == "NAME":  # the lookahead (?!\d) is beyond hypothesis' regex strategies
            explicit[t.name] = st.one_of(
                st.sampled_from(FUNCTIONS), st.from_regex(r"[A-Za-z_\u4e00-\u9fa5][A-Za-z0-9_\u4e00-\u9fa5]{0,6}",
                                                          fullmatch=True)).map(_spaced)
        elif t.name == "WS":
            explicit[t.name] = st.sampled_from([" ", "\n", "\t", "\r\n"])
        elif t.name == "COMMENT":
            explicit[t.name] = st.from_regex(r"#[^\n]{0,12}", fullmatch=True).map(lambda s: f" {s}\n")
        else:
            explicit[t.name] = st.from_regex(t.pattern.to_regexp(), fullmatch=True).map(_spaced)
    return from_lark(lark, start="start", explicit=explicit)


def _assert_located(diagnostics: list, path: Path, text: str) -> None:
    lines = text.count("\n") + 1
    for d in diagnostics:
        assert d.file == str(path), d
        assert 1 <= d.line <= lines + 1 and d.col >= 1, d
        assert d.message_zh and d.message_en, d
        head = d.format().splitlines()[0]
        assert head.startswith(f"{path}:{d.line}:{d.col}: "), head


def _check_rule_text(text: str, directory: Path, document) -> None:
    from linter.dsl import DslError, check_paths, evaluate, load_packs, parse_source

    path = directory / "fuzz.rules"
    path.write_text(text, encoding="utf-8")
    try:
        parse_source(text, path)
    except DslError as exc:
        assert exc.diagnostics
        _assert_located(exc.diagnostics, path, text)
    _assert_located(check_paths([path]), path, text)
    try:
        packs = load_packs([path])
    except DslError as exc:
        _assert_located(exc.diagnostics, path, text)
        return
    result = evaluate(packs, document)  # a rule that breaks at run time is reported, never raised
    for err in result.errors:
        assert err.rule_id and err.message


@pytest.fixture(scope="module")
def rule_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("rules")


@FUZZ
@given(st.data())
def test_rule_files_from_the_grammar(rule_dir: Path, fixture_doc, data: st.DataObject) -> None:
    text = data.draw(_RULES)
    _check_rule_text(text, rule_dir, fixture_doc)


def _shipped() -> dict[str, str]:
    from linter.dsl import default_pack_paths

    return {p.name: p.read_text(encoding="utf-8") for d in default_pack_paths() for p in sorted(Path(d).rglob("*.rules"))}


SHIPPED = _shipped()
SNIPPETS = ["{", "}", "(", ")", "[", "]", '"', "re\"", "rule", "assert", "for x in", "let", "when", "unless", "\n",
            "#", "1.5%", ".", ",", "==", "within rel(", "预算数", "\\", "\t", "\u3000", "else \"{", "{lhs"]


@FUZZ
@given(st.sampled_from(sorted(SHIPPED)), st.data())
def test_mutated_shipped_rule_files(rule_dir: Path, fixture_doc, name: str, data: st.DataObject) -> None:
    text = SHIPPED[name]
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        kind = data.draw(st.sampled_from(["delete", "insert", "char", "swap"]))
        if kind == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 40)) :]
        elif kind == "insert":
            text = text[:at] + data.draw(st.sampled_from(SNIPPETS)) + text[at:]
        elif kind == "char":
            text = text[:at] + data.draw(st.characters()) + text[at + 1 :]
        else:
            lines = text.split("\n")
            i, j = data.draw(st.integers(0, len(lines) - 1)), data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    _check_rule_text(text, rule_dir, fixture_doc)


_RULES = _rule_strategy()
