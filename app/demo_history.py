"""A year of history for `flask seed-demo`: the events of the last eleven months, as they
went, so statistics, 学时, certificates and results have something to show.

Everything goes through the services with the clock of the day (``now=``): members and
secretaries register before the event, ask for leave and have it approved, the organizer
scans tickets at the door (some people come late, a few scan the self check-in QR,
some are found by name), checks people out where a session requires it (a few leave
early), lets walk-ins in (列席), back-fills the paper list afterwards; contests are scored
by judges and published, the sports meet's marks typed in; certificates are issued a few
days after each event ends.

Participation is uneven on purpose: each branch has an activity level (the demo
accounts' branch is among the busiest, the retired members' branches among the
quietest) and each member a personal one, so a few people pass the yearly 32 学时, many
stay below, and some branches hardly take part. A seeded random makes it the same every
time; dates follow today, so the history always ends now.
"""
import random
from datetime import date, datetime, time, timedelta

from app.certificates import issuing
from app.certificates.demo import seed_finished_training
from app.checkin import service as checkin
from app.errors import DomainError
from app.events import service as events
from app.extensions import db
from app.org.models import Branch, Member
from app.registration import decide, invitations, leave_requests, signup, team_entries
from app.registration.models import Registration
from app.results.demo import finish_contest, finish_sports_meet
from app.timeutil import local_zone, utcnow

LEAVE_REASONS = ("单位工作安排，无法参加", "外出参加市里会议", "出差", "因病请假", "家中有事")
# Branch activity levels, from the busiest down; the demo accounts' branch takes the first.
ACTIVITY = (0.95, 0.9, 0.85, 0.8, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45, 0.4, 0.35, 0.3, 0.3,
            0.25, 0.2, 0.15, 0.1, 0.06, 0.04)


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=local_zone()).astimezone(utcnow().tzinfo)


def _weekday(day):
    """The nearest working day: Saturday moves to Friday, Sunday to Monday."""
    return day - timedelta(days=1) if day.weekday() == 5 else (
        day + timedelta(days=1) if day.weekday() == 6 else day)


def _session(day, start, end, hours, title="", checkout=False, place=""):
    return {"title": title, "starts_at": _at(day, *start), "ends_at": _at(day, *end),
            "credit_hours": hours, "place": place, "grace_minutes": 10,
            "checkout_required": checkout}


def _lessons(first_day, count, *, titles, checkout=False, every_days=None):
    """Training lessons of 3 学时: mornings and afternoons of consecutive working days, or
    one a week (``every_days=7``)."""
    rows, day = [], _weekday(first_day)
    for n in range(count):
        if every_days:
            day = _weekday(first_day + timedelta(days=every_days * n))
            start, end = (14, 30), (17, 30)
        else:
            start, end = ((9, 0), (12, 0)) if n % 2 == 0 else ((14, 30), (17, 30))
            if n and n % 2 == 0:
                day = _weekday(day + timedelta(days=1))
        rows.append(_session(day, start, end, 3.0, title=titles[n % len(titles)], checkout=checkout))
    return rows


class History:
    """The state of one seeding: the people, their activity, the organizer, the clock."""

    def __init__(self, organizer, rng_seed=2025):
        self.rng = random.Random(rng_seed)
        self.organizer = organizer
        self.committee = db.session.scalar(
            db.select(Branch).filter_by(kind="committee").order_by(Branch.id))
        self.members = db.session.scalars(
            db.select(Member).where(Member.active.is_(True), Member.role.in_(("member", "secretary")))
            .order_by(Member.id)).all()
        self.today = datetime.now(local_zone()).date()
        self.now = utcnow()
        branches = db.session.scalars(db.select(Branch).filter_by(kind="branch").order_by(Branch.id)).all()
        demo_branch = next(m.branch_id for m in self.members if m.phone == "13900000004")
        levels = list(ACTIVITY)
        rest = levels[1:]
        self.rng.shuffle(rest)
        ordered = [b for b in branches if b.id == demo_branch] + [b for b in branches if b.id != demo_branch]
        self.activity = {}
        for branch, level in zip(ordered, [levels[0]] + rest, strict=False):
            self.activity[branch.id] = level * (0.4 if branch.name.startswith("离退休") else 1.0)
        self.secretary = {m.branch_id: m for m in self.members if m.role == "secretary"}
        self.keen = {}
        for member in self.members:
            personal = self.rng.uniform(0.3, 1.25) * (1.3 if member.role == "secretary" else 1.0)
            if member.phone in ("13900000003", "13900000004"):
                personal = 1.3
            self.keen[member.id] = min(1.0, self.activity.get(member.branch_id, 0.3) * personal)
        self.events = []

    # ------------------------------------------------------------------ events

    def on(self, month, day):
        """The last (month, day) that ended at least three days ago, on a working day:
        a 七一 lecture stays in July and 学雷锋 in March whenever the demo is seeded."""
        when = date(self.today.year, month, day)
        if when > self.today - timedelta(days=3):
            when = date(self.today.year - 1, month, day)
        return _weekday(when)

    def event(self, title, kind, sessions, items=(), spec=None, **fields):
        first = min(s["starts_at"] for s in sessions)
        data = {"title": title, "kind": kind, "organizer_branch_id": self.committee.id,
                "registration_opens_at": first - timedelta(days=21), "waitlist_enabled": True}
        data.update(fields)
        event = events.create_event(self.organizer, data, sessions, list(items), spec)
        events.publish_event(self.organizer, event)
        self.events.append(event)
        return event

    # ------------------------------------------------------------------ registrations

    def pick(self, people, size, weight=None):
        """``size`` of ``people``, the keener more likely (weighted, without replacement)."""
        weight = weight or (lambda m: self.keen.get(m.id, 0.5) ** 2)
        keyed = [(self.rng.random() ** (1.0 / max(weight(m), 0.01)), m.id, m) for m in people]
        keyed.sort(key=lambda row: (row[0], row[1]), reverse=True)
        return [m for _key, _id, m in keyed[:size]]

    def register(self, event, people, item_ids=None):
        """Each of ``people`` registers (themselves, or their secretary for them) some days
        before the event; returns the confirmed registrations."""
        start = event.starts_at
        out = []
        for member in people:
            when = start - timedelta(days=self.rng.randint(2, 18), hours=self.rng.randint(0, 9))
            secretary = self.secretary.get(member.branch_id)
            actor = secretary if secretary is not None and secretary is not member \
                and self.rng.random() < 0.25 else member
            items = item_ids(member) if callable(item_ids) else (item_ids or ())
            try:
                registration = signup.register(actor, event.id, member.id, item_ids=items, now=when)
            except DomainError:  # not eligible, item full: the demo simply skips them
                continue
            if registration.status == "confirmed":
                out.append(registration)
        return out

    def cancel_some(self, registrations, share=0.04):
        kept = []
        for registration in registrations:
            if self.rng.random() < share:
                when = registration.event.starts_at - timedelta(days=1)
                decide.cancel(registration.member, registration.id, now=when)
            else:
                kept.append(registration)
        return kept

    # ------------------------------------------------------------------ attendance

    def attend(self, event, registrations, *, leave=0.06, walk_ins=0, turnout=None):
        """Replay every session of ``event`` for ``registrations``: leave asked and
        approved beforehand, scans at the door (on time, late, self check-in, by name),
        check-outs where required, walk-ins, and the paper list back-filled afterwards."""
        sessions = sorted(event.sessions, key=lambda s: s.starts_at)
        for registration in registrations:
            keen = self.keen.get(registration.member_id, 0.5)
            chance = turnout if turnout is not None else 0.3 + 0.68 * keen
            for session in sessions:
                if self.rng.random() < leave:
                    self.leave(registration, session)
                    continue
                if self.rng.random() < chance:
                    self.come(session, registration)
        for session in sessions[:1] if walk_ins else ():
            registered = {r.member_id for r in registrations}
            others = [m for m in self.members if m.id not in registered]
            for member in self.pick(others, walk_ins):
                try:
                    checkin.walk_in(self.organizer, session.id, member.id,
                                    now=session.starts_at + timedelta(minutes=self.rng.randint(-10, 15)))
                except DomainError:
                    pass

    def leave(self, registration, session):
        asked = session.starts_at - timedelta(days=self.rng.randint(1, 3))
        try:
            [leave] = leave_requests.request_leave(
                registration.member, registration.id, session.id, self.rng.choice(LEAVE_REASONS),
                now=asked)
        except DomainError:
            return
        approved = self.rng.random() < 0.9
        leave_requests.decide_leave(self.organizer, leave.id, approved,
                                    "" if approved else "本次学习为必修内容，请安排参加",
                                    now=asked + timedelta(hours=3))
        if not approved and self.rng.random() < 0.6:
            self.come(session, registration)

    def come(self, session, registration):
        roll = self.rng.random()
        start, end = session.starts_at, session.ends_at
        if roll < 0.06:  # signed the paper list only: back-filled afterwards
            checkin.perform_checkin(session.id, method="backfill", registration_id=registration.id,
                                    operator=self.organizer, reason="根据纸质签到表补录",
                                    now=end + timedelta(days=1))
            return
        if roll < 0.16:
            at = start + timedelta(minutes=self.rng.randint(12, 40))  # late
        else:
            at = start - timedelta(minutes=self.rng.randint(1, 30))
        method = self.rng.random()
        if method < 0.65:
            ticket = checkin.ticket_for(registration)
            checkin.perform_checkin(session.id, method="ticket_scan", code=ticket.code,
                                    operator=self.organizer, now=at)
            if self.rng.random() < 0.03:  # scanned twice: refused, "already checked in at …"
                checkin.perform_checkin(session.id, method="ticket_scan", code=ticket.code,
                                        operator=self.organizer, now=at + timedelta(minutes=1))
        elif method < 0.85:
            checkin.perform_checkin(session.id, method="self_scan", registration_id=registration.id,
                                    now=at, slot_valid=True)
        else:
            checkin.perform_checkin(session.id, method="manual", registration_id=registration.id,
                                    operator=self.organizer, now=at)
        if session.checkout_required:
            roll = self.rng.random()
            if roll < 0.05:
                return  # forgot to check out: no 学时 for this session
            out = end - timedelta(minutes=self.rng.randint(30, 70)) if roll < 0.1 \
                else end + timedelta(minutes=self.rng.randint(0, 12))
            checkin.perform_checkin(session.id, kind="exit", method="ticket_scan",
                                    code=checkin.ticket_for(registration).code,
                                    operator=self.organizer, now=out)

    def issue(self, event, *kinds):
        """Issue ``kinds`` certificates of ``event`` three days after it ended."""
        when = min(event.ends_at + timedelta(days=3), self.now)
        for kind in kinds:
            issuing.issue(self.organizer, event.id, kind, now=when)

    # ------------------------------------------------------------------ the year

    def lecture(self, day, title, size, place="三楼报告厅"):
        event = self.event(title, "lecture", [_session(day, (15, 0), (17, 0), 2.0, place=place)],
                           place=place, capacity=size + 20, allow_walk_in=True,
                           summary="机关党委组织的专题党课，计2学时。")
        party = [m for m in self.members if m.political_status in ("01", "02")]
        registrations = self.cancel_some(self.register(event, self.pick(party, size)))
        self.attend(event, registrations, walk_ins=self.rng.randint(2, 5))
        return event

    def warning(self, day, title, spec, hours=2.5):
        end = (11, 30) if hours == 2.5 else (11, 0)
        event = self.event(title, "warning_education",
                           [_session(day, (9, 0), end, hours, place="机关礼堂")],
                           place="机关礼堂", summary="通报典型案例，观看警示教育片。指定人员必须参加。")
        invitations.invite(self.organizer, event.id, spec, now=event.starts_at - timedelta(days=10))
        invited = db.session.scalars(db.select(Registration).where(
            Registration.event_id == event.id, Registration.status == "confirmed")
            .order_by(Registration.id)).all()
        self.attend(event, invited, leave=0.08)
        self.issue(event, "participation")
        return event

    def training(self, first_day, title, lessons, size, *, spec=None, checkout=False, weekly=False,
                 people=None, place="市委党校第一教室", summary=""):
        sessions = _lessons(first_day, lessons, titles=TOPICS,
                            checkout=checkout, every_days=7 if weekly else None)
        for row in sessions:
            row["place"] = place
        event = self.event(title, "training", sessions, spec=spec, place=place, capacity=size + 10,
                           completion_ratio=0.75, summary=summary or
                           f"共{lessons}讲{lessons * 3}学时，缺课超过四分之一不予结业。")
        pool = people if people is not None else self.members
        registrations = self.register(event, self.pick(pool, size))
        self.attend(event, registrations, leave=0.07)
        self.issue(event, "completion")
        return event

    def speech_contest(self, day):
        event = self.event("「强国复兴有我」主题演讲比赛", "contest",
                           [_session(day, (14, 30), (17, 30), 0.0, place="机关礼堂")],
                           items=[{"name": "主题演讲", "branch_quota": 2, "capacity": 40}],
                           place="机关礼堂", item_limit=1,
                           summary="每个支部限报2名选手，5名评委现场打分，去掉最高分和最低分。")
        item_id = event.items[0].id
        speakers = self.register(event, self.pick(self.members, 24), item_ids=[item_id])
        self.attend(event, speakers, leave=0.0, turnout=0.97)
        finish_contest(self.organizer, event, rng_seed=self.rng.randrange(10**6))
        self.issue(event, "award", "participation")
        return event

    def quiz(self, day):
        event = self.event("党史知识竞赛", "contest",
                           [_session(day, (9, 0), (11, 30), 0.0, place="三楼报告厅")],
                           items=[{"name": "团体赛", "is_team": True, "team_min": 3, "team_max": 3,
                                   "branch_quota": 1}],
                           place="三楼报告厅", item_limit=1,
                           summary="各支部组队参赛，每队3人，必答、抢答、风险题三轮。")
        item = event.items[0]
        branches = sorted(self.activity, key=lambda b: -self.activity[b])[:9]
        registrations = []
        for branch_id in branches:
            people = [m for m in self.members if m.branch_id == branch_id]
            team = self.register(event, self.pick(people, 3), item_ids=[item.id])
            if len(team) == 3:
                branch = db.session.get(Branch, branch_id)
                team_entries.save_team(self.organizer, item.id, branch_id,
                                       f"{branch.name.removesuffix('党支部')}队", [r.id for r in team])
                registrations += team
        self.attend(event, registrations, leave=0.0, turnout=1.0)
        finish_contest(self.organizer, event, rng_seed=self.rng.randrange(10**6))
        self.issue(event, "award")
        return event

    def sports_meet(self, day):
        event = self.event(f"{day.year}年春季职工趣味运动会", "sports",
                           [_session(day, (8, 30), (12, 0), 0.0, place="市体育中心")],
                           items=[{"name": "男子100米", "gender": "M", "branch_quota": 3},
                                  {"name": "女子100米", "gender": "F", "branch_quota": 3},
                                  {"name": "立定跳远", "branch_quota": 3},
                                  {"name": "跳绳", "branch_quota": 3},
                                  {"name": "4×100米接力", "is_team": True, "team_min": 4, "team_max": 5,
                                   "branch_quota": 1},
                                  {"name": "拔河", "is_team": True, "team_min": 8, "team_max": 10,
                                   "branch_quota": 1}],
                           place="市体育中心", item_limit=2, summary="每人限报2项，团体项目由各支部组队。")
        items = {item.name: item for item in event.items}
        young = [m for m in self.members if m.birth_date and m.birth_date.year >= self.today.year - 50
                 and not m.branch.name.startswith("离退休")]
        registrations = []
        active = sorted(self.activity, key=lambda b: -self.activity[b])[:8]
        for n, branch_id in enumerate(active):
            people = self.pick([m for m in young if m.branch_id == branch_id], 14)
            branch = db.session.get(Branch, branch_id)
            label = branch.name.removesuffix("党支部")
            for name, size in (("拔河", 8), ("4×100米接力", 4)):
                if name == "拔河" and n % 2:
                    continue  # not every branch fields a tug-of-war team
                team_people, people = people[:size], people[size:]
                team = self.register(event, team_people, item_ids=[items[name].id])
                registrations += team
                if len(team) >= items[name].team_min:
                    team_entries.save_team(self.organizer, items[name].id, branch_id, f"{label}队",
                                           [r.id for r in team[:items[name].team_max]])
        taken = {r.member_id for r in registrations}
        runners = self.pick([m for m in young if m.id not in taken], 40)

        def individual(member):
            run = items["男子100米" if member.gender == "M" else "女子100米"]
            other = items[self.rng.choice(["立定跳远", "跳绳"])]
            return [run.id, other.id] if self.rng.random() < 0.5 else [other.id]

        registrations += self.register(event, runners, item_ids=individual)
        self.attend(event, registrations, leave=0.0, turnout=0.96)
        finish_sports_meet(self.organizer, event, rng_seed=self.rng.randrange(10**6))
        self.issue(event, "award")
        return event


TOPICS = ("党章党规专题辅导", "习近平新时代中国特色社会主义思想", "党的纪律与作风建设",
          "支部工作条例解读", "意识形态工作", "案例研讨与交流")


def seed_history(organizer, rng_seed=2025):
    """The past year's events, attendance, results and certificates; returns the events.

    Several thousand service calls run in one session here. Expiring every loaded row at
    each commit (and loading it again at the next touch) cost three quarters of the time,
    so the session keeps its rows across commits while seeding: every write goes through
    this one session, so what it holds is what the database holds."""
    session = db.session()
    session.expire_on_commit = False
    try:
        return _seed_history(organizer, rng_seed)
    finally:
        session.expire_on_commit = True
        session.expire_all()


def _seed_history(organizer, rng_seed):
    year = History(organizer, rng_seed)
    party = [m for m in year.members if m.political_status in ("01", "02")]
    young = [m for m in year.members if m.birth_date and m.birth_date.year >= year.today.year - 35]
    senior = [m for m in year.members if m.rank_level in ("department", "division")]
    candidates = [m for m in year.members if m.political_status in ("03", "13")]
    on = year.on
    year.lecture(on(1, 9), "新年第一课：学习贯彻党的二十届四中全会精神", 75)
    year.training(on(2, 3), f"{on(2, 3).year}年度党员冬训班", 4, 80, checkout=True, people=party,
                  summary="集中学习2天，共4讲12学时，每讲签到签退，缺课超过四分之一不予结业。")
    year.lecture(on(2, 26), "专题党课：以严的基调推进全面从严治党", 65)
    year.lecture(on(3, 5), "学雷锋纪念日专题党课", 65)
    year.warning(on(3, 27), "第一季度警示教育大会", {"rank_levels": ["department", "division", "section"]})
    year.training(on(4, 13), "青年理论学习小组读书班", 3, 30, weekly=True, people=young,
                  summary="每周一次，共3讲9学时，面向35周岁以下青年干部。")
    year.sports_meet(on(5, 8))
    year.lecture(on(5, 22), "专题党课：弘扬伟大建党精神", 70)
    year.training(on(6, 9), "党务干部业务培训班", 2, 50, people=party, place="机关大楼五楼会议室",
                  summary="支部换届、发展党员和党费收缴等党务工作实务，共2讲6学时。")
    year.speech_contest(on(6, 19))
    year.lecture(on(7, 1), "「七一」专题党课：学思想 强党性", 95)
    year.warning(on(7, 29), "廉政警示教育专题会", {"rank_levels": ["department", "division"]}, hours=2.0)
    year.training(on(8, 18), "处级干部专题研讨班", 5, 45, people=senior, place="市委党校第三教室",
                  summary="围绕高质量发展开展专题研讨，共5讲15学时。")
    year.lecture(on(8, 27), "专题党课：学习《中国共产党纪律处分条例》", 70)
    year.quiz(on(9, 10))
    year.lecture(on(9, 25), "专题党课：深入学习贯彻党的创新理论", 75)
    finished = on(10, 27)
    year.events.append(seed_finished_training(organizer, candidates, people=30, rng_seed=rng_seed,
                                              days_ago=(year.today - finished).days - 3))
    year.lecture(on(11, 7), "主题党日：重温入党誓词", 60)
    year.warning(on(11, 18), "警示教育片集中观看", {"rank_levels": ["section"]}, hours=2.0)
    return year.events
