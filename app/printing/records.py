"""One page per record (certificates): an A4 canvas, landscape by default, with the fonts
registered, written as a stream so memory stays flat for thousands of pages, and helpers to
draw a name fitted to a width and a paragraph.

    with printing.record_pages(response_stream, title="结业证书") as canvas:
        canvas.beginForm("frame"); ...border, title...; canvas.endForm()   # drawn once
        for record in records:
            canvas.doForm("frame")
            printing.draw_fitted(canvas, x, y, record["name"], max_width=120 * mm, size=28)
            printing.draw_qr(canvas, record["url"], x, y, 25 * mm)
            canvas.showPage()

Parts that repeat on every page belong in a form XObject (stored once, as above).
"""
from collections.abc import Iterator
from contextlib import contextmanager

from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as landscape_size

from . import fonts
from .stream import StreamingCanvas
from .text import draw_text, wrap


@contextmanager
def record_pages(out, *, landscape: bool = True, title: str = "") -> Iterator[StreamingCanvas]:
    """A StreamingCanvas on the binary file ``out``; each ``showPage()`` writes the page out,
    and leaving the block finishes the PDF (not on an exception: the output is then invalid,
    and the caller discards it)."""
    fonts.register_fonts()
    canvas = StreamingCanvas(out, pagesize=landscape_size(A4) if landscape else A4, pageCompression=1,
                             initialFontName=fonts.MAIN)  # else an unembedded Helvetica is referenced
    if title:
        canvas.setTitle(title)
    canvas.setCreator("党建活动报名签到系统")
    yield canvas
    canvas.save()


def draw_fitted(canvas, x: float, y: float, text: str, max_width: float, size: float, *,
                min_size: float | None = None, align: str = "center", bold: bool = False) -> float:
    """Draw one line within ``max_width``: shrunk (not below ``min_size``, default half of
    ``size``) and, if still too wide, condensed horizontally. Returns the size used."""
    fitted = fonts.fit_size(text, max_width, size, min_size or size / 2)
    width = fonts.text_width(text, fitted)
    if width <= max_width:
        draw_text(canvas, x, y, text, fitted, align=align, bold=bold)
        return fitted
    canvas.saveState()
    squeeze = max_width / width
    anchor = {"left": x, "center": x - max_width / 2, "right": x - max_width}[align]
    canvas.translate(anchor, y)
    canvas.scale(squeeze, 1)
    draw_text(canvas, 0, 0, text, fitted, bold=bold)
    canvas.restoreState()
    return fitted


def draw_paragraph(canvas, x: float, top: float, width: float, text: str, size: float, *,
                   leading: float = 1.6, indent: int = 2) -> float:
    """Draw wrapped text from ``top`` down, each paragraph's first line indented by
    ``indent`` full-width spaces (Chinese style); returns the y below the last line."""
    y = top
    for paragraph in text.split("\n"):
        lines = wrap("\u3000" * indent + paragraph.strip(), width, size) or [""]
        for line in lines:
            y -= size * leading
            draw_text(canvas, x, y + size * (leading - 1) / 2 + size * 0.2, line, size)
    return y
