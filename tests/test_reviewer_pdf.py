"""The annotated PDF (issue 14), read back with pypdf and rendered with pdftoppm.

One markup annotation per located finding, on the finding's page, over its box (the 三公 total cell of a
drawn report; the "5.16%" sentence of the seed, whose glyphs PDFium finds independently of our parser), with
the rule, the message and the numbers in its note; findings without a box on a note; a bookmark tree
severity → page → finding; the original bytes kept (an incremental update); encrypted-but-openable and
damaged inputs annotated; an input that cannot be checked gets no file; the same input gives the same bytes.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pdfgen
import pypdfium2 as pdfium
import pytest
from lint_reports import BAD_TOTAL, run_in, three_public_report
from PIL import Image, ImageChops
from pypdf import PdfReader

from linter.core.findings import Location
from linter.reporters.geometry import PageFrame

MARKUP = ("/Highlight", "/Square")


def annotations(pdf: Path) -> list[tuple[int, dict]]:
    """(page number, annotation) for every annotation of the file."""
    out = []
    for n, page in enumerate(PdfReader(pdf).pages, start=1):
        for ref in page.get("/Annots") or []:
            out.append((n, ref.get_object()))
    return out


def findings_of(cwd: Path, report: Path) -> list[dict]:
    r = run_in(cwd, "check", report, "--format", "json")
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)["files"][0]["findings"]


def user_rect(pdf: Path, page: int, bbox: list[float]) -> tuple[float, float, float, float]:
    p = PdfReader(pdf).pages[page - 1]
    frame = PageFrame.of(tuple(p.mediabox), tuple(p.cropbox), p.rotation)
    return frame.to_user(tuple(bbox))


def glyph_boxes(pdf: Path, page: int, text: str) -> list[tuple[float, float, float, float]]:
    """Where PDFium (not our parser) finds ``text`` on the page: one box per character, in user space."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        textpage = doc[page - 1].get_textpage()
        search = textpage.search(text)
        hit = search.get_next()
        assert hit is not None, f"{text!r} not on page {page}"
        start, count = hit
        return [textpage.get_charbox(i) for i in range(start, start + count) if textpage.get_text_range(i, 1).strip()]
    finally:
        doc.close()


def inside(inner: tuple[float, ...], outer: tuple[float, ...], slack: float = 0.5) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A one-table report whose 三公 total (决算数 合计) prints 12.30 for 12.00, annotated."""
    d = tmp_path_factory.mktemp("annotated")
    src = d / "三公 合计有误.pdf"
    src.write_bytes(three_public_report(BAD_TOTAL))
    out = d / "out" / "checked.pdf"
    r = run_in(d, "check", src, "--format", "annotated-pdf", "-o", out)
    assert r.returncode == 1, r.stderr  # findings, and the file written
    return {"dir": d, "src": src, "out": out}


def test_one_annotation_per_located_finding_on_its_page_and_box(drawn: dict[str, Path]) -> None:
    findings = findings_of(drawn["dir"], drawn["src"])
    located = [f for f in findings if f["location"].get("bbox")]
    unlocated = [f for f in findings if not f["location"].get("bbox")]
    assert located and unlocated  # FL.I.11 at the cell; the missing tables (FL.C.01 …) have no box
    marks = [(n, a) for n, a in annotations(drawn["out"]) if a["/Subtype"] in MARKUP]
    assert len(marks) == len(located)
    i11 = next(f for f in located if f["rule_id"] == "FL.I.11")
    page, annot = next((n, a) for n, a in marks if "FL.I.11" in a["/Contents"])
    assert page == i11["location"]["page"] == 2 and annot["/Subtype"] == "/Highlight"
    expected = user_rect(drawn["out"], page, i11["location"]["bbox"])
    assert [round(float(v), 2) for v in annot["/Rect"]] == [round(v, 2) for v in expected]
    assert annot["/C"] == [1, pytest.approx(0xAA / 255), pytest.approx(0xAA / 255)]  # an error's red
    text = annot["/Contents"]
    assert i11["message"] in text and i11["title"] in text and "错误" in text
    assert "12.30 万元" in text and "12.00 万元" in text and "相差 0.30" in text  # in the message, said once
    assert "公开09表" in text and "决算数/合计" in text
    # the printed "12.30" lies inside the highlight (PDFium's own glyph boxes)
    for box in glyph_boxes(drawn["out"], 2, "12.30"):
        assert inside(box, expected)
    # each highlight has its popup
    popups = [a for _, a in annotations(drawn["out"]) if a["/Subtype"] == "/Popup"]
    assert len(popups) == len(marks) + 1  # and one for the note of findings without a box
    assert annot["/Popup"].get_object()["/Parent"].get_object()["/NM"] == annot["/NM"]


def test_findings_without_a_box_are_listed_on_a_note_on_page_1(drawn: dict[str, Path]) -> None:
    findings = findings_of(drawn["dir"], drawn["src"])
    unlocated = [f for f in findings if not f["location"].get("bbox") and not f["location"].get("page")]
    notes = [(n, a) for n, a in annotations(drawn["out"]) if a["/Subtype"] == "/Text"]
    assert len(notes) == 1 and notes[0][0] == 1
    text = notes[0][1]["/Contents"]
    assert f"{len(unlocated)} 个问题没有可标注的位置" in text
    for f in unlocated:
        assert f["message"] in text


def test_bookmarks_go_severity_then_page_then_finding(drawn: dict[str, Path]) -> None:
    reader = PdfReader(drawn["out"])
    findings = findings_of(drawn["dir"], drawn["src"])
    root_index = next(i for i, o in enumerate(reader.outline) if not isinstance(o, list) and o.title.startswith("fiscal-lint"))
    assert reader.outline[root_index].title == f"fiscal-lint：{len(findings)} 个问题"
    severities = reader.outline[root_index + 1]
    titles = [o.title for o in severities if not isinstance(o, list)]
    errors = sum(f["severity"] == "error" for f in findings)
    assert titles[0] == f"错误（{errors}）"
    pages = severities[1]
    page_titles = [o.title for o in pages if not isinstance(o, list)]
    assert "第2页（1）" in page_titles and "第1页（" in page_titles[0]
    leaves = pages[page_titles.index("第2页（1）") * 2 + 1]
    assert leaves[0].title.startswith("FL.I.11 ")
    assert reader.get_destination_page_number(leaves[0]) == 1  # 0-based: page 2
    assert reader.root_object["/PageMode"] == "/UseOutlines"


def test_the_original_bytes_and_pages_are_kept(drawn: dict[str, Path]) -> None:
    original = drawn["src"].read_bytes()
    out = drawn["out"].read_bytes()
    assert out.startswith(original) and len(out) > len(original)  # an incremental update
    a, b = PdfReader(drawn["src"]), PdfReader(drawn["out"])
    assert len(a.pages) == len(b.pages)
    for pa, pb in zip(a.pages, b.pages, strict=True):
        assert pa.get_contents().get_data() == pb.get_contents().get_data()
        assert pa.mediabox == pb.mediabox


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_the_highlight_is_drawn_at_the_cell(drawn: dict[str, Path], tmp_path: Path) -> None:
    """Rendered by poppler at 72 dpi (1 px = 1 pt): the only pixels that change are those of the 三公 total cell."""

    def render(pdf: Path, name: str) -> Image.Image:
        subprocess.run(["pdftoppm", "-png", "-r", "72", "-f", "2", "-l", "2", "-singlefile", str(pdf),
                        str(tmp_path / name)], check=True, timeout=120)
        return Image.open(tmp_path / f"{name}.png").convert("RGB")

    before, after = render(drawn["src"], "before"), render(drawn["out"], "after")
    changed = ImageChops.difference(before, after).getbbox()
    assert changed is not None, "no highlight drawn"
    i11 = next(f for f in findings_of(drawn["dir"], drawn["src"]) if f["rule_id"] == "FL.I.11")
    x0, top, x1, bottom = i11["location"]["bbox"]
    # poppler rounds a highlight's ends outwards by up to a quarter of its height
    cap = (bottom - top) / 4 + 1
    assert x0 - cap <= changed[0] <= x0 + 1 and x1 - 1 <= changed[2] <= x1 + cap
    assert changed[1] == pytest.approx(top, abs=2) and changed[3] == pytest.approx(bottom, abs=2)
    r, g, b = after.getpixel((int(x0) + 3, int(top) + 3))  # inside the cell, off the digits: tinted red
    assert r > 200 and g < 180 and b < 180


def test_same_input_same_bytes(drawn: dict[str, Path]) -> None:
    again = drawn["dir"] / "again.pdf"
    r = run_in(drawn["dir"], "check", drawn["src"], "--format", "annotated-pdf", "-o", again, "--no-cache")
    assert r.returncode == 1, r.stderr
    assert again.read_bytes() == drawn["out"].read_bytes()


@pytest.mark.parametrize("damage", ["owner_only_rc4", "broken_xref", "wrong_startxref"])
def test_encrypted_and_damaged_reports_are_annotated(tmp_path: Path, damage: str) -> None:
    src = tmp_path / f"{damage}.pdf"
    src.write_bytes(getattr(pdfgen, damage)(three_public_report(BAD_TOTAL)))
    out = tmp_path / "out.pdf"
    r = run_in(tmp_path, "check", src, "--format", "annotated-pdf", "-o", out)
    assert r.returncode == 1, r.stderr
    reader = PdfReader(out)  # opens without a password, and without repairs
    assert not reader.is_encrypted
    marks = [a.get_object() for a in reader.pages[1].get("/Annots") or []]
    assert any(a["/Subtype"] == "/Highlight" and "FL.I.11" in a["/Contents"] for a in marks)
    again = tmp_path / "again.pdf"
    run_in(tmp_path, "check", src, "--format", "annotated-pdf", "-o", again)
    assert again.read_bytes() == out.read_bytes()  # a copy written whole gets a content-made /ID


def test_a_report_that_cannot_be_checked_gets_no_file(tmp_path: Path) -> None:
    src = tmp_path / "损坏.pdf"
    src.write_bytes(b"%PDF-1.4\nnot really a PDF\n")
    out = tmp_path / "out.pdf"
    r = run_in(tmp_path, "check", src, "--format", "annotated-pdf", "-o", out)
    assert r.returncode == 2
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))
    assert "未检查，不生成批注 PDF" in r.stderr


def test_several_reports_go_to_a_folder_one_file_each(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / "in" / name).mkdir(parents=True)
        (tmp_path / "in" / name / "report.pdf").write_bytes(three_public_report(BAD_TOTAL))
    r = run_in(tmp_path, "check", "in", "--format", "annotated-pdf", "-o", tmp_path / "x.pdf")
    assert r.returncode == 2 and "-o 应为目录" in r.stderr and not (tmp_path / "x.pdf").exists()
    r = run_in(tmp_path, "check", "in", "--report", "annotated-pdf=checked/")
    assert r.returncode == 1, r.stderr
    written = sorted(p.relative_to(tmp_path / "checked").as_posix() for p in (tmp_path / "checked").rglob("*.pdf"))
    assert written == ["a/report.checked.pdf", "b/report.checked.pdf"]


def test_usage_errors_stop_before_the_run(tmp_path: Path) -> None:
    src = tmp_path / "r.pdf"
    data = three_public_report(BAD_TOTAL)
    src.write_bytes(data)
    r = run_in(tmp_path, "check", src, "--format", "annotated-pdf")
    assert r.returncode == 2 and "需要 -o" in r.stderr and r.stdout == ""
    r = run_in(tmp_path, "check", src, "--format", "annotated-pdf", "-o", src)
    assert r.returncode == 2 and "不能覆盖" in r.stderr
    assert src.read_bytes() == data


def test_rotated_pages_are_annotated_where_the_text_is(tmp_path: Path) -> None:
    """The model's top-left coordinates turned back into user space for each /Rotate (pdfminer's device space)."""
    media = (10.0, 20.0, 610.0, 820.0)
    box = (100.0, 50.0, 200.0, 70.0)  # x0, top, x1, bottom as the reader sees the page
    for rotate in (0, 90, 180, 270):
        frame = PageFrame.of(media, None, rotate)
        x0, y0, x1, y1 = frame.to_user(box)
        assert media[0] <= x0 < x1 <= media[2] and media[1] <= y0 < y1 <= media[3]
        # the shown page: the same box as a fraction of the rendered page, whatever the rotation
        left, top, width, height = frame.to_view_fraction(box)
        vw, vh = (600, 800) if rotate in (0, 180) else (800, 600)
        assert (left, top, width, height) == pytest.approx((100 / vw, 50 / vh, 100 / vw, 20 / vh))
    assert PageFrame.of(media, None, 0).to_user(box) == (110.0, 750.0, 210.0, 770.0)
    assert PageFrame.of(media, None, 90).to_user(box) == (60.0, 120.0, 80.0, 220.0)


def test_a_located_sentence_is_found_in_the_glyphs(shared: Path, tmp_path: Path) -> None:
    """The seed: one markup annotation per located finding; the "5.16%" sentence highlighted on its own line,
    from "4." to "。", not the whole paragraph."""
    seed = shared / "corpus" / "jianghan-2024" / "jianghan-2024.pdf"
    out = tmp_path / "seed.checked.pdf"
    r = run_in(tmp_path, "check", seed, "--format", "annotated-pdf", "-o", out)
    assert r.returncode == 1, r.stderr
    findings = findings_of(tmp_path, seed)
    located = [f for f in findings if f["location"].get("bbox")]
    marks = [(n, a) for n, a in annotations(out) if a["/Subtype"] in MARKUP]
    keys = {a["/NM"].rsplit("-p", 1)[0] for _, a in marks}
    assert len(keys) == len(located)  # a sentence cut by a page break has one annotation on each page
    page, annot = next((n, a) for n, a in marks if "占 5.16%" in a["/Contents"])
    assert page == 19
    # the numbers as the terminal report words them: the printed precision, the unit, the computed value
    assert "实为 5.16%，应为 5.15%（计算值 5.1531%），相差 0.01 个百分点" in annot["/Contents"]
    rect = tuple(float(v) for v in annot["/Rect"])
    for box in glyph_boxes(out, 19, "4.卫生健康支出类支出50.34万元，占5.16%。"):
        assert inside(box, rect, slack=1.0)
    # the next sentence goes on on the same line: none of its glyphs there is highlighted
    after = [b for b in glyph_boxes(out, 19, "主要是用于行政单位医疗") if rect[1] < (b[1] + b[3]) / 2 < rect[3]]
    assert after and min(b[0] for b in after) >= rect[2] - 1
    assert len(annot["/QuadPoints"]) == 8  # one line
    # the model's own box for the sentence (what the log and SARIF carry) is its one line, over the same glyphs
    loc = Location.from_dict(next(f for f in located if "5.16%" in f["message"])["location"])
    assert loc.page == 19 and loc.bbox is not None and loc.continued is None
    model_rect = user_rect(out, 19, list(loc.bbox))
    for box in glyph_boxes(out, 19, "4.卫生健康支出类支出50.34万元，占5.16%。"):
        # on the box's line and within its width. PDFium boxes a glyph by its outline, pdfminer (and so the
        # model) a line by the font's em square from the baseline: a full stop's outline dips below it. The
        # glyph's vertical centre must be nearer this line than any other: within a quarter of its height.
        assert model_rect[0] - 1 <= box[0] and box[2] <= model_rect[2] + 1
        quarter = (model_rect[3] - model_rect[1]) / 4
        assert model_rect[1] - quarter <= (box[1] + box[3]) / 2 <= model_rect[3] + quarter
    assert model_rect[3] - model_rect[1] < 2 * (rect[3] - rect[1])  # one line, not the paragraph


def test_reading_back_with_a_plain_pdf_reader(drawn: dict[str, Path]) -> None:
    """Nothing pypdf-specific: the file parses strictly (xref, trailer) and keeps its page count."""
    reader = PdfReader(io.BytesIO(drawn["out"].read_bytes()), strict=True)
    assert len(reader.pages) == 2
