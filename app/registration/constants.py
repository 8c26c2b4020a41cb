REGISTRATION_STATUSES = {
    "pending": "待审核",
    "confirmed": "已报名",
    "waitlisted": "候补",
    "rejected": "未通过",
    "cancelled": "已取消",
}
# Statuses that hold (or queue for) a place; one such registration per member and event.
ACTIVE_STATUSES = ("pending", "confirmed", "waitlisted")
# Statuses that take a place against capacity.
HOLDING_STATUSES = ("pending", "confirmed")

STATUS_BADGES = {
    "pending": "badge-amber",
    "confirmed": "badge-green",
    "waitlisted": "badge-amber",
    "rejected": "badge-red",
    "cancelled": "badge-grey",
}

SOURCES = {
    "self": "本人报名",
    "proxy": "支部代报",
    "invited": "指定参加",
    "walk_in": "现场列席",
}

LEAVE_STATUSES = {"pending": "待审批", "approved": "已批准", "rejected": "未批准"}
