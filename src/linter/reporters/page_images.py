"""Pages rendered small for the HTML report: PDFium (pypdfium2) at 100 dpi, 16 shades of grey, PNG.

Sixteen greys keep text sharp and a page at 30–50 KB, so a report with findings on all of its 47 pages stays
well under 5 MB once base64-encoded. The same page gives the same bytes (no dithering, no timestamps).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image

from linter.reporters.geometry import PageFrame

DPI = 100
SHADES = 16
_GREYS = [v for k in range(SHADES) for v in (k * 255 // (SHADES - 1),) * 3]
_TO_INDEX = [(v * (SHADES - 1) + 127) // 255 for v in range(256)]


@dataclass(frozen=True)
class PageImage:
    png: bytes
    width: int  # pixels
    height: int
    frame: PageFrame  # to place the model's boxes on it


class RenderError(Exception):
    """PDFium could not open or draw the report."""


def render_pages(pdf: bytes, pages: set[int]) -> dict[int, PageImage]:
    """The given pages (1-based) as PNG images; pages the document does not have are left out."""
    try:
        doc = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise RenderError(str(exc)) from None
    out: dict[int, PageImage] = {}
    try:
        for number in sorted(pages):
            if not 1 <= number <= len(doc):
                continue
            page = doc[number - 1]
            try:
                frame = PageFrame.of(page.get_mediabox(), page.get_cropbox(), page.get_rotation())
                bitmap = page.render(scale=DPI / 72, grayscale=True)
                grey = bitmap.to_pil().convert("L")
            except pdfium.PdfiumError as exc:
                raise RenderError(str(exc)) from None
            finally:
                page.close()
            out[number] = PageImage(_png(grey), grey.width, grey.height, frame)
    finally:
        doc.close()
    return out


def _png(grey: Image.Image) -> bytes:
    indexed = Image.frombytes("P", grey.size, grey.point(_TO_INDEX).tobytes())
    indexed.putpalette(_GREYS)
    buf = io.BytesIO()
    indexed.save(buf, "PNG", bits=4)
    return buf.getvalue()
