"""The prose extractor: headings, paragraphs, TOC and cover metadata.

Against the seed's transcription (skipped without ../shared): every heading comes back as a section, every
paragraph in exactly one section — the one of the heading it follows — compared whitespace-insensitively.
Small synthetic pages cover what the seed does not exercise (Kangxi radicals, Latin line joins).
"""

from __future__ import annotations

import json
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from linter.core.model import Section, iter_sections
from linter.parse.pdf.pages import Char, Page, iter_pages
from linter.parse.pdf.prose import Prose, extract_prose

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "corpus" / "jianghan-2024"

Regions = dict[int, list[tuple[float, float, float, float]]]


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def table_regions(pages: list[Page]) -> Regions:
    """What the table extractor consumes; before it existed, the box of each page's ruled grid stood in."""
    try:
        from linter.core.catalogue import Catalogue
        from linter.parse.pdf.tables import extract_tables
    except ImportError:
        regions: Regions = {}
        for p in pages:
            h = [s for s in p.segments if s.horizontal]
            v = [s for s in p.segments if not s.horizontal]
            if len(h) >= 2 and len(v) >= 2:  # a grid, not an underline
                xs = [x for s in p.segments for x in (s.x0, s.x1)]
                ys = [y for s in p.segments for y in (s.top, s.bottom)]
                regions[p.number] = [(min(xs) - 1, min(ys) - 1, max(xs) + 1, max(ys) + 1)]
        return regions
    return extract_tables(pages, Catalogue())[1]


def load(pdf: Path) -> tuple[list[Page], Prose]:
    if not pdf.exists():
        pytest.skip(f"{pdf} is not present (../shared)")
    with pdf.open("rb") as fp:
        pages = list(iter_pages(fp))
    return pages, extract_prose(pages, table_regions(pages))


# --- the seed ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> tuple[list[Page], Prose, dict[str, Any]]:
    pages, prose = load(SEED / "jianghan-2024.pdf")
    transcription = json.loads((SEED / "jianghan-2024.transcription.json").read_text(encoding="utf-8"))
    return pages, prose, transcription


def test_seed_metadata(seed: tuple[list[Page], Prose, dict[str, Any]]) -> None:
    meta = seed[1].metadata
    assert meta.unit_name == "中共武汉市江汉区委办公室"
    assert meta.fiscal_year == 2024  # from the title: the 2025 of the publication date is not the year
    assert meta.kind == "决算"
    assert meta.profile == "hubei"
    assert meta.publication_date == "2025-10-31"
    assert norm(meta.title or "") == norm(seed[2]["meta"]["title"])
    assert meta.currency_unit is None  # the orchestrator takes it from the tables


def test_seed_toc_kept_apart(seed: tuple[list[Page], Prose, dict[str, Any]]) -> None:
    _, prose, transcription = seed
    expected = next(b for b in transcription["blocks"] if b["type"] == "toc")["items"]
    assert [(norm(e.text), e.level) for e in prose.toc] == [(norm(i["text"]), i["level"]) for i in expected]
    assert {e.page for e in prose.toc} == {2}
    assert all(s.page not in (1, 2) for s in iter_sections(prose.sections))  # no cover or TOC line is a heading


def test_seed_every_heading_is_a_section(seed: tuple[list[Page], Prose, dict[str, Any]]) -> None:
    _, prose, transcription = seed
    sections = list(iter_sections(prose.sections))
    headings = [b for b in transcription["blocks"] if b["type"] == "heading"]
    for h in headings:
        found = [s for s in sections if norm(s.heading) == norm(h["text"])]
        assert len(found) == 1, h["text"]
        assert found[0].level == h["level"], h["text"]
    assert len(sections) == len(headings)  # and nothing else: numbered body lines stay paragraphs


def test_seed_numbers_and_titles(seed: tuple[list[Page], Prose, dict[str, Any]]) -> None:
    sections = list(iter_sections(seed[1].sections))
    by_heading = {norm(s.heading): s for s in sections}
    part2 = by_heading[norm("第二部分 中共武汉市江汉区委办公室 2024 年度部门决算表")]
    assert (part2.number, part2.level, part2.page) == ("第二部分", 1, 5)
    assert part2.title == "中共武汉市江汉区委办公室 2024 年度部门决算表"  # wrapped "…部门决" / "算表" joined
    sub = by_heading[norm("(一)一般公共预算财政拨款支出决算总体情况")]
    assert (sub.number, sub.title, sub.level) == ("（一）", "一般公共预算财政拨款支出决算总体情况", 3)
    assert by_heading[norm("十三、预算绩效情况说明")].number == "十三"
    assert [s.number for s in seed[1].sections] == [
        "第一部分",
        "第二部分",
        "第三部分",
        "第四部分",
        "第五部分",
        "第六部分",
    ]


def test_seed_every_paragraph_in_its_section(seed: tuple[list[Page], Prose, dict[str, Any]]) -> None:
    _, prose, transcription = seed
    where: dict[str, list[Section]] = {}
    for s in iter_sections(prose.sections):
        for p in s.paragraphs:
            where.setdefault(norm(p.text), []).append(s)
    current = ""
    missing = []
    count = 0
    for block in transcription["blocks"]:
        if block["type"] == "heading":
            current = norm(block["text"])
        elif block["type"] == "paragraph":
            count += 1
            found = where.get(norm(block["text"]), [])
            if len(found) != 1 or norm(found[0].heading) != current:
                missing.append(block["text"][:40])
    assert count == 113
    assert missing == []


def test_seed_page_breaks_and_furniture(seed: tuple[list[Page], Prose, dict[str, Any]]) -> None:
    paragraphs = [p for s in iter_sections(seed[1].sections) for p in s.paragraphs]
    # paragraphs running over a page break in this rendering (read off the pages), past the "- n -" footer
    spanning = [(p.page, p.page_end) for p in paragraphs if p.page_end > p.page]
    assert spanning == [(19, 20), (20, 21), (25, 26), (26, 27), (28, 29), (29, 30), (30, 31)]
    purchase = next(p for p in paragraphs if p.text.startswith("2024 年度中共武汉市江汉区委办公室政府采购支出总额"))
    assert "28.49 万元" in purchase.text  # "28.49" / "万元" across a line break: no space added, none lost
    for p in paragraphs:
        assert "\n" not in p.text
        assert p.raw_text.count("\n") >= p.page_end - p.page
        assert not any(norm(line).strip("-").isdigit() for line in p.raw_text.split("\n"))  # "- 19 -" footers
        assert p.bbox is not None and p.bbox[0] < p.bbox[2] and p.bbox[1] < p.bbox[3]


def test_seed_is_fast(seed: tuple[list[Page], Prose, dict[str, Any]]) -> None:
    pages = seed[0]
    regions = table_regions(pages)
    start = time.perf_counter()
    extract_prose(pages, regions)
    assert time.perf_counter() - start < 0.5  # ~0.04 s on a 2-core machine; generous for loaded CI runners


# --- synthetic pages ---------------------------------------------------------------------------------------------

BODY = "NotoSerif"
LEFT, WIDTH = 80.0, 420.0  # text column: 30 CJK characters of 14 pt


def _line(text: str, x: float, top: float, size: float = 14.0, font: str = BODY, bold: bool = False) -> list[Char]:
    chars = []
    for ch in text:
        w = size / 2 if ch.isascii() else size
        chars.append(Char(ch, x, top, x + w, top + size, size, font, bold))
        x += w
    return chars


def _paragraph(text: str, top: float, size: float = 14.0) -> tuple[list[Char], float]:
    """Lay CJK ``text`` out with a 2 em first-line indent, wrapping at the column width."""
    per_line = int(WIDTH // size)
    rows = [text[: per_line - 2]] + [text[i : i + per_line] for i in range(per_line - 2, len(text), per_line)]
    chars: list[Char] = []
    for k, row in enumerate(rows):
        chars += _line(row, LEFT + (2 * size if k == 0 else 0), top, size)
        top += 1.8 * size
    return chars, top


def _page(number: int, chars: list[Char]) -> Page:
    return Page(number=number, width=595.0, height=842.0, chars=chars)


DUTY = (
    "负责区委日常工作的处理，区委领导同志公务活动的安排，区委召开的会议的会务安排和组织协调，承办区委领导交办的工作。"
)


def test_kangxi_heading_and_list_items() -> None:
    # "⼀" is KANGXI RADICAL ONE (U+2F00), as some Word exports write 一
    chars = _line("第⼀部分 部门概况", 200, 80, 18, "SansBold", True) + _line("⼀、部门主要职责", LEFT, 120, 16, "Sans")
    top = 160.0
    for n in "一二三":
        para, top = _paragraph(f"（{n}）{DUTY}", top)
        chars += para
    prose = extract_prose([_page(1, chars)], {})
    [part] = prose.sections
    assert (part.number, part.title, part.level) == ("第一部分", "部门概况", 1)
    assert part.heading == "第⼀部分 部门概况"  # the raw text is kept
    [duties] = part.children
    assert (duties.number, duties.title, duties.level) == ("一", "部门主要职责", 2)
    assert [p.text[:3] for p in duties.paragraphs] == ["（一）", "（二）", "（三）"]  # body-style list items
    assert duties.children == []


def test_page_break_footer_and_latin_join() -> None:
    pitch = 1.8 * 14
    page1 = _line("一、情况说明", LEFT, 80, 16, "Sans")
    ended, top = _paragraph("甲" * 28 + "乙" * 10 + "。", 110)
    page1 += ended
    page1 += _line("丙" * 28, LEFT + 28, top)  # indented first line
    page1 += _line("丙" * 25 + " the", LEFT, top + pitch)  # ragged end, no full stop: the paragraph goes on
    page1 += _line("annual" + "丁" * 27, LEFT, top + 2 * pitch)  # a full line, the last of the page
    page1 += _line("- 1 -", 290, 800, 10.5)
    page2 = _line("戊" * 10 + "。", LEFT, 80)  # at the left margin on top of the next page: a continuation
    prose = extract_prose([_page(1, page1), _page(2, page2)], {})
    [section] = prose.sections
    first, second = section.paragraphs
    assert first.text == "甲" * 28 + "乙" * 10 + "。"
    assert second.text == "丙" * 53 + " the annual" + "丁" * 27 + "戊" * 10 + "。"  # a space only between Latin words
    assert second.raw_text.split("\n") == ["丙" * 28, "丙" * 25 + " the", "annual" + "丁" * 27, "戊" * 10 + "。"]
    assert (second.page, second.page_end) == (1, 2)
    assert second.bbox == pytest.approx((LEFT, top, LEFT + WIDTH, top + 2 * pitch + 14), abs=0.01)  # page 1 part


def test_cover_and_toc_with_page_numbers() -> None:
    cover = _line("示例单位", 200, 300, 26, "SansBold", True) + _line(
        "2024年度部门决算", 180, 340, 26, "SansBold", True
    )
    cover += _line("2025年9月1日", 230, 620, 16)
    toc = _line("目 录", 270, 80, 18, "SansBold", True)
    toc += _line("第一部分 示例单位概况……………………3", LEFT, 120, 12)
    toc += _line("一、部门主要职责………………………………3", LEFT + 24, 140, 12)
    body = _line("第一部分 示例单位概况", 180, 80, 18, "SansBold", True)
    para, _ = _paragraph("负责本单位日常工作。" * 4, 120)
    prose = extract_prose([_page(1, cover), _page(2, toc), _page(3, body + para)], {})
    meta = prose.metadata
    assert (meta.title, meta.unit_name, meta.fiscal_year, meta.kind) == (
        "示例单位2024年度部门决算",
        "示例单位",
        2024,
        "决算",
    )
    assert meta.publication_date == "2025-09-01"
    assert [(e.text, e.level, e.page, e.target_page) for e in prose.toc] == [
        ("第一部分 示例单位概况", 1, 2, "3"),
        ("一、部门主要职责", 2, 2, "3"),
    ]
    [part] = prose.sections
    assert (part.page, part.title, part.children) == (3, "示例单位概况", [])
    assert part.paragraphs[0].text == "负责本单位日常工作。" * 4


def test_nothing_to_read() -> None:
    prose = extract_prose([_page(1, [])], {})
    assert (prose.toc, prose.sections, prose.metadata.kind) == ([], [], None)


def test_running_header_and_page_numbers_dropped() -> None:
    pages = []
    for n in (1, 2, 3):
        chars = _line("示例单位2024年度部门决算", 220, 40, 9)  # a running header, in the top margin of every page
        chars += _line(f"第 {n} 页", 280, 800, 9)
        chars += _line(f"{n}、标题", LEFT, 100, 16, "Sans") if n == 1 else []
        para, _ = _paragraph(f"第{n}页正文。" * 8, 140)
        pages.append(_page(n, chars + para))
    prose = extract_prose(pages, {})
    texts = [p.text for s in iter_sections(prose.sections) for p in s.paragraphs]
    assert texts == [f"第{n}页正文。" * 8 for n in (1, 2, 3)]
