EVENT_KINDS = {
    "training": "培训班",
    "contest": "比赛",
    "sports": "运动会",
    "warning_education": "警示教育",
    "lecture": "党课",
    "other": "其他活动",
}
KINDS_WITH_ITEMS = ("contest", "sports")

EVENT_STATUSES = {
    "draft": "草稿",
    "published": "报名中",
    "closed": "已结束报名",
    "cancelled": "已取消",
}
