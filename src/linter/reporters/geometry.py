"""From the model's coordinates to a page's: PDF user space (annotations) and the rendered image (the HTML report).

The model's boxes are ``(x0, top, x1, bottom)`` in points with the origin at the top-left of the page as a reader
sees it (``linter.core.model.BBox``). They come from pdfminer's device space, which is PDF user space turned by
the page's ``/Rotate`` and moved to the MediaBox's corner (``PDFPageInterpreter.process_page``); ``top`` is
measured down from the top of that space. Both conversions below undo exactly that, so rotated pages and
MediaBoxes that do not start at (0, 0) come out right.
"""

from __future__ import annotations

from dataclasses import dataclass

from linter.core.model import BBox

Matrix = tuple[float, float, float, float, float, float]


def _ctm(media: tuple[float, float, float, float], rotate: int) -> Matrix:
    # pdfminer's own choice of device space, per rotation (pdfminer.pdfinterp.PDFPageInterpreter.process_page)
    x0, y0, x1, y1 = media
    if rotate == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return (0, 1, -1, 0, y1, -x0)
    return (1, 0, 0, 1, -x0, -y0)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


@dataclass(frozen=True)
class PageFrame:
    """One page's MediaBox, CropBox (user space, normalised) and rotation (0, 90, 180, 270)."""

    media: tuple[float, float, float, float]
    crop: tuple[float, float, float, float]
    rotate: int = 0

    @classmethod
    def of(cls, media: tuple[float, ...], crop: tuple[float, ...] | None, rotate: int) -> PageFrame:
        def norm(r: tuple[float, ...]) -> tuple[float, float, float, float]:
            x0, y0, x1, y1 = (float(v) for v in r)
            return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)

        m = norm(media)
        c = norm(crop) if crop is not None else m
        # what a viewer shows: the CropBox inside the MediaBox
        c = (max(c[0], m[0]), max(c[1], m[1]), min(c[2], m[2]), min(c[3], m[3]))
        if c[0] >= c[2] or c[1] >= c[3]:
            c = m
        return cls(m, c, int(rotate) % 360)

    def _device(self) -> tuple[Matrix, float]:
        ctm = _ctm(self.media, self.rotate)
        x0, y0, x1, y1 = self.media
        ytop = max(_apply(ctm, x, y)[1] for x, y in ((x0, y0), (x0, y1), (x1, y0), (x1, y1)))
        return ctm, ytop

    def to_user(self, bbox: BBox) -> tuple[float, float, float, float]:
        """The model box in PDF user space, as ``(x0, y0, x1, y1)`` with x0 < x1 and y0 < y1."""
        ctm, ytop = self._device()
        a, b, c, d, e, f = ctm
        det = a * d - b * c

        def inverse(px: float, py: float) -> tuple[float, float]:
            px, py = px - e, py - f
            return (d * px - c * py) / det, (-b * px + a * py) / det

        x0, top, x1, bottom = bbox
        pts = [inverse(x, ytop - t) for x in (x0, x1) for t in (top, bottom)]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        return round(min(xs), 2), round(min(ys), 2), round(max(xs), 2), round(max(ys), 2)

    def view(self) -> tuple[float, float, float, float]:
        """The part of the page a viewer (and a renderer) shows, in the model's coordinates: (x0, top, x1, bottom)."""
        ctm, ytop = self._device()
        x0, y0, x1, y1 = self.crop
        pts = [_apply(ctm, x, y) for x, y in ((x0, y0), (x0, y1), (x1, y0), (x1, y1))]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        return min(xs), ytop - max(ys), max(xs), ytop - min(ys)

    def to_view_fraction(self, bbox: BBox) -> tuple[float, float, float, float]:
        """The model box as fractions of the shown page (left, top, width, height), clamped to the page."""
        vx0, vtop, vx1, vbottom = self.view()
        w, h = vx1 - vx0, vbottom - vtop
        x0, top, x1, bottom = bbox
        left = min(max((x0 - vx0) / w, 0.0), 1.0)
        right = min(max((x1 - vx0) / w, 0.0), 1.0)
        upper = min(max((top - vtop) / h, 0.0), 1.0)
        lower = min(max((bottom - vtop) / h, 0.0), 1.0)
        return left, upper, max(right - left, 0.0), max(lower - upper, 0.0)
