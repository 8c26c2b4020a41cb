"""Words of corrections (申诉): statuses, limits and what the audit log shows."""
from .models import STATUSES

NOTE_MAX = 500
DECISION_NOTE_MAX = 200
# The reason a back-fill made from an accepted correction carries (checkin.reason, 200 max).
BACKFILL_REASON = "申诉补签：{note}"

AUDIT_ACTIONS = {
    "correction.ask": "申请补签（申诉）",
    "correction.withdraw": "撤回补签申请",
    "correction.accept": "通过补签申请",
    "correction.decline": "不通过补签申请",
}
AUDIT_DETAILS = {
    "correction": {
        "note": ("申诉说明", None),
        "decision_note": ("处理意见", None, "（未填写）"),
        "status": ("状态", STATUSES),
    },
}
