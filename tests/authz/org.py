"""Branches and members (/admin): admins; a secretary sees the members of their subtree."""
from . import Case, post

CASES = {
    "org.branch_deactivate": [
        post("/admin/branches/{branch}/deactivate", "302 403 403 403 403 200 302"),
    ],
    "org.branch_edit": [
        Case("/admin/branches/{branch}", "302 403 403 403 403 200 302"),
        post("/admin/branches/{branch}", "302 403 403 403 403 302 302"),
    ],
    "org.branch_move": [post("/admin/branches/{branch}/move", "302 403 403 403 403 200 302")],
    "org.branch_new": [
        Case("/admin/branches/new", "302 403 403 403 403 200 302"),
        post("/admin/branches/new", "302 403 403 403 403 200 302"),
    ],
    "org.branch_reactivate": [
        post("/admin/branches/{branch}/reactivate", "302 403 403 403 403 302 302"),
    ],
    "org.branches": [Case("/admin/branches", "302 403 403 403 403 200 302")],
    "org.member_deactivate": [
        post("/admin/members/{member}/deactivate", "302 403 403 403 403 302 302"),
    ],
    "org.member_detail": [Case("/admin/members/{member}", "302 403 403 200 200 200 302")],
    "org.member_edit": [
        Case("/admin/members/{member}/edit", "302 403 403 403 403 200 302"),
        post("/admin/members/{member}/edit", "302 403 403 403 403 302 302"),
    ],
    "org.member_new": [
        Case("/admin/members/new", "302 403 403 403 403 200 302"),
        post("/admin/members/new", "302 403 403 403 403 200 302"),
    ],
    "org.member_reactivate": [
        post("/admin/members/{member}/reactivate", "302 403 403 403 403 302 302"),
    ],
    "org.member_reset_password": [
        post("/admin/members/{member}/reset-password", "302 403 403 403 403 200 302"),
    ],
    "org.members": [Case("/admin/members", "302 403 200 200 200 200 302")],
}
