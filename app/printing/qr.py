"""QR codes drawn as vector rectangles, fast enough for a distinct code on every page.

Measured on this 2-core machine (bench/bench_printing.py prints the same comparison):
reportlab's own ``reportlab.graphics.barcode.qr`` widget costs about 30 ms a code (its pure
Python encoder tries all eight masks, then each module becomes a shape); ``qrcode`` with its
defaults about 10 ms, also spent mostly on choosing the mask. With a fixed mask pattern the
matrix takes about 1.7 ms, and drawing each row's dark runs as one ``re`` operator (a single
path, integer coordinates under one scaling matrix) adds well under 1 ms. Any mask pattern
is valid QR (ISO/IEC 18004 only recommends choosing the one with the fewest look-alike
patterns); tests decode the printed codes with an independent decoder. Vector modules stay
sharp on every printer, and a page's code costs a few hundred bytes.
"""
import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import black, white

MASK_PATTERN = 2  # fixed: choosing the mask is 80 % of qrcode's time


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules of the smallest QR code (error correction M) that holds ``data``, row by
    row from the top, without the quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=MASK_PATTERN)
    code.add_data(data)
    code.make(fit=True)
    return code.modules


def draw_qr(canvas, data: str, x: float, y: float, size: float, *, quiet: int = 4) -> None:
    """Draw a QR code of ``data`` whose symbol is ``size`` points wide, lower left corner at
    (x, y), on a white quiet zone of ``quiet`` modules around it (keep that space free)."""
    modules = qr_matrix(data)
    count = len(modules)
    unit = size / count
    parts = []
    for row, cells in enumerate(modules):
        line = count - 1 - row
        column = 0
        while column < count:
            if cells[column]:
                start = column
                while column < count and cells[column]:
                    column += 1
                parts.append(f"{start} {line} {column - start} 1 re")
            else:
                column += 1
    canvas.saveState()
    if quiet:
        canvas.setFillColor(white)
        margin = quiet * unit
        canvas.rect(x - margin, y - margin, size + 2 * margin, size + 2 * margin, stroke=0, fill=1)
    canvas.setFillColor(black)
    canvas.addLiteral(f"{unit:.5f} 0 0 {unit:.5f} {x:.3f} {y:.3f} cm")
    canvas.addLiteral(" ".join(parts) + " f")
    canvas.restoreState()
