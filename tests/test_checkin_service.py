"""Check-in rules (app/checkin/service.py): perform_checkin's codes in their order, windows
and lateness on a frozen clock, nonces, one row per scan, exits, rotating slot codes and
self check-in, hours, session summaries by DESIGN §3, walk-ins, tickets and ticket codes.
"""
import os
from datetime import timedelta, timezone
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
import time_machine

from app.audit.models import AuditLog
from app.checkin import attendance
from app.checkin import service as checkin
from app.checkin.constants import TICKET_ALPHABET, TICKET_LENGTH
from app.checkin.models import Checkin, Ticket, WalkInGuest
from app.errors import DomainError
from app.events import service as events
from app.extensions import db
from app.registration import decide, leave_requests, signup
from app.registration.models import Registration

from .event_factories import BEFORE, ON_TIME, PERIOD, START, approved_leave, join
from .event_factories import make_training as make_event

# ------------------------------------------------------------------ helpers
# org (two branches, an organizer), make_event (make_training: 3-hour lessons on a frozen
# clock), join and approved_leave come from tests/conftest.py and tests/event_factories.py.


def scan(session, code=None, **kwargs):
    kwargs.setdefault("method", "ticket_scan")
    kwargs.setdefault("now", ON_TIME)
    return checkin.perform_checkin(session.id, code=code, **kwargs)


def rows(**filters):
    return db.session.query(Checkin).filter_by(**filters).order_by(Checkin.id).all()


def shanghai(value):
    return value.astimezone(timezone(timedelta(hours=8))).strftime("%H:%M")


@pytest.fixture
def training(org, factory):
    """One published training session and a confirmed member with a ticket."""
    event = make_event(org.organizer)
    member = factory.member(name="李红", branch=org.one)
    registration = join(member, event)
    ticket = checkin.ticket_for(registration)
    return SimpleNamespace(event=event, session=event.sessions[0], member=member,
                           registration=registration, ticket=ticket)


# ------------------------------------------------------- perform_checkin

def test_ticket_scan_checks_in_and_writes_one_row(training, org):
    t = training
    answer = scan(t.session, checkin.ticket_url(t.ticket.code), operator=org.organizer)
    assert (answer.result, answer.code, answer.message) == ("ok", None, "签到成功")
    assert answer.member == {"name": "李红", "branch": "第一党支部"}
    assert answer.registration_id == t.registration.id and answer.late is False
    [row] = rows()
    assert (row.result, row.code, row.kind, row.method) == ("ok", None, "entry", "ticket_scan")
    assert row.operator_id == org.organizer.id
    assert row.scanned == f"http://testserver/t/{t.ticket.code}"
    assert row.at == ON_TIME


def test_unknown_tickets_are_refused_each_with_a_row(training):
    t = training
    assert scan(t.session, "完全不是票码").code == "unknown_ticket"
    assert scan(t.session, "23456789AB" if t.ticket.code != "23456789AB" else "23456789AC"
                ).code == "unknown_ticket"
    assert scan(t.session, None, registration_id=987654).code == "unknown_ticket"
    assert scan(t.session, "").message == "无法识别的票码，请核对后重试。"
    stored = rows()
    assert [(r.result, r.code, r.registration_id) for r in stored] == [
        ("refused", "unknown_ticket", None)] * 4
    assert stored[0].scanned == "完全不是票码"


def test_other_event_comes_before_not_confirmed(training, org, factory):
    """A cancelled registration of another event: wrong_event, not not_confirmed."""
    other = make_event(org.organizer, title="另一个活动")
    member = factory.member(name="王五", branch=org.two)
    registration = join(member, other)
    ticket = checkin.ticket_for(registration)
    decide.cancel(org.organizer, registration.id, now=BEFORE)
    answer = scan(training.session, ticket.code)
    assert (answer.result, answer.code) == ("refused", "wrong_event")
    assert scan(training.session, None, registration_id=registration.id,
                method="manual", operator=org.organizer).code == "wrong_event"
    assert [r.registration_id for r in rows(code="wrong_event")] == [registration.id] * 2


def test_a_cancelled_event_refuses_after_wrong_event_before_not_confirmed(training, org, factory):
    events.cancel_event(org.organizer, training.event, "因故取消")
    answer = scan(training.session, training.ticket.code)
    assert (answer.result, answer.code, answer.message) == ("refused", "event_cancelled",
                                                             "活动已取消。")
    other = make_event(org.organizer, title="照常举行")
    assert scan(other.sessions[0], training.ticket.code).code == "wrong_event"


def test_registrations_not_confirmed_are_refused(org, factory):
    waiting = make_event(org.organizer, capacity=1, waitlist_enabled=True, title="有名额限制")
    approval = make_event(org.organizer, approval_required=True, title="需要审核")
    first, second, third, fourth = (factory.member(name=f"人员{n}", branch=org.one)
                                    for n in range(4))
    join(first, waiting)
    waitlisted = join(second, waiting)
    pending = join(third, approval)
    cancelled = join(fourth, approval)
    decide.cancel(fourth, cancelled.id, now=BEFORE)
    assert waitlisted.status == "waitlisted" and pending.status == "pending"
    for registration, session in ((waitlisted, waiting.sessions[0]),
                                  (pending, approval.sessions[0]),
                                  (cancelled, approval.sessions[0])):
        answer = scan(session, None, registration_id=registration.id, method="manual",
                      operator=org.organizer)
        assert (answer.result, answer.code) == ("refused", "not_confirmed")
        assert answer.message.startswith("该报名尚未确认")


def test_on_leave_needs_an_approved_leave_covering_the_session(org, factory):
    event = make_event(org.organizer, sessions=2)
    first, second = event.sessions
    a, b, c = (factory.member(name=n, branch=org.one) for n in ("甲", "乙", "丙"))
    ra, rb, rc = join(a, event), join(b, event), join(c, event)
    approved_leave(org.organizer, ra, second)  # leave for the second session only
    approved_leave(org.organizer, rb)  # all sessions
    leave_requests.request_leave(c, rc.id, None, "家中有事", now=BEFORE)  # not decided yet
    assert scan(first, None, registration_id=ra.id, method="manual",
                operator=org.organizer).result == "ok"
    assert scan(second, None, registration_id=ra.id, method="manual", operator=org.organizer,
                now=ON_TIME + timedelta(days=1)).code == "on_leave"
    assert scan(first, None, registration_id=rb.id, method="manual",
                operator=org.organizer).code == "on_leave"
    assert scan(first, None, registration_id=rc.id, method="manual",
                operator=org.organizer).result == "ok"


def test_on_leave_is_answered_before_not_open(training, org):
    approved_leave(org.organizer, training.registration)
    early = START - timedelta(hours=3)
    assert scan(training.session, training.ticket.code, now=early).code == "on_leave"


def test_the_check_in_window_on_a_frozen_clock(org, factory):
    event = make_event(org.organizer)
    session = event.sessions[0]
    people = [join(factory.member(name=f"人员{n}", branch=org.one), event) for n in range(4)]
    opens = START - timedelta(minutes=60)  # CHECKIN_OPENS_MINUTES
    closes = session.ends_at + timedelta(minutes=60)  # CHECKIN_CLOSES_MINUTES

    def at(moment, registration):
        with time_machine.travel(moment, tick=False):
            return checkin.perform_checkin(session.id, method="ticket_scan",
                                           code=checkin.ticket_for(registration).code)

    assert at(opens - timedelta(seconds=1), people[0]).code == "not_open"
    assert at(opens, people[0]).result == "ok"
    assert at(closes, people[1]).result == "ok"
    assert at(closes + timedelta(seconds=1), people[2]).code == "closed"
    assert rows(code="closed")[0].at == closes + timedelta(seconds=1)
    assert message_text("not_open").startswith("签到还没开始")


def message_text(code):
    from app.errors import message_for
    return message_for(code)


def test_late_after_the_grace_minutes_on_a_frozen_clock(org, factory):
    event = make_event(org.organizer, grace=10)
    session = event.sessions[0]
    on_time, late = (join(factory.member(name=n, branch=org.one), event) for n in ("准时", "迟到"))
    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        first = checkin.perform_checkin(session.id, method="manual", registration_id=on_time.id,
                                        operator=org.organizer)
    with time_machine.travel(START + timedelta(minutes=10, seconds=1), tick=False):
        second = checkin.perform_checkin(session.id, method="manual", registration_id=late.id,
                                         operator=org.organizer)
    assert (first.late, first.message) == (False, "签到成功")
    assert (second.late, second.message) == (True, "签到成功（迟到）")
    assert attendance.session_summary(session)["late"] == 1


def test_a_second_scan_is_a_duplicate_with_the_first_time(training):
    t = training
    first = scan(t.session, t.ticket.code, now=START + timedelta(minutes=1))
    again = scan(t.session, t.ticket.code, now=START + timedelta(minutes=20))
    assert (again.result, again.code) == ("duplicate", "already_checked_in")
    assert again.first_at == first.at
    assert again.message == "已签到（09:01），不用重复签到。"
    assert [(r.result, r.code) for r in rows()] == [("ok", None),
                                                     ("duplicate", "already_checked_in")]
    # the late flag of the first entry stands
    assert attendance.session_summary(t.session)["present"] == 1


def test_a_repeated_nonce_returns_the_first_answer_and_writes_nothing(training):
    t = training
    first = scan(t.session, t.ticket.code, nonce="scanner-1-0001")
    again = scan(t.session, t.ticket.code, nonce="scanner-1-0001",
                 now=ON_TIME + timedelta(minutes=3))
    assert (again.result, again.code, again.at) == ("ok", None, first.at)
    assert again.message == "签到成功"
    # a refused answer is repeated as well, even if the retry carries other data
    refused = scan(t.session, "garbage", nonce="scanner-1-0002")
    retry = scan(t.session, t.ticket.code, nonce="scanner-1-0002")
    assert (refused.code, retry.code) == ("unknown_ticket", "unknown_ticket")
    assert len(rows()) == 2
    assert [r.nonce for r in rows()] == ["scanner-1-0001", "scanner-1-0002"]


def test_a_nonce_reused_for_another_session_is_refused_and_writes_nothing(org, factory):
    event = make_event(org.organizer, sessions=2)
    first, second = event.sessions
    registration = join(factory.member(name="重复", branch=org.one), event)
    scan(first, None, registration_id=registration.id, method="manual", operator=org.organizer,
         nonce="device-7-0001")
    with pytest.raises(DomainError) as caught:
        scan(second, None, registration_id=registration.id, method="manual",
             operator=org.organizer, nonce="device-7-0001", now=second.starts_at)
    assert caught.value.code == "bad_request"
    assert len(rows()) == 1


def test_exit_rules(org, factory):
    event = make_event(org.organizer, checkout=True)
    session = event.sessions[0]
    registration = join(factory.member(name="赵六", branch=org.one), event)
    code = checkin.ticket_for(registration).code
    after = session.ends_at + timedelta(minutes=5)

    early = scan(session, code, kind="exit", now=after)
    assert (early.result, early.code) == ("refused", "not_checked_in")
    assert early.message == "还没有签到，不能签退。"
    assert scan(session, code).result == "ok"
    out = scan(session, code, kind="exit", now=after)
    assert (out.result, out.message) == ("ok", "签退成功")
    again = scan(session, code, kind="exit", now=after + timedelta(minutes=1))
    assert (again.result, again.code) == ("duplicate", "already_checked_out")
    assert again.message == f"已签退（{shanghai(after)}），不用重复签退。"
    assert [r.kind for r in rows()] == ["exit", "entry", "exit", "exit"]
    with pytest.raises(DomainError):
        scan(session, code, kind="sideways")


def test_back_fill_skips_the_window_keeps_the_reason_and_is_audited(training, org):
    t = training
    later = START + timedelta(days=2)
    answer = scan(t.session, None, registration_id=t.registration.id, method="backfill",
                  operator=org.organizer, reason="根据纸质签到表补录", now=later)
    assert answer.result == "ok"
    [row] = rows()
    assert (row.method, row.reason, row.operator_id) == ("backfill", "根据纸质签到表补录",
                                                         org.organizer.id)
    [log] = db.session.query(AuditLog).filter_by(action="checkin.backfill").all()
    assert log.actor_id == org.organizer.id and log.target_id == row.id
    assert log.details["reason"] == "根据纸质签到表补录"
    assert log.details["registration_id"] == t.registration.id


def test_back_fill_still_refuses_leave_and_unconfirmed(training, org):
    approved_leave(org.organizer, training.registration)
    answer = scan(training.session, None, registration_id=training.registration.id,
                  method="backfill", operator=org.organizer, reason="纸质签到表",
                  now=START + timedelta(days=1))
    assert answer.code == "on_leave"


def test_manual_check_in_is_audited_and_scans_are_not(training, org):
    scan(training.session, training.ticket.code, operator=org.organizer)
    assert db.session.query(AuditLog).filter(AuditLog.action.like("checkin.%")).count() == 0
    other = make_event(org.organizer, title="第二期")
    registration = join(training.member, other)
    scan(other.sessions[0], None, registration_id=registration.id, method="manual",
         operator=org.organizer)
    assert db.session.query(AuditLog).filter_by(action="checkin.manual").count() == 1


def test_an_unknown_session_raises_and_writes_nothing(training):
    with pytest.raises(DomainError) as caught:
        checkin.perform_checkin(987654, method="ticket_scan", code=training.ticket.code)
    assert caught.value.code == "not_found"
    assert rows() == []


# ------------------------------------------------------------- slot codes

T0 = START.timestamp() + 3  # 3 s into a slot (START is a whole number of periods)


def test_slot_codes_current_and_previous_accepted_older_refused(training, org):
    sid = training.session.id
    code, left = checkin.current_slot_code(sid, now_ts=T0)
    assert left == pytest.approx(PERIOD - 3)
    assert len(code) == 8 and set(code) <= set(TICKET_ALPHABET)
    assert code == checkin.slot_code(sid, int(T0 // PERIOD))
    assert checkin.slot_code_valid(sid, code, now_ts=T0)
    assert checkin.slot_code_valid(sid, code.lower(), now_ts=T0)
    assert checkin.slot_code_valid(sid, code, now_ts=T0 + PERIOD)  # the previous code
    assert not checkin.slot_code_valid(sid, code, now_ts=T0 + 2 * PERIOD)  # two periods old
    assert not checkin.slot_code_valid(sid, code, now_ts=T0 - PERIOD)  # not from the future
    older = checkin.slot_code(sid, int(T0 // PERIOD) - 2)
    assert not checkin.slot_code_valid(sid, older, now_ts=T0)
    assert not checkin.slot_code_valid(sid, "ABCDEFGH", now_ts=T0)  # forged
    assert not checkin.slot_code_valid(sid, "", now_ts=T0)
    assert not checkin.slot_code_valid(sid, None, now_ts=T0)
    other = make_event(org.organizer, title="别的活动").sessions[0].id
    other_code, _ = checkin.current_slot_code(other, now_ts=T0)
    assert other_code != code
    assert not checkin.slot_code_valid(sid, other_code, now_ts=T0)  # other session's code


def test_slot_codes_depend_on_the_secret_key(training, app):
    sid = training.session.id
    code = checkin.slot_code(sid, 100)
    app.config["SECRET_KEY"] = "another-key"
    try:
        assert checkin.slot_code(sid, 100) != code
    finally:
        app.config["SECRET_KEY"] = "test-secret-key"


def test_self_check_in_with_the_rotating_code(training, org, factory):
    t = training
    with time_machine.travel(ON_TIME, tick=False):
        code, _ = checkin.current_slot_code(t.session.id)
        answer = checkin.self_checkin(t.member, t.session.id, code)
        again = checkin.self_checkin(t.member, t.session.id, code)
    assert (answer.result, answer.message) == ("ok", "签到成功")
    assert answer.member["name"] == "李红"
    [row, dup] = rows()
    assert (row.method, row.operator_id, row.registration_id) == (
        "self_scan", t.member.id, t.registration.id)
    assert (again.result, again.code, dup.result) == ("duplicate", "already_checked_in",
                                                       "duplicate")


def test_self_check_in_with_an_old_or_forged_code_is_refused_as_expired(training):
    t = training
    now_ts = ON_TIME.timestamp()
    slot = int(now_ts // PERIOD)
    with time_machine.travel(ON_TIME, tick=False):
        screenshot = checkin.self_checkin(t.member, t.session.id,
                                          checkin.slot_code(t.session.id, slot - 2))
        forged = checkin.self_checkin(t.member, t.session.id, "ABCDEFGH")
        previous = checkin.self_checkin(t.member, t.session.id,
                                        checkin.slot_code(t.session.id, slot - 1))
    assert (screenshot.result, screenshot.code) == ("refused", "expired_code")
    assert screenshot.message == "二维码已过期，请重新扫描屏幕上的二维码。"
    assert forged.code == "expired_code"
    assert previous.result == "ok"
    # every scan is a row, the refused ones with their code
    assert [(r.result, r.code) for r in rows()] == [
        ("refused", "expired_code"), ("refused", "expired_code"), ("ok", None)]


def test_self_check_in_of_someone_not_registered_or_not_confirmed(org, factory):
    event = make_event(org.organizer, approval_required=True)
    session = event.sessions[0]
    stranger = factory.member(name="路人", branch=org.two)
    waiting = factory.member(name="待审核", branch=org.two)
    join(waiting, event)
    with time_machine.travel(ON_TIME, tick=False):
        code, _ = checkin.current_slot_code(session.id)
        nobody = checkin.self_checkin(stranger, session.id, code)
        pending = checkin.self_checkin(waiting, session.id, code)
    assert (nobody.result, nobody.code, nobody.member) == ("refused", "not_registered", None)
    assert nobody.message == "您没有报名这个活动，请联系现场工作人员。"
    assert pending.code == "not_confirmed"
    assert [r.code for r in rows()] == ["not_confirmed"]


def test_self_check_out(org, factory):
    event = make_event(org.organizer, checkout=True)
    session = event.sessions[0]
    member = factory.member(name="周七", branch=org.one)
    join(member, event)
    end = session.ends_at
    with time_machine.travel(ON_TIME, tick=False):
        code, _ = checkin.current_slot_code(session.id)
        assert checkin.self_checkin(member, session.id, code).result == "ok"
    with time_machine.travel(end, tick=False):
        code, _ = checkin.current_slot_code(session.id, kind="exit")
        out = checkin.self_checkin(member, session.id, code, kind="exit")
    assert (out.result, out.message) == ("ok", "签退成功")


# ------------------------------------------------------------------- hours

def test_hours_count_only_sessions_attended_and_checked_out_where_required(org, factory):
    event = make_event(org.organizer, sessions=3, hours=2, checkout=[False, True, True])
    one, two, three = event.sessions
    registration = join(factory.member(name="学员", branch=org.one), event)
    assert attendance.hours(registration) == 0

    def manual(session, kind="entry"):
        answer = checkin.perform_checkin(session.id, kind=kind, method="manual",
                                         registration_id=registration.id, operator=org.organizer,
                                         now=session.starts_at)
        assert answer.result == "ok"

    manual(one)
    manual(two)  # entered, never checked out
    manual(three)
    manual(three, "exit")
    assert attendance.attended(registration.id) == {one.id, three.id}
    assert attendance.hours(registration) == 4
    manual(two, "exit")
    assert attendance.hours(registration) == 6


def test_refused_and_duplicate_scans_earn_no_hours(training, org):
    t = training
    scan(t.session, t.ticket.code, now=START - timedelta(hours=5))  # not open
    assert attendance.hours(t.registration) == 0
    scan(t.session, t.ticket.code)
    scan(t.session, t.ticket.code)
    assert attendance.hours(t.registration) == 3


# ---------------------------------------------------------------- summary

def test_session_summary_follows_the_definitions(org, factory):
    event = make_event(org.organizer, sessions=2, walk_in=True)
    session, later = event.sessions

    def person(name, branch):
        member = factory.member(name=name, branch=branch)
        return member, join(member, event)

    _, a = person("甲", org.one)  # present
    _, b = person("乙", org.one)  # present, late, two entries
    _, c = person("丙", org.one)  # approved leave for this session
    _, d = person("丁", org.one)  # absent
    e_member, e = person("戊", org.one)  # asked for leave, not approved: absent
    f_member, f = person("己", org.two)  # present, moved to the first branch afterwards
    _, g = person("庚", org.two)  # leave for the other session only: absent
    h_member = factory.member(name="辛", branch=org.two)
    h = signup.register(org.organizer, event.id, h_member.id, now=BEFORE)  # proxy
    i_member, i = person("壬", org.two)  # cancelled: not expected
    decide.cancel(i_member, i.id, now=BEFORE)
    walker = factory.member(name="列席者", branch=org.committee)

    approved_leave(org.organizer, c, session)
    leave_requests.request_leave(e_member, e.id, session.id, "看病", now=BEFORE)
    approved_leave(org.organizer, g, later)

    def manual(registration, minutes):
        return checkin.perform_checkin(session.id, method="manual", registration_id=registration.id,
                                       operator=org.organizer,
                                       now=START + timedelta(minutes=minutes))

    manual(a, -5)
    manual(b, 25)
    manual(f, 0)
    manual(h, 5)
    # A second successful entry row for b (as two scanners racing might leave): b counts once.
    db.session.add(Checkin(session_id=session.id, registration_id=b.id, kind="entry",
                           method="manual", result="ok", at=START + timedelta(minutes=26)))
    db.session.commit()
    checkin.walk_in(org.organizer, session.id, walker.id, now=START + timedelta(minutes=40))
    f_member.branch_id = org.one.id
    db.session.commit()

    summary = attendance.session_summary(session)
    assert {k: v for k, v in summary.items() if k != "by_branch"} == {
        "expected": 8, "present": 4, "on_leave": 1, "absent": 3, "late": 1, "walk_in": 1,
        "backfilled": 0, "rate": round(4 / 7, 4)}
    assert summary["by_branch"] == [
        {"branch": "第一党支部", "expected": 5, "present": 2, "on_leave": 1, "absent": 2,
         "backfilled": 0},
        {"branch": "第二党支部", "expected": 3, "present": 2, "on_leave": 0, "absent": 1,
         "backfilled": 0},
    ]
    # The other session: nobody present yet; g is on leave there.
    other = attendance.session_summary(later)
    assert (other["expected"], other["present"], other["on_leave"], other["absent"],
            other["walk_in"]) == (8, 0, 1, 7, 0)


def test_summary_of_an_event_without_registrations(training, org):
    empty = make_event(org.organizer, title="没人报名")
    summary = attendance.session_summary(empty.sessions[0])
    assert summary == {"expected": 0, "present": 0, "on_leave": 0, "absent": 0, "late": 0,
                       "walk_in": 0, "backfilled": 0, "rate": None, "by_branch": []}


def test_everyone_on_leave_gives_no_rate(training, org):
    approved_leave(org.organizer, training.registration)
    summary = attendance.session_summary(training.session)
    assert (summary["expected"], summary["on_leave"], summary["rate"]) == (1, 1, None)


# ---------------------------------------------------------------- walk-ins

def test_walk_in_refused_when_the_event_does_not_allow_it(training, org, factory):
    visitor = factory.member(name="访客", branch=org.two)
    with pytest.raises(DomainError) as caught:
        checkin.walk_in(org.organizer, training.session.id, visitor.id, now=ON_TIME)
    assert caught.value.code == "walk_in_not_allowed"
    assert caught.value.message == "本活动不接受现场列席，请先报名。"
    assert db.session.query(Registration).filter_by(member_id=visitor.id).count() == 0
    assert rows() == []


def test_walk_in_registers_and_checks_in_counted_apart(org, factory):
    event = make_event(org.organizer, walk_in=True)
    session = event.sessions[0]
    visitor = factory.member(name="访客", branch=org.two)
    registered = factory.member(name="已报名", branch=org.one)
    own = join(registered, event)

    answer = checkin.walk_in(org.organizer, session.id, visitor.id, nonce="wi-1", now=ON_TIME)
    assert answer.result == "ok"
    [walk] = db.session.query(Registration).filter_by(member_id=visitor.id).all()
    assert (walk.status, walk.source, walk.branch_id) == ("confirmed", "walk_in", org.two.id)
    assert db.session.query(AuditLog).filter_by(action="registration.walk_in").count() == 1
    assert rows(registration_id=walk.id)[0].method == "manual"
    # the same nonce again: nothing new
    assert checkin.walk_in(org.organizer, session.id, visitor.id, nonce="wi-1",
                           now=ON_TIME).result == "ok"
    assert len(rows(registration_id=walk.id)) == 1
    # someone already registered is checked in on their own registration
    assert checkin.walk_in(org.organizer, session.id, registered.id, now=ON_TIME).result == "ok"
    assert db.session.query(Registration).filter_by(member_id=registered.id).count() == 1
    assert db.session.get(Registration, own.id).source == "self"

    summary = attendance.session_summary(session)
    assert (summary["expected"], summary["present"], summary["walk_in"]) == (1, 1, 1)


def test_a_walk_in_before_check_in_opens_writes_nothing(org, factory):
    """Issue 8, finding 9: 签到还没开始, and no walk-in registration left behind."""
    event = make_event(org.organizer, walk_in=True)
    visitor = factory.member(name="访客", branch=org.two)
    with pytest.raises(DomainError) as caught:
        checkin.walk_in(org.organizer, event.sessions[0].id, visitor.id, nonce="wi-early",
                        now=BEFORE)
    assert (caught.value.code, caught.value.message) == ("not_open", "签到还没开始，请在开场前不久再试。")
    assert db.session.query(Registration).filter_by(member_id=visitor.id).count() == 0
    assert rows() == []
    assert db.session.query(AuditLog).filter(AuditLog.action.in_(
        ["registration.walk_in", "checkin.manual"])).count() == 0
    # the same nonce once check-in is open: checked in, not answered from the refusal
    answer = checkin.walk_in(org.organizer, event.sessions[0].id, visitor.id, nonce="wi-early",
                             now=ON_TIME)
    assert answer.result == "ok"


def test_a_refused_walk_in_leaves_pending_and_waitlisted_registrations_as_they_were(org, factory):
    event = make_event(org.organizer, walk_in=True, capacity=1, approval=True)
    session = event.sessions[0]
    waiting_for_approval = factory.member(name="待审核", branch=org.one)
    pending = join(waiting_for_approval, event)
    second = factory.member(name="候补者", branch=org.one)
    signup.register(org.organizer, event.id, member_id=factory.member(branch=org.one).id)
    waitlisted = join(second, event)
    assert (pending.status, waitlisted.status) == ("pending", "waitlisted")
    late = START + timedelta(days=2)  # check-in closed
    for member in (waiting_for_approval, second):
        with pytest.raises(DomainError) as caught:
            checkin.walk_in(org.organizer, session.id, member.id, now=late)
        assert caught.value.code == "closed"
    db.session.expire_all()
    assert db.session.get(Registration, pending.id).status == "pending"
    assert db.session.get(Registration, waitlisted.id).status == "waitlisted"
    assert rows() == [] and audit_count("registration.walk_in") == 0
    # inside the window the same walk-in confirms and checks in, in one go
    assert checkin.walk_in(org.organizer, session.id, second.id, now=ON_TIME).result == "ok"
    assert db.session.get(Registration, waitlisted.id).status == "confirmed"
    assert audit_count("registration.walk_in") == 1


def test_a_walk_in_of_someone_on_leave_is_refused_without_a_row(training, org):
    event = make_event(org.organizer, walk_in=True, title="允许列席")
    registration = join(training.member, event)
    approved_leave(org.organizer, registration)
    with pytest.raises(DomainError) as caught:
        checkin.walk_in(org.organizer, event.sessions[0].id, training.member.id, now=ON_TIME)
    assert caught.value.code == "on_leave"
    assert rows() == []


def audit_count(action):
    return db.session.query(AuditLog).filter_by(action=action).count()


# ------------------------------------------------------------ guests (来宾)

def test_a_guest_not_on_the_roster_is_counted_as_walk_in_only(org, factory):
    event = make_event(org.organizer, walk_in=True)
    session = event.sessions[0]
    member = factory.member(name="李红", branch=org.one)
    checkin.perform_checkin(session.id, method="manual", registration_id=join(member, event).id,
                            operator=org.organizer, now=ON_TIME)
    people_before = attendance.session_summary(session)

    answer = checkin.walk_in_guest(org.organizer, session.id, " 周 来宾 ", "市委组织部",
                                   "139 0000 1234", nonce="gu-1", now=ON_TIME)
    assert (answer.result, answer.message) == ("ok", "签到成功")
    assert answer.member == {"name": "周来宾", "branch": "市委组织部"}
    [guest] = db.session.query(WalkInGuest).all()
    assert (guest.name, guest.unit, guest.phone, guest.operator_id) == (
        "周来宾", "市委组织部", "13900001234", org.organizer.id)
    assert audit_count("checkin.guest") == 1
    # 列席 1 more; 应到, 实到, the rate and the branch rows as before
    summary = attendance.session_summary(session)
    assert summary["walk_in"] == people_before["walk_in"] + 1 == 1
    assert {k: v for k, v in summary.items() if k != "walk_in"} == {
        k: v for k, v in people_before.items() if k != "walk_in"}
    # never a branch's 参与人数 or 参与人次: the branch totals do not see guests
    rows_ = attendance.attendance_rows(sessions=[session.id])
    [(people, presences)] = db.session.execute(sa.select(
        sa.func.count(sa.distinct(sa.case((rows_.c.present == 1, rows_.c.member_id)))),
        sa.func.sum(rows_.c.present))).all()
    assert (people, presences) == (1, 1)

    # the same nonce again: the first answer; the same name and unit again: 已签到
    assert checkin.walk_in_guest(org.organizer, session.id, "周来宾", "市委组织部",
                                 nonce="gu-1", now=ON_TIME).result == "ok"
    again = checkin.walk_in_guest(org.organizer, session.id, "周来宾", "市委组织部",
                                  nonce="gu-2", now=ON_TIME + timedelta(minutes=3))
    assert (again.result, again.message) == ("duplicate", f"已签到（{shanghai(ON_TIME)}），不用重复签到。")
    assert db.session.query(WalkInGuest).count() == 1
    assert attendance.session_summary(session)["walk_in"] == 1


def test_a_refused_guest_writes_nothing(org, factory):
    event = make_event(org.organizer, walk_in=True)
    closed_to_walk_ins = make_event(org.organizer, title="不接受列席")
    session = event.sessions[0]

    def refusal(*args, session_id=session.id, now=ON_TIME, **kwargs):
        with pytest.raises(DomainError) as caught:
            checkin.walk_in_guest(org.organizer, session_id, *args, now=now, **kwargs)
        return caught.value.code, caught.value.field

    assert refusal("", "市委组织部") == ("guest_name_required", "name")
    assert refusal("周来宾", "  ") == ("guest_unit_required", "unit")
    assert refusal("周来宾", "市委组织部", "12345") == ("guest_phone_invalid", "phone")
    assert refusal("周来宾", "市委组织部", now=BEFORE) == ("not_open", None)
    assert refusal("周来宾", "市委组织部", now=START + timedelta(days=1)) == ("closed", None)
    assert refusal("周来宾", "市委组织部",
                   session_id=closed_to_walk_ins.sessions[0].id) == ("walk_in_not_allowed", None)
    outsider = factory.member(name="二支书记", branch=org.two, role="secretary")
    with pytest.raises(DomainError) as caught:
        checkin.walk_in_guest(outsider, session.id, "周来宾", "市委组织部", now=ON_TIME)
    assert caught.value.code == "forbidden"
    events.cancel_event(org.organizer, event, "场地检修")
    assert refusal("周来宾", "市委组织部") == ("event_cancelled", None)
    assert db.session.query(WalkInGuest).count() == 0 and audit_count("checkin.guest") == 0


# ------------------------------------------------------------------ back-fill

def test_back_fill_opens_only_once_the_session_has_started(training, org):
    t = training
    early = scan(t.session, None, registration_id=t.registration.id, method="backfill",
                 operator=org.organizer, reason="纸质签到表",
                 now=t.session.starts_at - timedelta(minutes=1))
    assert (early.result, early.code, early.message) == (
        "refused", "backfill_not_started", "本场还没有开始，开始后才能补录。")
    assert attendance.session_summary(t.session)["present"] == 0
    started = scan(t.session, None, registration_id=t.registration.id, method="backfill",
                   operator=org.organizer, reason="纸质签到表", now=t.session.starts_at)
    assert started.result == "ok"
    summary = attendance.session_summary(t.session)
    assert (summary["present"], summary["backfilled"]) == (1, 1)
    assert summary["by_branch"][0]["backfilled"] == 1


# ------------------------------------------------------------------ tickets

def test_ticket_for_makes_one_ticket_per_confirmed_registration(org, factory):
    event = make_event(org.organizer, capacity=1)
    first = join(factory.member(name="第一", branch=org.one), event)
    second = join(factory.member(name="第二", branch=org.one), event)  # waitlisted
    ticket = checkin.ticket_for(first)
    assert len(ticket.code) == TICKET_LENGTH and set(ticket.code) <= set(TICKET_ALPHABET)
    assert checkin.ticket_for(first).code == ticket.code
    assert db.session.query(Ticket).count() == 1
    assert checkin.ticket_for(second) is None
    assert checkin.ticket_url(ticket.code) == f"http://testserver/t/{ticket.code}"


def test_ticket_codes_avoid_look_alikes():
    codes = {checkin.new_ticket_code() for _ in range(300)}
    assert len(codes) == 300
    assert not set("".join(codes)) & set("01OIL")


@pytest.mark.parametrize("text", [
    "{code}",
    "{lower}",
    "http://testserver/t/{code}",
    "https://dj.example.gov.cn/t/{code}/",
    "http://testserver/t/{code}?from=wechat",
    "http://testserver/t/{code}#top",
    "  {code}\n",
    "{first}-{second}",
    "{first} {second}",
])
def test_parse_ticket_code_reads_codes_and_ticket_urls(text):
    code = "AB3CD4EF5G"
    assert checkin.parse_ticket_code(text.format(code=code, lower=code.lower(),
                                                 first=code[:5], second=code[5:])) == code


@pytest.mark.parametrize("text", [
    None, "", "   ", "garbage", "AB3CD4EF5", "AB3CD4EF5GH",
    "AB3CD4EF50",  # a zero is never part of a code
    "AB3CD4EFOG",  # nor the letter O (its look-alike)
    "AB3CD4EF1G", "AB3CD4EFIG", "AB3CD4EFLG",  # nor 1, I or L
    "http://testserver/s/12/ABCDEFGH",  # a self check-in URL is not a ticket
    "http://testserver/t/",
    "<script>alert(1)</script>",
])
def test_parse_ticket_code_refuses_garbage_and_look_alikes(text):
    assert checkin.parse_ticket_code(text) is None


# ----------------------------------------------- service bugs (the lead fixes them)

def test_back_filled_entries_are_not_counted_late(training, org):
    later = START + timedelta(days=1)
    answer = scan(training.session, None, registration_id=training.registration.id,
                  method="backfill", operator=org.organizer, reason="根据纸质签到表补录",
                  now=later)
    assert answer.result == "ok"
    assert attendance.session_summary(training.session)["late"] == 0
    assert answer.late is False


def test_the_entry_code_cannot_be_used_to_check_out(org, factory):
    event = make_event(org.organizer, checkout=True)
    session = event.sessions[0]
    member = factory.member(name="早退者", branch=org.one)
    join(member, event)
    with time_machine.travel(ON_TIME, tick=False):
        entry_code, _ = checkin.current_slot_code(session.id)
        assert checkin.self_checkin(member, session.id, entry_code).result == "ok"
        out = checkin.self_checkin(member, session.id, entry_code, kind="exit")
    assert out.result != "ok"
    assert attendance.hours(db.session.scalar(db.select(Registration))) == 0


ON_SQLITE = not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")


def test_ticket_for_works_when_someone_else_wrote_meanwhile(org, factory):
    event = make_event(org.organizer)
    registration = join(factory.member(name="并发者", branch=org.one), event)
    db.session.commit()
    # a read transaction, as in a request that loaded the user and the registration
    assert db.session.execute(sa.select(Registration.status)).scalars().all() == ["confirmed"]
    with db.engine.begin() as other:  # another request writes and commits meanwhile
        other.execute(sa.text("UPDATE member SET unit = 'x' WHERE id = :id"),
                      {"id": org.organizer.id})
    ticket = checkin.ticket_for(registration)
    assert ticket is not None and ticket.registration_id == registration.id
