"""Raw page objects from pdfminer.six: character boxes, ruling segments, text lines.

We drive ``PDFPageAggregator(laparams=None)`` ourselves: pdfminer's layout
analysis is slower and glues table cells across rules (docs/pdf-parsing.md,
pitfalls 5 and 13). Coordinates are converted to a top-left origin
(``top`` grows downwards), as a reader sees the page.

Hostile input is bounded here (:class:`linter.parse.guard.Limits`): a stream may not
decompress beyond ``max_stream`` bytes, a document may not have more than
``max_pages`` pages nor a page more than ``max_page_objects`` objects, and a
reference loop (``4 0 obj 4 0 R endobj``) is refused at once instead of hanging
pdfminer's ``resolve1``. Each limit raises an :class:`InputError` naming it.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zlib
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from pdfminer import pdftypes, settings
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTCurve, LTFigure, LTImage, LTLine, LTRect
from pdfminer.lzw import LZWDecoder
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFInterpreterError, PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import stream_value
from pdfminer.psparser import PSKeyword, keyword_name
from pdfminer.utils import apply_matrix_pt, apply_matrix_rect

from linter.core.errors import InputError
from linter.core.limits import Limits, MiB
from linter.parse.pdf.content import read_objects

VISIBLE_SHARE = 0.1  # a glyph less than this share of which lies inside the page box and the clip is not shown
RULE_MAX_THICKNESS = 2.0  # a filled rectangle thinner than this is a ruling (Word draws borders so)
_BOLD_NAME = re.compile(r"bold|black|heavy", re.IGNORECASE)
_FILL_STROKE = 2  # text render mode "2 Tr"
FAST_CONTENT_MAX = 8 * MiB  # a page's content read whole before it runs; larger goes to pdfminer's parser


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    font: str
    bold: bool = False  # a bold face, or glyphs filled and stroked (how some exporters fake bold)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class Segment:
    """A horizontal (``top == bottom``) or vertical (``x0 == x1``) ruling."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.bottom - self.top)


@dataclass(slots=True)
class TextLine:
    chars: list[Char]
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float  # the most common character size

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (round(self.x0, 2), round(self.top, 2), round(self.x1, 2), round(self.bottom, 2))


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    images: int = 0  # images drawn on the page (a scanned page is one image and no text)
    hidden: int = 0  # glyphs dropped: drawn outside the page box or outside the clipping path

    def lines(self, chars: list[Char] | None = None, split_gap: float = 1.5) -> list[TextLine]:
        return build_lines(self.chars if chars is None else chars, split_gap=split_gap)


# --- limits on hostile input ------------------------------------------------------------------------------------

_STEP = 8 * MiB  # Flate output is produced and counted in steps of this size
_STREAM_LIMIT: ContextVar[int] = ContextVar("fiscal_lint_stream_limit", default=Limits().max_stream)


def stream_too_large(limit: int) -> InputError:
    mb = limit / MiB
    return InputError(
        "stream_too_large",
        f"PDF 中有数据流解压后超过 {mb:g} MB（可能是压缩炸弹），已停止读取",
        f"a PDF stream decompresses to more than {mb:g} MB (a compression bomb?); reading stopped",
    )


def reference_loop(objid: int) -> InputError:
    return InputError(
        "reference_loop",
        f"PDF 对象引用自身形成循环（对象 {objid}），无法读取",
        f"the PDF has a reference loop (object {objid}) and cannot be read",
    )


class _BoundedDecompressor:
    """A ``zlib.decompressobj`` that refuses to produce more than the stream limit in total."""

    def __init__(self, inner: Any, limit: int) -> None:
        self._inner, self._limit, self._total = inner, limit, 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        room = self._limit + 1 - self._total
        out: bytes = self._inner.decompress(data, room if max_length <= 0 else min(room, max_length))
        self._total += len(out)
        if self._total > self._limit:
            raise stream_too_large(self._limit)
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _BoundedZlib:
    """Stands in for the ``zlib`` module inside ``pdfminer.pdftypes``: Flate output is capped at the limit."""

    error = zlib.error
    MAX_WBITS = zlib.MAX_WBITS

    @staticmethod
    def decompress(data: bytes, wbits: int = zlib.MAX_WBITS, bufsize: int = zlib.DEF_BUF_SIZE) -> bytes:
        limit = _STREAM_LIMIT.get()
        d = zlib.decompressobj(wbits)
        parts: list[bytes] = []
        total, pending = 0, data
        while True:  # in steps, so that a bomb stops after at most the limit, not twice the limit, of memory
            out = d.decompress(pending, _STEP)
            total += len(out)
            if total > limit:
                raise stream_too_large(limit)
            parts.append(out)
            pending = d.unconsumed_tail
            if d.eof or (not pending and len(out) < _STEP):
                break
        if not d.eof:  # the same verdict zlib.decompress gives, so pdfminer's repair path still runs
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return parts[0] if len(parts) == 1 else b"".join(parts)

    @staticmethod
    def decompressobj(*args: Any, **kwargs: Any) -> _BoundedDecompressor:
        return _BoundedDecompressor(zlib.decompressobj(*args, **kwargs), _STREAM_LIMIT.get())


def _decompress_corrupted(data: bytes) -> bytes:
    """pdfminer's salvage of a Flate stream with a bad checksum, in linear time and under the limit.

    pdfminer feeds the stream one byte at a time and concatenates ``bytes`` (quadratic: a damaged
    1 MB content stream takes hours). Here the stream is fed in blocks; only the block that fails
    is replayed byte by byte to salvage what precedes the damage. As in pdfminer, damage before
    the last three bytes (the Adler-32 checksum) is an error, after them it is tolerated.
    """
    d = _BoundedZlib.decompressobj()
    parts: list[bytes] = []
    block = 4096
    for start in range(0, len(data), block):
        chunk = data[start : start + block]
        saved = d.copy()
        try:
            parts.append(d.decompress(chunk))
            continue
        except zlib.error:
            d = saved
        for i in range(len(chunk)):
            try:
                parts.append(d.decompress(chunk[i : i + 1]))
            except zlib.error:
                if start + i < len(data) - 3:
                    raise
                return b"".join(parts)
    return b"".join(parts)


def _lzwdecode(data: bytes) -> bytes:
    limit, total, parts = _STREAM_LIMIT.get(), 0, []
    for part in LZWDecoder(io.BytesIO(data)).run():
        total += len(part)
        if total > limit:
            raise stream_too_large(limit)
        parts.append(part)
    return b"".join(parts)


def _rldecode(data: bytes) -> bytes:
    """RunLengthDecode under the limit. pdfminer's builds a list of ints (3 GB for a 6 MB stream of long runs)."""
    limit, out, i, n = _STREAM_LIMIT.get(), bytearray(), 0, len(data)
    while i < n:
        length = data[i]
        i += 1
        if length == 128:  # end of data
            break
        if length < 128:  # the next length + 1 bytes, literally
            out += data[i : i + length + 1]
            i += length + 1
        elif i < n:  # the next byte, 257 - length times
            out += data[i : i + 1] * (257 - length)
            i += 1
        if len(out) > limit:
            raise stream_too_large(limit)
    return bytes(out)


_original_decode = pdftypes.PDFStream.decode
_original_resolve = pdftypes.PDFObjRef.resolve
_original_decompress_corrupted = pdftypes.decompress_corrupted  # kept for the tests: same results, linear time


def _decode(self: pdftypes.PDFStream) -> None:
    """Every filter's output is checked (run-length and the rest expand too); Flate and LZW stop early."""
    _original_decode(self)
    limit = _STREAM_LIMIT.get()
    if self.data is not None and len(self.data) > limit:
        self.data = None
        raise stream_too_large(limit)


def _resolve(self: pdftypes.PDFObjRef, default: object = None) -> Any:
    """Follow a chain of references (``4 0 obj 5 0 R``) to its end; a chain that comes back is a loop.

    pdfminer's ``resolve1`` loops ``while isinstance(x, PDFObjRef)`` and never ends on a self-reference.
    """
    obj = _original_resolve(self, default)
    if isinstance(obj, pdftypes.PDFObjRef):
        seen = {self.objid}
        while isinstance(obj, pdftypes.PDFObjRef):
            if obj.objid in seen:
                raise reference_loop(obj.objid)
            seen.add(obj.objid)
            obj = _original_resolve(obj, default)
    return obj


def _install() -> None:
    """Bound pdfminer's decoders once per process; the limit in force is the one :func:`limited` sets."""
    if getattr(pdftypes, "_fiscal_lint_guarded", False):
        return
    pdftypes.zlib = _BoundedZlib  # type: ignore[assignment]
    pdftypes.decompress_corrupted = _decompress_corrupted
    pdftypes.lzwdecode = _lzwdecode
    pdftypes.rldecode = _rldecode
    pdftypes.PDFStream.decode = _decode  # type: ignore[method-assign]
    pdftypes.PDFObjRef.resolve = _resolve  # type: ignore[method-assign]
    pdftypes._fiscal_lint_guarded = True  # type: ignore[attr-defined]


_install()


@contextmanager
def limited(limits: Limits) -> Iterator[None]:
    """Run pdfminer under ``limits.max_stream`` (the other limits are passed to :func:`iter_document_pages`)."""
    token = _STREAM_LIMIT.set(limits.max_stream)
    try:
        yield
    finally:
        _STREAM_LIMIT.reset(token)


Rect = tuple[float, float, float, float]  # (x0, y0, x1, y1) in pdfminer's device space (origin bottom-left)


def _intersect(a: Rect | None, b: Rect) -> Rect:
    """The overlap of two rectangles; an empty overlap is a rectangle of no area (nothing inside it)."""
    if a is None:
        return b
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return (x0, y0, max(x0, x1), max(y0, y1))


def _shown(box: Rect, x0: float, y0: float, x1: float, y1: float) -> bool:
    """Is enough of the glyph box (x0, y0, x1, y1) inside ``box`` to be read? At least a tenth of its width and
    of its height: a glyph cut through at a cell edge still shows, one beyond the edge does not."""
    if x0 >= box[0] and x1 <= box[2] and y0 >= box[1] and y1 <= box[3]:
        return True  # wholly inside: most glyphs
    w, h = x1 - x0, y1 - y0
    if w <= 0 or h <= 0:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]
    seen_w = min(x1, box[2]) - max(x0, box[0])
    seen_h = min(y1, box[3]) - max(y0, box[1])
    return seen_w >= VISIBLE_SHARE * w and seen_h >= VISIBLE_SHARE * h


class _Aggregator(PDFPageAggregator):
    """pdfminer's page aggregator without layout analysis, reading the glyphs itself.

    Each glyph becomes a :class:`Char` of the page as it is drawn (the box computed exactly as pdfminer's
    ``LTChar`` computes it, without building one): the text render mode is kept (ONLYOFFICE draws bold headings
    as "2 Tr"), and a glyph the clipping path or the page box hides is counted, not kept. Paths and images are
    left to pdfminer's layout objects (:func:`_collect`). The objects of the page are counted, and a page with
    more than ``max_objects`` is refused."""

    render_mode = 0
    clip: Rect | None = None  # set by :class:`_Interpreter`: the clipping path's bounding box, None = no clip
    page_ctm: tuple[float, float, float, float, float, float] = (1, 0, 0, 1, 0, 0)

    def __init__(self, rsrcmgr: PDFResourceManager, max_objects: int) -> None:
        super().__init__(rsrcmgr, laparams=None)
        self.max_objects = max_objects
        self.objects = 0
        self.page = Page(number=0, width=0, height=0)
        self.ytop = 0.0  # the page's top in device space: y grows downwards from it in our coordinates
        self.box: Rect = (0, 0, 0, 0)  # what a reader sees of the page (:func:`_page_box`)
        self._bold: dict[object, bool] = {}  # font name → a bold face?
        self._glyphs: dict[object, dict[int, tuple[str, float]]] = {}  # font → code → (text, width)

    def _count(self, n: int) -> None:
        self.objects += n
        if self.objects > self.max_objects:
            raise InputError(
                "too_many_objects",
                f"第 {self.pageno} 页的对象超过 {self.max_objects} 个，已停止读取",
                f"page {self.pageno} has more than {self.max_objects} objects; reading stopped",
            )

    def begin_page(self, page, ctm):
        self.objects = 0
        self.page_ctm = ctm
        super().begin_page(page, ctm)
        x0, y0, x1, y1 = self.cur_item.bbox
        self.page = Page(number=self.pageno, width=x1 - x0, height=y1 - y0)
        self.ytop = y1
        self.box = _page_box(self.cur_item.bbox, page, ctm)

    def render_string(self, textstate, seq, ncs, graphicstate):
        self.render_mode = textstate.render
        super().render_string(textstate, seq, ncs, graphicstate)

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate):
        """What ``PDFLayoutAnalyzer.render_char`` and ``LTChar`` compute (the same arithmetic, so the same boxes),
        straight into a :class:`Char`; returns the advance."""
        self._count(1)
        glyphs = self._glyphs.get(font)
        if glyphs is None:
            glyphs = self._glyphs[font] = {}
        glyph = glyphs.get(cid)
        if glyph is None:  # a font maps a code to the same text and width on every page: look them up once
            try:
                text = font.to_unichr(cid)
                assert isinstance(text, str), str(type(text))
            except PDFUnicodeNotDefined:
                text = self.handle_undefined_char(font, cid)
            glyph = glyphs[cid] = (text, font.char_width(cid))
        text = glyph[0]
        adv = glyph[1] * fontsize * scaling
        vertical = font.is_vertical()
        if vertical:
            textdisp = font.char_disp(cid)
            assert isinstance(textdisp, tuple)
            (vx, vy) = textdisp
            vx = fontsize * 0.5 if vx is None else vx * fontsize * 0.001
            vy = (1000 - vy) * fontsize * 0.001
            bbox = (-vx, vy + rise + adv, -vx + fontsize, vy + rise)
        else:
            descent = font.get_descent() * fontsize
            bbox = (0, descent + rise, adv, descent + rise + fontsize)
        # pdfminer's apply_matrix_rect written out: the same arithmetic and order (so the same boxes, to the bit),
        # without its five calls per glyph
        (a, b, c, d, e, f) = matrix
        (bx0, by0, bx1, by1) = bbox
        xs = (a * bx0 + c * by0 + e, a * bx0 + c * by1 + e, a * bx1 + c * by0 + e, a * bx1 + c * by1 + e)
        ys = (b * bx0 + d * by0 + f, b * bx1 + d * by0 + f, b * bx1 + d * by1 + f, b * bx0 + d * by1 + f)
        x0, x1 = min(xs), max(xs)
        y0, y1 = min(ys), max(ys)
        if not text or text.isspace() and text != " ":
            return adv
        clip = self.clip
        if (clip is not None and not _shown(clip, x0, y0, x1, y1)) or not _shown(self.box, x0, y0, x1, y1):
            self.page.hidden += 1  # off the page or clipped away: not printed, so not content
            return adv
        name = font.fontname
        bold = self._bold.get(name)
        if bold is None:
            bold = self._bold[name] = bool(_BOLD_NAME.search(name if isinstance(name, str) else str(name)))
        ytop = self.ytop
        size = (x1 - x0) if vertical else (y1 - y0)
        self.page.chars.append(
            Char(text, x0, ytop - y1, x1, ytop - y0, round(size, 1), name, self.render_mode == _FILL_STROKE or bold)
        )
        return adv

    def paint_path(self, gstate, stroke, fill, evenodd, path):
        self._count(max(1, sum(1 for seg in path if seg[:1] == ("m",))))  # one object per subpath at most
        super().paint_path(gstate, stroke, fill, evenodd, path)

    def render_image(self, name, stream):
        self._count(1)
        super().render_image(name, stream)


class _Interpreter(PDFPageInterpreter):
    """pdfminer's interpreter, plus the clipping path, which pdfminer ignores.

    The clip is kept as a rectangle in device space: the bounding box of each ``W``/``W*`` path, intersected with
    the clip before it, saved and restored with the graphics state (``q``/``Q``) and inherited by form XObjects.
    Exact for the rectangles word processors clip with; for any other path glyphs outside its bounding box are
    still hidden, and none inside it is wrongly dropped. The device reads it when a glyph is drawn.
    """

    def __init__(self, rsrcmgr: PDFResourceManager, device: _Aggregator) -> None:
        super().__init__(rsrcmgr, device)
        self.aggregator = device
        self.inherited: Rect | None = None  # the clip in force where a form XObject is drawn
        self.clip: Rect | None = None
        self.clips: list[Rect | None] = []
        self.pending = False
        self._operators: dict[PSKeyword, tuple[Any, int]] = {}  # filled as each operator is first met

    def execute(self, streams: Sequence[object]) -> None:
        """pdfminer's ``execute``, with the content read by :func:`linter.parse.pdf.content.read_objects` (a
        quarter of the time) and each operator's method looked up once. Content that reader leaves to pdfminer,
        that does not decode, or that is larger than ``FAST_CONTENT_MAX`` (read whole before it runs, where
        pdfminer streams it: the page-objects limit must still stop a hostile page early) goes to pdfminer's
        own ``execute``, which then fails or succeeds as before."""
        objects = None
        try:
            valid = [s for s in map(stream_value, streams)
                     if s.objid is not None and s.objid not in self.parent_stream_ids]
            parts = [s.get_data() for s in valid]  # decoded once: pdfminer keeps them on the streams
            if sum(map(len, parts)) <= FAST_CONTENT_MAX:
                objects = read_objects(b"".join(parts))
        except InputError:
            raise
        except Exception:  # noqa: BLE001 - content that does not decode: pdfminer's execute meets it as before
            objects = None
        if objects is None:
            super().execute(streams)
            return
        self.stream_ids.clear()
        self.stream_ids.update(s.objid for s in valid if s.objid is not None)
        ops = self._operators
        argstack = self.argstack
        for obj in objects:
            if obj.__class__ is not PSKeyword:
                argstack.append(obj)
                continue
            op = ops.get(obj)
            if op is None:
                op = ops[obj] = self._operator(obj)
            func, nargs = op
            if func is None:
                continue
            if nargs:
                # pdfminer's pop(): the last nargs arguments, the call only when there are that many
                args = argstack[-nargs:]
                del argstack[-nargs:]
                if len(args) == nargs:
                    func(*args)
            else:
                func()
            argstack = self.argstack  # an operator may replace the stack (pdfminer's pop() does)

    def _operator(self, keyword: PSKeyword) -> tuple[Any, int]:
        """The bound method pdfminer's ``execute`` calls for ``keyword``, and its argument count."""
        name = keyword_name(keyword)
        method = "do_" + name.replace("*", "_a").replace('"', "_w").replace("'", "_q")
        if not hasattr(self, method):
            if settings.STRICT:
                raise PDFInterpreterError(f"Unknown operator: {name!r}")
            return None, 0
        func = getattr(self, method)
        return func, func.__code__.co_argcount - 1

    def subinterp(self) -> PDFPageInterpreter:
        interp = super().subinterp()
        if isinstance(interp, _Interpreter):
            interp.inherited = self.clip
        return interp

    def init_state(self, ctm):
        super().init_state(ctm)
        self.clip, self.clips, self.pending = self.inherited, [], False
        self.aggregator.clip = self.clip

    def do_q(self) -> None:
        super().do_q()
        self.clips.append(self.clip)

    def do_Q(self) -> None:
        if self.gstack and self.clips:
            self.clip = self.clips.pop()
            self.aggregator.clip = self.clip
        super().do_Q()

    def do_W(self) -> None:
        self.pending = True

    def do_W_a(self) -> None:
        self.pending = True

    def do_Do(self, xobjid_arg):
        super().do_Do(xobjid_arg)
        self.aggregator.clip = self.clip  # the form's own clips end with it

    def _take_clip(self) -> None:
        """The path-painting operator after ``W`` makes its path the new clip (PDF 32000 §8.5.4)."""
        if not self.pending:
            return
        self.pending = False
        xs: list[float] = []
        ys: list[float] = []
        for seg in self.curpath:
            coords = seg[1:]
            for i in range(0, len(coords) - 1, 2):
                x, y = coords[i], coords[i + 1]
                if isinstance(x, int | float) and isinstance(y, int | float):
                    px, py = apply_matrix_pt(self.ctm, (x, y))
                    xs.append(px)
                    ys.append(py)
        if xs:
            self.clip = _intersect(self.clip, (min(xs), min(ys), max(xs), max(ys)))
            self.aggregator.clip = self.clip

    def do_n(self) -> None:
        self._take_clip()
        super().do_n()

    def do_S(self) -> None:
        self._take_clip()
        super().do_S()

    def do_f(self) -> None:
        self._take_clip()
        super().do_f()

    def do_F(self) -> None:
        self._take_clip()
        super().do_F()

    def do_f_a(self) -> None:
        self._take_clip()
        super().do_f_a()

    def do_B(self) -> None:
        self._take_clip()
        super().do_B()

    def do_B_a(self) -> None:
        self._take_clip()
        super().do_B_a()


def iter_pages(
    fp: BinaryIO, password: str = "", maxpages: int = 0, limits: Limits | None = None, only: Collection[int] | None = None
) -> Iterator[Page]:
    """Yield every page of the PDF in ``fp`` (or the pages numbered in ``only``) as raw characters and rulings."""
    limits = limits or Limits()
    with limited(limits):
        doc = PDFDocument(PDFParser(fp), password=password)
        for page in iter_document_pages(doc, limits, only):
            yield page
            if maxpages and page.number >= maxpages:
                break


def declared_page_count(doc: PDFDocument) -> int | None:
    """The page tree's /Count, when the catalogue has a page tree with a count."""
    tree = pdftypes.resolve1(doc.catalog.get("Pages"))
    count = pdftypes.resolve1(tree.get("Count")) if isinstance(tree, dict) else None
    return count if isinstance(count, int) and not isinstance(count, bool) else None


def too_many_pages(limit: int) -> InputError:
    return InputError(
        "too_many_pages",
        f"PDF 页数超过 {limit} 页的上限，未读取",
        f"the PDF has more than {limit} pages (the limit); not read",
    )


def iter_document_pages(
    doc: PDFDocument, limits: Limits | None = None, only: Collection[int] | None = None
) -> Iterator[Page]:
    """The pages of an opened document, under ``limits`` (call inside :func:`limited` for the stream limit);
    with ``only``, just the pages of those numbers (1-based): the others are not interpreted."""
    limits = limits or Limits()
    declared = declared_page_count(doc)
    if declared is not None and declared > limits.max_pages:
        raise too_many_pages(limits.max_pages)
    rsrc = PDFResourceManager(caching=True)
    device = _Aggregator(rsrc, limits.max_page_objects)
    interpreter = _Interpreter(rsrc, device)
    for number, pdfpage in enumerate(PDFPage.create_pages(doc), start=1):
        if number > limits.max_pages:
            raise too_many_pages(limits.max_pages)
        if only is not None and number not in only:
            continue
        device.pageno = number
        interpreter.process_page(pdfpage)
        page = device.page  # its characters, read as they were drawn
        _collect(device.get_result(), page, device.ytop)
        yield page


def _page_box(media: Rect, pdfpage: PDFPage, ctm: tuple[float, float, float, float, float, float]) -> Rect:
    """What a reader sees of the page, in device space: the MediaBox, cut to the CropBox when there is one."""
    crop = getattr(pdfpage, "cropbox", None)
    try:
        if crop is not None and len(crop) == 4 and all(isinstance(v, int | float) for v in crop):
            x0, y0, x1, y1 = (float(v) for v in crop)
            return _intersect(media, apply_matrix_rect(ctm, (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))))
    except (TypeError, ValueError):
        pass
    return media


def _collect(container, page: Page, ytop: float) -> None:
    """The rulings and images of a page's layout objects (its characters are read as they are drawn)."""
    for obj in container:
        if isinstance(obj, LTChar):
            continue
        elif isinstance(obj, LTFigure):
            _collect(obj, page, ytop)
        elif isinstance(obj, LTImage):
            page.images += 1
        elif isinstance(obj, LTLine | LTRect) or _is_box_path(obj):
            w, h = obj.x1 - obj.x0, obj.y1 - obj.y0
            if isinstance(obj, LTLine) or min(w, h) <= RULE_MAX_THICKNESS:
                if w >= h:  # horizontal: centre line
                    y = ytop - (obj.y0 + obj.y1) / 2
                    page.segments.append(Segment(obj.x0, y, obj.x1, y))
                else:
                    x = (obj.x0 + obj.x1) / 2
                    page.segments.append(Segment(x, ytop - obj.y1, x, ytop - obj.y0))
            elif obj.stroke:
                # a stroked box: its four edges are rulings
                t, b = ytop - obj.y1, ytop - obj.y0
                page.segments += [
                    Segment(obj.x0, t, obj.x1, t),
                    Segment(obj.x0, b, obj.x1, b),
                    Segment(obj.x0, t, obj.x0, b),
                    Segment(obj.x1, t, obj.x1, b),
                ]
        elif isinstance(obj, LTCurve) and len(getattr(obj, "pts", []) or []) == 2:
            (ax, ay), (bx, by) = obj.pts
            if abs(ax - bx) < 0.5 or abs(ay - by) < 0.5:
                page.segments.append(Segment(min(ax, bx), ytop - max(ay, by), max(ax, bx), ytop - min(ay, by)))


def _is_box_path(obj: object) -> bool:
    """A path that is an axis-aligned rectangle pdfminer did not recognise as one: drawn without closing it
    ("m l l l" then a fill, as some spreadsheet exporters draw thin borders), or starting at another corner. Every
    point is a corner of its bounding box."""
    if not isinstance(obj, LTCurve) or isinstance(obj, LTLine | LTRect):
        return False
    pts = getattr(obj, "pts", None) or []
    if len(pts) not in (4, 5):
        return False

    def near(a: float, b: float) -> bool:
        return abs(a - b) < 0.1

    corners = {(round(x, 1), round(y, 1)) for x, y in pts}
    return len(corners) == 4 and all(
        (near(x, obj.x0) or near(x, obj.x1)) and (near(y, obj.y0) or near(y, obj.y1)) for x, y in pts
    )


def build_lines(chars: list[Char], split_gap: float = 1.5) -> list[TextLine]:
    """Group characters into text lines by position, not by content-stream order.

    Characters whose vertical centres lie within half a character size belong to
    one line; within a line a horizontal gap wider than ``split_gap`` × size
    starts a new line (two cells or two text blocks side by side). A gap wider
    than 0.3 em becomes a space unless the PDF already drew one (Word and
    LibreOffice put ~0.2 em between CJK and digits, which is not a space).
    """
    if not chars:
        return []
    ordered = sorted(chars, key=lambda c: (c.cy, c.x0))
    rows: list[list[Char]] = []
    current: list[Char] = [ordered[0]]
    ref = ordered[0].cy
    for c in ordered[1:]:
        tol = max(1.0, 0.5 * max(c.size, current[-1].size))
        if abs(c.cy - ref) <= tol:
            current.append(c)
        else:
            rows.append(current)
            current = [c]
            ref = c.cy
    rows.append(current)

    lines: list[TextLine] = []
    for row in rows:
        row.sort(key=lambda c: c.x0)
        run: list[Char] = [row[0]]
        for c in row[1:]:
            prev = run[-1]
            size = max(prev.size, c.size, 1.0)
            if c.x0 - prev.x1 > split_gap * size:
                lines.append(_make_line(run))
                run = [c]
            else:
                run.append(c)
        lines.append(_make_line(run))
    lines.sort(key=lambda ln: (round(ln.top), ln.x0))
    return lines


def _make_line(chars: list[Char]) -> TextLine:
    parts: list[str] = []
    prev: Char | None = None
    for c in chars:
        if prev is not None and c.text != " " and prev.text != " ":
            if c.x0 - prev.x1 > 0.3 * max(prev.size, c.size, 1.0):
                parts.append(" ")
        parts.append(c.text)
        prev = c
    text = unicodedata.normalize("NFC", "".join(parts)).strip()
    sizes = sorted(c.size for c in chars)
    return TextLine(
        chars=chars,
        text=text,
        x0=min(c.x0 for c in chars),
        top=min(c.top for c in chars),
        x1=max(c.x1 for c in chars),
        bottom=max(c.bottom for c in chars),
        size=sizes[len(sizes) // 2],
    )
