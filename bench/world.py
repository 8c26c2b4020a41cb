"""The organisation every bench starts from: a 机关党委, 党支部 under it and its organizer."""
from app.extensions import db
from app.org.models import Branch, Member


def _branch(name, kind, parent=None):
    branch = Branch(name=name, kind=kind, parent=parent, path="")
    db.session.add(branch)
    db.session.flush()
    branch.path = f"{parent.path if parent else '/'}{branch.id}/"
    return branch


def organisation(committee_name, branch_names, organizer_phone, **organizer_fields):
    """(committee, [branch, ...], organizer), added and flushed; ``organizer_fields`` go to
    the organizer's Member row (a password hash, a login token ...)."""
    committee = _branch(committee_name, "committee")
    branches = [_branch(name, "branch", committee) for name in branch_names]
    organizer = Member(name="组织者", phone=organizer_phone, branch=committee, role="organizer",
                       political_status="01", **organizer_fields)
    db.session.add(organizer)
    db.session.flush()
    return committee, branches, organizer
