"""Who may see and act on what: the role and branch-scope decisions of the whole app.

A member sees only themselves. A branch secretary (支部书记) sees and acts for the subtree
of their own branch. Organizers and admins see every branch; only admins change the
organisation (branches, members, roles, roster) and read the audit log. Decisions about
one event (who manages it, which events a secretary follows) are in events.service; no
view, other service or template tests a role itself.
"""
from .constants import STAFF_ROLES


def is_staff(actor):
    """Secretaries, organizers and admins: the staff pages."""
    return actor.role in STAFF_ROLES


def is_admin(actor):
    """Admins: the branch tree, members and roles, roster import, the audit log."""
    return actor.role == "admin"


def sees_all_branches(actor):
    return actor.role in ("organizer", "admin")


def scope_branch(actor):
    """The branch whose subtree limits what ``actor`` sees in lists: None for organizers
    and admins (everything), the own branch for everyone else."""
    return None if sees_all_branches(actor) else actor.branch


def can_see_branch(actor, branch):
    if sees_all_branches(actor):
        return True
    if actor.role == "secretary":
        return branch.is_in_subtree_of(actor.branch)
    return False


def can_see_member(actor, member):
    if actor.id == member.id:
        return True
    return can_see_branch(actor, member.branch)


def can_proxy_for(actor, member):
    """Register ``member`` on their behalf (支部代报): staff, for the people they see."""
    return is_staff(actor) and can_see_member(actor, member)


def sees_full_phones(actor):
    """Admins see (and may search) every phone in full; everyone else sees them masked
    (org/search.py: a masked phone is searched by its last four digits or in full)."""
    return is_admin(actor)


def can_see_full_phone(actor, member):
    return sees_full_phones(actor) or actor.id == member.id


def shown_phone(actor, member):
    """The phone number as ``actor`` may see it: full for admins and the member, else masked."""
    return member.phone if can_see_full_phone(actor, member) else member.masked_phone


def is_secretary_of(actor, branch):
    """A branch secretary whose subtree holds ``branch``: they act for the registrations
    made there (organizers and admins act by managing the event instead)."""
    return actor.role == "secretary" and branch.is_in_subtree_of(actor.branch)
