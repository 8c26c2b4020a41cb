"""Corrections (申诉): a member who was there but has no check-in asks; the organizer or
the secretary of the registration's branch accepts (a back-fill with the member's note as
its reason, and every number follows) or declines."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.checkin import attendance
from app.checkin.models import Checkin
from app.corrections import service
from app.corrections.models import Correction
from app.errors import DomainError
from app.extensions import db

from .conftest import audit_entries, body_text, count
from .event_factories import approved_leave, backfill, make_finished, open_event, signed_up


@pytest.fixture
def course(org):
    """A finished 4-session training (3 学时 each) of 第一党支部's 王芳, registered by the
    organizer; she attended nothing on record."""
    event = make_finished(org.organizer, branch=org.one)
    return event


@pytest.fixture
def wang(factory, org, course):
    member = factory.member(name="王芳", branch=org.one)
    return member, signed_up(org.organizer, course, member)


def first(course):
    return course.sessions[0]


def test_an_accepted_correction_is_a_backfill_with_the_note_and_counts(org, course, wang):
    member, registration = wang
    session = first(course)
    asked = service.ask(member, registration.id, session.id, "手机没电，没能扫码，全程在场")
    assert asked.status == "pending"
    assert attendance.hours(registration) == 0

    decided = service.decide(org.organizer, asked.id, accept=True, decision_note="核实无误")

    assert decided.status == "accepted"
    row = db.session.get(Checkin, decided.checkin_id)
    assert (row.method, row.result, row.reason) == (
        "backfill", "ok", "申诉补签：手机没电，没能扫码，全程在场")
    assert attendance.hours(registration) == 3
    assert attendance.session_summary(session)["present"] == 1
    assert [e.details["note"] for e in audit_entries("correction.accept")] == [
        "手机没电，没能扫码，全程在场"]
    assert [e.details["reason"] for e in audit_entries("checkin.backfill")] == [
        "申诉补签：手机没电，没能扫码，全程在场"]
    assert len(audit_entries("correction.ask")) == 1


def test_a_session_that_needs_a_checkout_gets_one_too_so_the_hours_count(factory, org):
    event = make_finished(org.organizer, sessions=1, checkout=True, branch=org.one)
    member = factory.member(name="李强", branch=org.one)
    registration = signed_up(org.organizer, event, member)
    asked = service.ask(member, registration.id, event.sessions[0].id, "签到机故障")
    service.decide(org.organizer, asked.id, accept=True)
    assert attendance.hours(registration) == 3
    assert count(Checkin, Checkin.method == "backfill", Checkin.kind == "exit") == 1


def test_a_declined_correction_writes_no_checkin(org, course, wang):
    member, registration = wang
    asked = service.ask(member, registration.id, first(course).id, "我来了")
    service.decide(org.organizer, asked.id, accept=False, decision_note="签到表上没有签名")
    assert count(Checkin) == 0
    assert db.session.get(Correction, asked.id).status == "declined"
    assert audit_entries("correction.decline")[0].details["decision_note"] == "签到表上没有签名"
    with pytest.raises(DomainError) as refused:
        service.decide(org.organizer, asked.id, accept=True)
    assert refused.value.code == "correction_not_pending"
    # asked again after a decline, with more to say
    again = service.ask(member, registration.id, first(course).id, "坐在最后一排，可请张三证明")
    assert again.status == "pending"


@pytest.mark.parametrize("case, code", [
    ("not_started", "correction_not_started"),
    ("present", "correction_already_present"),
    ("on_leave", "correction_on_leave"),
    ("twice", "correction_duplicate"),
    ("cancelled", "correction_not_expected"),
])
def test_refusals(factory, org, course, wang, case, code):
    member, registration = wang
    session = first(course)
    if case == "not_started":
        later = open_event(org.organizer, minutes_to_start=60, branch=org.one)
        registration = signed_up(org.organizer, later, member)
        session = later.sessions[0]
    elif case == "present":
        backfill(org.organizer, registration, [session])
    elif case == "on_leave":
        approved_leave(org.organizer, registration, session, now=session.starts_at - timedelta(days=1))
    elif case == "twice":
        service.ask(member, registration.id, session.id, "第一次")
    elif case == "cancelled":
        db.session.execute(sa.update(type(registration)).where(
            type(registration).id == registration.id).values(status="cancelled"))
        db.session.commit()
    with pytest.raises(DomainError) as refused:
        service.ask(member, registration.id, session.id, "我在场")
    assert refused.value.code == code
    assert count(Correction, Correction.status == "pending") == (1 if case == "twice" else 0)


def test_a_note_is_required_and_bounded(org, course, wang):
    member, registration = wang
    for note, code in (("   ", "correction_note_required"), ("长" * 501, "correction_note_too_long")):
        with pytest.raises(DomainError) as refused:
            service.ask(member, registration.id, first(course).id, note)
        assert (refused.value.code, refused.value.field) == (code, "note")


def test_nobody_asks_for_someone_else(factory, org, course, wang):
    _, registration = wang
    other = factory.member(name="赵六", branch=org.one)
    with pytest.raises(DomainError) as refused:
        service.ask(other, registration.id, first(course).id, "代他申请")
    assert refused.value.code == "not_found"


def test_who_decides_the_organizer_or_the_secretary_of_the_registration_branch(
        factory, org, course, wang):
    member, registration = wang
    own = factory.member(name="一支书记", branch=org.one, role="secretary")
    other = factory.member(name="二支书记", branch=org.two, role="secretary")
    asked = service.ask(member, registration.id, first(course).id, "在场")
    assert [c.id for c in service.decidable(other, pending=True)] == []
    with pytest.raises(DomainError) as refused:
        service.decide(other, asked.id, accept=True)
    assert refused.value.http_status == 403
    assert [c.id for c in service.decidable(own, pending=True)] == [asked.id]
    service.decide(own, asked.id, accept=True)
    assert attendance.hours(registration) == 3


def test_an_accept_after_someone_back_filled_meanwhile_is_refused_and_writes_nothing(
        org, course, wang):
    member, registration = wang
    asked = service.ask(member, registration.id, first(course).id, "在场")
    backfill(org.organizer, registration, [first(course)])
    with pytest.raises(DomainError) as refused:
        service.decide(org.organizer, asked.id, accept=True)
    assert refused.value.code == "correction_already_present"
    assert db.session.get(Correction, asked.id).status == "pending"
    assert count(Checkin) == 1


def test_withdraw(org, course, wang):
    member, registration = wang
    asked = service.ask(member, registration.id, first(course).id, "在场")
    service.withdraw(member, asked.id)
    assert db.session.get(Correction, asked.id).status == "withdrawn"
    assert service.decidable(org.organizer, pending=True) == []


# ------------------------------------------------------------------ pages

def test_the_member_asks_from_the_record_and_the_organizer_accepts_on_the_list(
        as_user, org, course, wang):
    member, registration = wang
    session = first(course)
    phone = as_user(member)
    page = body_text(phone.get("/my/record"))
    ask_url = f"/my/corrections/{registration.id}/{session.id}"
    assert ask_url in page
    assert "缺席" in page

    refused = phone.post(ask_url, data={"note": " "})
    assert "请写明情况" in body_text(refused)
    answer = phone.post(ask_url, data={"note": "手机故障没能扫码"})
    assert answer.status_code == 302
    page = body_text(phone.get("/my/record"))
    assert "待处理" in page and "有 1 份补签申请正在等待处理" in page

    office = as_user(org.organizer)
    listed = body_text(office.get("/corrections"))
    assert "王芳" in listed and "手机故障没能扫码" in listed
    correction = db.session.scalar(sa.select(Correction))
    done = office.post(f"/corrections/{correction.id}/decide", data={"decision": "accept"},
                       follow_redirects=True)
    assert "已通过王芳的补签申请，已补录签到" in body_text(done)
    page = body_text(phone.get("/my/record"))
    assert "已通过" in page and "出席（补录）" in page


def test_the_ask_page_says_why_not(as_user, org, course, wang):
    member, registration = wang
    backfill(org.organizer, registration, [first(course)])
    page = body_text(as_user(member).get(f"/my/corrections/{registration.id}/{first(course).id}"))
    assert "这一场已有签到记录，不需要补签。" in page
    assert "提交申请" not in page


def test_pages_refuse_strangers(as_user, factory, org, course, wang):
    member, registration = wang
    other = factory.member(name="赵六", branch=org.one)
    assert as_user(other).get(f"/my/corrections/{registration.id}/{first(course).id}").status_code == 404
    elsewhere = make_finished(org.organizer, title="另一个培训班").sessions[0]
    assert as_user(member).get(f"/my/corrections/{registration.id}/{elsewhere.id}").status_code == 404
    asked = service.ask(member, registration.id, first(course).id, "在场")
    stranger = factory.member(name="二支书记", branch=org.two, role="secretary")
    assert as_user(stranger).post(f"/corrections/{asked.id}/decide",
                                  data={"decision": "accept"}).status_code == 403
    assert as_user(other).post(f"/my/corrections/{asked.id}/withdraw").status_code == 404
    assert as_user(member).get("/corrections").status_code == 403
    assert db.session.get(Correction, asked.id).status == "pending"


def test_demo_corrections_show_each_state(factory, org):
    from app.certificates.demo import seed_finished_training
    from app.corrections.demo import seed_corrections

    members = [factory.member(name=f"演示{n}", branch=org.one) for n in range(30)]
    seed_finished_training(org.organizer, members, people=30)  # six people missed lessons
    assert seed_corrections(org.organizer) == 5
    statuses = [c.status for c in db.session.scalars(sa.select(Correction).order_by(Correction.id))]
    assert statuses == ["accepted", "declined", "pending", "pending", "pending"]
    assert seed_corrections(org.organizer, count=0) == 0


def test_the_staff_list_costs_the_same_statements_for_few_and_many(factory, org):
    from .conftest import count_statements

    event = make_finished(org.organizer, sessions=4, branch=org.one)

    def asked(n):
        for k in range(n):
            member = factory.member(name=f"申诉{k}", branch=org.one if k % 2 else org.two)
            registration = signed_up(org.organizer, event, member)
            service.ask(member, registration.id, event.sessions[k % 4].id, "在场")

    def statements():
        db.session.expire_all()
        with count_statements() as seen:
            listed = service.decidable(org.organizer, pending=True)
            [(c.member.name, c.registration.branch.name, c.registration.event.title,
              c.session.starts_at) for c in listed]
        return len(seen)

    asked(2)
    few = statements()
    asked(6)
    assert statements() == few
