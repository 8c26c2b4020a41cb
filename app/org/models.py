import secrets

import sqlalchemy as sa
from flask_login import UserMixin

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow

from . import scope
from .constants import (
    BRANCH_KINDS,
    DEVELOPMENT_STAGES,
    GENDERS,
    PARTY_STATUSES,
    RANKS,
    ROLES,
    political_status_label,
)


class Branch(db.Model):
    """A node of the party organisation tree.

    ``path`` is a materialized path of ids, "/1/5/12/", so a whole subtree is one
    indexed prefix query: ``path LIKE '/1/5/%'``.
    """

    __tablename__ = "branch"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    kind = db.Column(db.String(20), nullable=False, default="branch")
    parent_id = db.Column(db.Integer, db.ForeignKey("branch.id"), index=True)
    path = db.Column(db.String(255), nullable=False, default="", index=True)
    sort_order = db.Column(db.Integer, nullable=False, default=0)
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    parent = db.relationship("Branch", remote_side=[id], back_populates="children")
    children = db.relationship(
        "Branch", back_populates="parent", order_by="(Branch.sort_order, Branch.id)"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "kind in ('committee', 'general_branch', 'branch')", name="kind_valid"
        ),
    )

    @property
    def kind_label(self):
        return BRANCH_KINDS.get(self.kind, self.kind)

    @property
    def depth(self):
        return self.path.count("/") - 2

    @property
    def ancestor_ids(self):
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def subtree_filter(self, path_column=None):
        """A SQL condition matching this branch and every branch below it."""
        column = Branch.path if path_column is None else path_column
        return column.startswith(self.path, autoescape=True)

    def is_in_subtree_of(self, other):
        return self.path.startswith(other.path)

    def __repr__(self):
        return f"<Branch {self.id} {self.name}>"


class Member(UserMixin, db.Model):
    __tablename__ = "member"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    gender = db.Column(db.String(1), nullable=False, default="")
    birth_date = db.Column(db.Date)
    phone = db.Column(db.String(11), nullable=False, unique=True)
    unit = db.Column(db.String(100), nullable=False, default="")
    position = db.Column(db.String(100), nullable=False, default="")
    rank = db.Column(db.String(20), nullable=False, default="")
    political_status = db.Column(db.String(2), nullable=False, default="13")
    development_stage = db.Column(db.String(20), nullable=False, default="")
    branch_id = db.Column(db.Integer, db.ForeignKey("branch.id"), nullable=False, index=True)
    role = db.Column(db.String(20), nullable=False, default="member")
    # 支委委员: a member of the branch committee (their yearly hours target is the cadres' one)
    committee = db.Column(db.Boolean, nullable=False, default=False)
    active = db.Column(db.Boolean, nullable=False, default=True)

    # Credentials. A member with no password of their own logs in with a one-time
    # initial password derived from initial_password_salt (see auth.passwords).
    password_hash = db.Column(db.String(255))
    initial_password_salt = db.Column(db.String(32))
    must_change_password = db.Column(db.Boolean, nullable=False, default=True)
    # Part of the login id: rotating it signs out every session and remember cookie.
    login_token = db.Column(
        db.String(32), nullable=False, default=lambda: secrets.token_hex(8)
    )
    failed_logins = db.Column(db.Integer, nullable=False, default=0)
    locked_until = db.Column(UTCDateTime)
    last_login_at = db.Column(UTCDateTime)

    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    branch = db.relationship("Branch", lazy="joined", innerjoin=True)

    __table_args__ = (
        sa.CheckConstraint(
            "role in ('member', 'secretary', 'organizer', 'admin')", name="role_valid"
        ),
        sa.Index("ix_member_name", "name"),
    )

    # The login this object stands for in a request (app.auth.sessions sets it); not a column.
    login_key = None

    # Flask-Login: names the member, their login token and this login (app/auth/sessions.py)
    def get_id(self):
        return f"{self.id}:{self.login_token}:{self.login_key or ''}"

    @property
    def is_active(self):
        return self.active

    @property
    def is_staff(self):
        return scope.is_staff(self)

    @property
    def is_admin(self):
        return scope.is_admin(self)

    @property
    def role_label(self):
        return ROLES.get(self.role, self.role)

    @property
    def gender_label(self):
        return GENDERS.get(self.gender, "")

    @property
    def political_status_label(self):
        return political_status_label(self.political_status)

    @property
    def development_stage_label(self):
        return DEVELOPMENT_STAGES.get(self.development_stage, "")

    @property
    def is_party_member(self):
        return self.political_status in PARTY_STATUSES

    @property
    def rank_level(self):
        return RANKS.get(self.rank, "")

    @property
    def masked_phone(self):
        return mask_phone(self.phone)

    def __repr__(self):
        return f"<Member {self.id} {self.name}>"


def mask_phone(phone):
    if not phone or len(phone) < 7:
        return phone or ""
    return phone[:3] + "****" + phone[-4:]


class Membership(db.Model):
    """A stretch of days a member belonged to a branch: a branch's active members for a
    period are those with a membership overlapping it (docs/ARCHITECTURE.md, Statistics).
    Dates are local calendar days; ``ended_on`` is the last day, None while it lasts.
    Every change of a member's branch or active flag closes one row and opens the next."""

    __tablename__ = "membership"

    id = db.Column(db.Integer, primary_key=True)
    member_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False)
    branch_id = db.Column(db.Integer, db.ForeignKey("branch.id"), nullable=False)
    started_on = db.Column(db.Date, nullable=False)
    ended_on = db.Column(db.Date)

    __table_args__ = (
        sa.Index("ix_membership_member", "member_id", "started_on"),
        sa.Index("ix_membership_branch", "branch_id", "started_on"),
    )


class ImportBatch(db.Model):
    """One roster upload: validated first, committed later, in one transaction."""

    __tablename__ = "import_batch"

    id = db.Column(db.Integer, primary_key=True)
    created_by_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    filename = db.Column(db.String(255), nullable=False, default="")
    # The uploaded bytes, kept between validate and commit; cleared once committed.
    file_data = db.Column(db.LargeBinary)
    status = db.Column(db.String(20), nullable=False, default="validated")
    row_count = db.Column(db.Integer, nullable=False, default=0)
    error_count = db.Column(db.Integer, nullable=False, default=0)
    summary = db.Column(sa.JSON, nullable=False, default=dict)
    # Ids of members this batch created, to list their initial passwords.
    new_member_ids = db.Column(sa.JSON, nullable=False, default=list)
    committed_at = db.Column(UTCDateTime)

    created_by = db.relationship("Member")

    __table_args__ = (
        sa.CheckConstraint("status in ('validated', 'committed')", name="status_valid"),
    )
