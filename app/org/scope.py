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
