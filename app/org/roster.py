"""Roster import (花名册导入): read an XLSX or CSV roster, check every row, write it all or nothing.

The steps, shared by the pages and the CLI:

- ``read_roster(data, filename)`` reads the file into a ``Table`` (file-level problems raise
  DomainError: import_empty, import_bad_file, import_bad_header, import_too_many_rows).
- ``check_roster(table)`` checks every row against the database, read only, and returns a ``Check``:
  the problems by row and column, and what an import would do (new, update, reactivate, unchanged).
- ``create_batch(actor, data, filename)`` does both and keeps the uploaded bytes in an ImportBatch,
  so any app process can commit it later.
- ``commit_batch(actor, batch_id)`` re-reads and re-checks the stored file against the current
  database and writes every row in one transaction, or nothing.
- ``import_roster(actor, table, filename)`` is the same write without a stored batch (the CLI).

Members are matched by phone. Branches, existing members and admins are loaded in bulk up
front, new members are inserted in bulk, and initial passwords are HMAC-derived from a
per-member salt (see passwords.py), so 20,000 rows take seconds, not minutes.
"""
import csv
import io
import itertools
import re
import secrets
import warnings
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from app.audit.service import record
from app.errors import DomainError, message_for
from app.extensions import db
from app.timeutil import utcnow
from app.txn import write_transaction

from .constants import (
    DEVELOPMENT_STAGES,
    GENDERS,
    POLITICAL_STATUSES,
    RANKS,
    ROLES,
    development_stage_from_text,
    gender_from_text,
    political_status_from_text,
    role_from_text,
)
from .models import Branch, ImportBatch, Member
from .normalize import clean_name, clean_text, is_valid_phone, normalize_phone, parse_birth_date
from .passwords import new_initial_salt, pending_initial_password

# The template's columns, in order: (Member field, Chinese header).
COLUMNS = (
    ("name", "姓名"),
    ("gender", "性别"),
    ("birth_date", "出生年月"),
    ("phone", "手机号码"),
    ("branch", "所在支部"),
    ("unit", "单位"),
    ("position", "职务"),
    ("rank", "职级"),
    ("political_status", "政治面貌"),
    ("development_stage", "发展阶段"),
    ("role", "角色"),
)
HEADERS = dict(COLUMNS)
REQUIRED = ("name", "phone", "branch")
# Other spellings of a header seen in real rosters.
HEADER_ALIASES = {
    **{header: name for name, header in COLUMNS},
    "出生日期": "birth_date",
    "手机号": "phone",
    "手机": "phone",
    "联系电话": "phone",
    "所在党支部": "branch",
    "党支部": "branch",
    "所在组织": "branch",
    "单位部门": "unit",
    "工作单位": "unit",
    "系统角色": "role",
}
# The Member columns an import writes (phone is the key, branch becomes branch_id).
MEMBER_FIELDS = (
    "name", "gender", "birth_date", "unit", "position", "rank",
    "political_status", "development_stage", "branch_id", "role",
)
MAX_LENGTHS = {"name": 50, "unit": 100, "position": 100}

MAX_ROWS = 20_000  # what the benchmark proves fast; larger rosters are imported in parts
HEADER_SEARCH_ROWS = 10  # the header may sit below a title
COUNT_CEILING = 200_000  # stop counting an oversized file here
BATCH_TTL = timedelta(hours=24)  # an uncommitted check older than this is refused
SHOWN_PROBLEMS = 200  # problems kept for the page; the full list is a download
INSERT_CHUNK = 1_000
TEMPLATE_SHEET = "花名册"
NOTES_SHEET = "说明"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ------------------------------------------------------------------ reading files

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


# ----------------------------------------------------------------- checking rows

@dataclass
class Problem:
    """One problem at a row and column, in words for people."""

    row: int
    column: str
    value: str
    code: str
    message: str

    def as_dict(self):
        return {"row": self.row, "column": self.column, "value": self.value,
                "code": self.code, "message": self.message}


@dataclass
class Check:
    """What the file holds and what importing it would do."""

    row_count: int
    header_row: int
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # not blocking: a phone now under another name
    new: list = field(default_factory=list)  # dicts of Member fields
    updates: list = field(default_factory=list)  # (member id, changed fields dict, role changed)
    reactivated: int = 0
    unchanged: int = 0

    @property
    def ok(self):
        return not self.problems

    @property
    def problem_rows(self):
        return len({problem.row for problem in self.problems})

    @property
    def counts(self):
        return {
            "rows": self.row_count,
            "new": len(self.new),
            "updated": len(self.updates) - self.reactivated,
            "reactivated": self.reactivated,
            "unchanged": self.unchanged,
            "problem_rows": self.problem_rows,
            "problems": len(self.problems),
        }

    def summary(self):
        """What the pages show, stored on the batch (the first problems only)."""
        return {
            "counts": self.counts,
            "header_row": self.header_row,
            "problems": [p.as_dict() for p in self.problems[:SHOWN_PROBLEMS]],
            "warnings": [p.as_dict() for p in self.warnings[:SHOWN_PROBLEMS]],
            "warning_count": len(self.warnings),
        }


class _CellError(Exception):
    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


class BranchIndex:
    """Every branch by name and by name path (「机关第一党委/第一党支部」), loaded in one query."""

    def __init__(self):
        rows = db.session.execute(
            sa.select(Branch.id, Branch.name, Branch.path, Branch.active, Branch.sort_order)
        ).all()
        by_id = {row.id: row for row in rows}
        lineage = {row.id: [by_id[int(i)] for i in row.path.strip("/").split("/")
                            if i.isdigit() and int(i) in by_id] or [row] for row in rows}
        self.paths = {id_: tuple(clean_text(b.name) for b in line) for id_, line in lineage.items()}
        self.by_name = defaultdict(list)
        for row in rows:
            self.by_name[self.paths[row.id][-1]].append(row)
        # How many active branches each name path (「第一党支部」, 「机关第一党委/第一党支部」) fits.
        self.suffix_counts = Counter(
            self.paths[row.id][-k:] for row in rows if row.active
            for k in range(1, len(self.paths[row.id]) + 1)
        )
        # Tree order, as on the branch page: by sort order, then id, level by level.
        self.active = sorted((row for row in rows if row.active),
                             key=lambda row: [(b.sort_order, b.id) for b in lineage[row.id]])

    def resolve(self, text):
        """The id of the active branch named by ``text``, or raise _CellError."""
        parts = tuple(part.strip() for part in text.split("/") if part.strip())
        if not parts:
            raise _CellError("import_row_required", column=HEADERS["branch"])
        matches = [row for row in self.by_name.get(parts[-1], [])
                   if self.paths[row.id][-len(parts):] == parts]
        active = [row for row in matches if row.active]
        if len(active) == 1:
            return active[0].id
        if len(active) > 1:
            raise _CellError("import_row_ambiguous_branch", value=text, count=len(active),
                             example=self.label(active[0].id))
        if matches:
            raise _CellError("import_row_branch_inactive", value=text)
        raise _CellError("import_row_unknown_branch", value=text)

    def label(self, branch_id):
        """The shortest name path that names this branch alone among the active ones."""
        path = self.paths[branch_id]
        for k in range(1, len(path) + 1):
            if self.suffix_counts[path[-k:]] == 1:
                return "/".join(path[-k:])
        return "/".join(path)

    def active_labels(self):
        return [self.label(row.id) for row in self.active]


def _parse_text(name):
    def parse(text, index):
        limit = MAX_LENGTHS.get(name)
        if limit and len(text) > limit:
            raise _CellError("import_row_too_long", column=HEADERS[name], max=limit)
        return text
    return parse


def _parse_phone(text, index):
    if re.fullmatch(r"\d\.\d+E\+\d+", text, re.IGNORECASE):
        raise _CellError("import_row_phone_scientific")
    phone = normalize_phone(re.sub(r"\.0+$", "", text))
    if not is_valid_phone(phone):
        raise _CellError("import_row_bad_phone")
    return phone


def _parse_choice(name, mapper):
    def parse(text, index):
        value = mapper(text)
        if value is None:
            raise _CellError("import_row_bad_choice", value=text, column=HEADERS[name])
        return value
    return parse


def _parse_rank(text, index):
    if text and text not in RANKS:
        raise _CellError("import_row_bad_choice", value=text, column=HEADERS["rank"])
    return text


def _political_status(text):
    """A blank 政治面貌 is 群众 (13), as on the member form."""
    return political_status_from_text(text) if text else "13"


# One parser per column: (cleaned text, BranchIndex) -> value, or raise _CellError.
PARSERS = {
    "name": _parse_text("name"),
    "gender": _parse_choice("gender", gender_from_text),
    "phone": _parse_phone,
    "branch": lambda text, index: index.resolve(text),
    "unit": _parse_text("unit"),
    "position": _parse_text("position"),
    "rank": _parse_rank,
    "political_status": _parse_choice("political_status", _political_status),
    "development_stage": _parse_choice("development_stage", development_stage_from_text),
    "role": _parse_choice("role", role_from_text),
}


def _parse_date(raw):
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 10_000 <= raw < 100_000:
        raw = from_excel(raw)  # a date cell whose number format was lost: Excel's day count
    try:
        return parse_birth_date(raw)
    except (ValueError, TypeError, OverflowError):
        raise _CellError("import_row_bad_date") from None


def _parse_cell(name, raw, index):
    if isinstance(raw, Formula):
        raise _CellError("import_row_formula")
    if isinstance(raw, ExcelError):
        raise _CellError("import_row_excel_error", value=str(raw))
    if name == "birth_date":
        return _parse_date(raw)
    text = clean_name(raw) if name == "name" else clean_text(raw)
    if not text and name in REQUIRED:
        raise _CellError("import_row_required", column=HEADERS[name])
    return PARSERS[name](text, index)


def display_value(raw):
    """A cell as the problem list shows it (原值)."""
    if raw is None:
        return ""
    if isinstance(raw, datetime):
        return raw.strftime("%Y-%m-%d") if raw.time() == datetime.min.time() else raw.isoformat(" ")
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw)[:100]


_EXISTING_COLUMNS = (Member.id, Member.phone, Member.active, *(
    getattr(Member, name) for name in MEMBER_FIELDS))


def _existing_members():
    """Every member by phone, in one query (columns only, no ORM objects)."""
    return {row.phone: row for row in db.session.execute(sa.select(*_EXISTING_COLUMNS))}


def _parse_row(table, number, values, index):
    """({field: value} of the cells that parse, [Problem] of those that do not)."""
    parsed, problems = {}, []
    for name, header in COLUMNS:
        raw = table.value(values, name)
        try:
            parsed[name] = _parse_cell(name, raw, index)
        except _CellError as error:
            problems.append(Problem(number, header, display_value(raw), error.code,
                                    message_for(error.code, **error.params)))
    return parsed, problems


def check_roster(table):
    """Check every row against the current database (read only); returns a Check."""
    index = BranchIndex()
    existing = _existing_members()
    check = Check(row_count=len(table.rows), header_row=table.header_row)
    first_row_of_phone = {}
    demoted_admins = []  # (row, member id) of admins the file gives another role
    promoted = False
    for number, values in table.rows:
        parsed, problems = _parse_row(table, number, values, index)
        phone = parsed.get("phone")
        if phone:
            if phone in first_row_of_phone:
                problems.append(_problem(number, "phone", phone, "import_row_duplicate_phone",
                                         other_row=first_row_of_phone[phone]))
            else:
                first_row_of_phone[phone] = number
        if problems:
            check.problems.extend(problems)
            continue
        fields = {name: parsed[name] for name in MEMBER_FIELDS if name != "branch_id"}
        fields["branch_id"] = parsed["branch"]
        member = existing.get(phone)
        if member is None:
            check.new.append({"phone": phone, **fields})
            promoted = promoted or fields["role"] == "admin"
            continue
        if member.name != fields["name"]:
            check.warnings.append(_problem(number, "name", fields["name"],
                                           "import_row_name_changed", phone=phone,
                                           old=member.name, new=fields["name"]))
        if member.role == "admin" and member.active and fields["role"] != "admin":
            demoted_admins.append((number, member.id))
        promoted = promoted or fields["role"] == "admin"
        changes = {name: value for name, value in fields.items() if getattr(member, name) != value}
        if not member.active:
            check.reactivated += 1
        elif not changes:
            check.unchanged += 1
            continue
        check.updates.append((member.id, fields, "role" in changes))
    if demoted_admins and not promoted:
        demoted = {member_id for _, member_id in demoted_admins}
        if not any(m.active and m.role == "admin" and m.id not in demoted
                   for m in existing.values()):
            for number, _ in demoted_admins:
                check.problems.append(_problem(number, "role", "", "import_row_last_admin"))
    check.problems.sort(key=lambda problem: problem.row)
    return check


def _problem(number, name, value, code, **params):
    return Problem(number, HEADERS[name], display_value(value), code, message_for(code, **params))


# -------------------------------------------------------------- batches and writes

@dataclass
class ImportResult:
    counts: dict
    new_member_ids: list
    batch: ImportBatch = None


def create_batch(actor, data, filename):
    """Read and check an upload; keep it in an ImportBatch for the commit step.

    File-level problems raise DomainError and store nothing. Row problems are kept on the
    batch (the first SHOWN_PROBLEMS of them) for the check page.
    """
    check = check_roster(read_roster(data, filename))
    with _write_transaction():
        _purge_expired()
        batch = ImportBatch(
            created_by_id=actor.id,
            filename=_clean_filename(filename),
            file_data=data,
            status="validated",
            row_count=check.row_count,
            error_count=len(check.problems),
            summary=check.summary(),
        )
        db.session.add(batch)
    return batch


def commit_batch(actor, batch_id):
    """Re-read and re-check a validated batch against the current database and write every
    row in one transaction, or nothing. Returns an ImportResult.

    When the database changed since the check so that the file no longer fits (a branch
    was deactivated, say), the new problems are stored on the batch and import_has_errors
    is raised.
    """
    batch = _committable_batch(batch_id)
    table = read_roster(batch.file_data, batch.filename)  # before taking the write lock
    with _write_transaction():
        check = check_roster(table)
        if check.ok:
            result = _write(actor, check, _claim(batch_id))
        else:
            _store_problems(batch_id, check)
    if not check.ok:
        raise DomainError("import_has_errors", count=len(check.problems))
    return result


def import_roster(actor, table, filename):
    """Check and write a roster read by read_roster() in one transaction (the CLI).

    With an actor, a committed ImportBatch is recorded too, so the page lists the
    initial passwords; ImportBatch needs its creator, so without one there is none.
    """
    with _write_transaction():
        check = check_roster(table)
        if not check.ok:
            raise DomainError("import_has_errors", count=len(check.problems))
        batch = None
        if actor is not None:
            batch = ImportBatch(created_by_id=actor.id, filename=_clean_filename(filename),
                                status="committed", committed_at=utcnow())
            db.session.add(batch)
        result = _write(actor, check, batch, filename)
    return result


@contextmanager
def _write_transaction():
    """txn.write_transaction(): on SQLite the write lock is held from the first statement, so
    the check inside sees exactly what the write then changes; commit at the end, roll back
    on any error, so a failed import writes nothing. A phone taken by another process after
    the check (PostgreSQL) ends as import_conflict."""
    try:
        with write_transaction():
            yield
    except IntegrityError:
        raise DomainError("import_conflict") from None


def _write(actor, check, batch, filename=None):
    """Insert and update the members of a clean Check, and log it; inside _write_transaction."""
    now = utcnow()
    new_ids = _insert_members(check.new, now)
    _update_members(check.updates, now)
    counts = check.counts
    if batch is not None:
        batch.file_data = None
        batch.row_count = check.row_count
        batch.error_count = 0
        batch.summary = check.summary()
        batch.new_member_ids = new_ids
        filename = batch.filename
    record(actor, "member.import", batch, filename=filename,
           **{key: counts[key] for key in ("rows", "new", "updated", "reactivated", "unchanged")})
    return ImportResult(counts=counts, new_member_ids=new_ids, batch=batch)


def _insert_members(rows, now):
    """Bulk insert new members with initial passwords; returns their ids in row order."""
    ids = []
    statement = sa.insert(Member).returning(Member.id, sort_by_parameter_order=True)
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = [
            {
                **row,
                "active": True,
                "password_hash": None,
                "initial_password_salt": new_initial_salt(),
                "must_change_password": True,
                "login_token": secrets.token_hex(8),
                "failed_logins": 0,
                "created_at": now,
                "updated_at": now,
            }
            for row in rows[start:start + INSERT_CHUNK]
        ]
        ids.extend(db.session.scalars(statement, chunk).all())
    return ids


def _update_members(updates, now):
    """Bulk update by primary key: the file's fields overwrite, the member is active again;
    a changed role signs the member out (new login token). Passwords stay as they are."""
    if not updates:
        return
    db.session.execute(
        sa.update(Member),
        [{"id": member_id, **values, "active": True, "updated_at": now}
         for member_id, values, _ in updates],
    )
    rotated = [{"id": member_id, "login_token": secrets.token_hex(8)}
               for member_id, _, role_changed in updates if role_changed]
    if rotated:
        db.session.execute(sa.update(Member), rotated)


def _committable(batch_id, now):
    return (
        ImportBatch.id == batch_id,
        ImportBatch.status == "validated",
        ImportBatch.error_count == 0,
        ImportBatch.file_data.is_not(None),
        ImportBatch.created_at >= now - BATCH_TTL,
    )


def _committable_batch(batch_id):
    """The batch, if it may be committed now; else the DomainError saying why not."""
    batch = db.session.get(ImportBatch, batch_id, populate_existing=True)
    if batch is None:
        raise DomainError("not_found")
    if batch.status == "committed":
        raise DomainError("import_already_committed")
    if batch.error_count:
        raise DomainError("import_has_errors", count=batch.error_count)
    if is_expired(batch) or batch.file_data is None:
        raise DomainError("import_expired")
    return batch


def _claim(batch_id):
    """Mark the batch committed, if it still may be: once only, even with two processes
    committing it at the same moment (the second waits on the row, then finds it taken)."""
    now = utcnow()
    claimed = db.session.execute(
        sa.update(ImportBatch).where(*_committable(batch_id, now))
        .values(status="committed", committed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        _committable_batch(batch_id)  # raises the reason
        raise DomainError("import_already_committed")
    return db.session.get(ImportBatch, batch_id, populate_existing=True,
                          options=[defer(ImportBatch.file_data)])


def _store_problems(batch_id, check):
    """The database changed since the check and the file no longer fits: keep the new
    problems on the batch (which then cannot be committed)."""
    db.session.execute(
        sa.update(ImportBatch).where(ImportBatch.id == batch_id, ImportBatch.status == "validated")
        .values(error_count=len(check.problems), summary=check.summary())
        .execution_options(synchronize_session=False)
    )


def _purge_expired():
    """Drop the stored bytes of batches nobody committed in time (they can never be)."""
    db.session.execute(
        sa.update(ImportBatch)
        .where(ImportBatch.status == "validated", ImportBatch.file_data.is_not(None),
               ImportBatch.created_at < utcnow() - BATCH_TTL)
        .values(file_data=None)
        .execution_options(synchronize_session=False)
    )


def _clean_filename(filename):
    return clean_text((filename or "").replace("\\", "/").rsplit("/", 1)[-1])[:255]


def is_expired(batch, now=None):
    """An uncommitted batch past BATCH_TTL (its bytes are purged later; see _purge_expired)."""
    return batch.status == "validated" and batch.created_at < (now or utcnow()) - BATCH_TTL


def batch_state(batch):
    """committed, expired, has_problems or ready (to commit)."""
    if batch.status == "committed":
        return "committed"
    if batch.error_count:
        return "has_problems"
    if is_expired(batch):
        return "expired"
    return "ready"


def state_message(batch):
    """Why a batch cannot be committed, in words; None when it can."""
    state = batch_state(batch)
    if state == "has_problems":
        return message_for("import_has_errors", count=batch.error_count)
    if state == "expired":
        return message_for("import_expired")
    if state == "committed":
        return message_for("import_already_committed")
    return None


def get_batch(batch_id):
    """A batch without its stored bytes (they can be 10 MB); raises not_found."""
    batch = db.session.scalar(
        sa.select(ImportBatch).where(ImportBatch.id == batch_id)
        .options(defer(ImportBatch.file_data))
    )
    if batch is None:
        raise DomainError("not_found")
    return batch


def recent_batches(limit=10):
    return db.session.scalars(
        sa.select(ImportBatch).options(defer(ImportBatch.file_data))
        .order_by(ImportBatch.id.desc()).limit(limit)
    ).all()


# ------------------------------------------------------------- initial passwords

@dataclass
class PasswordRow:
    name: str
    phone: str
    branch: str
    password: str  # None once the member has set their own


@dataclass
class Page:
    """A page of a list, with what the _forms.html pager macro reads."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def prev_num(self):
        return self.page - 1

    @property
    def next_num(self):
        return self.page + 1


def initial_passwords(member_ids):
    """PasswordRows for these members, in the given order (chunked queries)."""
    rows = {}
    for start in range(0, len(member_ids), INSERT_CHUNK):
        chunk = member_ids[start:start + INSERT_CHUNK]
        for member in db.session.scalars(sa.select(Member).where(Member.id.in_(chunk))):
            rows[member.id] = PasswordRow(member.name, member.phone, member.branch.name,
                                          pending_initial_password(member))
    return [rows[member_id] for member_id in member_ids if member_id in rows]


def initial_password_page(batch, page=1, per_page=100):
    ids = list(batch.new_member_ids or [])
    page = min(max(1, page), max(1, -(-len(ids) // per_page)))
    chunk = ids[(page - 1) * per_page:page * per_page]
    return Page(initial_passwords(chunk), page, per_page, len(ids))


# ------------------------------------------------------------------ XLSX files out

def _xlsx_bytes(workbook):
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write_only_sheet(title, headers, rows, widths):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    return _xlsx_bytes(workbook)


def passwords_xlsx(member_ids):
    """「初始密码」: name, phone, branch and initial password of each new member."""
    rows = ((row.name, row.phone, row.branch, row.password or "已自行设置密码")
            for row in initial_passwords(list(member_ids)))
    return _write_only_sheet("初始密码", ["姓名", "手机号码", "所在支部", "初始密码"], rows,
                             [12, 16, 30, 14])


def problems_xlsx(data, filename):
    """Every problem of a file (the page shows only the first SHOWN_PROBLEMS)."""
    check = check_roster(read_roster(data, filename))
    rows = ((f"第{p.row}行", p.column, p.value, p.message) for p in check.problems)
    return _write_only_sheet("问题清单", ["行号", "列名", "原值", "说明"], rows, [10, 12, 24, 70])


def batch_problems_xlsx(batch_id):
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        raise DomainError("not_found")
    if batch.status == "committed" or batch.file_data is None or is_expired(batch):
        raise DomainError("import_expired")
    return problems_xlsx(batch.file_data, batch.filename)


def template_xlsx():
    """The roster template: the header row with dropdowns, and a 说明 sheet of allowed values."""
    index = BranchIndex()
    lists = {
        "political_status": [short for short, _ in POLITICAL_STATUSES.values()],
        "development_stage": list(DEVELOPMENT_STAGES.values()),
        "role": list(ROLES.values()),
        "rank": list(RANKS),
        "branch": index.active_labels(),
        "gender": list(GENDERS.values()),
    }
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TEMPLATE_SHEET
    red = PatternFill("solid", fgColor="B71C1C")
    sheet.append([header for _, header in COLUMNS])
    for column, (name, _header) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=column)
        cell.font = Font(bold=True, color="FFFFFF" if name in REQUIRED else "000000")
        if name in REQUIRED:
            cell.fill = red
        cell.alignment = Alignment(horizontal="center")
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = {"branch": 28, "unit": 22, "phone": 15}.get(name, 12)
        if name == "phone":
            sheet.column_dimensions[letter].number_format = "@"  # text: no 1.38E+10
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(NOTES_SHEET)
    list_columns = ("political_status", "development_stage", "role", "rank", "branch", "gender")
    for column, name in enumerate(list_columns, start=1):
        letter = get_column_letter(column)
        notes.cell(row=1, column=column, value=HEADERS[name]).font = Font(bold=True)
        for row, value in enumerate(lists[name], start=2):
            notes.cell(row=row, column=column, value=value)
        notes.column_dimensions[letter].width = 30 if name == "branch" else 16
        if lists[name]:
            target = get_column_letter([n for n, _ in COLUMNS].index(name) + 1)
            validation = DataValidation(
                type="list",
                formula1=f"'{NOTES_SHEET}'!${letter}$2:${letter}${len(lists[name]) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle="不在可选范围内",
                error=f"{HEADERS[name]}请从下拉列表中选择，可选值见「{NOTES_SHEET}」页。",
            )
            validation.add(f"{target}2:{target}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    guide_column = len(list_columns) + 2
    notes.column_dimensions[get_column_letter(guide_column)].width = 70
    for row, line in enumerate(TEMPLATE_GUIDE, start=1):
        cell = notes.cell(row=row, column=guide_column, value=line)
        if row == 1:
            cell.font = Font(bold=True)
    return _xlsx_bytes(workbook)


TEMPLATE_GUIDE = (
    "填写说明",
    "1. 在「花名册」页从第 2 行起每人一行，不要改动第 1 行的列名。",
    "2. 姓名、手机号码、所在支部必须填写（表头为红色的列），其余可以留空。",
    "3. 手机号码填 11 位数字；同一手机号码在文件中只能出现一次。",
    "4. 出生年月写成 1985-03 或 1985-03-12，也可以是 Excel 日期。",
    "5. 所在支部填本页 E 列中的名称；重名的组织要写上级，如「机关第一党委/第一党支部」。",
    "6. 政治面貌、发展阶段、角色、职级请从下拉列表选择（见本页 A–D 列）；政治面貌留空按「群众」导入，角色留空按「党员/职工」导入。",
    "7. 不要使用公式，请复制后「选择性粘贴 → 数值」。",
    f"8. 一次最多导入 {MAX_ROWS} 人。已在系统中的手机号码按文件内容更新（密码不变，已停用的人员重新启用）；文件中没有的人员不受影响。",
)

