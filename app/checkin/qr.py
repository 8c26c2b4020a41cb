"""QR codes drawn on the server as inline SVG (no image request, no JavaScript library).

``qr_svg(text)`` returns one ``<svg>`` element (a single <path>, white ground, a
viewBox and no fixed size: CSS decides how large it is drawn). The result is
cached: a ticket's QR never changes and a self check-in screen asks for each
rotating code once per process. ``draw_qr_svg`` is the same without the cache.
"""
import functools
import xml.etree.ElementTree as ET

import qrcode
import qrcode.constants
from qrcode.image.svg import SvgPathFillImage

# M (15 %) survives a scratched phone screen or projector glare while keeping a
# short URL at version 3–4 (29–33 modules): large modules, easy to scan.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
QUIET_ZONE = 4  # modules of white around the code, as the standard asks


def qr_matrix(text):
    """The QRCode object for ``text`` (its ``version`` says how dense it is)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE,
                         box_size=10, image_factory=SvgPathFillImage)
    code.add_data(text)
    code.make(fit=True)
    return code


def draw_qr_svg(text, label="二维码"):
    """The QR code of ``text`` as an inline SVG string, uncached: use it for secrets
    (a scanner link's token must not stay in process memory)."""
    image = qr_matrix(text).make_image()
    root = image.get_image()
    for name in ("width", "height", "version"):
        root.attrib.pop(name, None)
    root.set("class", "qr")
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("shape-rendering", "crispEdges")
    root.set("preserveAspectRatio", "xMidYMid meet")
    for element in root.iter():
        element.attrib.pop("id", None)  # the same code may appear twice on one page
    return ET.tostring(root, encoding="unicode")


# Tickets and rotating codes are drawn again and again: keep the recent ones.
qr_svg = functools.lru_cache(maxsize=512)(draw_qr_svg)
