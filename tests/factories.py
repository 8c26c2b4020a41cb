"""Small helpers that make rows for tests, committed like production data.

Members share one scrypt hash of the test password made once per run (scrypt costs a
large part of a second; a few hundred members per run made it most of the suite's time).
"""
import itertools
import secrets

from app.extensions import db
from app.org.models import Branch, Member
from app.org.passwords import set_initial_password, set_own_password

_phones = itertools.count(13800000001)


class Factory:
    def __init__(self, password, password_hash):
        self.password = password
        self.password_hash = password_hash  # scrypt of ``password``, made once per run

    def branch(self, name="第一党支部", kind="branch", parent=None, active=True):
        if parent is None and kind != "committee":
            parent = self.branch(name=f"{name}所属机关党委", kind="committee")
        branch = Branch(name=name, kind=kind, parent=parent, active=active, path="")
        db.session.add(branch)
        db.session.flush()
        branch.path = (parent.path if parent else "/") + f"{branch.id}/"
        db.session.commit()
        return branch

    def member(self, name="张三", branch=None, role="member", phone=None, initial=False,
               password=None, **fields):
        """A member who logs in with ``self.password``; ``initial=True`` gives a one-time
        initial password instead, returned on ``member.test_initial_password``;
        ``password=`` sets another own password through set_own_password (a real scrypt)."""
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
        elif password is not None:
            set_own_password(member, password)
        else:
            # What set_own_password(member, self.password) stores, with the run's one hash.
            member.password_hash = self.password_hash
            member.initial_password_salt = None
            member.must_change_password = False
            member.login_token = secrets.token_hex(8)
        db.session.add(member)
        db.session.commit()
        return member
