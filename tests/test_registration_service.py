"""Registration rules: places, waitlist, approval, items, eligibility, leave, invitations, teams."""
from datetime import date, datetime, timedelta, timezone
from functools import partial

import pytest

from app.audit.models import AuditLog
from app.errors import DomainError
from app.events import service as events
from app.extensions import db
from app.org.scope import is_secretary_of
from app.registration import decide, event_changes, invitations, leave_requests, queries, signup, team_entries
from app.registration.models import Registration

from .event_factories import make_lessons
from .factories import people

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
START = NOW + timedelta(days=7)
make_event = partial(make_lessons, start=START)  # registration opens and closes around NOW


def codes(callable_, *args, **kwargs):
    with pytest.raises(DomainError) as caught:
        callable_(*args, **kwargs)
    return caught.value.code


def test_capacity_then_waitlist_in_order_then_promotion(org, factory):
    committee, one, two, organizer = org
    event = make_event(organizer, capacity=2)
    a, b, c, d = people(factory, one, 4)
    regs = [signup.register(m, event.id, now=NOW + timedelta(seconds=n)) for n, m in enumerate((a, b, c, d))]
    assert [r.status for r in regs] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [queries.waitlist_position(r) for r in regs[2:]] == [1, 2]

    decide.cancel(b, regs[1].id, now=NOW)
    db.session.expire_all()
    assert db.session.get(Registration, regs[2].id).status == "confirmed"
    assert db.session.get(Registration, regs[2].id).promoted_at is not None
    assert db.session.get(Registration, regs[3].id).status == "waitlisted"
    assert queries.waitlist_position(db.session.get(Registration, regs[3].id)) == 1


def test_full_without_waitlist_is_refused_and_writes_nothing(org, factory):
    *_, organizer = org
    event = make_event(organizer, capacity=1, waitlist=False)
    a, b = people(factory, org[1], 2)
    signup.register(a, event.id, now=NOW)
    assert codes(signup.register, b, event.id, now=NOW) == "event_full"
    assert db.session.query(Registration).count() == 1


def test_registering_twice_is_refused(org, factory):
    *_, organizer = org
    event = make_event(organizer)
    member = factory.member(branch=org[1])
    signup.register(member, event.id, now=NOW)
    assert codes(signup.register, member, event.id, now=NOW) == "already_registered"
    # after cancelling, registering again works (a new row; the cancelled one stays)
    reg = queries.active_registration(event.id, member.id)
    decide.cancel(member, reg.id, now=NOW)
    signup.register(member, event.id, now=NOW)
    statuses = sorted(r.status for r in db.session.query(Registration))
    assert statuses == ["cancelled", "confirmed"]


def test_window_draft_and_cancelled_events(org, factory):
    *_, organizer = org
    member = factory.member(branch=org[1])
    draft = make_event(organizer, publish=False)
    assert codes(signup.register, member, draft.id, now=NOW) == "event_not_found"
    later = make_event(organizer, opens=NOW + timedelta(days=1), closes=NOW + timedelta(days=2))
    assert codes(signup.register, member, later.id, now=NOW) == "registration_not_open"
    assert codes(signup.register, member, later.id, now=NOW + timedelta(days=3)) == "registration_closed"
    assert signup.register(member, later.id, now=NOW + timedelta(days=1, hours=1)).status == "confirmed"
    cancelled = make_event(organizer)
    events.cancel_event(organizer, cancelled, "天气原因")
    assert codes(signup.register, member, cancelled.id, now=NOW) == "event_cancelled"


def test_eligibility_reason_in_plain_chinese(org, factory):
    *_, organizer = org
    event = make_event(organizer, spec={"gender": "F", "max_age": 35})
    man = factory.member(branch=org[1], gender="M", birth_date=date(1995, 1, 1))
    older = factory.member(branch=org[1], gender="F", birth_date=date(1980, 1, 1))
    young = factory.member(branch=org[1], gender="F", birth_date=date(1995, 1, 1))
    with pytest.raises(DomainError) as caught:
        signup.register(man, event.id, now=NOW)
    assert caught.value.message == "仅限女职工报名。"
    with pytest.raises(DomainError) as caught:
        signup.register(older, event.id, now=NOW)
    assert caught.value.message == "仅限35周岁以下。"
    assert signup.register(young, event.id, now=NOW).status == "confirmed"


def test_branch_subtree_eligibility(org, factory):
    committee, one, two, organizer = org
    event = make_event(organizer, spec={"branch_ids": [one.id]})
    assert signup.register(factory.member(branch=one), event.id, now=NOW)
    assert codes(signup.register, factory.member(branch=two), event.id, now=NOW) == "not_eligible"


def test_approval_required_then_approve_or_reject_with_reason(org, factory):
    *_, organizer = org
    event = make_event(organizer, capacity=1, approval=True)
    a, b = people(factory, org[1], 2)
    ra = signup.register(a, event.id, now=NOW)
    rb = signup.register(b, event.id, now=NOW + timedelta(seconds=1))
    assert (ra.status, rb.status) == ("pending", "waitlisted")
    assert codes(decide.reject, organizer, ra.id, "") == "reject_reason_required"
    decide.reject(organizer, ra.id, "名额优先安排新任干部")
    db.session.expire_all()
    ra, rb = db.session.get(Registration, ra.id), db.session.get(Registration, rb.id)
    assert ra.status == "rejected" and ra.decision_reason == "名额优先安排新任干部"
    assert rb.status == "pending"  # promoted, still needs approval
    decide.approve(organizer, rb.id)
    assert db.session.get(Registration, rb.id).status == "confirmed"
    assert codes(decide.approve, a, rb.id) == "forbidden"
    actions = {row.action for row in db.session.query(AuditLog)}
    assert {"registration.reject", "registration.approve", "registration.promote"} <= actions


def test_items_limit_capacity_quota_and_age_group(org, factory):
    committee, one, two, organizer = org
    items = [
        {"name": "100米", "capacity": 2},
        {"name": "拔河", "is_team": True, "team_min": 2, "team_max": 3, "branch_quota": 3},
        {"name": "跳绳", "branch_quota": 1},
        {"name": "中年组健步走", "min_age": 40},
    ]
    event = make_event(organizer, kind="sports", items=items, item_limit=2)
    hundred, tug, rope, walk = event.items
    a, b, c = people(factory, one, 3, birth_date=date(1995, 5, 1))
    d = factory.member(branch=two, birth_date=date(1970, 5, 1))

    assert codes(signup.register, a, event.id, item_ids=[], now=NOW) == "items_required"
    assert codes(signup.register, a, event.id, item_ids=[hundred.id, tug.id, rope.id], now=NOW) == "item_limit_exceeded"
    assert codes(signup.register, a, event.id, item_ids=[walk.id], now=NOW) == "item_not_eligible"
    assert codes(signup.register, a, event.id, item_ids=[999999], now=NOW) == "item_unknown"
    signup.register(a, event.id, item_ids=[hundred.id, rope.id], now=NOW)
    assert codes(signup.register, b, event.id, item_ids=[rope.id], now=NOW) == "item_quota_full"
    signup.register(b, event.id, item_ids=[hundred.id], now=NOW)
    assert codes(signup.register, c, event.id, item_ids=[hundred.id], now=NOW) == "item_full"
    signup.register(d, event.id, item_ids=[rope.id, walk.id], now=NOW)  # other branch's quota, 40+
    assert db.session.query(Registration).count() == 3


def test_capacity_cannot_drop_below_places_taken_and_raising_promotes(org, factory):
    *_, organizer = org
    event = make_event(organizer, capacity=2)
    regs = [signup.register(m, event.id, now=NOW + timedelta(seconds=n))
            for n, m in enumerate(people(factory, org[1], 3))]
    sessions = [{"id": s.id, "starts_at": s.starts_at, "ends_at": s.ends_at} for s in event.sessions]
    with pytest.raises(DomainError) as caught:
        event_changes.edit_event(organizer, event.id, {"capacity": 1}, sessions)
    assert caught.value.code == "capacity_below_confirmed"
    assert "已有 2 人报名" in caught.value.message
    assert db.session.get(type(event), event.id).capacity == 2
    event_changes.edit_event(organizer, event.id, {"capacity": 3}, sessions)
    db.session.expire_all()
    assert db.session.get(Registration, regs[2].id).status == "confirmed"


def test_member_cancels_only_until_the_window_closes(org, factory):
    *_, organizer = org
    event = make_event(organizer, closes=NOW + timedelta(days=1))
    member = factory.member(branch=org[1])
    reg = signup.register(member, event.id, now=NOW)
    assert codes(decide.cancel, member, reg.id, now=NOW + timedelta(days=2)) == "cannot_cancel_now"
    other = factory.member(branch=org[2])
    assert codes(decide.cancel, other, reg.id, now=NOW) == "forbidden"
    decide.cancel(organizer, reg.id, now=NOW + timedelta(days=2))  # staff may
    assert db.session.get(Registration, reg.id).status == "cancelled"


def test_proxy_registration_within_the_secretarys_subtree_only(org, factory):
    committee, one, two, organizer = org
    secretary = factory.member(branch=one, role="secretary")
    event = make_event(organizer)
    mine, theirs = factory.member(branch=one), factory.member(branch=two)
    reg = signup.register(secretary, event.id, mine.id, now=NOW)
    assert (reg.source, reg.registered_by_id, reg.member_id) == ("proxy", secretary.id, mine.id)
    assert codes(signup.register, secretary, event.id, theirs.id, now=NOW) == "proxy_out_of_scope"
    plain = factory.member(branch=one)
    assert codes(signup.register, plain, event.id, theirs.id, now=NOW) == "proxy_out_of_scope"


def test_registration_keeps_the_branch_it_was_made_in(org, factory):
    committee, one, two, organizer = org
    event = make_event(organizer)
    member = factory.member(branch=one)
    reg = signup.register(member, event.id, now=NOW)
    member.branch_id = two.id
    db.session.commit()
    assert db.session.get(Registration, reg.id).branch_id == one.id


def test_leave_request_and_decisions(org, factory):
    committee, one, two, organizer = org
    event = make_event(organizer, sessions=2)
    member = factory.member(branch=one)
    secretary = factory.member(branch=one, role="secretary")
    other_secretary = factory.member(branch=two, role="secretary")
    reg = signup.register(member, event.id, now=NOW)
    first, second = event.sessions
    assert codes(leave_requests.request_leave, member, reg.id, first.id, " ") == "leave_reason_required"
    [leave] = leave_requests.request_leave(member, reg.id, first.id, "外出公干")
    assert codes(leave_requests.request_leave, member, reg.id, first.id, "再请") == "leave_duplicate"
    assert codes(leave_requests.request_leave, member, reg.id, None, "全部请假") == "leave_duplicate"
    assert codes(leave_requests.decide_leave, member, leave.id, True) == "forbidden"
    assert codes(leave_requests.decide_leave, other_secretary, leave.id, True) == "forbidden"
    leave_requests.decide_leave(secretary, leave.id, True, "同意")
    assert codes(leave_requests.decide_leave, organizer, leave.id, False) == "leave_not_pending"
    [second_leave] = leave_requests.request_leave(member, reg.id, second.id, "培训冲突")
    leave_requests.decide_leave(organizer, second_leave.id, False, "请调整工作安排")
    statuses = sorted(leave.status for leave in db.session.get(Registration, reg.id).leaves)
    assert statuses == ["approved", "rejected"]


def test_leave_only_for_confirmed_registrations(org, factory):
    *_, organizer = org
    event = make_event(organizer, capacity=1)
    a, b = people(factory, org[1], 2)
    signup.register(a, event.id, now=NOW)
    waiting = signup.register(b, event.id, now=NOW)
    assert codes(leave_requests.request_leave, b, waiting.id, None, "有事") == "leave_not_allowed"


def test_leave_for_a_chosen_subset_of_sessions(org, factory):
    committee, one, two, organizer = org
    event = make_event(organizer, sessions=3)
    first, second, third = event.sessions
    member, other = people(factory, one, 2)
    reg = signup.register(member, event.id, now=NOW)
    chosen = leave_requests.request_leave(member, reg.id, [third.id, first.id], "出差两天", now=NOW)
    assert [leave.session_id for leave in chosen] == [first.id, third.id]  # one per session
    assert [c.refusal for c in leave_requests.leave_choices(reg, NOW)] == [
        "leave_duplicate", None, "leave_duplicate"]
    assert codes(leave_requests.request_leave, member, reg.id, [], "有事", now=NOW) == (
        "leave_sessions_required")
    assert codes(leave_requests.request_leave, member, reg.id, [second.id, 987654], "有事",
                 now=NOW) == "leave_session_unknown"
    # every session at once is one leave for 全部场次
    other_reg = signup.register(other, event.id, now=NOW)
    [whole] = leave_requests.request_leave(other, other_reg.id,
                                           [first.id, second.id, third.id], "病假", now=NOW)
    assert whole.session_id is None
    assert db.session.query(AuditLog).filter_by(action="leave.request").count() == 3


def test_no_leave_for_a_session_that_has_ended_or_was_attended(org, factory):
    """Issue 8, item 13: such sessions are not offered and the service refuses them."""
    from app.checkin import service as checkin

    committee, one, two, organizer = org
    event = make_event(organizer, sessions=3)  # 3-hour lessons a day apart from START
    first, second, third = event.sessions
    member = factory.member(branch=one)
    reg = signup.register(member, event.id, now=NOW)
    checkin.perform_checkin(first.id, method="manual", registration_id=reg.id,
                            operator=organizer, now=first.starts_at)
    during_the_third = third.starts_at + timedelta(minutes=30)  # 1 attended, 2 missed, 3 on
    assert [c.refusal for c in leave_requests.leave_choices(reg, during_the_third)] == [
        "leave_session_attended", "leave_session_over", None]
    assert codes(leave_requests.request_leave, member, reg.id, [first.id], "补请假",
                 now=during_the_third) == "leave_session_attended"
    with pytest.raises(DomainError) as caught:
        leave_requests.request_leave(member, reg.id, [second.id, third.id], "补请假",
                                     now=during_the_third)
    assert (caught.value.code, caught.value.field) == ("leave_session_over", "session_id")
    assert caught.value.message == "「第2课」已经结束，不能再请假。"
    assert codes(leave_requests.request_leave, member, reg.id, None, "全部",
                 now=during_the_third) == "leave_session_attended"
    assert db.session.get(Registration, reg.id).leaves == []
    # a session checked in before it starts (check-in opens early) takes no leave either
    checkin.perform_checkin(third.id, method="manual", registration_id=reg.id,
                            operator=organizer, now=third.starts_at - timedelta(minutes=20))
    assert codes(leave_requests.request_leave, organizer, reg.id, [third.id], "有事",
                 now=third.starts_at - timedelta(minutes=10)) == "leave_session_attended"
    assert db.session.query(AuditLog).filter_by(action="leave.request").count() == 0


def test_mandatory_list_invites_everyone_matching(org, factory):
    committee, one, two, organizer = org
    section = people(factory, one, 3, rank="正科级") + people(factory, two, 2, rank="副科级")
    staff = people(factory, one, 2, rank="一级科员")
    event = make_event(organizer, kind="warning_education", capacity=2)
    waiting = signup.register(staff[0], event.id, now=NOW)
    signup.register(section[0], event.id, now=NOW)
    spec = {"rank_levels": ["section"], "branch_ids": [one.id, two.id]}
    preview = invitations.invitation_preview(event, spec)
    assert (preview["matched"], preview["confirmed"]) == (5, 1)
    counts = invitations.invite(organizer, event.id, spec)
    assert counts == {"matched": 5, "added": 4, "upgraded": 0, "already": 1}
    invited = db.session.query(Registration).filter_by(source="invited").count()
    assert invited == 4  # over the capacity of 2: invited people always get a place
    assert invitations.invite(organizer, event.id, spec)["added"] == 0  # idempotent
    assert waiting.status == "confirmed"  # registered before the list, kept


def test_team_within_size_and_branch(org, factory):
    committee, one, two, organizer = org
    event = make_event(organizer, kind="sports",
                       items=[{"name": "拔河", "is_team": True, "team_min": 2, "team_max": 3}])
    tug = event.items[0]
    secretary = factory.member(branch=one, role="secretary")
    ours = [signup.register(m, event.id, item_ids=[tug.id], now=NOW) for m in people(factory, one, 4)]
    theirs = signup.register(factory.member(branch=two), event.id, item_ids=[tug.id], now=NOW)
    ids = [r.id for r in ours]
    assert codes(team_entries.save_team, secretary, tug.id, one.id, "一支部", ids) == "team_size"
    assert codes(team_entries.save_team, secretary, tug.id, one.id, "一支部", ids[:2] + [theirs.id]) == "team_member_other_branch"
    assert codes(team_entries.save_team, secretary, tug.id, two.id, "二支部", [theirs.id, ids[0]]) == "forbidden"
    team = team_entries.save_team(secretary, tug.id, one.id, "一支部", ids[:3])
    assert len([m for m in team.members if m.active]) == 3
    assert codes(team_entries.save_team, secretary, tug.id, one.id, "一支部二队", ids[2:4]) == "team_member_taken"
    team_entries.save_team(secretary, tug.id, one.id, "一支部", ids[1:3], team_id=team.id)
    assert sorted(m.registration_id for m in team.members if m.active) == ids[1:3]


def test_secretary_cannot_take_over_another_branchs_team_by_id(org, factory):
    committee, one, two, organizer = org
    event = make_event(organizer, kind="sports",
                       items=[{"name": "拔河", "is_team": True, "team_min": 2, "team_max": 3}])
    tug = event.items[0]
    sec_one = factory.member(branch=one, role="secretary")
    sec_two = factory.member(branch=two, role="secretary")
    ours = [signup.register(m, event.id, item_ids=[tug.id], now=NOW) for m in people(factory, one, 2)]
    theirs = [signup.register(m, event.id, item_ids=[tug.id], now=NOW) for m in people(factory, two, 2)]
    team = team_entries.save_team(sec_two, tug.id, two.id, "二支部队", [r.id for r in theirs])
    assert codes(team_entries.save_team, sec_one, tug.id, one.id, "一支部", [r.id for r in ours],
                 team_id=team.id) == "forbidden"


def test_secretary_scope_follows_the_branch_kept_on_the_registration(org, factory):
    committee, one, two, organizer = org
    event = make_event(organizer)
    sec_one = factory.member(branch=one, role="secretary")
    sec_two = factory.member(branch=two, role="secretary")
    member = factory.member(branch=two)
    reg = signup.register(member, event.id, now=NOW)
    member.branch_id = one.id  # moved after registering
    db.session.commit()
    assert codes(decide.cancel, sec_one, reg.id, now=NOW) == "forbidden"
    decide.cancel(sec_two, reg.id, now=NOW)
    assert db.session.get(Registration, reg.id).status == "cancelled"


def test_a_secretary_acts_for_the_registrations_of_their_own_subtree(org, factory):
    committee, one, two, organizer = org
    sec_top = factory.member(branch=committee, role="secretary")
    sec_one = factory.member(branch=one, role="secretary")
    assert is_secretary_of(sec_top, committee) and is_secretary_of(sec_top, two)
    assert is_secretary_of(sec_one, one) and not is_secretary_of(sec_one, two)
    assert not is_secretary_of(sec_one, committee)  # never upwards
    assert not is_secretary_of(organizer, one)  # organizers act by managing the event
    assert not is_secretary_of(factory.member(branch=one), one)


def test_a_secretary_who_organises_an_event_decides_leave_for_their_own_branch_only(org, factory):
    committee, one, two, organizer = org
    sec_one = factory.member(branch=one, role="secretary")
    event = make_event(sec_one, sessions=2)  # organised by 第一党支部, open to everyone
    theirs = signup.register(factory.member(branch=two), event.id, now=NOW)
    ours = signup.register(factory.member(branch=one), event.id, now=NOW)
    [their_leave] = leave_requests.request_leave(theirs.member, theirs.id, None, "出差")
    [our_leave] = leave_requests.request_leave(ours.member, ours.id, None, "出差")
    assert codes(leave_requests.decide_leave, sec_one, their_leave.id, True) == "forbidden"
    assert leave_requests.decide_leave(sec_one, our_leave.id, True).status == "approved"
    # as the event's manager they may still cancel anyone's registration
    decide.cancel(sec_one, theirs.id, now=NOW)
    assert db.session.get(Registration, theirs.id).status == "cancelled"


def test_a_team_items_branch_quota_counts_teams(org, factory):
    committee, one, two, organizer = org
    event = make_event(organizer, kind="sports", items=[
        {"name": "拔河", "is_team": True, "team_min": 2, "team_max": 2, "branch_quota": 1}])
    tug = event.items[0]
    secretary = factory.member(branch=one, role="secretary")
    regs = [signup.register(m, event.id, item_ids=[tug.id], now=NOW) for m in people(factory, one, 4)]
    team_entries.save_team(secretary, tug.id, one.id, "一队", [r.id for r in regs[:2]])
    assert codes(team_entries.save_team, secretary, tug.id, one.id, "二队",
                 [r.id for r in regs[2:]]) == "team_quota_full"


def test_staff_own_invited_registration_follows_member_rules(org, factory):
    committee, one, two, organizer = org
    event = make_event(organizer)
    invitations.invite(organizer, event.id, {"branch_ids": [committee.id]})
    own = queries.active_registration(event.id, organizer.id)
    assert codes(decide.cancel, organizer, own.id, now=NOW) == "cannot_cancel_invited"


def test_no_leave_for_a_cancelled_event(org, factory):
    *_, organizer = org
    event = make_event(organizer)
    member = factory.member(branch=org[1])
    reg = signup.register(member, event.id, now=NOW)
    events.cancel_event(organizer, event, "改期")
    assert codes(leave_requests.request_leave, member, reg.id, None, "有事") == "event_cancelled"


def test_a_cancelled_draft_never_shows_to_members(org, factory):
    *_, organizer = org
    draft = make_event(organizer, publish=False)
    events.cancel_event(organizer, draft, "不办了")
    assert draft.id not in [e.id for e in events.listed_events()]
    with pytest.raises(DomainError):
        events.get_visible_event(draft.id)
