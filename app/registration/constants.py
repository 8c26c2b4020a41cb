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

# ------------------------------------------------------------------ audit log
# What registration's services record, in Chinese; app/auditlog/labels.py says how to read
# these tables. A leave's and a team's entries are named by their target (the person, event
# and session; the item and team), so their ids are left out of the details.
AUDIT_ACTIONS = {
    "registration.create": "报名",
    "registration.cancel": "取消报名",
    "registration.approve": "报名审核通过",
    "registration.reject": "报名审核未通过",
    "registration.promote": "候补转正",
    "registration.invite": "指定参加",
    "registration.export": "导出报名名单",
    "event.update": "修改活动",
    "event.invite": "指定参加人员",
    "leave.request": "申请请假",
    "leave.approve": "批准请假",
    "leave.reject": "不批准请假",
    "team.save": "组建队伍",
}
AUDIT_DETAILS = {
    "registration": {
        "status": ("状态", REGISTRATION_STATUSES),
        "source": ("方式", SOURCES),
        "items": ("项目", "item"),
        "reason": ("原因", None),
    },
    "event": {
        "removed": ("删除场次/项目", None),
        "promoted": ("候补转正", None),
        "spec": ("名单条件", "spec", "全体人员"),
        "matched": ("符合条件", None),
        "added": ("新增", None),
        "upgraded": ("改为指定参加", None),
        "already": ("原已报名", None),
        "rows": ("导出行数", None),
        "filters": ("筛选", None),
        "status": ("状态", REGISTRATION_STATUSES),
    },
    "leave_request": {
        "event_id": None, "member_id": None, "session_id": None, "registration_id": None,
        "note": ("意见", None),
    },
    "team": {
        "item_id": None,
        "registration_ids": ("队员", "registrant"),
    },
}
