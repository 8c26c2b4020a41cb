"""`flask seed-demo`: the demo organisation, accounts and events a new user first sees."""
import sqlalchemy as sa

from app.events.models import Event
from app.extensions import db
from app.org.models import Branch, Member
from app.registration.models import Leave, Registration


def test_seed_demo_fills_an_empty_database_once(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "演示数据已生成" in result.output

    kinds = dict(db.session.execute(sa.select(Branch.kind, sa.func.count()).group_by(Branch.kind)).all())
    assert kinds["committee"] == 3 and kinds["branch"] == 20
    assert db.session.query(Member).count() == 400
    names = [m.name for m in db.session.query(Member).limit(50)]
    assert all(2 <= len(name) <= 3 for name in names)

    event_kinds = {e.kind for e in db.session.query(Event)}
    assert event_kinds == {"training", "contest", "sports", "warning_education", "lecture"}
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

    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "跳过" in again.output
    assert db.session.query(Member).count() == 400
    refused = runner.invoke(args=["seed-demo"])
    assert refused.exit_code != 0 and "空库" in refused.output
