"""Certificate pages: A4 landscape, drawn from snapshots (never from live data).

One layout for every kind, official without configuration (DESIGN §9): a deep red border
with a thin gold line inside it, the title in red, a short gold rule, the body (salutation
line, then indented paragraphs, shrunk to fit), issuer and date at the lower right under the
optional seal, and at the lower left the QR code to PUBLIC_BASE_URL/verify/<code>, the
serial number and the code to type. No clip-art.

    with certificate_document(out, seals={id: png}, title="结业证书") as draw:
        for page in pages:          # Page(serial, code, snapshot)
            draw(page)

The frame and each seal are form XObjects, stored once per document; a page adds its
text and its QR code (a few KB). Output goes to ``out`` page by page
(printing.record_pages), so memory stays flat however many pages are drawn.
"""
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app
from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from app import printing

RED = HexColor("#b71c1c")
GOLD = HexColor("#c9a227")
INK = HexColor("#1a1a1a")
GREY = HexColor("#555555")

BODY_LEFT = 40 * mm
BODY_TOP = 74 * mm  # from the top edge: the highest the salutation's line goes
BODY_BOTTOM = 62 * mm  # from the bottom edge: above the issuer block
BODY_SIZES = (20, 19, 18, 17, 16, 15, 14, 13, 12, 11)
LEADING = 1.75
ISSUER_X = 76 * mm  # from the right edge: the centre of the issuer block and of the seal
SEAL_SIZE = 40 * mm
QR_SIZE = 24 * mm


@dataclass(frozen=True)
class Page:
    serial: str
    code: str
    snapshot: dict


def verify_url(code):
    return f"{current_app.config['PUBLIC_BASE_URL']}/verify/{code}"


@contextmanager
def certificate_document(out, *, seals=None, title="证书") -> Iterator:
    """A PDF on ``out``; yields draw(page) which adds one certificate page."""
    base = current_app.config["PUBLIC_BASE_URL"]
    with printing.record_pages(out, title=title) as canvas:
        width, height = canvas._pagesize
        _frame(canvas, width, height)
        forms = {seal_id: _seal_form(canvas, seal_id, data, width)
                 for seal_id, data in (seals or {}).items()}

        def draw(page):
            _page(canvas, page, width, height, base, forms)
            canvas.showPage()

        yield draw


def _frame(canvas, width, height):
    canvas.beginForm("frame")
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(4.5)
    canvas.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.9)
    canvas.rect(14 * mm, 14 * mm, width - 28 * mm, height - 28 * mm)
    canvas.setLineWidth(0.8)
    canvas.line(width / 2 - 32 * mm, height - 58 * mm, width / 2 + 32 * mm, height - 58 * mm)
    canvas.endForm()


def _seal_form(canvas, seal_id, data, width):
    """The seal as a form drawn over the issuer block; None for an unreadable image."""
    try:
        image = ImageReader(io.BytesIO(data))
        pixels_wide, pixels_high = image.getSize()
    except Exception:  # noqa: BLE001 - a seal checked at upload; never stop a batch for it
        return None
    scale = SEAL_SIZE / max(pixels_wide, pixels_high)
    seal_width, seal_height = pixels_wide * scale, pixels_high * scale
    name = f"seal{seal_id}"
    canvas.beginForm(name)
    canvas.drawImage(image, width - ISSUER_X - seal_width / 2, 52 * mm - seal_height / 2,
                     seal_width, seal_height, mask="auto")
    canvas.endForm()
    return name


def _spaced(title):
    """A short title set wide (结 业 证 书), as certificates are."""
    return "  ".join(title) if len(title) <= 5 else title


def _page(canvas, page, width, height, base, forms):
    facts = page.snapshot
    canvas.doForm("frame")
    canvas.setFillColor(RED)
    printing.draw_fitted(canvas, width / 2, height - 48 * mm, _spaced(facts.get("title", "")),
                         width - 80 * mm, 40, bold=True)
    canvas.setFillColor(INK)
    _body(canvas, facts.get("body", ""), width, height)
    right = width - ISSUER_X
    printing.draw_fitted(canvas, right, 50 * mm, facts.get("issuer", ""), 110 * mm, 17)
    printing.draw_text(canvas, right, 40 * mm, facts.get("issued_on", ""), 16, align="center")
    seal = forms.get(facts.get("seal_id"))
    if seal:
        canvas.doForm(seal)
    printing.draw_qr(canvas, f"{base}/verify/{page.code}", 24 * mm, 22 * mm, QR_SIZE)
    canvas.setFillColor(INK)
    printing.draw_text(canvas, 52 * mm, 40 * mm, f"证书编号：{page.serial}", 11)
    printing.draw_text(canvas, 52 * mm, 33 * mm, f"验证码：{page.code}", 11)
    canvas.setFillColor(GREY)
    printing.draw_text(canvas, 52 * mm, 26 * mm, f"扫描二维码或访问 {base}/verify 查验真伪", 9)


def _body(canvas, body, width, height):
    """The salutation (a first line ending in a colon) and the paragraphs, at the largest
    size from BODY_SIZES that fits above the issuer block."""
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    salutation = lines.pop(0) if lines and lines[0].endswith(("：", ":")) else ""
    text_width = width - 2 * BODY_LEFT
    room = height - BODY_TOP - BODY_BOTTOM
    for size in BODY_SIZES:
        wrapped = [printing.wrap("\u3000\u3000" + line, text_width, size) for line in lines]
        needed = sum(len(w) for w in wrapped) * size * LEADING + (size * 1.2 * LEADING if salutation else 0)
        if needed <= room:
            break
    top = height - BODY_TOP - max(0, room - needed) / 3  # a short text sits a little lower
    if salutation:
        printing.draw_fitted(canvas, BODY_LEFT, top, salutation, text_width, size * 1.2, align="left",
                             bold=True)
        top -= size * 1.2 * LEADING
    for paragraph in wrapped:
        for line in paragraph:
            printing.draw_text(canvas, BODY_LEFT, top, line, size)
            top -= size * LEADING
