"""The audit log as people read it: one line per entry, with names and Chinese values.

Entries are written by ``app.audit.service.record()`` in each feature's own transaction;
this module only reads them. Like Indico's log, a row says who did what to whom in words:
「修改活动：党史学习培训班 人数上限：80 → 90；报名开始：（空） → 2026-11-20 09:00」, never an
id or an English code. The words come from the features (labels.py); the names of
rows from one query per kind of row (names.py).
"""
import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.audit.models import AuditLog
from app.extensions import db
from app.timeutil import format_local

from . import labels
from .names import Names

# Target tables named beside the action. The others are named by their details
# (a registration's entries carry its event and member, a check-in's its session and person).
NAMED_TARGETS = ("branch", "member", "event", "team", "leave_request", "scanner_link")
SHOWN_NAMES = 10  # a longer list of rows shows its first names and the count
LONG_TEXT = 40

_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+00:00$")


@dataclass
class AuditRow:
    entry: AuditLog
    label: str  # the action in Chinese
    target: str  # what the action was about, "" when the summary names it
    summary: str  # the details in a line


def audit_log_page(group=None, page=1, per_page=50):
    """Newest entries first (optionally one group of labels.GROUPS); returns
    (pagination, [AuditRow])."""
    query = (
        db.select(AuditLog)
        .options(sa.orm.joinedload(AuditLog.actor))
        .order_by(AuditLog.id.desc())
    )
    if group in labels.GROUPS:
        _, include, exclude = labels.GROUPS[group]
        query = query.where(sa.or_(*(AuditLog.action.startswith(p) for p in include)))
        for prefix in exclude:
            query = query.where(sa.not_(AuditLog.action.startswith(prefix)))
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return pagination, describe(pagination.items)


def describe(entries):
    """[AuditRow] for ``entries``, with every row they mention named in a few queries."""
    names = Names()
    for entry in entries:  # first pass: note the rows to name
        _target(entry, names)
        _summary(entry, names)
    names.load()
    return [AuditRow(entry=entry, label=labels.action_label(entry.action),
                     target=_target(entry, names), summary=_summary(entry, names))
            for entry in entries]


def _target(entry, names):
    if entry.target_type in NAMED_TARGETS and entry.target_id is not None:
        return names(entry.target_type, entry.target_id)
    return ""


def _summary(entry, names):
    """A short line such as 「名称：一支部 → 第一党支部；排序：0 → 2」."""
    table = entry.target_type
    details = dict(entry.details or {})
    changes = dict(details.pop("changes", None) or {})
    for key in [k for k in details if k.startswith(("from_", "to_"))]:
        field = key.split("_", 1)[1]
        if field not in changes:
            changes[field] = [details.pop(f"from_{field}", None), details.pop(f"to_{field}", None)]
    parts = []
    for field, pair in changes.items():
        declared = labels.detail(table, field)
        if declared is not None:
            parts.append(_part(declared[0], _change(table, declared, pair, names)))
    for key, value in details.items():
        declared = labels.detail(table, key)
        if declared is None or (_empty(value) and declared[2] == "（空）"):
            continue
        label, values, _ = declared
        if isinstance(value, list) and len(value) == 2 and not isinstance(values, str):
            text = _change(table, declared, value, names)  # e.g. a status recorded as [old, new]
        else:
            text = _value(table, declared, value, names)
        if text is not None:
            parts.append(_part(label, text))
    return "；".join(parts)


def _change(table, declared, pair, names):
    old, new = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
    return f"{_value(table, declared, old, names)} → {_value(table, declared, new, names)}"


def _part(label, text):
    return f"{label}：{text}" if label else text


def _empty(value):
    return value is None or value == "" or value == [] or value == {}


def _value(table, declared, value, names):
    """``value`` of an entry about ``table`` in words, as ``declared`` (label, values, empty
    text) says; None: leave it out."""
    _, values, empty = declared
    if _empty(value):
        return empty
    if values == "spec":
        return names.spec(value)
    if isinstance(values, str):  # ids of rows
        if isinstance(value, list):
            shown = "、".join(names(values, v) for v in value[:SHOWN_NAMES])
            return shown if len(value) <= SHOWN_NAMES else f"{shown} 等 {len(value)} 个"
        return names(values, value)
    if isinstance(values, dict):
        return values.get(value, str(value))
    if callable(values):
        return values(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str) and _ISO_TIME.match(value):
        return format_local(datetime.fromisoformat(value))
    if isinstance(value, dict):  # e.g. the filters of an export, read with the same words
        inner = []
        for key, item in value.items():
            declared_inner = labels.detail(table, key)
            if declared_inner is not None and not _empty(item):
                inner.append(f"{declared_inner[0]} {_value(table, declared_inner, item, names)}")
        return "，".join(inner) or empty
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= LONG_TEXT else text[:LONG_TEXT] + "…"
