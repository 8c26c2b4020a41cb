EVENT_KINDS = {
    "training": "培训班",
    "contest": "比赛",
    "sports": "运动会",
    "warning_education": "警示教育",
    "lecture": "党课",
    "other": "其他活动",
}
KINDS_WITH_ITEMS = ("contest", "sports")

# What the domain allows for the numbers of an event (issue 8, finding 11): anything
# above is a typo or an attack, never a real event.
MAX_CREDIT_HOURS = 24  # per session
MAX_GRACE_MINUTES = 24 * 60
MAX_PLACES = 100_000  # an event's or an item's places, a branch's quota
MAX_TEAM_SIZE = 1_000

EVENT_STATUSES = {
    "draft": "草稿",
    "published": "报名中",
    "closed": "已结束报名",
    "cancelled": "已取消",
}


def _percent(ratio):
    return f"{ratio:.0%}" if isinstance(ratio, (int, float)) else str(ratio)


# ------------------------------------------------------------------ audit log
# What events' services record, in Chinese; app/auditlog/labels.py says how to read these
# tables. event.update is recorded by registration.service.edit_event (it checks the places
# taken), so registration declares that action; the event's own fields are named here.
AUDIT_ACTIONS = {
    "event.create": "新建活动",
    "event.publish": "发布活动",
    "event.close": "截止报名",
    "event.cancel": "取消活动",
}
AUDIT_DETAILS = {
    "event": {
        "title": ("名称", None),
        "kind": ("类型", EVENT_KINDS),
        "organizer_branch_id": ("主办组织", "branch"),
        "summary": ("简介", None),
        "description": ("详细介绍", None),
        "place": ("地点", None),
        "registration_opens_at": ("报名开始", None),
        "registration_closes_at": ("报名截止", None),
        "capacity": ("人数上限", None, "不限"),
        "waitlist_enabled": ("候补", None),
        "approval_required": ("报名审核", None),
        "item_limit": ("每人限报项目数", None, "不限"),
        "allow_walk_in": ("现场列席", None),
        "completion_ratio": ("结业比例", _percent),
        "eligibility": ("参加对象", "spec", "全体人员"),
        "reason": ("原因", None),
    },
}
