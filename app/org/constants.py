"""Controlled vocabularies of the organisation (GB/T 4762 for political status)."""

BRANCH_KINDS = {
    "committee": "机关党委",
    "general_branch": "党总支",
    "branch": "党支部",
}

ROLES = {
    "member": "党员/职工",
    "secretary": "支部书记",
    "organizer": "活动组织者",
    "admin": "系统管理员",
}
STAFF_ROLES = ("secretary", "organizer", "admin")

GENDERS = {"M": "男", "F": "女"}

# GB/T 4762 政治面貌代码: code -> (short name shown, full name)
POLITICAL_STATUSES = {
    "01": ("中共党员", "中国共产党党员"),
    "02": ("中共预备党员", "中国共产党预备党员"),
    "03": ("共青团员", "中国共产主义青年团团员"),
    "04": ("民革党员", "中国国民党革命委员会会员"),
    "05": ("民盟盟员", "中国民主同盟盟员"),
    "06": ("民建会员", "中国民主建国会会员"),
    "07": ("民进会员", "中国民主促进会会员"),
    "08": ("农工党党员", "中国农工民主党党员"),
    "09": ("致公党党员", "中国致公党党员"),
    "10": ("九三学社社员", "九三学社社员"),
    "11": ("台盟盟员", "台湾民主自治同盟盟员"),
    "12": ("无党派人士", "无党派民主人士"),
    "13": ("群众", "群众"),
}
PARTY_STATUSES = ("01", "02")

# Development stage toward party membership, kept apart from political status.
DEVELOPMENT_STAGES = {
    "applicant": "入党申请人",
    "activist": "入党积极分子",
    "candidate": "发展对象",
}

# Ranks (职级) with the level used for filters such as 「科级以上」.
RANK_LEVELS = {
    "department": "厅局级",
    "division": "县处级",
    "section": "乡科级",
    "staff": "科员级",
    "other": "其他",
}
RANKS = {
    "正厅级": "department",
    "副厅级": "department",
    "一级巡视员": "department",
    "二级巡视员": "department",
    "正处级": "division",
    "副处级": "division",
    "一级调研员": "division",
    "二级调研员": "division",
    "三级调研员": "division",
    "四级调研员": "division",
    "正科级": "section",
    "副科级": "section",
    "一级主任科员": "section",
    "二级主任科员": "section",
    "三级主任科员": "section",
    "四级主任科员": "section",
    "一级科员": "staff",
    "二级科员": "staff",
    "科员": "staff",
    "办事员": "staff",
    "工勤人员": "other",
    "其他": "other",
}


def political_status_label(code):
    return POLITICAL_STATUSES.get(code, ("", ""))[0]


def political_status_from_text(text):
    """Map 中共党员 / 中国共产党党员 / 党员 / 01 to a GB/T 4762 code, or None."""
    value = (text or "").strip()
    if not value:
        return None
    if value in POLITICAL_STATUSES:
        return value
    if value.isdigit() and len(value) == 1 and ("0" + value) in POLITICAL_STATUSES:
        return "0" + value
    for code, (short, full) in POLITICAL_STATUSES.items():
        if value in (short, full):
            return code
    aliases = {"党员": "01", "正式党员": "01", "预备党员": "02", "团员": "03", "无党派": "12"}
    return aliases.get(value)


def development_stage_from_text(text):
    value = (text or "").strip()
    if not value or value in {"无", "-"}:
        return ""
    for code, label in DEVELOPMENT_STAGES.items():
        if value in (code, label):
            return code
    aliases = {"积极分子": "activist", "申请人": "applicant", "发展对象人选": "candidate"}
    return aliases.get(value)


def role_from_text(text):
    value = (text or "").strip()
    if not value:
        return "member"
    for code, label in ROLES.items():
        if value in (code, label):
            return code
    aliases = {
        "党员": "member", "职工": "member", "成员": "member", "普通用户": "member",
        "书记": "secretary", "党支部书记": "secretary", "支部副书记": "secretary",
        "组织者": "organizer", "工作人员": "organizer", "机关党委工作人员": "organizer",
        "管理员": "admin",
    }
    return aliases.get(value)


def gender_from_text(text):
    value = (text or "").strip()
    if not value:
        return ""
    return {"男": "M", "女": "F", "M": "M", "F": "F", "男性": "M", "女性": "F"}.get(value)


# ------------------------------------------------------------------ audit log
# What org's services record, in Chinese; app/auditlog/labels.py says how to read these tables.
AUDIT_ACTIONS = {
    "branch.create": "新建组织",
    "branch.update": "修改组织",
    "branch.move": "移动组织",
    "branch.deactivate": "停用组织",
    "branch.reactivate": "启用组织",
    "member.create": "新增人员",
    "member.update": "修改人员",
    "member.deactivate": "停用人员",
    "member.reactivate": "启用人员",
    "member.reset_password": "重置密码",
    "member.import": "导入花名册",
    "member.initial_passwords_download": "下载初始密码",
}
AUDIT_DETAILS = {
    "branch": {
        "name": ("名称", None),
        "kind": ("类型", BRANCH_KINDS),
        "sort_order": ("排序", None),
        "parent_id": ("上级组织", "branch", "（无）"),
        "branch_ids": ("停用范围", "branch"),
    },
    "member": {
        "name": ("姓名", None),
        "gender": ("性别", GENDERS),
        "birth_date": ("出生日期", None),
        "phone": ("手机号", None),
        "unit": ("单位/部门", None),
        "position": ("职务", None),
        "rank": ("职级", None),
        "political_status": ("政治面貌", political_status_label),
        "development_stage": ("发展阶段", DEVELOPMENT_STAGES),
        "branch_id": ("所在组织", "branch"),
        "role": ("角色", ROLES),
    },
    "import_batch": {
        "filename": ("文件", None),
        "rows": ("行数", None),
        "new": ("新增", None),
        "updated": ("更新", None),
        "reactivated": ("重新启用", None),
        "unchanged": ("未变", None),
        "count": ("人数", None),
    },
}
