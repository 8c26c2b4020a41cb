"""The audit log page: admins only.

Statuses in tests/authz ROLES order: anonymous, member, other_secretary, own_secretary,
organizer, admin, scanner_link."""
from . import Case

CASES = {
    "auditlog.index": [Case("/admin/audit", "302 403 403 403 403 200 302")],
}
