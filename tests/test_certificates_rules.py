"""Who qualifies for a certificate, issuing once, serials and snapshots, revoking.

The worked example: a training of four 3-hour lessons (12 学时, completion at 75 %):
  王一  lessons 1-3            9 学时 = 75 %   completes (exactly at the ratio)
  李二  lessons 1-2            6 学时 = 50 %   does not
  张三  lessons 1-3, leave 4   9 学时 = 75 %   completes (leave earns no hours, costs none)
  赵四  lessons 1-2, leave 3-4 6 学时 = 50 %   does not: 请假 2 场
  钱五  nothing                0 学时          does not, and has no 参与证明 either
"""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.certificates import issuing, rules
from app.certificates.models import Certificate
from app.errors import DomainError
from app.events.models import EventSession
from app.extensions import db
from app.timeutil import utcnow

from .conftest import audit_entries, count
from .event_factories import approved_leave, backfill, make_event, make_finished, session_rows, signed_up

SERIAL = re.compile(r"^\d{4}-JY-\d{4}-\d{4}$")


@pytest.fixture
def training(org, factory):
    event = make_finished(org.organizer)
    lessons = event.sessions
    people = {}
    for name, branch, came, leave in [("王一", org.one, lessons[:3], []),
                                      ("李二", org.two, lessons[:2], []),
                                      ("张三", org.one, lessons[:3], lessons[3:]),
                                      ("赵四", org.two, lessons[:2], lessons[2:]),
                                      ("钱五", org.one, [], [])]:
        member = factory.member(name=name, branch=branch)
        registration = signed_up(org.organizer, event, member)
        for session in leave:
            approved_leave(org.organizer, registration, session, now=event.starts_at - timedelta(days=1))
        backfill(org.organizer, registration, came)
        people[name] = registration
    org.event, org.people = event, people
    return org


def by_name(found):
    return {c.name: c for c in found}


def test_completion_at_exactly_the_ratio_with_leave_and_the_reasons(training):
    found = by_name(rules.candidates(training.event, "completion"))
    assert {name for name, c in found.items() if c.qualifies} == {"王一", "张三"}
    assert found["王一"].hours == 9 and found["王一"].total_hours == 12
    assert found["王一"].reason == "出勤 9 学时，共 12 学时（75%），达到结业要求 75%"
    assert found["李二"].reason == "出勤 6 学时，共 12 学时（50%），未达到结业要求 75%"
    assert found["张三"].reason.endswith("；请假 1 场") and found["张三"].qualifies
    assert found["赵四"].reason == "出勤 6 学时，共 12 学时（50%），未达到结业要求 75%；请假 2 场"
    assert found["钱五"].hours == 0 and not found["钱五"].qualifies
    assert [c.state for c in found.values()].count("due") == 2


def test_completion_follows_the_events_own_ratio(org, factory):
    """An event that asks for 80 %: four lessons of 10, 9.5, 0.5 and 5 学时 (25 学时).
      周一  lessons 1-2   19.5 学时 = 78 %   does not complete
      吴二  lessons 1-3   20 学时   = 80 %   completes (exactly at the ratio)"""
    start = (utcnow() - timedelta(days=6)).replace(minute=0, second=0, microsecond=0)
    rows = session_rows(4, start=start, hours=3, lesson="第{n}课")
    for row, credit in zip(rows, (10, 9.5, 0.5, 5), strict=True):
        row["credit_hours"] = float(credit)
    event = make_event(org.organizer, sessions=rows, publish=True, completion_ratio=0.8)
    for name, came in (("周一", event.sessions[:2]), ("吴二", event.sessions[:3])):
        backfill(org.organizer, signed_up(org.organizer, event, factory.member(name=name, branch=org.one)),
                 came)
    found = by_name(rules.candidates(event, "completion"))
    assert not found["周一"].qualifies
    assert found["周一"].reason == "出勤 19.5 学时，共 25 学时（78%），未达到结业要求 80%"
    assert found["吴二"].qualifies
    assert found["吴二"].reason == "出勤 20 学时，共 25 学时（80%），达到结业要求 80%"
    assert issuing.issue(org.organizer, event.id, "completion").count == 1
    (certificate,) = db.session.scalars(db.select(Certificate)).all()
    assert certificate.snapshot["name"] == "吴二"


def test_participation_needs_one_presence(training):
    found = by_name(rules.candidates(training.event, "participation"))
    assert {name for name, c in found.items() if c.qualifies} == {"王一", "李二", "张三", "赵四"}
    assert found["李二"].reason == "到场 2 场"
    assert found["钱五"].reason == "未到场"


def test_checkout_required_sessions_count_only_with_a_checkout(org, factory):
    event = make_finished(org.organizer, checkout=True)
    member = factory.member(name="孙六", branch=org.one)
    registration = signed_up(org.organizer, event, member)
    backfill(org.organizer, registration, event.sessions)  # came to all four
    backfill(org.organizer, registration, event.sessions[:2], kind="exit")  # left two unsigned
    (found,) = rules.candidates(event, "completion")
    assert found.hours == 6 and not found.qualifies
    assert found.reason == "出勤 6 学时，共 12 学时（50%），未达到结业要求 75%；2 场未签退，不计学时"
    backfill(org.organizer, registration, event.sessions[2:3], kind="exit")
    (found,) = rules.candidates(event, "completion")
    assert found.hours == 9 and found.qualifies


def test_issuing_gives_serials_in_order_and_twice_issues_nothing_new(training):
    issued = issuing.issue(training.organizer, training.event.id, "completion")
    year = utcnow().year  # the year of issue (the local year; not at midnight on 31 December)
    assert issued.count == 2
    assert issued.first_serial == f"{year}-JY-{training.event.id:04d}-0001"
    assert issued.last_serial == f"{year}-JY-{training.event.id:04d}-0002"
    certificates = db.session.scalars(db.select(Certificate).order_by(Certificate.id)).all()
    # in branch order, then by name (both are of 第一党支部)
    assert [c.snapshot["name"] for c in certificates] == ["张三", "王一"]
    assert all(SERIAL.match(c.serial) for c in certificates)
    assert len({c.code for c in certificates}) == 2 and all(len(c.code) == 12 for c in certificates)

    again = issuing.issue(training.organizer, training.event.id, "completion")
    assert again.count == 0
    assert count(Certificate) == 2
    assert [e.details["count"] for e in audit_entries("certificate.issue")] == [2]


def test_a_late_back_fill_shows_who_newly_qualifies_and_only_they_are_issued(training):
    issuing.issue(training.organizer, training.event.id, "completion")
    li = training.people["李二"]
    backfill(training.organizer, li, training.event.sessions[2:3])  # a paper list found later
    found = by_name(rules.candidates(training.event, "completion"))
    assert found["李二"].state == "due" and found["王一"].state == "issued"
    issued = issuing.issue(training.organizer, training.event.id, "completion")
    assert issued.count == 1 and issued.first_serial.endswith("-0003")


def test_a_certificate_whose_hours_changed_since_is_marked_for_checking(training):
    issuing.issue(training.organizer, training.event.id, "completion")
    wang = training.people["王一"]
    backfill(training.organizer, wang, training.event.sessions[3:])  # came to lesson 4 after all
    found = by_name(rules.candidates(training.event, "completion"))
    assert found["王一"].hours == 12 and found["王一"].certificate.snapshot["hours"] == 9
    assert found["王一"].state_label == "已发放，需核对"  # it prints 9 学时
    assert found["张三"].state == "issued"
    assert issuing.issue(training.organizer, training.event.id, "completion").count == 0


def test_the_snapshot_is_what_was_printed_not_what_the_event_says_later(training):
    issuing.issue(training.organizer, training.event.id, "completion")
    certificate = db.session.scalar(db.select(Certificate).where(Certificate.member_id == training.people["王一"].member_id))
    before = dict(certificate.snapshot)
    assert before["name"] == "王一" and before["event"] == "党务知识培训班" and before["hours"] == 9
    assert "完成学习 9 学时" in before["body"]
    training.event.title = "改过名字的培训班"
    training.event.sessions[0].credit_hours = 1
    training.people["王一"].member.name = "王一改"
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).snapshot == before


@pytest.mark.parametrize("problem, code", [
    ("no sessions", "certificate_no_sessions"),
    ("zero hours", "certificate_no_hours"),
    ("not over", "certificate_event_not_over"),
    ("cancelled", "event_cancelled"),
])
def test_what_cannot_be_issued_is_refused_and_writes_nothing(org, factory, problem, code):
    from app.events import service as events

    if problem == "no sessions":  # the forms never allow it; an event imported from elsewhere might
        event = make_finished(org.organizer)
        db.session.execute(sa.delete(EventSession).where(EventSession.event_id == event.id))
        db.session.commit()
        db.session.expire_all()
    elif problem == "zero hours":
        event = make_finished(org.organizer, credit=0)
    elif problem == "not over":
        event = make_event(org.organizer, publish=True, start=utcnow() - timedelta(hours=1), hours=3)
    else:
        event = make_finished(org.organizer)
        events.cancel_event(org.organizer, event, "场地检修")
    with pytest.raises(DomainError) as refused:
        issuing.issue(org.organizer, event.id, "completion")
    assert refused.value.code == code and refused.value.message
    assert count(Certificate) == 0


def test_only_those_who_manage_the_event_may_issue(training, factory):
    secretary = factory.member(name="二支书记", branch=training.two, role="secretary")
    with pytest.raises(DomainError) as refused:
        issuing.issue(secretary, training.event.id, "completion")
    assert refused.value.code == "forbidden"
    assert count(Certificate) == 0


def test_revoking_needs_a_reason_is_audited_keeps_the_row_and_allows_issuing_again(training):
    issuing.issue(training.organizer, training.event.id, "completion")
    certificate = db.session.scalar(db.select(Certificate).order_by(Certificate.id))
    with pytest.raises(DomainError) as refused:
        issuing.revoke(training.organizer, certificate.id, "  ")
    assert refused.value.code == "certificate_revoke_reason_required" and refused.value.field == "reason"
    issuing.revoke(training.organizer, certificate.id, "学时记录有误，重新发放")
    with pytest.raises(DomainError) as twice:
        issuing.revoke(training.organizer, certificate.id, "再撤一次")
    assert twice.value.code == "certificate_already_revoked"
    db.session.expire_all()
    kept = db.session.get(Certificate, certificate.id)
    assert kept.revoked_at is not None and kept.revoke_reason == "学时记录有误，重新发放"
    (entry,) = audit_entries("certificate.revoke")
    assert entry.details["reason"] == "学时记录有误，重新发放" and entry.target_id == certificate.id
    reissued = issuing.issue(training.organizer, training.event.id, "completion")
    assert reissued.count == 1 and reissued.first_serial.endswith("-0003")
    assert count(Certificate) == 3
