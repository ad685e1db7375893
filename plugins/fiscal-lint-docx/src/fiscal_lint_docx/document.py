"""DOCX → :class:`linter.core.model.Document`: refuse what cannot be read, then tables with their captions and notes,
then the cover, the table of contents and the section tree from the paragraphs left over."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections import Counter
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.oxml.parser import parse_xml
from linter.api import Catalogue, Document, InputError, Metadata, ParserInfo, Source, Table, TocEntry, squash
from lxml import etree

from fiscal_lint_docx.prose import (
    Heading,
    body_size,
    build_sections,
    cover_metadata,
    heading_of,
    is_toc_style,
    is_toc_title,
    toc_entry,
)
from fiscal_lint_docx.reader import Block, BodyReader, Grid, Para
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
            root = parse_xml(part.blob)  # python-docx's parser: no entity expansion, no network (an XXE-safe read)
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
            while k > 0 and _is_blank(out[k - 1]):
                k -= 1
            prev = out[k - 1] if k > 0 else None
            if isinstance(prev, Grid) and prev.width == block.width and block.slots:
                prev.extend(block, _repeated_header(prev, block))
                del out[k:]
                continue
        out.append(block)
    return out


def _is_blank(block: Block) -> bool:
    return isinstance(block, Para) and not block.text.strip()


def _repeated_header(first: Grid, part: Grid) -> int:
    n = 0
    while n < min(len(part.slots) - 1, len(first.slots), MAX_HEADER_ROWS) and [
        squash(s or "") for s in part.slots[n]
    ] == [squash(s or "") for s in first.slots[n]]:
        n += 1
    return n


def _take_caption(para: Para, caption: Caption, catalogue: Catalogue) -> bool:
    if not caption.title and is_title(para, catalogue):
        caption.title = " ".join(para.text.split())
        return True
    return read_caption_line(para.text, caption)


def parse_docx(path: Path, data: bytes, catalogue: Catalogue) -> Document:
    refuse_non_docx(data)
    document = open_docx(data)
    reader = BodyReader(document)
    blocks = stitch_continuations(reader.blocks())
    size = body_size([b for b in blocks if isinstance(b, Para)])
    headings = {i: heading_of(b, size) for i, b in enumerate(blocks) if isinstance(b, Para)}
    claimed: set[int] = set()
    toc = _read_toc(blocks, headings, claimed)
    toc_start = min(claimed, default=len(blocks))
    tables = [_table_at(blocks, i, b, headings, claimed, catalogue) for i, b in enumerate(blocks) if isinstance(b, Grid)]
    first_heading = next((i for i, h in headings.items() if h is not None and i not in claimed), len(blocks))
    cover_end = min(toc_start, first_heading)
    prose = [(i, b) for i, b in enumerate(blocks) if isinstance(b, Para) and b.text.strip() and i not in claimed]
    metadata = cover_metadata([b for i, b in prose if i < cover_end], document.core_properties.title)
    _complete_metadata(metadata, tables, catalogue)
    if metadata.level is None:  # 部门 / 单位, read from the document as the PDF parser does: its own words
        text = "".join(b.text for _, b in prose) + "".join(t.title or "" for t in tables)
        dept = len(re.findall(r"本部门|部门(?:决算|预算)|编制部门", text))
        unit = len(re.findall(r"本单位|单位(?:决算|预算)|编制单位|预算单位", text))
        metadata.level = "部门" if dept > unit else "单位" if unit > dept else None
    source = Source(
        file_name=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        page_count=reader.page,
        producer=_producer(document),
        parser=ParserInfo(PARSER_NAME, docx.__version__),
    )
    sections = build_sections([(b, headings[i]) for i, b in prose if i >= cover_end])
    return Document(metadata=metadata, source=source, toc=toc, sections=sections, tables=tables)


def _read_toc(blocks: list[Block], headings: dict[int, Heading | None], claimed: set[int]) -> list[TocEntry]:
    """The 目录: the lines after its title on the same page, and any paragraph in a TOC style ("toc 1")."""
    paras = {i: b for i, b in enumerate(blocks) if isinstance(b, Para)}
    at = {i for i, p in paras.items() if is_toc_style(p) and p.text.strip()}
    title = next((i for i, p in paras.items() if is_toc_title(p)), None)
    if title is not None:
        claimed.add(title)
        first: str | None = None
        for i in range(title + 1, len(blocks)):
            p = paras.get(i)
            if p is None or p.page != paras[title].page:
                break  # the TOC ends at a table or at a page break
            if not p.text.strip():
                continue
            text = squash(toc_entry(p, None).text)
            if first is not None and text == first:
                break  # no break before the body: its first heading repeats the first entry
            first = first or text
            at.add(i)
    toc: list[TocEntry] = []
    for i in sorted(at):
        toc.append(toc_entry(paras[i], toc[-1] if toc else None))
        claimed.add(i)
        headings[i] = None
    return toc


def _complete_metadata(metadata: Metadata, tables: list[Table], catalogue: Catalogue) -> None:
    """What the cover does not say, from the tables: currency unit, unit name, kind, template profile."""
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


def _table_at(
    blocks: list[Block], i: int, grid: Grid, headings: dict[int, Heading | None], claimed: set[int], catalogue: Catalogue
) -> Table:
    """The table ``grid`` at ``blocks[i]``, claiming the caption lines above it (up to its title) and the notes below."""
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
        if caption.title:
            break  # 表号 and 单位 lines sit between the title and the table
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
