"""Who sees what in the tree: admins and organizers see every branch, a secretary
the subtree of their own branch, a member only themselves."""


def sees_all_branches(actor):
    return actor.role in ("organizer", "admin")


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


def sees_full_phones(actor):
    """Admins see (and may search) every phone in full; everyone else sees them masked
    (org/search.py: a masked phone is searched by its last four digits or in full)."""
    return actor.role == "admin"


def can_see_full_phone(actor, member):
    return sees_full_phones(actor) or actor.id == member.id


def scope_branch(actor):
    """The branch whose subtree limits what ``actor`` sees in lists: None for organizers
    and admins (everything), the own branch for everyone else."""
    return None if sees_all_branches(actor) else actor.branch


def shown_phone(actor, member):
    """The phone number as ``actor`` may see it: full for admins and the member, else masked."""
    return member.phone if can_see_full_phone(actor, member) else member.masked_phone
