"""PDF foundation (infrastructure): fonts, the missing-character rule, table documents and
one-page-per-record documents. No models, no queries, no request: the input is plain data.

    missing = printing.unprintable(names)          # before printing: tell the organizer
    pdf = printing.table_pdf(title=..., info=[...], tables=[printing.Table(...)], printed_at=...)
    with printing.record_pages(out) as canvas: ...  # certificates: one page per record

See docs/ARCHITECTURE.md, "Printing".
"""
from .fonts import MISSING_MARK, Unprintable, fit_size, register_fonts, text_width, unprintable
from .qr import draw_qr, qr_matrix
from .records import draw_fitted, draw_paragraph, record_pages
from .stream import StreamingCanvas
from .table import Column, Group, ImageCell, Table, table_pdf
from .text import draw_text, wrap

__all__ = ["MISSING_MARK", "Column", "Group", "ImageCell", "StreamingCanvas", "Table", "Unprintable",
           "draw_fitted", "draw_paragraph", "draw_qr", "draw_text", "fit_size", "qr_matrix", "record_pages",
           "register_fonts", "table_pdf", "text_width", "unprintable", "wrap"]
