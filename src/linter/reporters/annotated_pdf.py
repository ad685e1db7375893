"""``--format annotated-pdf``: the report itself, with each finding marked where it is.

The output is the original PDF plus, per located finding, a highlight on its box (a cell, a heading, a
sentence line by line, also past a page break) or a rectangle around a whole table, coloured by severity, with
a popup note in Chinese: rule, title, message, 实为 / 应为 / 相差, the place and the other places it rests on.
Findings without a box are listed on a note at the top of their page (page 1 when they have none). A
bookmark tree, fiscal-lint → severity → page → finding, steps through them in any viewer.

Everything is written by pypdf. A sound, unencrypted PDF gets an incremental update: its bytes are kept
as they are and the annotations are appended, so the pages are byte-for-byte the original ones. An
encrypted PDF that opens without a password, or a damaged one, is written out whole from what pypdf (or,
where pypdf cannot repair it, PDFium) reads; that copy is not encrypted, as pypdf cannot write an update
under the original's encryption. No dates are written, and the file identifier is the original's (of an
update) or made from the content (of a copy written whole), so the same report and findings give the same
bytes.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import pypdfium2 as pdfium
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Highlight, Popup, Rectangle, Text
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import ArrayObject, ByteStringObject, Fit, FloatObject, NameObject, TextStringObject

from linter.core.findings import SEVERITIES
from linter.core.results import FileResult, RunResult
from linter.reporters.geometry import PageFrame
from linter.reporters.marks import Mark
from linter.reporters.outputs import OutputError, is_pdf, refuse_input_as_output, report_bytes, write_atomically
from linter.reporters.review import SEVERITY_ZH, Item, Report, build_report

AUTHOR = "fiscal-lint"
HIGHLIGHT = {"error": "ffaaaa", "warning": "ffe07a", "info": "c4e1ff"}  # light: text stays readable under several
BORDER = {"error": "d4380d", "warning": "d48806", "info": "1677ff"}
NOTE_SIZE = 18.0  # points: the note icon for findings without a box
POPUP = (190.0, 120.0)  # width, height of a popup note
_PYPDF_ERRORS = (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError)


def output_name(path: Path) -> str:
    return f"{path.stem}.checked.pdf"


def plan_outputs(files: list[FileResult], target: Path) -> list[tuple[FileResult, Path]]:
    """Where each report's copy goes: ``target`` itself for one report named ``*.pdf``; else a folder, with the
    reports' folders below their common folder kept, so that two ``report.pdf`` from two folders stay apart."""
    if is_single_file(target):
        if len(files) != 1:
            raise OutputError(
                f"有 {len(files)} 份报告，每份一个批注 PDF：-o 应为目录（如 -o checked/）",
                f"{len(files)} reports make one annotated PDF each: give a folder (-o checked/)",
            )
        return [(files[0], target)]
    parents = [fr.path.resolve().parent for fr in files]
    common = Path(*_common_parts(parents)) if parents else Path(".")
    return [(fr, target / p.relative_to(common) / output_name(fr.path)) for fr, p in zip(files, parents, strict=True)]


def _common_parts(paths: list[Path]) -> tuple[str, ...]:
    parts = paths[0].parts
    for p in paths[1:]:
        n = 0
        while n < min(len(parts), len(p.parts)) and parts[n] == p.parts[n]:
            n += 1
        parts = parts[:n]
    return parts


def is_single_file(target: Path) -> bool:
    return target.suffix.lower() == ".pdf" and not target.is_dir()


class AnnotatedPdfReporter:
    def check_target(self, target: Path | None) -> None:
        if target is None:
            raise OutputError(
                "--format annotated-pdf 需要 -o：一份报告写 -o 文件.pdf，多份报告写 -o 目录/",
                "--format annotated-pdf needs -o FILE.pdf (one report) or -o DIR/ (one file per report)",
            )
        if target.exists() and not target.is_dir() and not is_single_file(target):
            raise OutputError(f"{target} 已存在且不是目录", f"{target} exists and is not a folder")

    def write_files(self, run: RunResult, target: Path | None, err: TextIO) -> None:
        self.check_target(target)
        assert target is not None
        plan = plan_outputs(run.files, target)
        for _, out in plan:
            refuse_input_as_output(run, out)
        failed = 0
        for fr, out in plan:
            if not fr.checked:
                assert fr.error is not None
                err.write(f"{fr.path}: 未检查，不生成批注 PDF / not checked, no annotated PDF: {fr.error.message}\n")
                continue
            try:
                data = report_bytes(fr)
                if not is_pdf(data):
                    raise OutputError(f"{fr.path} 不是 PDF，无法批注", f"{fr.path} is not a PDF and cannot be annotated")
                write_atomically(out, annotate(build_report(1, fr, data), data))
            except OutputError as exc:
                err.write(f"{exc}\n")
                failed += 1
        if failed:
            raise OutputError(f"{failed} 份报告未能生成批注 PDF", f"{failed} reports could not be annotated")


# ---- one report -------------------------------------------------------------------------------------------


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    # pypdf logs every repair it makes; the reviewer's command line is no place for them
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def _reader(data: bytes, strict: bool = False) -> PdfReader:
    reader = PdfReader(io.BytesIO(data), strict=strict)
    if reader.is_encrypted and not reader.decrypt(""):
        raise OutputError("报告加密，无法批注", "the report is encrypted and cannot be annotated")
    len(reader.pages)  # reads the page tree: a broken one fails here, not halfway through
    return reader


def _open(data: bytes) -> tuple[PdfReader, bool]:
    """The reader, and whether an incremental update can be appended (sound and not encrypted).

    A PDF pypdf cannot read even when repairing (pdfminer, which the parser uses, rebuilds more) is first
    saved again by PDFium, which repairs it the way viewers do, and that copy is annotated."""
    try:
        strict = _reader(data, strict=True)
        return strict, not strict.is_encrypted
    except _PYPDF_ERRORS:
        pass
    try:
        return _reader(data), False
    except _PYPDF_ERRORS:
        pass
    try:
        doc = pdfium.PdfDocument(data)
        try:
            buf = io.BytesIO()
            doc.save(buf)
        finally:
            doc.close()
        return _reader(buf.getvalue()), False
    except (pdfium.PdfiumError, *_PYPDF_ERRORS) as exc:
        raise OutputError(f"无法读取该报告以写入批注：{exc}", f"the report cannot be read to annotate it: {exc}") from None


def _file_id(writer: PdfWriter, data: bytes, report: Report) -> None:
    """A rewritten file gets an identifier made from its content (PDFium's repair draws a random one): the
    original's bytes, then the same with the findings, so the same input always gives the same bytes."""
    first = hashlib.sha256(data).digest()[:16]
    h = hashlib.sha256(data)
    for item in report.items:
        h.update(_contents(item).encode("utf-8"))
    # pypdf has no public setter for the trailer's /ID; _ID is what it writes (pypdf 5–7)
    writer._ID = ArrayObject([ByteStringObject(first), ByteStringObject(h.digest()[:16])])


def annotate(report: Report, data: bytes) -> bytes:
    """The report's PDF with its findings' annotations and bookmarks."""
    with _quiet_pypdf():
        reader, incremental = _open(data)
        if incremental:
            writer = PdfWriter(reader, incremental=True)
        else:
            writer = PdfWriter(clone_from=reader)
            _file_id(writer, data, report)
        frames = [_frame(p) for p in writer.pages]
        drawn: dict[str, int] = {}  # item key → the page index its bookmark opens
        for item in report.located:
            for mark in item.marks:
                if 1 <= mark.page <= len(frames):
                    _annotate_mark(writer, frames[mark.page - 1], item, mark)
                    drawn.setdefault(item.key, mark.page - 1)
        unplaced = [i for i in report.items if i.key not in drawn]
        by_page: dict[int, list[Item]] = {}
        for item in unplaced:
            page = item.page if item.page and 1 <= item.page <= len(frames) else 1
            by_page.setdefault(page - 1, []).append(item)
        for index, items in sorted(by_page.items()):
            _note(writer, frames[index], index, items)
            for item in items:
                drawn[item.key] = index
        _outline(writer, frames, report, drawn)
        writer.page_mode = "/UseOutlines"
        out = io.BytesIO()
        writer.write(out)
    return out.getvalue()


def _frame(page: Any) -> PageFrame:
    media = tuple(float(v) for v in page.mediabox)
    crop = tuple(float(v) for v in page.cropbox)
    return PageFrame.of(media, crop, int(page.rotation))


def _contents(item: Item) -> str:
    f = item.finding
    lines = [f"【{item.severity_zh}】{f.rule_id} {f.title}", f.message]
    numbers = item.numbers_zh()
    if numbers:
        lines.append(numbers)
    where = item.where_zh()
    if where:
        lines.append(f"位置：{where}")
    for rel in item.related:
        page = f"第{rel.page}页 " if rel.page else ""
        lines.append(f"相关：{page}{rel.place}")
    return "\n".join(lines)


def _is_table(item: Item) -> bool:
    loc = item.finding.location
    return bool(loc.table) and not (loc.row_code or loc.row_label or loc.column or loc.text)


def _annotate_mark(writer: PdfWriter, frame: PageFrame, item: Item, mark: Mark) -> None:
    f = item.finding
    rects = [frame.to_user(r) for r in mark.rects]
    box = frame.to_user(mark.bbox)
    annotation: Any
    if _is_table(item):
        annotation = Rectangle(box, border_color=BORDER[f.severity], title_bar=AUTHOR)
    else:
        quads = ArrayObject(
            FloatObject(v) for x0, y0, x1, y1 in rects for v in (x0, y1, x1, y1, x0, y0, x1, y0)
        )
        annotation = Highlight(
            rect=box, quad_points=quads, highlight_color=HIGHLIGHT[f.severity], printing=True, title_bar=AUTHOR
        )
    annotation[NameObject("/Contents")] = TextStringObject(_contents(item))
    annotation[NameObject("/Subj")] = TextStringObject(f"{f.rule_id} {SEVERITY_ZH[f.severity]}")
    # a name unique on the page, stable from run to run: the finding's key (and its page, for one cut by a break)
    annotation[NameObject("/NM")] = TextStringObject(f"fiscal-lint-{item.key}-p{mark.page}")
    added = writer.add_annotation(mark.page - 1, annotation)
    _popup(writer, frame, mark.page - 1, added, box)


def _popup(writer: PdfWriter, frame: PageFrame, index: int, parent: Any, box: tuple[float, ...]) -> None:
    """A closed popup beside the box (inside the page), where a viewer opens the note."""
    x0, y0, x1, y1 = frame.to_user(frame.view())
    w, h = POPUP
    left = min(max(box[2] + 6, x0), x1 - w) if x1 - x0 > w else x0
    bottom = min(max(box[3] - h, y0), y1 - h) if y1 - y0 > h else y0
    popup = writer.add_annotation(index, Popup(rect=(left, bottom, left + w, bottom + h), parent=parent))
    parent[NameObject("/Popup")] = popup.indirect_reference


def _note(writer: PdfWriter, frame: PageFrame, index: int, items: list[Item]) -> None:
    """One note at the top-left corner of the page for the findings that have no box there."""
    vx0, vtop, _, _ = frame.view()
    corner = (vx0 + 6, vtop + 6, vx0 + 6 + NOTE_SIZE, vtop + 6 + NOTE_SIZE)
    rect = frame.to_user(corner)
    text = f"fiscal-lint：{len(items)} 个问题没有可标注的位置\n\n" + "\n\n".join(_contents(i) for i in items)
    note = Text(rect=rect, text=text, title_bar=AUTHOR)
    note[NameObject("/Name")] = NameObject("/Comment")
    note[NameObject("/NM")] = TextStringObject(f"fiscal-lint-note-p{index + 1}")
    worst = min(SEVERITIES.index(i.finding.severity) for i in items)
    note[NameObject("/C")] = ArrayObject(FloatObject(int(BORDER[SEVERITIES[worst]][k : k + 2], 16) / 255) for k in (0, 2, 4))
    added = writer.add_annotation(index, note)
    _popup(writer, frame, index, added, rect)


def _outline(writer: PdfWriter, frames: list[PageFrame], report: Report, drawn: dict[str, int]) -> None:
    if not report.items:
        return
    root = writer.add_outline_item(title=f"fiscal-lint：{len(report.items)} 个问题", page_number=0, is_open=True)
    for sev in SEVERITIES:
        items = [i for i in report.items if i.finding.severity == sev]
        if not items:
            continue
        first = drawn[items[0].key]
        node = writer.add_outline_item(
            title=f"{SEVERITY_ZH[sev]}（{len(items)}）", page_number=first, parent=root, is_open=sev == "error"
        )
        pages: dict[int, list[Item]] = {}
        for item in items:
            pages.setdefault(drawn[item.key], []).append(item)
        for index in sorted(pages):
            page_node = writer.add_outline_item(
                title=f"第{index + 1}页（{len(pages[index])}）", page_number=index, parent=node, is_open=False
            )
            for item in pages[index]:
                fit = Fit.fit()
                mark = next((m for m in item.marks if m.page - 1 == index), None)
                if mark is not None and frames[index].rotate == 0:
                    _, _, _, top = frames[index].to_user(mark.bbox)
                    fit = Fit.xyz(top=top + 24)
                title = f"{item.finding.rule_id} {item.finding.message}"
                writer.add_outline_item(
                    title=title if len(title) <= 120 else title[:119] + "…", page_number=index, parent=page_node,
                    fit=fit,
                )
