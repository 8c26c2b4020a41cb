"""`flask seed-demo`: a realistic demo organisation, the past year's history and the
events coming up.

The organisation comes from app.org.demo; the past year (attendance, results,
certificates) from app.demo_history; the upcoming events here are drawn from a typical
annual party-building plan, with registrations in every status.
"""
import random
from datetime import datetime, time, timedelta

import click

from app.demo_history import seed_history
from app.events import service as events
from app.extensions import db
from app.org.demo import seed as seed_organisation
from app.org.models import Branch, Member
from app.registration import decide, invitations, leave_requests, signup
from app.timeutil import local_zone, utcnow


def _at(day, hour, minute=0):
    """A local date and time as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=local_zone()).astimezone(
        utcnow().tzinfo)


def _sessions(first_day, days, hours=3.0, place=""):
    rows = []
    for n in range(days):
        day = first_day + timedelta(days=n)
        rows.append({"title": f"第{2 * n + 1}讲（上午）", "starts_at": _at(day, 9),
                     "ends_at": _at(day, 12), "credit_hours": hours, "place": place})
        rows.append({"title": f"第{2 * n + 2}讲（下午）", "starts_at": _at(day, 14, 30),
                     "ends_at": _at(day, 17, 30), "credit_hours": hours, "place": place})
    return rows


def _one(day, start, end, hours, place=""):
    return [{"title": "", "starts_at": _at(day, *start), "ends_at": _at(day, *end),
             "credit_hours": hours, "place": place}]


def seed_events(rng_seed=2026):
    """Create the demo events and registrations; returns how many events were made."""
    rng = random.Random(rng_seed)
    organizer = db.session.scalar(db.select(Member).filter_by(role="organizer"))
    committee = db.session.scalar(db.select(Branch).filter_by(kind="committee").order_by(Branch.id))
    members = db.session.scalars(
        db.select(Member).where(Member.active.is_(True), Member.role != "admin").order_by(Member.id)
    ).all()
    party = [m for m in members if m.political_status in ("01", "02")]
    today = datetime.now(local_zone()).date()
    opens = utcnow() - timedelta(days=3)

    def base(title, kind, **extra):
        data = {"title": title, "kind": kind, "organizer_branch_id": committee.id,
                "registration_opens_at": opens, "waitlist_enabled": True}
        data.update(extra)
        return data

    def publish(data, sessions, items=(), spec=None):
        event = events.create_event(organizer, data, sessions, items, spec)
        events.publish_event(organizer, event)
        return event

    def sign_up(event, people, pick_items=None):
        out = []
        for member in people:
            try:
                item_ids = pick_items(event) if pick_items else ()
                out.append(signup.register(member, event.id, item_ids=item_ids))
            except Exception as error:  # a refused demo registration is simply skipped
                if not hasattr(error, "code"):
                    raise
        return out

    made = []

    training = publish(
        base("2026年度党支部书记培训班", "training", place="市委党校第一教室", capacity=60,
             summary="学习党章党规、支部工作条例和组织生活制度，提升支部书记履职能力。",
             description="培训为期3天，共6讲，每讲3学时。缺课超过四分之一不予结业。",
             completion_ratio=0.75),
        _sessions(today + timedelta(days=10), 3))
    secretaries = [m for m in members if m.role == "secretary"]
    sign_up(training, secretaries + rng.sample(party, 25))
    made.append(training)

    clean = publish(
        base("新任科级干部廉洁教育培训班", "training", place="市纪委警示教育基地",
             approval_required=True, capacity=40,
             summary="面向近两年新任科级干部，开展廉洁从政教育。"),
        _sessions(today + timedelta(days=20), 1, hours=3.5),
        spec={"rank_levels": ["section"]})
    section = [m for m in members if m.rank_level == "section"]
    regs = sign_up(clean, rng.sample(section, min(12, len(section))))
    for reg in regs[:5]:
        decide.approve(organizer, reg.id)
    if len(regs) > 6:
        decide.reject(organizer, regs[5].id, "本期名额优先安排2025年以后任职的干部")
    made.append(clean)

    speech = publish(
        base("学习贯彻党的二十大精神演讲比赛", "contest", place="机关礼堂", item_limit=1,
             summary="以「强国建设、民族复兴」为主题，每个支部限报2名选手。"),
        _one(today + timedelta(days=15), (14, 30), (17, 30), 0),
        items=[{"name": "主题演讲", "branch_quota": 2, "capacity": 40}])
    sign_up(speech, rng.sample(members, 30), lambda e: [e.items[0].id])
    made.append(speech)

    poetry = publish(
        base("红色爱国诗词诵读大赛", "contest", place="机关礼堂", item_limit=2,
             summary="个人诵读与集体诵读两个项目。"),
        _one(today + timedelta(days=25), (9, 0), (12, 0), 0),
        items=[{"name": "个人诵读", "capacity": 50},
               {"name": "集体诵读", "is_team": True, "team_min": 3, "team_max": 8}])
    sign_up(poetry, rng.sample(members, 20),
            lambda e: [e.items[rng.randrange(2)].id])
    made.append(poetry)

    sports = publish(
        base("第五届职工运动会", "sports", place="市体育中心", item_limit=2,
             summary="每人限报2项。团体项目由各支部组队报名。"),
        _one(today + timedelta(days=30), (8, 30), (17, 0), 0),
        items=[
            {"name": "男子100米", "gender": "M", "branch_quota": 3},
            {"name": "女子100米", "gender": "F", "branch_quota": 3},
            {"name": "4×100米接力", "is_team": True, "team_min": 4, "team_max": 6},
            {"name": "拔河", "is_team": True, "team_min": 10, "team_max": 12},
            {"name": "跳绳", "capacity": 60},
            {"name": "中年组健步走", "min_age": 40},
        ])

    def sports_items(event):
        allowed = [i for i in event.items
                   if not i.gender and (i.min_age is None)]
        return [i.id for i in rng.sample(allowed, 2)]

    sign_up(sports, rng.sample(members, 60), sports_items)
    made.append(sports)

    warning = publish(
        base("2026年度警示教育大会", "warning_education", place="机关礼堂",
             summary="通报典型案例，观看警示教育片。科级以上干部必须参加。"),
        _one(today + timedelta(days=7), (9, 0), (11, 30), 2.5))
    invitations.invite(organizer, warning.id,
                       {"rank_levels": ["department", "division", "section"]})
    made.append(warning)

    lecture = publish(
        base("专题党课：学思想 强党性", "lecture", place="三楼报告厅", capacity=80,
             summary="由机关党委书记讲授专题党课。"),
        _one(today + timedelta(days=5), (15, 0), (17, 0), 2))
    regs = sign_up(lecture, rng.sample(party, 95))
    for reg in regs[:4]:
        decide.cancel(reg.member, reg.id)
    made.append(lecture)

    leave_reg = next((r for r in regs[4:] if r.status == "confirmed"), None)
    if leave_reg is not None:
        leave_requests.request_leave(leave_reg.member, leave_reg.id, None, "外出参加市里会议")

    draft = events.create_event(
        organizer, base("机关党建知识竞赛（筹备中）", "contest", place="待定"),
        _one(today + timedelta(days=60), (14, 30), (17, 0), 0),
        items=[{"name": "团体赛", "is_team": True, "team_min": 3, "team_max": 3}])
    made.append(draft)
    return len(made)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="只在数据库中还没有人员时填充")
def seed_demo(if_empty):
    """Fill an empty database with a realistic demo organisation and events."""
    if db.session.scalar(db.select(Member.id).limit(1)) is not None:
        if if_empty:
            click.echo("数据库中已有数据，跳过演示数据。")
            return
        raise click.ClickException("数据库中已有人员，演示数据只能填入空库。")
    counts = seed_organisation()
    organizer = db.session.scalar(db.select(Member).filter_by(role="organizer"))
    past = len(seed_history(organizer))
    made = seed_events()
    from app.corrections.demo import seed_corrections  # a feature above: import at use

    seed_corrections(organizer)
    click.echo(
        f"演示数据已生成：{counts['branches']} 个组织，{counts['members']} 名人员，"
        f"过去一年 {past} 个活动（含签到、成绩和证书），近期 {made} 个活动。"
        "演示账号见 README.md。"
    )
