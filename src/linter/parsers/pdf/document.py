"""PDF → :class:`linter.model.Document`: refuse what cannot be read, then tables, then prose."""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from pathlib import Path
from typing import Any

import pdfminer
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.psexceptions import PSException
from pdfminer.utils import decode_text

from linter.catalogue import Catalogue
from linter.errors import InputError
from linter.model import Document, Metadata, ParserInfo, Source
from linter.parsers.pdf.pages import Page, iter_pages
from linter.parsers.pdf.prose import extract_prose
from linter.parsers.pdf.tables import extract_tables

PARSER_NAME = "fiscal-lint-pdfminer"

# A text layer in which more than this share of characters is unmapped glyphs
# ("(cid:NN)" or U+FFFD) cannot be read: checking it would only report noise.
MAX_UNMAPPED_SHARE = 0.3


def refuse_non_pdf(data: bytes) -> None:
    """Raise a clear InputError for files that are not PDFs at all."""
    head = data[:1024]
    if not data.strip():
        raise InputError("empty", "文件为空", "the file is empty")
    if b"%PDF-" in head:
        return
    if head.startswith(b"PK\x03\x04"):
        what_zh, what_en = "ZIP 压缩包或 Office 文档（如 .docx）", "a ZIP archive or an Office document (e.g. .docx)"
    elif head.lstrip()[:1] == b"<" and b"html" in head.lower():
        what_zh, what_en = "HTML 网页（可能是下载出错的页面）", "an HTML page (perhaps a failed download)"
    elif head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        what_zh, what_en = "图片文件", "an image"
    else:
        what_zh, what_en = "非 PDF 文件", "not a PDF"
    raise InputError("not_pdf", f"不是 PDF 文件：内容是{what_zh}", f"not a PDF file: it is {what_en}")


def _open(data: bytes) -> PDFDocument:
    try:
        return PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise InputError(
            "encrypted", "PDF 已加密，需要密码才能打开", "the PDF is encrypted and needs a password to open"
        ) from exc
    except (PSException, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise InputError("corrupt", "PDF 文件已损坏，无法读取", "the PDF is damaged and cannot be read") from exc


def _producer(doc: PDFDocument) -> str | None:
    for info in doc.info:
        value = resolve1(info.get("Producer"))
        if isinstance(value, bytes):
            value = decode_text(value)  # PDFDocEncoding or UTF-16 with a BOM
        if isinstance(value, str) and value.strip("\x00 "):
            return value.strip("\x00 ")
    return None


def load_pages(data: bytes) -> list[Page]:
    try:
        return list(iter_pages(io.BytesIO(data)))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise InputError(
            "encrypted", "PDF 已加密，需要密码才能打开", "the PDF is encrypted and needs a password to open"
        ) from exc
    except RecursionError as exc:
        raise InputError("too_deep", "PDF 结构嵌套过深，无法读取", "the PDF nests objects too deeply to be read") from exc
    except MemoryError:
        raise  # the guard reports the memory limit
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on damaged input; the user gets one line
        raise InputError("corrupt", "PDF 文件已损坏，无法读取", "the PDF is damaged and cannot be read") from exc


def check_text_layer(pages: list[Page]) -> None:
    """Refuse documents whose text cannot be read, instead of reporting them clean."""
    if not pages:
        raise InputError("no_pages", "PDF 没有任何页面", "the PDF has no pages")
    chars = [c.text for p in pages for c in p.chars if not c.text.isspace()]
    if not chars:
        raise InputError(
            "no_text_layer",
            "PDF 没有文字层（可能是扫描件），无法检查",
            "the PDF has no text layer (a scan?) and cannot be checked",
        )
    unmapped = sum(1 for t in chars if t.startswith("(cid:") or t == "\ufffd")
    if unmapped / len(chars) > MAX_UNMAPPED_SHARE:
        raise InputError(
            "unmapped_glyphs",
            f"PDF 文字无法解码（{unmapped}/{len(chars)} 个字符缺少 Unicode 映射），无法检查",
            f"the PDF text cannot be decoded ({unmapped}/{len(chars)} characters have no Unicode mapping)",
        )


def parse_pdf(path: Path, data: bytes, catalogue: Catalogue, options: dict[str, Any] | None = None) -> Document:
    refuse_non_pdf(data)
    doc = _open(data)
    pages = load_pages(data)
    check_text_layer(pages)
    tables, regions = extract_tables(pages, catalogue)
    prose = extract_prose(pages, regions)
    metadata: Metadata = prose.metadata
    units = Counter(t.unit for t in tables if t.unit)
    if units and metadata.currency_unit is None:
        metadata.currency_unit = units.most_common(1)[0][0]
    if metadata.profile is None and any((t.number or "").startswith("公开") for t in tables):
        metadata.profile = "hubei"
    source = Source(
        file_name=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        page_count=len(pages),
        producer=_producer(doc),
        parser=ParserInfo(PARSER_NAME, pdfminer.__version__),
    )
    return Document(metadata=metadata, source=source, toc=prose.toc, sections=prose.sections, tables=tables)
