"""PDF → :class:`linter.core.model.Document`: refuse what cannot be read, then tables, then prose."""

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
from pdfminer.utils import decode_text

from linter.core.catalogue import Catalogue
from linter.core.errors import InputError
from linter.core.limits import Limits
from linter.core.model import Document, Metadata, ParserInfo, Source
from linter.parse.guard import TOO_DEEP
from linter.parse.pdf.pages import Page, declared_page_count, iter_document_pages, limited
from linter.parse.pdf.prose import extract_prose
from linter.parse.pdf.tables import extract_tables

PARSER_NAME = "fiscal-lint-pdfminer"

# A text layer in which more than this share of characters is unmapped glyphs
# ("(cid:NN)", U+FFFD or private-use code points) cannot be read: checking it would only report noise.
MAX_UNMAPPED_SHARE = 0.3
# A page that shows an image and fewer characters than this is a scanned page (a page number or a
# stamp may be text); a document most of whose pages are scanned has no text layer to check.
SCANNED_PAGE_CHARS = 40
MAX_SCANNED_SHARE = 0.5

_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM", b"RIFF")
_ENDS = (b"startxref", b"%%EOF")


def _damaged(detail_zh: str = "", detail_en: str = "") -> InputError:
    zh = f"PDF 文件已损坏，无法读取{'：' + detail_zh if detail_zh else ''}"
    en = f"the PDF is damaged and cannot be read{': ' + detail_en if detail_en else ''}"
    return InputError("corrupt", zh, en)


ENCRYPTED = ("encrypted", "PDF 已加密，需要密码才能打开", "the PDF is encrypted and needs a password to open")


def refuse_non_pdf(data: bytes) -> bytes:
    """Raise a clear InputError for files that are not PDFs at all; return the PDF from its header on.

    Readers accept bytes before ``%PDF-`` (a mail or web header left in front); offsets in the
    cross-reference table count from the header, so the prefix is dropped.
    """
    head = data[:1024]
    if not data.strip(b" \t\r\n\x00\x0c"):
        raise InputError("empty", "文件为空", "the file is empty")
    at = head.find(b"%PDF-")
    if at >= 0:
        return data[at:]
    if head.startswith(b"PK\x03\x04"):
        what_zh, what_en = "ZIP 压缩包或 Office 文档（如 .docx）", "a ZIP archive or an Office document (e.g. .docx)"
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        what_zh, what_en = "旧版 Office 文档（如 .doc / .xls）", "a legacy Office document (e.g. .doc or .xls)"
    elif b"<html" in head.lower() or b"<!doctype html" in head.lower():
        what_zh, what_en = "HTML 网页（可能是下载出错的页面）", "an HTML page (perhaps a failed download)"
    elif head.startswith(_IMAGE_MAGIC):
        what_zh, what_en = "图片文件", "an image"
    elif head.startswith(b"%!PS"):
        what_zh, what_en = "PostScript 文件", "a PostScript file"
    else:
        what_zh, what_en = "非 PDF 文件", "not a PDF"
    raise InputError("not_pdf", f"不是 PDF 文件：内容是{what_zh}", f"not a PDF file: it is {what_en}")


def refuse_truncated(data: bytes) -> None:
    """A PDF ends with its trailer (``startxref`` … ``%%EOF``) after the last object.

    A file cut short (an interrupted download) ends inside or right after an object; pdfminer
    would rebuild what is left and the missing pages would go unnoticed. Trailing garbage after
    the trailer, a wrong ``startxref`` offset or a broken table are left to pdfminer's repair.
    """
    last = max(data.rfind(b"endobj"), data.rfind(b"endstream"))
    tail = data[last:] if last >= 0 else data
    if not any(mark in tail for mark in _ENDS):
        raise InputError(
            "truncated",
            "PDF 文件不完整（已损坏，可能下载中断），无法读取",
            "the PDF is truncated (damaged, perhaps an interrupted download) and cannot be read",
        )


def _open(data: bytes) -> PDFDocument:
    try:
        doc = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except PDFPasswordIncorrect as exc:
        raise InputError(*ENCRYPTED) from exc
    except PDFEncryptionError as exc:
        raise InputError(
            "encrypted", f"PDF 使用了无法解开的加密方式：{exc}", f"the PDF uses an encryption that cannot be opened: {exc}"
        ) from exc
    except RecursionError as exc:
        raise InputError(*TOO_DEEP) from exc
    except (InputError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on damaged input; the user gets one line
        raise _damaged("找不到可用的交叉引用表和文件尾", "no usable cross-reference table or trailer") from exc
    if not isinstance(doc.catalog, dict) or not doc.catalog:
        raise _damaged("找不到文档目录（Root）", "the document catalogue (Root) cannot be found")
    return doc


def _producer(doc: PDFDocument) -> str | None:
    for info in doc.info:
        value = resolve1(info.get("Producer"))
        if isinstance(value, bytes):
            value = decode_text(value)  # PDFDocEncoding or UTF-16 with a BOM
        if isinstance(value, str) and value.strip("\x00 "):
            return value.strip("\x00 ")
    return None


def load_pages(doc: PDFDocument, limits: Limits) -> list[Page]:
    """Every page of ``doc`` (inside :func:`limited`); anything pdfminer raises becomes one clear line."""
    try:
        pages = list(iter_document_pages(doc, limits))
        declared = declared_page_count(doc)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise InputError(*ENCRYPTED) from exc
    except RecursionError as exc:
        raise InputError(*TOO_DEEP) from exc
    except (InputError, MemoryError):
        raise  # our own limits; the guard reports the memory limit
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on damaged input; the user gets one line
        raise _damaged(f"{type(exc).__name__}", f"{type(exc).__name__}") from exc
    if not pages:
        if declared == 0 or _empty_page_tree(doc):
            raise InputError("no_pages", "PDF 没有任何页面", "the PDF has no pages")
        raise _damaged("页面无法读取", "no page can be read")
    if declared is not None and len(pages) < declared:
        raise _damaged(
            f"页面树声明 {declared} 页，只能读到 {len(pages)} 页",
            f"the page tree declares {declared} pages but only {len(pages)} can be read",
        )
    return pages


def _empty_page_tree(doc: PDFDocument) -> bool:
    tree = resolve1(doc.catalog.get("Pages"))
    return isinstance(tree, dict) and resolve1(tree.get("Kids")) == []


def _unmapped(text: str) -> bool:
    return text.startswith("(cid:") or text == "\ufffd" or "\ue000" <= text[:1] <= "\uf8ff"


def _producer_or_none(doc: PDFDocument) -> str | None:
    try:
        return _producer(doc)
    except (InputError, MemoryError):
        raise
    except Exception:  # noqa: BLE001 - a damaged Info dictionary costs the producer, not the document
        return None


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
    scanned = sum(1 for p in pages if p.images and sum(not c.text.isspace() for c in p.chars) < SCANNED_PAGE_CHARS)
    if scanned / len(pages) > MAX_SCANNED_SHARE:
        raise InputError(
            "no_text_layer",
            f"PDF 大部分页面是没有文字层的图片（{scanned}/{len(pages)} 页，可能是扫描件），无法检查",
            f"most pages of the PDF are images without a text layer ({scanned}/{len(pages)}, a scan?) "
            "and cannot be checked",
        )
    unmapped = sum(1 for t in chars if _unmapped(t))
    if unmapped / len(chars) > MAX_UNMAPPED_SHARE:
        raise InputError(
            "unmapped_glyphs",
            f"PDF 文字无法解码（{unmapped}/{len(chars)} 个字符缺少 Unicode 映射），无法检查",
            f"the PDF text cannot be decoded ({unmapped}/{len(chars)} characters have no Unicode mapping)",
        )


def parse_pdf(path: Path, data: bytes, catalogue: Catalogue, options: dict[str, Any] | None = None) -> Document:
    """Refuse what cannot be read (one line, a stable reason code), then read tables and prose.

    Nothing in the PDF is executed: JavaScript, embedded files, forms and link annotations are never
    read; only page content streams, fonts and the page tree are.
    """
    limits = (options or {}).get("limits") or Limits()
    pdf = refuse_non_pdf(data)
    refuse_truncated(pdf)
    with limited(limits):
        doc = _open(pdf)
        pages = load_pages(doc, limits)
        producer = _producer_or_none(doc)
    check_text_layer(pages)
    tables, regions = extract_tables(pages, catalogue)
    prose = extract_prose(pages, regions, tables)
    metadata: Metadata = prose.metadata
    units = Counter(t.unit for t in tables if t.unit)
    if units and metadata.currency_unit is None:
        metadata.currency_unit = units.most_common(1)[0][0]
    if metadata.kind is None:  # no cover or prose says it: the tables' own kinds do (预算 / 决算 titles)
        kinds = Counter(k for k in (_table_kind(catalogue, t.key) for t in tables) if k in ("预算", "决算"))
        if kinds and len(kinds) == 1:
            metadata.kind = next(iter(kinds))
    if metadata.profile is None and any((t.number or "").startswith("公开") for t in tables):
        metadata.profile = "hubei"
    if metadata.profile is None and metadata.kind == "预算":
        # a budget of no known provincial template is read as the national one (财办发〔2019〕77号), so the
        # rules of one province's layout are not applied to it
        metadata.profile = "national"
    source = Source(
        file_name=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        page_count=len(pages),
        producer=producer,
        parser=ParserInfo(PARSER_NAME, pdfminer.__version__),
    )
    return Document(metadata=metadata, source=source, toc=prose.toc, sections=prose.sections, tables=tables)


def _table_kind(catalogue: Catalogue, key: str | None) -> str | None:
    spec = next((s for s in catalogue.specs if s.key == key), None) if key else None
    return spec.kind if spec else None
