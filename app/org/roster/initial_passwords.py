"""The initial passwords of the members an import created, for the result page and its
download: derived again from each member's salt until the member sets their own."""
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db

from ..models import Member
from ..passwords import pending_initial_password

QUERY_CHUNK = 1_000  # ids per IN (...) query


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
    for start in range(0, len(member_ids), QUERY_CHUNK):
        chunk = member_ids[start:start + QUERY_CHUNK]
        for member in db.session.scalars(sa.select(Member).where(Member.id.in_(chunk))):
            rows[member.id] = PasswordRow(member.name, member.phone, member.branch.name,
                                          pending_initial_password(member))
    return [rows[member_id] for member_id in member_ids if member_id in rows]


def initial_password_page(batch, page=1, per_page=100):
    ids = list(batch.new_member_ids or [])
    page = min(max(1, page), max(1, -(-len(ids) // per_page)))
    chunk = ids[(page - 1) * per_page:page * per_page]
    return Page(initial_passwords(chunk), page, per_page, len(ids))

