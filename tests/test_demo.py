"""`flask seed-demo`: the demo organisation, accounts and events a new user first sees,
and the past year of history behind the statistics, 学时 and certificates."""
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from app.certificates.models import Certificate
from app.checkin import attendance
from app.checkin.models import Checkin
from app.corrections.models import Correction
from app.events.models import Event, EventSession
from app.extensions import db
from app.org.memberships import today
from app.org.models import Branch, Member
from app.registration.models import Leave, Registration
from app.results import service as results
from app.stats.branches import branch_table
from app.stats.periods import Filters, Period
from app.timeutil import local_zone, utcnow


def test_seed_demo_fills_an_empty_database_once(app, client):
    """One test, since seeding takes seconds: the organisation, the accounts, the
    upcoming events, then the past year (past_year below)."""
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "演示数据已生成" in result.output
    kinds = dict(db.session.execute(sa.select(Branch.kind, sa.func.count()).group_by(Branch.kind)).all())
    assert kinds["committee"] == 3 and kinds["branch"] == 20
    assert db.session.query(Member).count() == 400
    names = [m.name for m in db.session.query(Member).limit(50)]
    assert all(2 <= len(name) <= 3 for name in names)

    now = utcnow()
    upcoming = [e for e in db.session.query(Event) if e.starts_at > now]
    assert {e.kind for e in upcoming} == {"training", "contest", "sports", "warning_education", "lecture"}
    statuses = {r.status for r in db.session.query(Registration)}
    assert statuses == {"pending", "confirmed", "waitlisted", "rejected", "cancelled"}
    assert db.session.query(Registration).filter_by(source="invited").count() > 0
    assert db.session.query(Leave).count() >= 1
    training = db.session.query(Event).filter(Event.title.contains("支部书记培训班")).one()
    assert len(training.sessions) == 6

    for phone in ("13900000001", "13900000002", "13900000003", "13900000004"):
        response = client.post("/login", data={"phone": phone, "password": "demo1234"})
        assert response.status_code == 302, phone
        assert client.get("/").status_code == 200
        client.post("/logout")
    past_year(client)

    runner = app.test_cli_runner()
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "跳过" in again.output
    assert db.session.query(Member).count() == 400
    refused = runner.invoke(args=["seed-demo"])
    assert refused.exit_code != 0 and "空库" in refused.output


def past_year(client):
    """The demo has a past year of attendance, results and certificates."""
    now = utcnow()
    year = sa.select(EventSession.id).where(EventSession.starts_at >= now - timedelta(days=365),
                                            EventSession.starts_at < now)
    past = db.session.scalars(sa.select(Event).where(Event.id.in_(
        sa.select(EventSession.event_id).where(EventSession.id.in_(year))))).all()
    assert {e.kind for e in past} == {"training", "contest", "sports", "warning_education", "lecture"}
    months = {s.starts_at.astimezone(local_zone()).strftime("%Y-%m") for e in past for s in e.sessions}
    assert len(months) >= 10  # spread over the year, for charts by month
    assert sum(len(e.sessions) > 1 for e in past if e.kind == "training") >= 3

    rows = attendance.attendance_rows(sessions=year)
    total = db.session.execute(sa.select(*attendance.totals(rows))).one()
    assert total.presences > 1000 and total.people > 200
    assert 0.6 < total.present / (total.expected - total.on_leave) < 0.95  # 到会率: believable
    for flag in ("on_leave", "absent", "late", "left_early", "walk_in", "backfilled"):
        assert getattr(total, flag) > 0, flag
    assert db.session.query(Registration).filter(Registration.source == "proxy").count() > 0
    refused = db.session.query(Checkin).filter(Checkin.result != "ok").count()
    assert 0 < refused < 100  # a few tickets scanned twice

    # Uneven participation: busy branches and quiet ones (参与率 = people ÷ members).
    people = {row.branch_id: row.people for row in db.session.execute(
        sa.select(rows.c.branch_id, *attendance.totals(rows)).group_by(rows.c.branch_id))}
    size = Counter(db.session.scalars(sa.select(Member.branch_id)))
    rates = sorted(people.get(branch_id, 0) / n for branch_id, n in size.items() if n >= 10)
    assert rates[-1] >= 0.9 and rates[0] <= 0.3

    # 学时 over the year against the target of 32: a few above, many below.
    hours = dict(db.session.execute(sa.select(rows.c.member_id, sa.func.sum(rows.c.credit_hours))
                                    .group_by(rows.c.member_id)).all())
    above = sum(1 for h in hours.values() if h >= 32)
    assert 5 <= above <= 40 and sum(1 for h in hours.values() if 0 < h < 32) > 200

    # Contests and the sports meet: scored, published, awarded; certificates of each kind.
    for event in past:
        if event.has_items:
            assert results.awards(event.id), event.title
            assert results.team_totals(event) or event.kind == "contest"
    issued = Counter(db.session.scalars(sa.select(Certificate.kind)))
    assert issued["completion"] > 50 and issued["participation"] > 50 and issued["award"] > 20
    member = db.session.scalar(sa.select(Member).filter_by(phone="13900000004"))
    client.post("/login", data={"phone": member.phone, "password": "demo1234"})
    page = client.get("/my/certificates").get_data(as_text=True)
    assert page.count("下载证书") >= 2
    statistics()


def statistics():
    """The statistics pages have a year to show: the branch table of the last 365 days."""
    end = today()
    table = branch_table(Filters(Period(end - timedelta(days=365), end)))
    total = table.total
    assert total["presences"] > 1000 and total["hours"] > 0
    assert 0 < total["participation_rate"] <= 1
    assert total["m_expected"] > 0  # the warning education meetings invite everyone
    rates = {row.numbers["participation_rate"] for row in table.rows if row.depth == 1}
    assert len(rates) > 1  # branches differ
    assert db.session.query(Correction).count() == 5  # 申诉 in each state
