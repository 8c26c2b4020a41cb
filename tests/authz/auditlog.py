"""The audit log page: admins only."""
from . import Case

CASES = {
    "auditlog.index": [Case("/admin/audit", "302 403 403 403 403 200 302")],
}
