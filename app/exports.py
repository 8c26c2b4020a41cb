"""The one XLSX/CSV writer: every spreadsheet the system hands out is written here.

Callers pass plain data, column specs and rows of values; this module owns how a sheet
looks and what it never does:

- a bold header row on grey (a template's required columns in red), frozen and repeated
  on every printed page, with an optional title above it (the event and session, or the
  period and filters);
- column widths fitted to the header and the first rows (a CJK character counts double),
  never narrower than the column's hint;
- numbers stay numbers, rates are percentage cells (0.0%), dates and times are real
  dates in local time;
- text that begins with ``= + - @`` (or a tab or CR) stays plain text, never a live
  formula (a name such as ``=HYPERLINK(...)`` from an imported CSV); in CSV it gets a
  leading apostrophe. Characters an XLSX file cannot hold are dropped;
- openpyxl's write-only mode, so a 20,000-row sheet streams instead of growing in memory.

``xlsx_bytes()`` writes one sheet; ``new_workbook()``, ``add_sheet()`` and
``workbook_bytes()`` write several (the roster template). ``csv_bytes()`` writes the
same columns as UTF-8 CSV with a BOM, so Excel opens the Chinese correctly.
"""
import csv
import io
import itertools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.timeutil import to_local

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"

KINDS = ("text", "int", "float", "percent", "date", "datetime")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may read as a formula
NUMBER_FORMATS = {"percent": "0.0%", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}
FIXED_WIDTHS = {"percent": 8, "date": 12, "datetime": 17}
SAMPLE_ROWS = 200  # rows read ahead to fit the widths; the rest stream
MAX_FITTED_WIDTH = 60

_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="EEEEEE")
_REQUIRED_FONT = Font(bold=True, color="FFFFFF")
_REQUIRED_FILL = PatternFill("solid", fgColor="B71C1C")
_TITLE_FONT = Font(bold=True, size=14)
_CENTERED = Alignment(horizontal="center", vertical="center")


@dataclass(frozen=True)
class Column:
    """One column: its header, the kind of its values and a width hint in characters.

    kind: text, int, float, percent (a ratio such as 0.873), date or datetime (aware
    datetimes are shown in local time). ``required`` marks a template's must-fill column.
    """

    header: str
    kind: str = "text"
    width: int = 0
    required: bool = False

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


# ----------------------------------------------------------------------- values

def safe_filename(text, default="", limit=60):
    """``text`` fit for a downloaded file's name: no path or reserved characters, cut to
    ``limit`` characters; ``default`` when nothing is left."""
    return _UNSAFE_FILENAME.sub("", text or "").strip()[:limit] or default


def safe_text(value):
    """The text of a cell, with what XLSX cannot hold dropped."""
    return ILLEGAL_CHARACTERS_RE.sub("", value if isinstance(value, str) else str(value))


def looks_like_formula(text):
    return text.startswith(FORMULA_START)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _local(value):
    """A datetime as local wall time, without a zone (what a spreadsheet can hold)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = to_local(value).replace(tzinfo=None)
    return value


def _as_date(column, value):
    """The date or datetime a date column shows, or None when ``value`` is neither."""
    if not isinstance(value, date):
        return None
    value = _local(value)
    if column.kind == "date" and isinstance(value, datetime):
        return value.date()
    return value


def _shown(column, value):
    """The value as text, for width fitting and CSV."""
    if value is None:
        return ""
    if column.kind == "percent" and _is_number(value):
        return f"{value * 100:.1f}%"
    when = _as_date(column, value) if column.kind in ("date", "datetime") else None
    if when is not None:
        return when.strftime("%Y-%m-%d %H:%M" if column.kind == "datetime" else "%Y-%m-%d")
    return str(value)


# ------------------------------------------------------------------------- XLSX

def _text_cell(sheet, value, font=None):
    """A text cell; plain text where no style is needed (cheaper for big sheets)."""
    text = safe_text(value)
    formula_like = looks_like_formula(text)
    if not formula_like and font is None:
        return text
    cell = WriteOnlyCell(sheet, value=text or None)
    if formula_like:
        cell.data_type = "s"  # openpyxl would store "=..." as a formula
        cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell
    if font is not None:
        cell.font = font
    return cell


def _xlsx_value(sheet, column, value):
    if value is None:
        return None
    if column.kind in ("int", "float") and _is_number(value):
        return value
    if column.kind == "percent" and _is_number(value):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = NUMBER_FORMATS["percent"]
        return cell
    when = _as_date(column, value) if column.kind in ("date", "datetime") else None
    if when is not None:
        cell = WriteOnlyCell(sheet, value=when)
        cell.number_format = NUMBER_FORMATS[column.kind]
        return cell
    return _text_cell(sheet, value)  # text, and whatever does not fit its column's kind


def display_width(text):
    """Columns a text takes on screen: wide (CJK) characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fitted_widths(columns, rows):
    """Each column's width: its hint, or what the header and ``rows`` need (up to a cap)."""
    widths = []
    for index, column in enumerate(columns):
        needed = max([display_width(column.header),
                      *(display_width(_shown(column, row[index]))
                        for row in rows if index < len(row))])
        fitted = FIXED_WIDTHS.get(column.kind) or min(needed + 2, MAX_FITTED_WIDTH)
        widths.append(max(column.width, fitted))
    return widths


def _header_cell(sheet, column):
    cell = _text_cell(sheet, column.header, _REQUIRED_FONT if column.required else _HEADER_FONT)
    cell.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
    cell.alignment = _CENTERED
    return cell


def _title_lines(title):
    if not title:
        return []
    return [title] if isinstance(title, str) else [line for line in title if line]


def new_workbook():
    return Workbook(write_only=True)


def add_sheet(workbook, name, columns, rows, *, title=None):
    """Write one sheet: the title lines (if any), the header, then ``rows`` (sequences of
    values in column order, streamed). Returns the sheet, e.g. to add data validations."""
    sheet = workbook.create_sheet(name)
    rows = iter(rows)
    sample = list(itertools.islice(rows, SAMPLE_ROWS))
    for number, (column, width) in enumerate(zip(columns, fitted_widths(columns, sample), strict=True),
                                             start=1):
        dimension = sheet.column_dimensions[get_column_letter(number)]
        dimension.width = width
        if column.kind == "text":
            dimension.number_format = "@"  # what someone types later stays text (a phone)
    lines = _title_lines(title)
    header_row = len(lines) + 1
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    for line in lines:
        sheet.append([_text_cell(sheet, line, _TITLE_FONT)])
    sheet.append([_header_cell(sheet, column) for column in columns])
    for row in itertools.chain(sample, rows):
        sheet.append([_xlsx_value(sheet, column, value) for column, value in zip(columns, row, strict=False)])
    return sheet


def workbook_bytes(workbook):
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_bytes(columns, rows, *, sheet, title=None):
    """A one-sheet .xlsx file named ``sheet``; see add_sheet()."""
    workbook = new_workbook()
    add_sheet(workbook, sheet, columns, rows, title=title)
    return workbook_bytes(workbook)


# -------------------------------------------------------------------------- CSV

def _csv_value(column, value):
    if value is None:
        return ""
    if column.kind in ("int", "float", "percent", "date", "datetime"):
        if _is_number(value) or isinstance(value, date):
            return _shown(column, value)
    text = safe_text(value)
    return "'" + text if looks_like_formula(text) else text


def csv_bytes(columns, rows, *, title=None):
    """The same sheet as UTF-8 CSV with a BOM (Excel then reads the Chinese right)."""
    text = Column("")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in _title_lines(title):
        writer.writerow([_csv_value(text, line)])
    writer.writerow([_csv_value(text, column.header) for column in columns])
    for row in rows:
        writer.writerow([_csv_value(column, value) for column, value in zip(columns, row, strict=False)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
