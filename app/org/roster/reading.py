"""Reading a roster file: XLSX or CSV bytes into a Table of data rows.

Decodes CSV (UTF-8, UTF-16, GBK), finds the header row below any title, maps the
headers (and their other spellings) to the template's columns, and keeps formula and
error cells recognisable so that checking can refuse them. A file that is no roster
raises DomainError: import_empty, import_bad_file, import_bad_header, import_too_many_rows.
"""
import csv
import io
import itertools
import warnings
from dataclasses import dataclass

from openpyxl import load_workbook

from app.errors import DomainError

from ..normalize import clean_text
from .columns import COLUMNS, HEADER_ALIASES, MAX_ROWS, NOTES_SHEET

HEADER_SEARCH_ROWS = 10  # the header may sit below a title
COUNT_CEILING = 200_000  # stop counting an oversized file here


class Formula(str):
    """A cell that holds a formula; refused, because its value is not in the file."""


class ExcelError(str):
    """A cell that holds an Excel error value such as #N/A."""


@dataclass
class Table:
    """The data rows of a roster: ``rows`` are (row number as Excel shows it, values)."""

    columns: dict  # field -> index into each row's values
    rows: list
    header_row: int

    def value(self, values, name):
        index = self.columns[name]
        return values[index] if index < len(values) else None


def read_roster(data, filename=""):
    """Read XLSX or CSV bytes into a Table; raise DomainError for a file that is no roster."""
    if not data or not data.strip():
        raise DomainError("import_empty")
    workbook = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl: "no default style", unknown extensions
            if data.startswith(b"PK\x03\x04"):
                # data_only=False: a formula cell shows its formula, so it can be refused.
                workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
                sheets = [_xlsx_rows(sheet) for sheet in workbook.worksheets
                          if sheet.title != NOTES_SHEET]
            elif data.startswith(b"\xd0\xcf\x11\xe0") or filename.lower().endswith(
                    (".xlsx", ".xlsm", ".xls")):
                raise DomainError("import_bad_file")  # old .xls, or something renamed .xlsx
            else:
                sheets = [_csv_rows(data)]
            return _table_from_sheets(sheets)
    except DomainError:
        raise
    except Exception:  # a damaged or foreign file: openpyxl, zipfile and csv raise many kinds
        raise DomainError("import_bad_file") from None
    finally:
        if workbook is not None:
            workbook.close()


def _xlsx_rows(sheet):
    sheet.reset_dimensions()  # a wrong <dimension> in the file would cut rows or columns off
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        yield number, tuple(_xlsx_value(cell) for cell in cells)


def _xlsx_value(cell):
    value = cell.value
    if cell.data_type == "f":
        return Formula(getattr(value, "text", None) or value)
    if cell.data_type == "e":
        return ExcelError(value)
    return value


def _csv_rows(data):
    text = _decode(data)
    if "\x00" in text or sum(ch < " " and ch not in "\t\r\n" for ch in text[:4096]) > 8:
        raise DomainError("import_bad_file")  # a binary file named .csv
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return enumerate((tuple(record) for record in reader), start=1)


def _decode(data):
    """UTF-8 (with or without BOM), UTF-16 (Excel's 「Unicode 文本」) or GBK/GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError("import_bad_file")


def _table_from_sheets(sheets):
    """Read the first sheet whose top rows name every template column (else the sheet naming
    the most, for the message) from below its header to its end."""
    found = None  # (header row number, {field: column index}, top rows, the rows after them)
    for rows in sheets:
        rows = iter(rows)
        top = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
        if all(_blank(values) for _, values in top):
            continue
        header_row, columns = _find_header(top)
        if found is None or len(columns) > len(found[1]):
            found = (header_row, columns, top, rows)
        if len(columns) == len(COLUMNS):
            break
    if found is None:
        raise DomainError("import_empty")
    header_row, columns, top, rest = found
    missing = [header for name, header in COLUMNS if name not in columns]
    if missing:
        raise DomainError("import_bad_header", missing="、".join(missing))
    table = Table(columns=columns, rows=[], header_row=header_row)
    count = 0
    below_header = ((number, values) for number, values in top if number > header_row)
    for number, values in itertools.chain(below_header, rest):
        count = _add_row(table, number, values, count)
        if count >= COUNT_CEILING:
            break
    if count > MAX_ROWS:
        shown = f"{count}" if count < COUNT_CEILING else f"{COUNT_CEILING} 以上"
        raise DomainError("import_too_many_rows", limit=MAX_ROWS, count=shown)
    if not table.rows:
        raise DomainError("import_empty")
    return table


def _add_row(table, number, values, count):
    cells = tuple(table.value(values, name) for name, _ in COLUMNS)
    if _blank(cells):
        return count
    if count < MAX_ROWS:
        table.rows.append((number, values))
    return count + 1


def _blank(values):
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _find_header(rows):
    """(row number, {field: column index}) of the row naming the most template columns."""
    best = (None, {})
    for number, values in rows:
        columns = {}
        for index, value in enumerate(values):
            name = _header_field(value)
            if name and name not in columns:
                columns[name] = index
        if len(columns) > len(best[1]):
            best = (number, columns)
    return best


def _header_field(value):
    if value is None or isinstance(value, (Formula, ExcelError)):
        return None
    text = clean_text(value).replace(" ", "").strip("*")
    for suffix in ("(必填)", "(选填)", "(可选)"):
        text = text.removesuffix(suffix)
    return HEADER_ALIASES.get(text)

