"""The words and fixed numbers of results: how an item is scored, its states, the
defaults of award levels and place points, and what results' services record in the
audit log (app/auditlog/labels.py says how to read AUDIT_ACTIONS and AUDIT_DETAILS)."""

# How an item is decided. judged: judges' scores by criteria; the others: one mark per
# entry, where time and place are better when lower, distance and height when higher.
METHODS = {
    "judged": "评委打分",
    "time": "计时（用时少者优先）",
    "distance": "远度（远者优先）",
    "height": "高度（高者优先）",
    "place": "直接录入名次",
}
MARK_METHODS = ("time", "distance", "height", "place")
LOWER_IS_BETTER = ("time", "place")
MARK_UNITS = {"time": "秒", "distance": "米", "height": "米", "place": "名"}

# Sports results as plain lists: heats (预赛) and a final (决赛); the final decides the
# ranking once it has marks.
ROUNDS = {"heat": "预赛", "final": "决赛"}

# Entries: an item's state moves open -> locked; publishing needs locked.
STATES = {"open": "评分中", "locked": "已锁定"}

# Five judges or more: the highest and the lowest total are dropped.
DROP_FROM_JUDGES = 5

# Award levels: by rank ranges (一等奖 1–1, 二等奖 2–3 …) or by counts (一等奖 1 名,
# 二等奖 2 名 …, which become rank ranges in order; a tie keeps its shared rank).
AWARD_MODES = {"count": "按获奖人数", "ranks": "按名次段"}
DEFAULT_AWARDS = {
    "judged": ("count", [("一等奖", 1), ("二等奖", 2), ("三等奖", 3), ("优秀奖", None)]),
    "sports": ("ranks", [("第一名", (1, 1)), ("第二名", (2, 2)), ("第三名", (3, 3))]),
}

# Place points of a sports meet: places 1-6, relays (items with factor 2) double.
DEFAULT_PLACE_POINTS = (7, 5, 4, 3, 2, 1)
RELAY_WORD = "接力"  # an item named …接力 counts double unless the organizer says otherwise
MAX_PLACES = 12
MAX_CRITERIA = 8
MAX_AWARD_LEVELS = 6
MAX_JUDGES = 15

# Limits of what may be typed (hundredths): a criterion's maximum, a weight, a mark.
MAX_POINTS_X100 = 1000_00
MAX_WEIGHT_X100 = 100_00
MAX_MARK_X100 = {"time": 24 * 3600_00, "distance": 1000_00, "height": 100_00, "place": 999_00}

# ------------------------------------------------------------------ audit log
# What results' services record. Entries are about the item's scoring rule
# (target "item_scoring", named by its item_id and event_id), a judge (named by the
# judge's name) or the event (the place points table). Judges' scores are not staff
# actions: each score sheet keeps its own times and how often it was changed.


def _points(value):
    return "-".join(str(p) for p in value) if isinstance(value, list) else str(value)


def _levels(value):
    if not isinstance(value, list):
        return str(value)
    parts = []
    for level in value:
        if isinstance(level, dict):
            if level.get("first") is not None:
                span = (f"第{level['first']}名" if level["first"] == level.get("last")
                        else f"第{level['first']}–{level.get('last') or '…'}名")
                parts.append(f"{level.get('label', '')} {span}")
            else:
                count = level.get("count")
                parts.append(f"{level.get('label', '')} {count}名" if count else
                             f"{level.get('label', '')} 其余")
    return "、".join(parts)


def _criteria(value):
    if not isinstance(value, list):
        return str(value)
    return "、".join(f"{c.get('name', '')} 满分{c.get('max', '')}×{c.get('weight', '')}"
                    for c in value if isinstance(c, dict))


AUDIT_ACTIONS = {
    "results.setup": "设置评分规则",
    "results.entries": "生成参赛名单",
    "results.order": "调整出场顺序",
    "results.marks": "录入成绩",
    "results.lock": "锁定成绩",
    "results.unlock": "解除锁定",
    "results.publish": "公布成绩",
    "results.unpublish": "撤回公布",
    "results.points": "设置名次积分",
    "judge.create": "添加评委",
    "judge.renew": "重新生成评委链接",
    "judge.revoke": "撤销评委链接",
}
AUDIT_DETAILS = {
    "item_scoring": {
        "method": ("计分方式", METHODS),
        "criteria": ("评分标准", _criteria),
        "drop_extremes": ("五名评委以上去掉最高分和最低分", None),
        "blind": ("匿名评分", None),
        "award_mode": ("奖项设置", AWARD_MODES),
        "award_levels": ("奖项", _levels),
        "points_factor": ("积分倍数", None),
        "added": ("新增", None),
        "withdrawn": ("退出", None),
        "entries": ("参赛", None),
        "round": ("轮次", ROUNDS),
        "changed": ("修改条数", None),
        "shuffled": ("随机抽签", None),
        "incomplete": ("未评完", None),
    },
    "judge": {
        "name": ("评委", None),
        "expires_at": ("有效期至", None),
    },
    "event": {
        "place_points": ("名次积分", _points),
    },
}
