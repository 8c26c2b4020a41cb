"""Branch tree and member operations. Each writer runs in its own write_transaction()."""
import secrets
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.audit.service import record
from app.errors import DomainError
from app.extensions import db
from app.txn import lock, write_transaction

from . import search
from .constants import (
    BRANCH_KINDS,
    DEVELOPMENT_STAGES,
    GENDERS,
    PARTY_STATUSES,
    POLITICAL_STATUSES,
    ROLES,
)
from .memberships import sync_memberships
from .models import Branch, Member
from .normalize import clean_name, clean_text, is_valid_phone, normalize_phone
from .passwords import set_initial_password
from .scope import is_admin, sees_all_branches

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
    with write_transaction():
        parent = _locked_branch(parent_id) if parent_id else None
        _check_parent(kind, parent)
        if _sibling_named(parent_id or None, name):
            raise DomainError("branch_name_taken", field="name", name=name)
        branch = Branch(name=name, kind=kind, parent=parent, sort_order=sort_order, path="")
        db.session.add(branch)
        db.session.flush()
        branch.path = (parent.path if parent else "/") + f"{branch.id}/"
        record(actor, "branch.create", branch, name=name, kind=kind, parent_id=parent_id or None)
    return branch


def update_branch(actor, branch, name, kind, sort_order):
    name, kind, sort_order = _clean_branch_fields(name, kind, sort_order)
    with write_transaction():
        if branch.parent is None and kind != "committee":
            raise DomainError("branch_parent_required", field="kind")
        if kind == "branch" and branch.children:
            raise DomainError("branch_kind_has_children", field="kind", name=branch.name)
        if _sibling_named(branch.parent_id, name, exclude_id=branch.id):
            raise DomainError("branch_name_taken", field="name", name=name)
        changes = _diff(branch, {"name": name, "kind": kind, "sort_order": sort_order})
        if changes:
            record(actor, "branch.update", branch, changes=changes)
    return branch


def move_branch(actor, branch, new_parent_id):
    new_parent_id = new_parent_id or None
    with write_transaction():
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
    with write_transaction():
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
    return len(nodes)


def reactivate_branch(actor, branch):
    """Reactivate one branch (not its subtree: each child is brought back on purpose)."""
    with write_transaction():
        parent = _locked_branch(branch.parent_id) if branch.parent_id else None
        if parent is not None and not parent.active:
            raise DomainError("branch_parent_inactive", name=parent.name)
        branch.active = True
        record(actor, "branch.reactivate", branch)


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

def branches_by_ids(branch_ids):
    """The branches with these ids (inactive ones too), in one query."""
    if not branch_ids:
        return []
    return db.session.scalars(db.select(Branch).where(Branch.id.in_(list(branch_ids)))).all()


def member_names(member_ids):
    """{member_id: name} for these ids, in one query."""
    if not member_ids:
        return {}
    return dict(db.session.execute(
        db.select(Member.id, Member.name).where(Member.id.in_(list(member_ids)))).all())


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
    if not is_admin(member) or not member.active:
        return False
    admin_ids = db.session.scalars(
        db.select(Member.id)
        .where(Member.role == "admin", Member.active.is_(True))
        .order_by(Member.id)
        .with_for_update()
    ).all()
    return not any(admin_id != member.id for admin_id in admin_ids)


@contextmanager
def _member_write(phone, member_id=None):
    """write_transaction(); a phone taken by a concurrent request meanwhile (the unique
    index refuses the commit) is reported like any other taken phone."""
    try:
        with write_transaction():
            yield
    except IntegrityError:
        _check_phone_free(phone, exclude_id=member_id)
        raise


def create_member(actor, data):
    """Create a member with a one-time initial password; returns (member, password)."""
    data = _clean_member_data({"name": "", "phone": "", **data})
    with _member_write(data["phone"]):
        _check_phone_free(data["phone"])
        _check_branch(data.get("branch_id"))
        member = Member(**{field: data[field] for field in MEMBER_FIELDS if field in data})
        password = set_initial_password(member)
        db.session.add(member)
        db.session.flush()
        sync_memberships([member.id])
        record(actor, "member.create", member, name=member.name, branch_id=member.branch_id,
               role=member.role)
    return member, password


def update_member(actor, member, data):
    data = _clean_member_data(data)
    member_id = member.id
    with _member_write(data.get("phone", member.phone), member_id):
        if "phone" in data:
            _check_phone_free(data["phone"], exclude_id=member_id)
        if "branch_id" in data and data["branch_id"] != member.branch_id:
            _check_branch(data["branch_id"])
        if data.get("role", "admin") != "admin" and _is_last_admin(member):
            raise DomainError("member_last_admin", field="role")
        changes = _diff(member, {f: data[f] for f in MEMBER_FIELDS if f in data})
        if "role" in changes or "phone" in changes:
            member.login_token = secrets.token_hex(8)  # sign out sessions with the old rights
        if "branch_id" in changes:
            sync_memberships([member_id])
        if changes:
            record(actor, "member.update", member, changes=changes)
    return member


def deactivate_member(actor, member):
    with write_transaction():
        if member.id == actor.id:
            raise DomainError("member_self_deactivate")
        if _is_last_admin(member):
            raise DomainError("member_last_admin")
        member.active = False
        member.login_token = secrets.token_hex(8)
        sync_memberships([member.id])
        record(actor, "member.deactivate", member)


def reactivate_member(actor, member):
    with write_transaction():
        branch = _locked_branch(member.branch_id)
        if not branch.active:
            raise DomainError("branch_inactive", name=branch.name)
        member.active = True
        sync_memberships([member.id])
        record(actor, "member.reactivate", member)


def reset_password(actor, member):
    """Give ``member`` a new one-time initial password and return it (shown once)."""
    if member.id == actor.id:
        raise DomainError("member_self_reset")
    with write_transaction():
        password = set_initial_password(member)
        record(actor, "member.reset_password", member)
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
