"""Table documents: a title block, tables whose header row repeats on every page, optional group
rows, summary tables, and a footer 「第 x 页 共 y 页」 with the print time, on A4 portrait or
landscape.

Two passes. The first lays every row out (wraps its text, measures its height) and cuts pages,
so the page count is known before anything is drawn; the second draws page by page on a
StreamingCanvas, which writes each page out as it is finished. Memory holds the wrapped data
and a few numbers per row, never the pages; platypus is not used (its table splitting is
quadratic in rows and its flowables cost more than the data).
"""
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from PIL import Image, UnidentifiedImageError
from reportlab.lib.colors import HexColor, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as landscape_size
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from . import fonts
from .stream import StreamingCanvas
from .text import draw_text, wrap

ACCENT = HexColor("#b71c1c")  # DESIGN.md §9: the one red, for titles only
HEADER_FILL = HexColor("#e8e8e8")
GROUP_FILL = HexColor("#f4f4f4")
MARGIN = 15 * mm  # left, right, top; office printers leave 4-6 mm unprinted
BOTTOM = 16 * mm  # the table stops here; the footer sits below
FOOTER_Y = 9 * mm
HEAD_Y = 9 * mm  # running head baseline, from the top edge (pages 2 ...)
PAD_X, PAD_Y = 1.5 * mm, 1.0 * mm
TABLE_GAP = 5 * mm  # between two tables of a document
LEADING = 1.3  # line height per pt of font size
TITLE_SIZE, INFO_SIZE, SMALL_SIZE = 18, 10.5, 8
OUTER_LINE, INNER_LINE = 0.8, 0.4
IMAGE_DPI = 200  # images are scaled down to this before embedding
MAX_IMAGE_PIXELS = 4_000_000

ROW, GROUP, EMPTY, HEADER, CAPTION = range(5)


@dataclass(frozen=True)
class Column:
    """A table column: its header, its share of the table width (weights, not units), how
    its cells align, and the key of its value when rows are dicts."""
    title: str
    width: float = 1.0
    align: str = "left"
    key: str | None = None


@dataclass(frozen=True)
class Group:
    """Put among the rows to start a group: a row across the table (e.g. one per branch),
    repeated with 「（续）」 at the top of a page that continues the group."""
    title: str


@dataclass(frozen=True)
class ImageCell:
    """An image (PNG or JPEG bytes, e.g. a member's signature) scaled into its cell, with an
    optional small caption (e.g. the time signed) under it."""
    data: bytes
    caption: str = ""


@dataclass
class Table:
    """Rows are sequences (by column position) or mappings (by Column.key); a cell is a str,
    a number, None (empty) or an ImageCell. row_height is the minimum in mm (about 12 for a
    pen signature); taller text grows the row."""
    columns: Sequence[Column]
    rows: Iterable = ()
    caption: str = ""
    row_height: float = 7.0
    font_size: float = 10.5
    empty_text: str = "（无）"

    @classmethod
    def summary(cls, pairs: Sequence[tuple[str, object]], caption: str = "合计", **kwargs) -> "Table":
        """A one-row table of figures: [("应到", 120), ("请假", 3)] -> headers and values."""
        columns = [Column(label, align="center") for label, _ in pairs]
        return cls(columns=columns, rows=[[value for _, value in pairs]], caption=caption, **kwargs)


@dataclass
class _Prepared:
    table: Table
    xs: list[float]  # left edge of each column, then the right edge of the table
    header: tuple
    caption: tuple | None
    rows: list = field(default_factory=list)


def table_pdf(*, title: str, tables: Sequence[Table], info: Sequence = (), landscape: bool = False,
              printed_at: datetime | str | None = None, footer: str = "", out=None) -> bytes | None:
    """Build a table document. ``info`` lines go under the title: (label, value) pairs shown
    as 「label：value」 (two to a line when short) or plain strings. ``printed_at`` is shown
    in the footer as given (a datetime as YYYY-MM-DD HH:MM; convert it to local time first).
    Writes to the binary file ``out`` if given, else returns the PDF bytes.

    Characters no shipped font has are drawn as 〓: check texts with ``unprintable()`` first."""
    fonts.register_fonts()
    pagesize = landscape_size(A4) if landscape else A4
    layout = _Layout(pagesize, title, info, tables)
    pages = layout.paginate()
    if isinstance(printed_at, datetime):
        printed_at = printed_at.strftime("%Y-%m-%d %H:%M")
    target = io.BytesIO() if out is None else out
    canvas = StreamingCanvas(target, pagesize=pagesize, pageCompression=1, initialFontName=fonts.MAIN)
    canvas.setTitle(title)
    canvas.setCreator("党建活动报名签到系统")
    total = len(pages)
    for number, items in enumerate(pages, 1):
        if number == 1:
            layout.draw_title_block(canvas)
        else:
            canvas.setFillColor(black)
            draw_text(canvas, MARGIN, pagesize[1] - HEAD_Y, f"{title}（续）", SMALL_SIZE)
        layout.draw_items(canvas, items)
        _draw_footer(canvas, pagesize, number, total, footer, printed_at or "")
        canvas.showPage()
    canvas.save()
    return target.getvalue() if out is None else None


def _draw_footer(canvas, pagesize, number, total, left, printed_at):
    canvas.setFillColor(black)
    width = pagesize[0]
    if left:
        draw_text(canvas, MARGIN, FOOTER_Y, left, SMALL_SIZE + 1)
    draw_text(canvas, width / 2, FOOTER_Y, f"第 {number} 页 共 {total} 页", SMALL_SIZE + 1, align="center")
    if printed_at:
        draw_text(canvas, width - MARGIN, FOOTER_Y, f"打印时间：{printed_at}", SMALL_SIZE + 1, align="right")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class _Layout:
    def __init__(self, pagesize, title, info, tables):
        self.width, self.height = pagesize
        self.content = self.width - 2 * MARGIN
        self.title_lines = wrap(title, self.content, TITLE_SIZE) or [""]
        self.info_rows = self._info_rows(info)
        self.title_height = (len(self.title_lines) * TITLE_SIZE * LEADING + 3 * mm
                             + sum(len(lines) for _, lines in self.info_rows) * INFO_SIZE * 1.5 + 3 * mm)
        self.top = self.height - MARGIN
        self.tables = [self._prepare(table) for table in tables]

    # first pass ---------------------------------------------------------------------------

    def _info_rows(self, info):
        """Rows of the title block: [(items, line count)], items = [(x offset, lines)]."""
        texts = [f"{item[0]}：{_cell_text(item[1])}" if isinstance(item, tuple | list) else str(item)
                 for item in info]
        half = (self.content - 6 * mm) / 2
        rows, index = [], 0
        while index < len(texts):
            text = texts[index]
            following = texts[index + 1] if index + 1 < len(texts) else None
            if (following is not None and fonts.text_width(text, INFO_SIZE) <= half
                    and fonts.text_width(following, INFO_SIZE) <= half):
                rows.append(([(0, [text]), (half + 6 * mm, [following])], [1]))
                index += 2
            else:
                lines = wrap(text, self.content, INFO_SIZE)
                rows.append(([(0, lines)], lines))
                index += 1
        return rows

    def _prepare(self, table: Table) -> _Prepared:
        weights = [max(column.width, 0.01) for column in table.columns]
        scale = self.content / sum(weights)
        xs = [MARGIN]
        for weight in weights:
            xs.append(xs[-1] + weight * scale)
        size = table.font_size
        line = size * LEADING
        min_height = max(table.row_height * mm, line + 2 * PAD_Y)
        inner = [xs[i + 1] - xs[i] - 2 * PAD_X for i in range(len(weights))]
        headers = [wrap(column.title, inner[i], size) for i, column in enumerate(table.columns)]
        header_height = max(line * max(len(h) for h in headers) + 2 * PAD_Y, 7 * mm)
        prepared = _Prepared(table, xs, (HEADER, header_height, headers), None)
        if table.caption:
            lines = wrap(table.caption, self.content, size + 1)
            prepared.caption = (CAPTION, len(lines) * (size + 1) * LEADING + 1 * mm, lines)
        group_line = line + 2 * PAD_Y
        # no row may be taller than a page below the header and a continued group row
        limit = self.top - BOTTOM - header_height - group_line - 1
        full = self.content - 2 * PAD_X
        keys = [column.key for column in table.columns]
        count = len(keys)
        text_width = fonts.text_width
        rows = prepared.rows
        for row in table.rows:
            if isinstance(row, Group):
                lines = wrap(row.title, full, size)
                rows.append((GROUP, max(len(lines) * line + 2 * PAD_Y, group_line), lines))
                continue
            values = [row.get(key) for key in keys] if isinstance(row, Mapping) else list(row)[:count]
            values += [None] * (count - len(values))
            cells, tallest = [], 1
            for index, value in enumerate(values):
                if isinstance(value, ImageCell):
                    cells.append(value)
                    continue
                text = _cell_text(value)
                if "\n" not in text and text_width(text, size) <= inner[index]:
                    cell = [text] if text else []
                else:
                    cell = wrap(text, inner[index], size)
                cells.append(cell)
                tallest = max(tallest, len(cell))
            height = max(min_height, tallest * line + 2 * PAD_Y)
            if height > limit:  # cut the tallest cells, visibly
                keep = max(1, int((limit - 2 * PAD_Y) / line) - 1)
                cells = [cell[:keep] + ["……（过长，未印完）"] if isinstance(cell, list) and len(cell) > keep
                         else cell for cell in cells]
                height = limit
            rows.append((ROW, height, cells))
        if not any(kind == ROW for kind, _, _ in rows):
            rows.append((EMPTY, min_height, wrap(table.empty_text, full, size)))
        return prepared

    def paginate(self) -> list[list[tuple]]:
        """Pages of placed items: (y of the item's top edge, table index, item)."""
        pages: list[list[tuple]] = [[]]
        y = self.top - self.title_height

        def place(index, item):
            nonlocal y
            pages[-1].append((y, index, item))
            y -= item[1]

        def new_page(index, prepared, group):
            nonlocal y
            pages.append([])
            y = self.top
            place(index, prepared.header)
            if group is not None:
                place(index, (GROUP, group[1], [group[2][0] + "（续）", *group[2][1:]]))

        for index, prepared in enumerate(self.tables):
            rows = prepared.rows
            first = rows[0][1] + (rows[1][1] if rows[0][0] == GROUP and len(rows) > 1 else 0)
            head = prepared.header[1] + (prepared.caption[1] if prepared.caption else 0)
            if index:
                y -= TABLE_GAP
            if pages[-1] and y - head - first < BOTTOM:
                pages.append([])
                y = self.top
            if prepared.caption:
                place(index, prepared.caption)
            place(index, prepared.header)
            group = None
            for position, row in enumerate(rows):
                kind, height = row[0], row[1]
                if kind == GROUP:
                    following = rows[position + 1] if position + 1 < len(rows) else None
                    need = height + (following[1] if following and following[0] == ROW else 0)
                    if y - need < BOTTOM:
                        new_page(index, prepared, None)
                    group = row
                elif y - height < BOTTOM:
                    new_page(index, prepared, group)
                place(index, row)
        return pages

    # second pass --------------------------------------------------------------------------

    def draw_title_block(self, canvas):
        line = TITLE_SIZE * LEADING
        y = self.top - (line - TITLE_SIZE) / 2 - TITLE_SIZE * 0.8
        canvas.setFillColor(ACCENT)
        for text in self.title_lines:
            draw_text(canvas, self.width / 2, y, text, TITLE_SIZE, align="center", bold=True)
            y -= line
        canvas.setFillColor(black)
        line = INFO_SIZE * 1.5
        top = self.top - len(self.title_lines) * TITLE_SIZE * LEADING - 3 * mm
        for items, lines in self.info_rows:
            for offset, texts in items:
                y = top - (line - INFO_SIZE) / 2 - INFO_SIZE * 0.8
                for text in texts:
                    draw_text(canvas, MARGIN + offset, y, text, INFO_SIZE)
                    y -= line
            top -= len(lines) * line

    def draw_items(self, canvas, items):
        canvas.setFillColor(black)
        canvas.setStrokeColor(black)
        outer, inner = [], []
        run = {}  # table index -> [top of bordered run, bottom, top of column run]
        for top, index, item in items:
            prepared = self.tables[index]
            kind, height, payload = item
            xs = prepared.xs
            left, right = xs[0], xs[-1]
            bottom = top - height
            size = prepared.table.font_size
            if kind == CAPTION:
                y = top - (size + 1) * 1.05
                for line in payload:
                    draw_text(canvas, left, y, line, size + 1, bold=True)
                    y -= (size + 1) * LEADING
                continue
            if kind in (HEADER, GROUP):
                canvas.setFillColor(HEADER_FILL if kind == HEADER else GROUP_FILL)
                canvas.rect(left, bottom, right - left, height, stroke=0, fill=1)
                canvas.setFillColor(black)
            if kind == HEADER:
                for column, lines in enumerate(payload):
                    self._draw_lines(canvas, lines, xs[column], xs[column + 1], top, height, size,
                                     "center", bold=True)
            elif kind == ROW:
                for column, cell in enumerate(payload):
                    if isinstance(cell, ImageCell):
                        _draw_image(canvas, cell, xs[column], xs[column + 1], top, height)
                    elif cell:
                        self._draw_lines(canvas, cell, xs[column], xs[column + 1], top, height, size,
                                         prepared.table.columns[column].align)
            else:
                self._draw_lines(canvas, payload, left, right, top, height, size,
                                 "center" if kind == EMPTY else "left", bold=kind == GROUP)
            # grid: horizontal lines at every edge, column lines only through header and rows
            inner.append((left, top, right, top))
            inner.append((left, bottom, right, bottom))
            state = run.setdefault(index, [top, bottom, None])
            state[1] = bottom
            if kind in (HEADER, ROW):
                if state[2] is None:
                    state[2] = top
            elif state[2] is not None:
                inner.extend((x, state[2], x, top) for x in xs[1:-1])
                state[2] = None
        for index, (top, bottom, column_top) in run.items():
            xs = self.tables[index].xs
            if column_top is not None:
                inner.extend((x, column_top, x, bottom) for x in xs[1:-1])
            outer.extend([(xs[0], top, xs[-1], top), (xs[0], bottom, xs[-1], bottom),
                          (xs[0], top, xs[0], bottom), (xs[-1], top, xs[-1], bottom)])
        canvas.setLineWidth(INNER_LINE)
        canvas.lines(inner)
        canvas.setLineWidth(OUTER_LINE)
        canvas.lines(outer)

    @staticmethod
    def _draw_lines(canvas, lines, x0, x1, top, height, size, align, bold=False):
        line = size * LEADING
        y = top - (height - len(lines) * line) / 2 - (line - size) / 2 - size * 0.8
        x = {"left": x0 + PAD_X, "center": (x0 + x1) / 2, "right": x1 - PAD_X}[align]
        for text in lines:
            draw_text(canvas, x, y, text, size, align=align, bold=bold)
            y -= line


def _draw_image(canvas, cell: ImageCell, x0, x1, top, height):
    caption = SMALL_SIZE if cell.caption else 0
    box_w = x1 - x0 - 2 * PAD_X
    box_h = height - 2 * PAD_Y - caption * 1.1
    image = _fit_image(cell.data, box_w, box_h)
    if image is None:
        draw_text(canvas, (x0 + x1) / 2, top - height / 2 - 3, "（图像无法显示）", SMALL_SIZE, align="center")
    else:
        canvas.drawImage(image, x0 + PAD_X, top - PAD_Y - box_h, box_w, box_h, preserveAspectRatio=True,
                         anchor="c")
    if cell.caption:
        draw_text(canvas, x1 - PAD_X, top - height + PAD_Y + 1, cell.caption, SMALL_SIZE, align="right")


def _fit_image(data: bytes, box_w: float, box_h: float):
    """The image in grey, flattened on white, at most twice the pixels IMAGE_DPI needs;
    None when the bytes are not an image we can read. Works on single bands: reducing an
    RGBA image would premultiply it, which costs more than the PNG decoding."""
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_IMAGE_PIXELS:
            return None
        if image.mode == "P":
            image = image.convert("RGBA")
        alpha = image.getchannel("A") if "A" in image.getbands() else None
        grey = image if image.mode == "L" else image.convert("L")
        # shrink by a whole factor (a box filter, fast) while still IMAGE_DPI in the cell;
        # the PDF viewer scales the rest
        factor = int(min(grey.width / (box_w / 72 * IMAGE_DPI), grey.height / (box_h / 72 * IMAGE_DPI)))
        if factor >= 2:
            grey = grey.reduce(factor)
            alpha = alpha.reduce(factor) if alpha else None
        if alpha:
            flat = Image.new("L", grey.size, 255)
            flat.paste(grey, mask=alpha)
            grey = flat
        return ImageReader(grey)
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        return None
