"""Checking a roster's rows against the database (read only): one parser per column,
branches resolved by name or name path, and what an import would do, as a ``Check``.

A problem is kept at its row and column with a Chinese message; a file with any problem
writes nothing (see batches.py).
"""
import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from openpyxl.utils.datetime import from_excel

from app.errors import DomainError, message_for
from app.extensions import db

from ..constants import (
    RANKS,
    development_stage_from_text,
    gender_from_text,
    political_status_from_text,
    role_from_text,
)
from ..models import Branch, Member
from ..normalize import clean_name, clean_text, is_valid_phone, normalize_phone, parse_birth_date
from .columns import COLUMNS, HEADERS, MAX_LENGTHS, MEMBER_FIELDS, REQUIRED
from .reading import ExcelError, Formula

SHOWN_PROBLEMS = 200  # problems kept for the page; the full list is a download


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

    def plan_digest(self):
        """A digest of everything an import would do and warn about: the commit compares
        it with the one the admin saw at the check (issue 8, finding 10)."""
        plan = [self.new, self.updates, [w.as_dict() for w in self.warnings],
                self.reactivated, self.unchanged]
        text = json.dumps(plan, default=str, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def summary(self):
        """What the pages show, stored on the batch (the first problems only), and the
        digest of the plan they show."""
        return {
            "plan": self.plan_digest(),
            "counts": self.counts,
            "header_row": self.header_row,
            "problems": [p.as_dict() for p in self.problems[:SHOWN_PROBLEMS]],
            "warnings": [p.as_dict() for p in self.warnings[:SHOWN_PROBLEMS]],
            "warning_count": len(self.warnings),
        }


class BranchIndex:
    """Every branch by name and by name path (「机关第一党委/第一党支部」), loaded in one query."""

    def __init__(self):
        rows = db.session.execute(
            sa.select(Branch.id, Branch.name, Branch.path, Branch.active, Branch.sort_order)
            .order_by(Branch.id)  # the example named in a message is the same on every database
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
        """The id of the active branch named by ``text``, or raise DomainError."""
        parts = tuple(part.strip() for part in text.split("/") if part.strip())
        if not parts:
            raise DomainError("import_row_required", column=HEADERS["branch"])
        matches = [row for row in self.by_name.get(parts[-1], [])
                   if self.paths[row.id][-len(parts):] == parts]
        active = [row for row in matches if row.active]
        if len(active) == 1:
            return active[0].id
        if len(active) > 1:
            raise DomainError("import_row_ambiguous_branch", value=text, count=len(active),
                             example=self.label(active[0].id))
        if matches:
            raise DomainError("import_row_branch_inactive", value=text)
        raise DomainError("import_row_unknown_branch", value=text)

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
            raise DomainError("import_row_too_long", column=HEADERS[name], max=limit)
        return text
    return parse


def _parse_phone(text, index):
    if re.fullmatch(r"\d\.\d+E\+\d+", text, re.IGNORECASE):
        raise DomainError("import_row_phone_scientific")
    phone = normalize_phone(re.sub(r"\.0+$", "", text))
    if not is_valid_phone(phone):
        raise DomainError("import_row_bad_phone")
    return phone


def _parse_choice(name, mapper):
    def parse(text, index):
        value = mapper(text)
        if value is None:
            raise DomainError("import_row_bad_choice", value=text, column=HEADERS[name])
        return value
    return parse


def _parse_rank(text, index):
    if text and text not in RANKS:
        raise DomainError("import_row_bad_choice", value=text, column=HEADERS["rank"])
    return text


def _political_status(text):
    """A blank 政治面貌 is 群众 (13), as on the member form."""
    return political_status_from_text(text) if text else "13"


# One parser per column: (cleaned text, BranchIndex) -> value, or raise DomainError.
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
        raise DomainError("import_row_bad_date") from None


def _parse_cell(name, raw, index):
    if isinstance(raw, Formula):
        raise DomainError("import_row_formula")
    if isinstance(raw, ExcelError):
        raise DomainError("import_row_excel_error", value=str(raw))
    if name == "birth_date":
        return _parse_date(raw)
    text = clean_name(raw) if name == "name" else clean_text(raw)
    if not text and name in REQUIRED:
        raise DomainError("import_row_required", column=HEADERS[name])
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
        except DomainError as error:
            problems.append(Problem(number, header, display_value(raw), error.code,
                                    error.message))
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

