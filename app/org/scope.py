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


def can_see_full_phone(actor, member):
    return actor.role == "admin" or actor.id == member.id


def scope_branch(actor):
    """The branch whose subtree limits what ``actor`` sees in lists: None for organizers
    and admins (everything), the own branch for everyone else."""
    return None if sees_all_branches(actor) else actor.branch


def shown_phone(actor, member):
    """The phone number as ``actor`` may see it: full for admins and the member, else masked."""
    return member.phone if can_see_full_phone(actor, member) else member.masked_phone


def is_secretary_of(actor, branch):
    """A branch secretary whose subtree holds ``branch``: they act for the registrations
    made there (organizers and admins act by managing the event instead)."""
    return actor.role == "secretary" and branch.is_in_subtree_of(actor.branch)
