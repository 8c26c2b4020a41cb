"""Small helpers that make rows for tests, committed like production data."""
import itertools

from app.extensions import db
from app.org.models import Branch, Member
from app.org.passwords import set_initial_password, set_own_password

_phones = itertools.count(13800000001)


class Factory:
    def __init__(self, password):
        self.password = password

    def branch(self, name="第一党支部", kind="branch", parent=None, active=True):
        if parent is None and kind != "committee":
            parent = self.branch(name=f"{name}所属机关党委", kind="committee")
        branch = Branch(name=name, kind=kind, parent=parent, active=active, path="")
        db.session.add(branch)
        db.session.flush()
        branch.path = (parent.path if parent else "/") + f"{branch.id}/"
        db.session.commit()
        return branch

    def member(self, name="张三", branch=None, role="member", phone=None, initial=False, **fields):
        """A member with password ``self.password``; ``initial=True`` gives a one-time
        initial password instead, returned on ``member.test_initial_password``."""
        member = Member(
            name=name,
            phone=phone or str(next(_phones)),
            branch=branch or self.branch(),
            role=role,
            political_status=fields.pop("political_status", "01"),
            **fields,
        )
        if initial:
            member.test_initial_password = set_initial_password(member)
        else:
            set_own_password(member, self.password)
        db.session.add(member)
        db.session.commit()
        return member
