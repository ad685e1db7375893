"""DOCX → :class:`linter.model.Document`: refuse what cannot be read, then tables with their captions and notes,
then the cover, the table of contents and the section tree from the paragraphs left over."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections import Counter
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from lxml import etree

from linter.catalogue import Catalogue
from linter.errors import InputError
from linter.model import Document, ParserInfo, Source, Table

from fiscal_lint_docx.prose import (
    body_size,
    build_sections,
    cover_metadata,
    heading_of,
    is_toc_title,
    toc_entry,
)
from fiscal_lint_docx.reader import Block, BodyReader, Grid, Para, squeeze
from fiscal_lint_docx.tables import MAX_HEADER_ROWS, Caption, build_table, is_note, is_title, read_caption_line

PARSER_NAME = "fiscal-lint-docx"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc, and password-protected .docx
# A .docx that unpacks to more than this is a zip bomb, not a report (the seed report unpacks to ~1.5 MB).
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_CAPTION_LINES = 5


def refuse_non_docx(data: bytes) -> None:
    """A file named .docx that is not a Word package gets a clear InputError."""
    if not data.strip():
        raise InputError("empty", "文件为空", "the file is empty")
    if data.startswith(OLE_MAGIC):
        raise InputError(
            "not_docx",
            "不是 .docx 文件：这是旧版 Word（.doc）文档或已加密的 Word 文档，请另存为未加密的 .docx",
            "not a .docx: this is a legacy Word (.doc) or a password-protected document; save it as an unprotected .docx",
        )
    if not data.startswith(ZIP_MAGIC):
        raise InputError("not_docx", "不是 .docx 文件（不是 ZIP 压缩包）", "not a .docx file (not a ZIP package)")


def open_docx(data: bytes) -> DocxDocument:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise InputError("too_large", "DOCX 解压后过大，拒绝读取", "the DOCX unpacks to too much data to be read")
        return docx.Document(io.BytesIO(data))
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - zipfile, the OPC reader and lxml raise many kinds on damaged input
        raise InputError("corrupt", "DOCX 文件已损坏，无法读取", "the DOCX is damaged and cannot be read") from exc


def _producer(document: DocxDocument) -> str | None:
    """Application and version from docProps/app.xml (python-docx reads only the core properties)."""
    for part in document.part.package.iter_parts():
        if part.partname != "/docProps/app.xml":
            continue
        try:
            root = etree.fromstring(part.blob)
        except etree.XMLSyntaxError:
            return None
        ns = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
        found = [(root.findtext(f"{ns}{name}") or "").strip() for name in ("Application", "AppVersion")]
        return " ".join(f for f in found if f) or None
    return None


def stitch_continuations(blocks: list[Block]) -> list[Block]:
    """A table split into two (a page-break paragraph between the parts) is one table.

    The second part continues the first when only empty paragraphs lie between them and both have the
    same number of grid columns; rows repeating the first part's header are dropped.
    """
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Grid):
            k = len(out)
            while k > 0 and isinstance(out[k - 1], Para) and not out[k - 1].text.strip():  # type: ignore[union-attr]
                k -= 1
            prev = out[k - 1] if k > 0 else None
            if isinstance(prev, Grid) and prev.width == block.width and block.slots:
                prev.extend(block, _repeated_header(prev, block))
                del out[k:]
                continue
        out.append(block)
    return out


def _repeated_header(first: Grid, part: Grid) -> int:
    n = 0
    while n < min(len(part.slots) - 1, len(first.slots), MAX_HEADER_ROWS) and [
        squeeze(s or "") for s in part.slots[n]
    ] == [squeeze(s or "") for s in first.slots[n]]:
        n += 1
    return n


def _take_caption(para: Para, caption: Caption, catalogue: Catalogue) -> bool:
    if not caption.title and is_title(para, catalogue):
        caption.title = squeeze(para.text)
        return True
    return read_caption_line(para.text, caption)


def parse_docx(path: Path, data: bytes, catalogue: Catalogue) -> Document:
    refuse_non_docx(data)
    document = open_docx(data)
    reader = BodyReader(document)
    try:
        blocks = stitch_continuations(reader.blocks())
    except ValueError as exc:  # a malformed number in an attribute (w:gridSpan="x", w:sz="…")
        raise InputError("corrupt", "DOCX 文件结构有误，无法读取", "the DOCX has a malformed structure") from exc
    paras = [b for b in blocks if isinstance(b, Para)]
    size = body_size(paras)
    headings = {i: heading_of(b, size) for i, b in enumerate(blocks) if isinstance(b, Para)}
    claimed: set[int] = set()
    toc_at = next((i for i, b in enumerate(blocks) if isinstance(b, Para) and is_toc_title(b)), None)
    toc = []
    if toc_at is not None:
        claimed.add(toc_at)
        toc_page = blocks[toc_at].page  # type: ignore[union-attr]
        first_entry: str | None = None
        for i in range(toc_at + 1, len(blocks)):
            b = blocks[i]
            if not isinstance(b, Para) or b.page != toc_page:
                break  # the TOC ends at a table or at a page break
            if not b.text.strip():
                continue
            entry = toc_entry(b)
            if first_entry is not None and squeeze(entry.text) == first_entry:
                break  # no break before the body: its first heading repeats the first entry
            first_entry = first_entry or squeeze(entry.text)
            toc.append(entry)
            claimed.add(i)
            headings[i] = None
    tables: list[Table] = []
    for i, block in enumerate(blocks):
        if isinstance(block, Grid):
            tables.append(_table_at(blocks, i, headings, claimed, catalogue))
    first_heading = next((i for i, h in headings.items() if h is not None and i not in claimed), len(blocks))
    cover_end = min(toc_at if toc_at is not None else len(blocks), first_heading)
    cover = [b for i, b in enumerate(blocks[:cover_end]) if isinstance(b, Para) and b.text.strip() and i not in claimed]
    items = [
        (b, headings[i])
        for i, b in enumerate(blocks)
        if isinstance(b, Para) and i >= cover_end and i not in claimed and b.text.strip()
    ]
    metadata = cover_metadata(cover, document.core_properties.title)
    units = Counter(t.unit for t in tables if t.unit)
    metadata.currency_unit = units.most_common(1)[0][0] if units else None
    if metadata.unit_name is None:
        names = Counter(t.unit_name for t in tables if t.unit_name)
        metadata.unit_name = names.most_common(1)[0][0] if names else None
    if metadata.kind is None:
        kinds = Counter(catalogue.by_key[t.key].kind for t in tables if t.key in catalogue.by_key)
        metadata.kind = next((k for k, _ in kinds.most_common() if k in {"决算", "预算"}), None)
    if any((t.number or "").startswith("公开") for t in tables):
        metadata.profile = "hubei"
    source = Source(
        file_name=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        page_count=reader.page,
        producer=_producer(document),
        parser=ParserInfo(PARSER_NAME, docx.__version__),  # type: ignore[attr-defined]
    )
    return Document(metadata=metadata, source=source, toc=toc, sections=build_sections(items), tables=tables)


def _table_at(blocks: list[Block], i: int, headings: dict, claimed: set[int], catalogue: Catalogue) -> Table:
    """The table at ``blocks[i]``, claiming the caption lines above it and the notes below it."""
    grid = blocks[i]
    assert isinstance(grid, Grid)
    caption = Caption()
    seen = 0
    for j in range(i - 1, -1, -1):
        b = blocks[j]
        if not isinstance(b, Para) or j in claimed or headings.get(j) is not None or seen == MAX_CAPTION_LINES:
            break
        if not b.text.strip():
            continue
        seen += 1
        if not _take_caption(b, caption, catalogue):
            break
        claimed.add(j)
    notes: list[Para] = []
    in_notes, note_size = False, None
    for j in range(i + 1, len(blocks)):
        b = blocks[j]
        if not isinstance(b, Para) or headings.get(j) is not None:
            break
        if not b.text.strip():
            continue
        if not is_note(b, in_notes, note_size):
            break
        if not in_notes:
            in_notes, note_size = True, b.size
        notes.append(b)
        claimed.add(j)
    return build_table(grid, caption, notes, catalogue)
