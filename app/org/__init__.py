"""Organisation: the branch tree, members, roles and the roster import."""
