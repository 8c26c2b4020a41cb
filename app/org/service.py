"""Branch tree and member operations. Each function owns its transaction."""
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.audit.models import AuditLog
from app.audit.service import ACTION_LABELS, record
from app.errors import DomainError
from app.extensions import db
from app.timeutil import format_local
from app.txn import begin_write, lock

from . import search
from .constants import (
    BRANCH_KINDS,
    DEVELOPMENT_STAGES,
    GENDERS,
    PARTY_STATUSES,
    POLITICAL_STATUSES,
    ROLES,
    political_status_label,
)
from .models import Branch, Member
from .normalize import clean_name, clean_text, is_valid_phone, normalize_phone
from .passwords import set_initial_password
from .scope import sees_all_branches

MEMBER_FIELDS = (
    "name", "gender", "birth_date", "phone", "unit", "position", "rank",
    "political_status", "development_stage", "branch_id", "role",
)

# Coded member fields and the values they accept ("" = not filled in).
MEMBER_CHOICES = {
    "role": set(ROLES),
    "political_status": set(POLITICAL_STATUSES),
    "gender": {"", *GENDERS},
    "development_stage": {"", *DEVELOPMENT_STAGES},
}


# ---------------------------------------------------------------- branches

def get_branch(branch_id):
    branch = db.session.get(Branch, branch_id)
    if branch is None:
        raise DomainError("not_found")
    return branch


def _sibling_named(parent_id, name, exclude_id=None):
    query = db.select(Branch.id).where(Branch.parent_id.is_(None) if parent_id is None
                                       else Branch.parent_id == parent_id,
                                       Branch.name == name)
    if exclude_id is not None:
        query = query.where(Branch.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def _check_parent(kind, parent):
    if parent is None and kind != "committee":
        raise DomainError("branch_parent_required", field="parent_id")
    if parent is not None and not parent.active:
        raise DomainError("branch_parent_inactive", field="parent_id", name=parent.name)
    if parent is not None and parent.kind == "branch":
        raise DomainError("branch_parent_is_branch", field="parent_id", name=parent.name)


def _clean_branch_fields(name, kind, sort_order):
    name = clean_text(name)
    if not name:
        raise DomainError("branch_name_required", field="name")
    if kind not in BRANCH_KINDS:
        raise DomainError("invalid_choice", field="kind")
    return name, kind, sort_order or 0


def _locked_branch(branch_id):
    branch = lock(Branch, branch_id)
    if branch is None:
        raise DomainError("not_found")
    return branch


def create_branch(actor, name, kind, parent_id=None, sort_order=0):
    name, kind, sort_order = _clean_branch_fields(name, kind, sort_order)
    begin_write()
    parent = _locked_branch(parent_id) if parent_id else None
    _check_parent(kind, parent)
    if _sibling_named(parent_id or None, name):
        raise DomainError("branch_name_taken", field="name", name=name)
    branch = Branch(name=name, kind=kind, parent=parent, sort_order=sort_order, path="")
    db.session.add(branch)
    db.session.flush()
    branch.path = (parent.path if parent else "/") + f"{branch.id}/"
    record(actor, "branch.create", branch, name=name, kind=kind, parent_id=parent_id or None)
    db.session.commit()
    return branch


def update_branch(actor, branch, name, kind, sort_order):
    name, kind, sort_order = _clean_branch_fields(name, kind, sort_order)
    begin_write()
    if branch.parent is None and kind != "committee":
        raise DomainError("branch_parent_required", field="kind")
    if kind == "branch" and branch.children:
        raise DomainError("branch_kind_has_children", field="kind", name=branch.name)
    if _sibling_named(branch.parent_id, name, exclude_id=branch.id):
        raise DomainError("branch_name_taken", field="name", name=name)
    changes = _diff(branch, {"name": name, "kind": kind, "sort_order": sort_order})
    if changes:
        record(actor, "branch.update", branch, changes=changes)
    db.session.commit()
    return branch


def move_branch(actor, branch, new_parent_id):
    new_parent_id = new_parent_id or None
    begin_write()
    # Both rows locked in id order and read afresh: two crossing moves cannot make a cycle.
    locked = {i: _locked_branch(i) for i in sorted({branch.id, new_parent_id} - {None})}
    branch, new_parent = locked[branch.id], locked.get(new_parent_id)
    if new_parent_id == branch.parent_id:
        return branch
    if new_parent is not None and new_parent.is_in_subtree_of(branch):
        raise DomainError("branch_move_into_own_subtree", field="parent_id", name=branch.name)
    _check_parent(branch.kind, new_parent)
    if _sibling_named(new_parent_id, branch.name, exclude_id=branch.id):
        raise DomainError("branch_name_taken", field="parent_id", name=branch.name)
    old_prefix = branch.path
    new_prefix = (new_parent.path if new_parent else "/") + f"{branch.id}/"
    old_parent_id = branch.parent_id
    for node in db.session.scalars(db.select(Branch).where(branch.subtree_filter())):
        node.path = new_prefix + node.path[len(old_prefix):]
    branch.parent = new_parent
    record(actor, "branch.move", branch, from_parent_id=old_parent_id, to_parent_id=new_parent_id)
    db.session.commit()
    return branch


def _active_members_in_subtree(branch):
    in_subtree = db.select(Branch.id).where(branch.subtree_filter())
    return db.session.scalar(
        db.select(sa.func.count(Member.id)).where(
            Member.active.is_(True), Member.branch_id.in_(in_subtree)
        )
    )


def deactivate_branch(actor, branch):
    """Deactivate a branch and everything below it, once nobody active is in it."""
    begin_write()
    # Lock the subtree first: a member being added to one of its branches meanwhile
    # (which locks that branch, see _check_branch) is then either counted or refused.
    nodes = db.session.scalars(
        db.select(Branch).where(branch.subtree_filter(), Branch.active.is_(True))
        .order_by(Branch.id).with_for_update()
    ).all()
    count = _active_members_in_subtree(branch)
    if count:
        raise DomainError("branch_has_active_members", name=branch.name, count=count)
    for node in nodes:
        node.active = False
    record(actor, "branch.deactivate", branch, branch_ids=[node.id for node in nodes])
    db.session.commit()
    return len(nodes)


def reactivate_branch(actor, branch):
    """Reactivate one branch (not its subtree: each child is brought back on purpose)."""
    begin_write()
    parent = _locked_branch(branch.parent_id) if branch.parent_id else None
    if parent is not None and not parent.active:
        raise DomainError("branch_parent_inactive", name=parent.name)
    branch.active = True
    record(actor, "branch.reactivate", branch)
    db.session.commit()


@dataclass
class TreeNode:
    branch: Branch
    children: list
    member_count: int = 0  # active members directly in this branch
    total_count: int = 0  # active members in the whole subtree


def branch_tree(root=None, include_inactive=True):
    """The tree (or the subtree under ``root``) with active member counts, in two queries."""
    query = db.select(Branch).order_by(Branch.sort_order, Branch.id)
    if root is not None:
        query = query.where(root.subtree_filter())
    if not include_inactive:
        query = query.where(Branch.active.is_(True))
    branches = db.session.scalars(query).all()
    counts = dict(
        db.session.execute(
            db.select(Member.branch_id, sa.func.count(Member.id))
            .where(Member.active.is_(True))
            .group_by(Member.branch_id)
        ).all()
    )
    nodes = {b.id: TreeNode(b, [], counts.get(b.id, 0)) for b in branches}
    roots = []
    for b in branches:
        parent = nodes.get(b.parent_id)
        (parent.children if parent else roots).append(nodes[b.id])

    def total(node):
        node.total_count = node.member_count + sum(total(child) for child in node.children)
        return node.total_count

    for node in roots:
        total(node)
    return roots


def flatten_tree(roots):
    """Depth-first list of (node, depth) for rendering indented lists and selects."""
    out = []

    def walk(node, depth):
        out.append((node, depth))
        for child in node.children:
            walk(child, depth + 1)

    for node in roots:
        walk(node, 0)
    return out


def branch_choices(actor=None, active_only=True):
    """(id, indented label) pairs for a select, limited to what ``actor`` may see.

    With ``active_only=False`` inactive branches are listed too, marked 已停用.
    """
    root = None
    if actor is not None and not sees_all_branches(actor):
        root = actor.branch
    roots = branch_tree(root=root, include_inactive=not active_only)
    return [
        (node.branch.id,
         "\u3000" * depth + node.branch.name + ("" if node.branch.active else "（已停用）"))
        for node, depth in flatten_tree(roots)
    ]


def branch_path_names(branches_by_id, branch):
    return "/".join(branches_by_id[i].name for i in branch.ancestor_ids + [branch.id]
                    if i in branches_by_id)


def branch_trail(branch):
    """The branch and its ancestors, from the top of the tree down, in one query."""
    ids = branch.ancestor_ids + [branch.id]
    found = {b.id: b for b in db.session.scalars(db.select(Branch).where(Branch.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


# ----------------------------------------------------------------- members

def get_member(member_id):
    member = db.session.get(Member, member_id)
    if member is None:
        raise DomainError("not_found")
    return member


def _check_phone_free(phone, exclude_id=None):
    query = db.select(Member).filter_by(phone=phone)
    if exclude_id is not None:
        query = query.where(Member.id != exclude_id)
    other = db.session.scalar(query)
    if other is not None:
        raise DomainError("member_phone_taken", field="phone", phone=phone, name=other.name)


def _check_branch(branch_id):
    if not branch_id:
        raise DomainError("member_branch_required", field="branch_id")
    branch = _locked_branch(branch_id)
    if not branch.active:
        raise DomainError("branch_inactive", field="branch_id", name=branch.name)
    return branch


def _clean_member_data(data):
    """Normalised copy of ``data``; raises DomainError at the first bad field."""
    data = dict(data)
    if "name" in data:
        data["name"] = clean_name(data["name"])
        if not data["name"]:
            raise DomainError("member_name_required", field="name")
    if "phone" in data:
        data["phone"] = normalize_phone(data["phone"])
        if not is_valid_phone(data["phone"]):
            raise DomainError("member_phone_invalid", field="phone")
    for field in ("unit", "position", "rank"):
        if field in data:
            data[field] = clean_text(data[field])
    for field, allowed in MEMBER_CHOICES.items():
        if field in data:
            data[field] = data[field] or ""
            if data[field] not in allowed:
                raise DomainError("invalid_choice", field=field)
    return data


def _is_last_admin(member):
    """True when ``member`` is the only active admin.

    The active admins' rows are locked (PostgreSQL) in id order, so two admins
    demoting each other at the same moment cannot leave the system without one.
    """
    if member.role != "admin" or not member.active:
        return False
    admin_ids = db.session.scalars(
        db.select(Member.id)
        .where(Member.role == "admin", Member.active.is_(True))
        .order_by(Member.id)
        .with_for_update()
    ).all()
    return not any(admin_id != member.id for admin_id in admin_ids)


def _commit_member(member):
    """Commit; a phone taken by a concurrent request meanwhile is reported like any other."""
    phone, member_id = member.phone, member.id  # a rollback expires the object
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        _check_phone_free(phone, exclude_id=member_id)
        raise


def create_member(actor, data):
    """Create a member with a one-time initial password; returns (member, password)."""
    data = _clean_member_data({"name": "", "phone": "", **data})
    begin_write()
    _check_phone_free(data["phone"])
    _check_branch(data.get("branch_id"))
    member = Member(**{field: data[field] for field in MEMBER_FIELDS if field in data})
    password = set_initial_password(member)
    db.session.add(member)
    db.session.flush()
    record(actor, "member.create", member, name=member.name, branch_id=member.branch_id,
           role=member.role)
    _commit_member(member)
    return member, password


def update_member(actor, member, data):
    data = _clean_member_data(data)
    begin_write()
    if "phone" in data:
        _check_phone_free(data["phone"], exclude_id=member.id)
    if "branch_id" in data and data["branch_id"] != member.branch_id:
        _check_branch(data["branch_id"])
    if data.get("role", "admin") != "admin" and _is_last_admin(member):
        raise DomainError("member_last_admin", field="role")
    changes = _diff(member, {f: data[f] for f in MEMBER_FIELDS if f in data})
    if "role" in changes or "phone" in changes:
        member.login_token = secrets.token_hex(8)  # sign out sessions with the old rights
    if changes:
        record(actor, "member.update", member, changes=changes)
    _commit_member(member)
    return member


def deactivate_member(actor, member):
    begin_write()
    if member.id == actor.id:
        raise DomainError("member_self_deactivate")
    if _is_last_admin(member):
        raise DomainError("member_last_admin")
    member.active = False
    member.login_token = secrets.token_hex(8)
    record(actor, "member.deactivate", member)
    db.session.commit()


def reactivate_member(actor, member):
    begin_write()
    branch = _locked_branch(member.branch_id)
    if not branch.active:
        raise DomainError("branch_inactive", name=branch.name)
    member.active = True
    record(actor, "member.reactivate", member)
    db.session.commit()


def reset_password(actor, member):
    """Give ``member`` a new one-time initial password and return it (shown once)."""
    if member.id == actor.id:
        raise DomainError("member_self_reset")
    begin_write()
    password = set_initial_password(member)
    record(actor, "member.reset_password", member)
    db.session.commit()
    return password


def search_members(actor, q="", branch_id=None, role=None, status="active", page=1, per_page=30):
    """Members the actor may see, filtered; returns a Flask-SQLAlchemy pagination.
    The text ``q`` follows org/search.py (a refused phone query lists nobody)."""
    query = search.search_members(actor, q)
    if branch_id:
        branch = db.session.get(Branch, branch_id)
        if branch is not None:
            query = query.where(branch.subtree_filter())
    if role in ROLES:
        query = query.where(Member.role == role)
    if status == "active":
        query = query.where(Member.active.is_(True))
    elif status == "inactive":
        query = query.where(Member.active.is_(False))
    query = query.order_by(Branch.path, Member.name, Member.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def _diff(obj, values):
    """Apply ``values`` to ``obj``; return {field: [old, new]} for what changed."""
    changes = {}
    for field, new in values.items():
        old = getattr(obj, field)
        if old != new:
            changes[field] = [_jsonable(old), _jsonable(new)]
            setattr(obj, field, new)
    return changes


def _jsonable(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def overview(actor):
    """Counts for a staff member's home page, within the actor's scope."""
    members = db.select(sa.func.count(Member.id)).join(Member.branch).where(Member.active.is_(True))
    branches = db.select(sa.func.count(Branch.id)).where(Branch.active.is_(True),
                                                          Branch.kind == "branch")
    if not sees_all_branches(actor):
        members = members.where(actor.branch.subtree_filter())
        branches = branches.where(actor.branch.subtree_filter())
    return {
        "members": db.session.scalar(members),
        "party_members": db.session.scalar(
            members.where(Member.political_status.in_(PARTY_STATUSES))),
        "not_logged_in": db.session.scalar(members.where(Member.password_hash.is_(None))),
        "branches": db.session.scalar(branches),
    }


# --------------------------------------------------------------- audit log

# Filter groups of the audit page: key -> (label, action prefixes, prefixes left out).
AUDIT_GROUPS = {
    "branch": ("组织", ("branch.",), ()),
    "member": ("人员", ("member.",), ("member.import",)),
    "auth": ("登录", ("auth.",), ()),
    "import": ("导入", ("member.import",), ()),
    "event": ("活动", ("event.",), ()),
    "registration": ("报名", ("registration.", "team."), ()),
    "leave": ("请假", ("leave.",), ()),
}

DETAIL_LABELS = {
    "branch": {"name": "名称", "kind": "类型", "sort_order": "排序", "parent_id": "上级组织"},
    "member": {
        "name": "姓名", "gender": "性别", "birth_date": "出生日期", "phone": "手机号",
        "unit": "单位/部门", "position": "职务", "rank": "职级", "political_status": "政治面貌",
        "development_stage": "发展阶段", "branch_id": "所在组织", "role": "角色",
    },
    "import_batch": {
        "filename": "文件", "rows": "行数", "new": "新增", "updated": "更新",
        "reactivated": "重新启用", "unchanged": "未变",
    },
    "event": {
        "title": "名称", "kind": "类型", "organizer_branch_id": "主办组织", "summary": "简介",
        "description": "详细介绍", "place": "地点", "registration_opens_at": "报名开始",
        "registration_closes_at": "报名截止", "capacity": "人数上限", "waitlist_enabled": "候补",
        "approval_required": "报名审核", "item_limit": "每人限报项目数", "allow_walk_in": "现场列席",
        "completion_ratio": "结业比例", "eligibility": "参加对象", "removed": "删除场次/项目",
        "promoted": "候补转正", "reason": "原因", "matched": "符合条件", "added": "新增",
        "upgraded": "改为指定参加", "already": "原已报名", "rows": "导出行数",
    },
}
# Keys any entry may carry: the people and events an action concerned.
COMMON_LABELS = {
    "event_id": "活动", "member_id": "人员", "status": "状态", "source": "方式", "reason": "原因",
    "session_id": "场次", "registration_id": "报名", "kind": "类型", "result": "结果",
    "note": "意见", "label": "名称", "expires_at": "有效期至", "title": "名称",
}
_EVENT_TABLE = sa.table("event", sa.column("id"), sa.column("title"))
_BRANCH_ID_KEYS = ("parent_id", "from_parent_id", "to_parent_id", "branch_id")
_VALUE_LABELS = {
    "kind": BRANCH_KINDS.get,
    "role": ROLES.get,
    "gender": GENDERS.get,
    "development_stage": DEVELOPMENT_STAGES.get,
    "political_status": political_status_label,
}


@dataclass
class AuditRow:
    entry: AuditLog
    label: str  # the action in Chinese
    target: str  # the branch or member name, "" when there is none
    summary: str  # the details in a line


def audit_log_page(group=None, page=1, per_page=50):
    """Newest entries first, with targets named; returns (pagination, [AuditRow])."""
    query = (
        db.select(AuditLog)
        .options(sa.orm.joinedload(AuditLog.actor))
        .order_by(AuditLog.id.desc())
    )
    if group in AUDIT_GROUPS:
        _, include, exclude = AUDIT_GROUPS[group]
        query = query.where(sa.or_(*(AuditLog.action.startswith(p) for p in include)))
        for prefix in exclude:
            query = query.where(sa.not_(AuditLog.action.startswith(prefix)))
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
    names = _audit_names(pagination.items)
    rows = [
        AuditRow(
            entry=entry,
            label=ACTION_LABELS.get(entry.action, entry.action),
            target=names.get((entry.target_type, entry.target_id), ""),
            summary=_audit_summary(entry, names),
        )
        for entry in pagination.items
    ]
    return pagination, rows


def _audit_names(entries):
    """{("branch"|"member", id): name} for every target and branch named in ``entries``:
    one query per table, however many entries."""
    ids = {"branch": set(), "member": set(), "event": set()}
    for entry in entries:
        if entry.target_type in ids and entry.target_id is not None:
            ids[entry.target_type].add(entry.target_id)
        details = entry.details or {}
        values = [details.get(key) for key in _BRANCH_ID_KEYS]
        values += list((details.get("changes") or {}).get("branch_id") or [])
        ids["branch"].update(v for v in values if isinstance(v, int))
        for kind in ("member", "event"):
            if isinstance(details.get(f"{kind}_id"), int):
                ids[kind].add(details[f"{kind}_id"])
    names = {}
    # The event table by name: org sits below events and does not import their models.
    columns = {"branch": (Branch.id, Branch.name), "member": (Member.id, Member.name),
               "event": (_EVENT_TABLE.c.id, _EVENT_TABLE.c.title)}
    for kind, (id_column, name_column) in columns.items():
        if ids[kind]:
            rows = db.session.execute(db.select(id_column, name_column).where(id_column.in_(ids[kind])))
            names.update({(kind, row_id): name for row_id, name in rows})
    return names


def _audit_value(field, value, names):
    if value is None or value == "":
        return "（空）"
    if field in _BRANCH_ID_KEYS or field == "organizer_branch_id":
        return names.get(("branch", value), f"#{value}")
    if field in ("member_id", "event_id"):
        return names.get((field[:-3], value), f"#{value}")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str) and _ISO_TIME.match(value):
        return format_local(datetime.fromisoformat(value))
    if isinstance(value, (dict, list)):
        return "已修改"
    label = _VALUE_LABELS.get(field, lambda v: None)(value)
    return str(label or value)


_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+00:00$")


def _audit_summary(entry, names):
    """A short line such as 「名称：一支部 → 第一党支部；排序：0 → 2」."""
    details = dict(entry.details or {})
    labels = {**COMMON_LABELS, **DETAIL_LABELS.get(entry.target_type, {})}
    changes = dict(details.pop("changes", None) or {})
    if "from_parent_id" in details or "to_parent_id" in details:
        changes["parent_id"] = [details.pop("from_parent_id", None),
                                details.pop("to_parent_id", None)]
    parts = []
    for field, pair in changes.items():
        old, new = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        parts.append(f"{labels.get(field, field)}：{_audit_value(field, old, names)} → "
                     f"{_audit_value(field, new, names)}")
    branch_ids = details.pop("branch_ids", None)
    if isinstance(branch_ids, list) and len(branch_ids) > 1:
        parts.append(f"连同下级共停用 {len(branch_ids)} 个组织")
    if details.pop("locked", False):
        parts.append("账号已临时锁定")
    for key, value in details.items():
        if isinstance(value, (str, int, float)) or value is None:
            parts.append(f"{labels.get(key, key)}：{_audit_value(key, value, names)}")
    return "；".join(parts)
