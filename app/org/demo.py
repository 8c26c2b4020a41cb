"""A realistic demo organisation for `flask seed-demo` (three 机关党委, 20 党支部, ~400 people).

Demo accounts (passwords are for demos only and printed in README.md):
13900000001 管理员, 13900000002 活动组织者, 13900000003 支部书记, 13900000004 党员.
Everyone else gets a one-time initial password, which an admin can reset and hand out.
"""
import random
from datetime import date

from app.extensions import db

from .memberships import sync_memberships, today
from .models import Branch, Member
from .passwords import set_initial_password, set_own_password

DEMO_PASSWORD = "demo1234"

ORGANISATION = [
    ("市发展和改革委员会机关党委", [
        "办公室党支部", "综合规划科党支部", "经济运行科党支部", "投资科党支部",
        ("价格监测中心党总支", ["价格监测中心第一党支部", "价格监测中心第二党支部"]),
        "离退休干部党支部",
    ]),
    ("市财政局机关党委", [
        "办公室党支部", "预算科党支部", "国库科党支部", "税政科党支部",
        "财政监督检查局党支部", "离退休干部党支部",
    ]),
    ("市人力资源和社会保障局机关党委", [
        "办公室党支部", "就业促进科党支部", "社会保险科党支部", "劳动保障监察支队党支部",
        "人才服务中心党支部", "劳动人事争议仲裁院党支部", "离退休干部党支部",
    ]),
]

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
            "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林文建国志海峰亮成东晨"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀燕玲桂丹萍红梅琳婷雪慧莉倩颖洁佳璐瑶雯欣怡悦蕾晶月莹"

RANK_WEIGHTS = [
    ("正处级", 2), ("副处级", 4), ("一级调研员", 3), ("二级调研员", 3), ("三级调研员", 3),
    ("正科级", 8), ("副科级", 10), ("一级主任科员", 8), ("二级主任科员", 10),
    ("三级主任科员", 8), ("四级主任科员", 8), ("一级科员", 12), ("二级科员", 6), ("工勤人员", 5),
]
POSITIONS = {
    "正处级": "处长", "副处级": "副处长", "正科级": "科长", "副科级": "副科长",
}
STATUS_WEIGHTS = [("01", 72), ("02", 5), ("03", 9), ("13", 12), ("05", 1), ("10", 1)]

DEMO_ACCOUNTS = [
    ("13900000001", "郑晓东", "admin", "M"),
    ("13900000002", "林雅琴", "organizer", "F"),
    ("13900000003", "周建华", "secretary", "M"),
    ("13900000004", "陈思远", "member", "M"),
]


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _name(rng, gender):
    pool = GIVEN_MALE if gender == "M" else GIVEN_FEMALE
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _create_branch(name, kind, parent, order):
    branch = Branch(name=name, kind=kind, parent=parent, sort_order=order, path="")
    db.session.add(branch)
    db.session.flush()
    branch.path = (parent.path if parent else "/") + f"{branch.id}/"
    return branch


def _build_tree():
    branches = []  # (branch, unit name) for each 党支部
    for order, (committee_name, children) in enumerate(ORGANISATION):
        committee = _create_branch(committee_name, "committee", None, order)
        unit = committee_name.removesuffix("机关党委")
        for child_order, child in enumerate(children):
            if isinstance(child, tuple):
                general_name, sub_names = child
                general = _create_branch(general_name, "general_branch", committee, child_order)
                for sub_order, sub_name in enumerate(sub_names):
                    branches.append((_create_branch(sub_name, "branch", general, sub_order), unit))
            else:
                branches.append((_create_branch(child, "branch", committee, child_order), unit))
    return branches


def _person(rng, branch, unit, retired=False):
    gender = "M" if rng.random() < 0.56 else "F"
    if retired:
        birth_year = rng.randint(1946, 1964)
    else:
        birth_year = rng.randint(1966, 2001)
    status = _weighted(rng, STATUS_WEIGHTS)
    rank = "" if retired else _weighted(rng, RANK_WEIGHTS)
    stage = ""
    if status in ("03", "13") and rng.random() < 0.4:
        stage = rng.choice(["applicant", "activist", "candidate"])
    department = branch.name.removesuffix("党支部").removesuffix("第一").removesuffix("第二")
    return Member(
        name=_name(rng, gender),
        gender=gender,
        birth_date=date(birth_year, rng.randint(1, 12), 1),
        unit=unit + ("" if retired else department),
        position="退休干部" if retired else POSITIONS.get(rank, rng.choice(["科员", "干事", "主任科员"])),
        rank=rank,
        political_status=status,
        development_stage=stage,
        branch=branch,
    )


def seed(member_count=400, rng_seed=2026):
    """Create the demo tree and people in one transaction; returns counts."""
    rng = random.Random(rng_seed)
    branches = _build_tree()
    used_phones = {phone for phone, *_ in DEMO_ACCOUNTS}
    members = []

    def new_phone():
        while True:
            phone = f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"
            if phone not in used_phones:
                used_phones.add(phone)
                return phone

    office_branch = branches[0][0]
    for phone, name, role, gender in DEMO_ACCOUNTS:
        branch, unit = branches[0]
        member = _person(rng, branch, unit)
        member.name, member.phone, member.role, member.gender = name, phone, role, gender
        member.political_status = "01"
        member.development_stage = ""
        if role == "secretary":
            member.position = "办公室主任"
        set_own_password(member, DEMO_PASSWORD)
        members.append(member)

    per_branch = max(1, (member_count - len(DEMO_ACCOUNTS)) // len(branches))
    for index, (branch, unit) in enumerate(branches):
        retired = branch.name.startswith("离退休")
        count = per_branch + (1 if index < (member_count - len(DEMO_ACCOUNTS)) % len(branches) else 0)
        for position in range(count):
            member = _person(rng, branch, unit, retired=retired)
            member.phone = new_phone()
            if position == 0 and branch is not office_branch:
                member.role = "secretary"
                member.political_status = "01"
                member.development_stage = ""
                member.position = "支部书记" if retired else member.position
            set_initial_password(member)
            members.append(member)

    db.session.add_all(members)
    db.session.flush()
    # Everyone has belonged to their branch since New Year of last year: the demo's
    # statistics have whole years of active members to divide by.
    sync_memberships([member.id for member in members], day=date(today().year - 1, 1, 1))
    db.session.commit()
    return {"branches": db.session.query(Branch).count(), "members": len(members)}
