"""JSON API v1 of the scanner: scans, manual check-ins, the expected-member search, the
session summary, who may call it (staff, scanner links), and its OpenAPI document.
The concurrency cases run the app under gunicorn (separate processes)."""
import json
import random
import re
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.audit.models import AuditLog
from app.checkin import attendance
from app.checkin import service as checkin
from app.checkin.models import Checkin, Ticket
from app.checkin.scanning import opened_token
from app.errors import message_for
from app.events import service as events
from app.extensions import db
from app.registration import decide, invitations, leave_requests
from app.registration.models import Registration
from app.timeutil import utcnow

from .event_factories import attendee, open_event
from .http_client import Browser, gunicorn

CHINESE = re.compile(r"[\u4e00-\u9fff]")


# ------------------------------------------------------------------ set-up
# org and scene (an event open for check-in now, with two ticket holders): tests/conftest.py

def scans_url(session_id):
    return f"/api/v1/sessions/{session_id}/scans"


def scan(client, session_id, code, kind="entry", nonce=None, **extra):
    body = {"code": code, "kind": kind, "nonce": nonce or f"n-{random.random()}", **extra}
    return client.post(scans_url(session_id), json=body)


def opened_ago(session, minutes):
    """The scanner page's signed "opened at" (it carries it into every scan), for a page
    opened ``minutes`` ago: a queued scan is dated back no further."""
    return opened_token(session.id, now=utcnow() - timedelta(minutes=minutes))


def rows(**filters):
    db.session.rollback()
    return db.session.scalars(db.select(Checkin).filter_by(**filters).order_by(Checkin.id)).all()


@pytest.fixture
def staff(scene, login):
    return login(scene.organizer)


# ------------------------------------------------------------------ scans: ok and duplicate

def test_scan_ok_then_duplicate_with_the_first_time(scene, staff):
    first = scan(staff, scene.session.id, scene.alice_code, nonce="nonce-1")
    assert first.status_code == 200
    data = first.get_json()
    assert data["result"] == "ok" and data["code"] is None
    assert data["message"] == "签到成功"
    assert data["member"] == {"name": "王秀英", "branch": "第一党支部"}
    assert data["at"] and data["first_at"] is None

    again = scan(staff, scene.session.id, scene.alice_code, nonce="nonce-2").get_json()
    assert again["result"] == "duplicate" and again["code"] == "already_checked_in"
    assert again["first_at"] == data["at"]
    assert again["message"].startswith("已签到（") and "不用重复签到" in again["message"]
    saved = rows(session_id=scene.session.id)
    assert [(r.result, r.code, r.method, r.operator_id) for r in saved] == [
        ("ok", None, "ticket_scan", scene.organizer.id),
        ("duplicate", "already_checked_in", "ticket_scan", scene.organizer.id)]


def test_scan_reads_ticket_urls_and_sloppy_typing(scene, staff):
    url = f"http://testserver/t/{scene.alice_code}"
    assert scan(staff, scene.session.id, url).get_json()["result"] == "ok"
    typed = " " + "-".join([scene.bob_code[:5].lower(), scene.bob_code[5:]]) + " "
    assert scan(staff, scene.session.id, typed).get_json()["result"] == "ok"


def test_exit_after_entry_then_duplicate_exit(scene, staff):
    assert scan(staff, scene.session.id, scene.alice_code).get_json()["result"] == "ok"
    out = scan(staff, scene.session.id, scene.alice_code, kind="exit").get_json()
    assert (out["result"], out["message"]) == ("ok", "签退成功")
    again = scan(staff, scene.session.id, scene.alice_code, kind="exit").get_json()
    assert (again["result"], again["code"]) == ("duplicate", "already_checked_out")
    assert again["first_at"] == out["at"]


# ------------------------------------------------------------------ scans: every refusal

@pytest.mark.parametrize("content", [
    "hello", "", "https://weixin.qq.com/r/AbCdEfGhIj", "WIFI:S:会议室;T:WPA;P:12345678;;",
    "http://testserver/t/", "ABCDEFGHJK", "{{not a ticket}}" * 10,
])
def test_garbage_and_foreign_qr_content_is_an_unknown_ticket(scene, staff, content):
    if not content:  # an empty code is a malformed request, not a scan
        assert scan(staff, scene.session.id, content).status_code == 400
        return
    data = scan(staff, scene.session.id, content).get_json()
    assert (data["result"], data["code"], data["member"]) == ("refused", "unknown_ticket", None)
    assert data["message"] == "无法识别的票码，请核对后重试。"
    (row,) = rows()
    assert (row.result, row.code, row.registration_id) == ("refused", "unknown_ticket", None)
    assert row.scanned == content[:200]


def test_control_characters_from_a_foreign_qr_do_not_break_the_database(scene, staff):
    """Binary QR content may hold NUL, which PostgreSQL refuses in text columns."""
    data = scan(staff, scene.session.id, "abc\x00\x01def").get_json()
    assert (data["result"], data["code"]) == ("refused", "unknown_ticket")
    assert rows()[0].scanned == "abc\ufffd\ufffddef"
    found = staff.get(f"/api/v1/sessions/{scene.session.id}/expected?q=%00")
    assert found.status_code == 200 and found.get_json()["items"] == []


def test_ticket_of_another_event_is_wrong_event(scene, factory, staff):
    other = open_event(scene.organizer, title="另一场活动")
    _, _, code = attendee(factory, scene.organizer, other, "赵敏", scene.one)
    data = scan(staff, scene.session.id, code).get_json()
    assert (data["result"], data["code"]) == ("refused", "wrong_event")
    assert data["member"] == {"name": "赵敏", "branch": "第一党支部"}
    assert "其他活动" in data["message"]


def test_cancelled_registration_is_not_confirmed(scene, staff):
    decide.cancel(scene.organizer, scene.alice_reg.id)
    data = scan(staff, scene.session.id, scene.alice_code).get_json()
    assert (data["result"], data["code"]) == ("refused", "not_confirmed")
    assert "尚未确认" in data["message"]


def test_approved_leave_is_on_leave(scene, staff):
    [leave] = leave_requests.request_leave(scene.alice, scene.alice_reg.id, scene.session.id, "出差")
    leave_requests.decide_leave(scene.organizer, leave.id, True)
    data = scan(staff, scene.session.id, scene.alice_code).get_json()
    assert (data["result"], data["code"], data["message"]) == ("refused", "on_leave",
                                                               "已请假，本场不需要签到。")


def test_before_the_window_is_not_open_and_after_it_closed(scene, login):
    start, end = scene.session.starts_at, scene.session.ends_at
    # (Log in at the travelled-to time: a session cookie signed "in the future" is refused.)
    with time_machine.travel(start - timedelta(minutes=61), tick=False):
        early = scan(login(scene.organizer), scene.session.id, scene.alice_code).get_json()
    with time_machine.travel(start - timedelta(minutes=59), tick=False):
        just_open = scan(login(scene.organizer), scene.session.id, scene.bob_code).get_json()
    with time_machine.travel(end + timedelta(minutes=61), tick=False):
        late = scan(login(scene.organizer), scene.session.id, scene.alice_code).get_json()
    assert (early["result"], early["code"]) == ("refused", "not_open")
    assert "还没开始" in early["message"]
    assert just_open["result"] == "ok"
    assert (late["result"], late["code"]) == ("refused", "closed")
    assert "已结束" in late["message"]


def test_exit_without_entry_is_not_checked_in(scene, staff):
    data = scan(staff, scene.session.id, scene.alice_code, kind="exit").get_json()
    assert (data["result"], data["code"], data["message"]) == (
        "refused", "not_checked_in", "还没有签到，不能签退。")


def test_late_entry_and_a_queued_scan_dated_back_with_age(org, factory, login):
    event = open_event(org.organizer, minutes_to_start=-15)  # started 15 minutes ago, grace 10
    session = event.sessions[0]
    _, _, late_code = attendee(factory, org.organizer, event, "迟到者", org.one)
    _, _, queued_code = attendee(factory, org.organizer, event, "排队者", org.one)
    client = login(org.organizer)
    late = scan(client, session.id, late_code).get_json()
    assert (late["result"], late["message"]) == ("ok", "签到成功（迟到）")
    # Scanned 10 minutes ago (5 minutes after the start) while offline, uploaded now.
    queued = scan(client, session.id, queued_code, age=600,
                  opened=opened_ago(session, 20)).get_json()
    assert (queued["result"], queued["message"]) == ("ok", "签到成功")
    row = rows(code=None, late=False)[0]
    assert abs((utcnow() - timedelta(seconds=600) - row.at).total_seconds()) < 30
    assert attendance.session_summary(session)["late"] == 1


# ------------------------------------------------------------------ nonces

def test_a_replayed_nonce_returns_the_first_answer_and_writes_one_row(scene, staff):
    first = scan(staff, scene.session.id, scene.alice_code, nonce="resent-after-timeout")
    again = scan(staff, scene.session.id, scene.alice_code, nonce="resent-after-timeout")
    assert first.get_json() == again.get_json()
    assert first.get_json()["result"] == "ok"
    assert len(rows()) == 1
    refused = scan(staff, scene.session.id, "garbage", nonce="garbage-nonce").get_json()
    assert scan(staff, scene.session.id, "garbage", nonce="garbage-nonce").get_json() == refused
    dup = scan(staff, scene.session.id, scene.alice_code, nonce="dup-nonce").get_json()
    assert dup["result"] == "duplicate"
    assert scan(staff, scene.session.id, scene.alice_code, nonce="dup-nonce").get_json() == dup
    assert len(rows()) == 3


# ------------------------------------------------------------------ malformed requests

@pytest.mark.parametrize("body, kwargs", [
    (None, {"data": "code=ABC", "content_type": "application/x-www-form-urlencoded"}),
    (None, {"data": "{not json", "content_type": "application/json"}),
    (["ABC"], {}),
    ("ABC", {}),
    ({}, {}),
    ({"code": 12345}, {}),
    ({"code": None}, {}),
    ({"code": "   "}, {}),
    ({"code": "X" * 1001}, {}),
    ({"code": "ABC", "kind": "sideways"}, {}),
    ({"code": "ABC", "kind": 1}, {}),
    ({"code": "ABC", "nonce": "n" * 65}, {}),
    ({"code": "ABC", "nonce": 7}, {}),
    ({"code": "ABC", "nonce": ""}, {}),
    ({"code": "ABC", "nonce": "has space"}, {}),
    ({"code": "ABC", "nonce": "nul\x00"}, {}),
    ({"code": "ABC", "age": -1}, {}),
    ({"code": "ABC", "age": "600"}, {}),
    ({"code": "ABC", "age": True}, {}),
])
def test_malformed_scan_requests_get_a_chinese_400(scene, staff, body, kwargs):
    if body is not None:
        kwargs = {"json": body}
    response = staff.post(scans_url(scene.session.id), **kwargs)
    assert response.status_code == 400
    assert response.is_json
    data = response.get_json()
    assert data["result"] == "error" and data["code"] in ("api_bad_json", "api_bad_field")
    assert CHINESE.search(data["message"])
    assert rows() == []


@pytest.mark.parametrize("body", [{}, {"registration_id": "1"}, {"registration_id": True},
                                  {"registration_id": -3}, {"registration_id": 1.5}])
def test_malformed_manual_checkins_get_a_chinese_400(scene, staff, body):
    response = staff.post(f"/api/v1/sessions/{scene.session.id}/checkins", json=body)
    assert response.status_code == 400
    assert response.get_json()["code"] == "api_bad_field"
    assert CHINESE.search(response.get_json()["message"])


def test_wrong_method_and_unknown_session(scene, staff):
    assert staff.get(scans_url(scene.session.id)).status_code == 405
    response = scan(staff, 999999, scene.alice_code)
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"


# ------------------------------------------------------------------ who may call

def test_anonymous_gets_401_json(scene, client):
    for response in (scan(client, scene.session.id, scene.alice_code),
                     client.get(f"/api/v1/sessions/{scene.session.id}/summary"),
                     client.get(f"/api/v1/sessions/{scene.session.id}/expected?q=王")):
        assert response.status_code == 401
        assert response.get_json()["error"] == {"code": "login_required",
                                                "message": "登录已过期，请重新登录后再操作。"}
    assert rows() == []


def test_a_member_gets_403_json(scene, login):
    client = login(scene.alice)
    for response in (scan(client, scene.session.id, scene.alice_code),
                     client.post(f"/api/v1/sessions/{scene.session.id}/checkins",
                                 json={"registration_id": scene.alice_reg.id}),
                     client.get(f"/api/v1/sessions/{scene.session.id}/summary"),
                     client.get(f"/api/v1/sessions/{scene.session.id}/expected?q=王")):
        assert response.status_code == 403
        assert response.get_json()["code"] == "forbidden"
        assert CHINESE.search(response.get_json()["message"])
    assert rows() == []


def test_secretaries_scan_only_events_of_their_subtree(scene, factory, login, client):
    own = factory.member(name="一支部书记", branch=scene.one, role="secretary")
    other_committee = factory.branch(name="另一个机关党委", kind="committee")
    stranger = factory.member(name="外单位书记", branch=factory.branch(
        name="外单位支部", parent=other_committee), role="secretary")
    branch_event = open_event(own, title="支部主题党日", branch=scene.one)
    _, _, code = attendee(factory, own, branch_event, "支部党员", scene.one)
    login(own)
    assert scan(client, branch_event.sessions[0].id, code).get_json()["result"] == "ok"
    assert scan(client, scene.session.id, scene.alice_code).status_code == 403  # the 机关党委's event
    client.post("/logout")
    login(stranger)
    assert scan(client, branch_event.sessions[0].id, code).status_code == 403


def page_csrf(client, path):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def test_posts_need_the_csrf_token_in_a_header(scene, factory, strict_app):
    client = strict_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    assert client.post("/login", data={"csrf_token": token, "phone": scene.organizer.phone,
                                       "password": factory.password}).status_code == 302
    db.session.commit()
    url = scans_url(scene.session.id)
    body = {"code": scene.alice_code, "nonce": "csrf-test"}
    missing = client.post(url, json=body)
    wrong = client.post(url, json=body, headers={"X-CSRFToken": "not-the-token"})
    for response in (missing, wrong):
        assert response.status_code == 400
        assert response.get_json()["error"] == {"code": "csrf_invalid",
                                                "message": "页面已过期，请刷新页面后重试。"}
    assert rows() == []
    token = page_csrf(client, f"/checkin/sessions/{scene.session.id}/scan")
    ok = client.post(url, json=body, headers={"X-CSRFToken": token})
    assert ok.status_code == 200 and ok.get_json()["result"] == "ok"
    fresh = client.get("/api/v1/csrf-token").get_json()["csrf_token"]
    again = client.post(url, json={**body, "nonce": "csrf-2"}, headers={"X-CSRFToken": fresh})
    assert again.get_json()["result"] == "duplicate"
    # Reading needs no token.
    assert client.get(f"/api/v1/sessions/{scene.session.id}/summary").status_code == 200


# ------------------------------------------------------------------ scanner links

def open_link(client, token):
    response = client.get(f"/checkin/link/{token}")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def test_a_scanner_link_scans_its_event_only_until_revoked(scene, factory, client):
    other = open_event(scene.organizer, title="另一场活动")
    _, _, other_code = attendee(factory, scene.organizer, other, "赵敏", scene.one)
    link, token = checkin.create_scanner_link(scene.organizer, scene.event, "东门志愿者")
    open_link(client, token)

    data = scan(client, scene.session.id, scene.alice_code).get_json()
    assert data["result"] == "ok"
    (row,) = rows()
    assert (row.scanner_link_id, row.operator_id) == (link.id, None)
    assert client.get(f"/api/v1/sessions/{scene.session.id}/summary").get_json()["present"] == 1
    manual = client.post(f"/api/v1/sessions/{scene.session.id}/checkins",
                         json={"registration_id": scene.bob_reg.id, "nonce": "link-manual"})
    assert manual.get_json()["result"] == "ok"

    for response in (scan(client, other.sessions[0].id, other_code),
                     client.get(f"/api/v1/sessions/{other.sessions[0].id}/summary")):
        assert response.status_code == 403
        assert response.get_json()["code"] == "scanner_link_other_event"
        assert "专题党课" in response.get_json()["message"]

    checkin.revoke_scanner_link(scene.organizer, db.session.get(type(link), link.id))
    for response in (scan(client, scene.session.id, scene.bob_code),
                     client.get(f"/api/v1/sessions/{scene.session.id}/summary"),
                     client.get(f"/api/v1/sessions/{scene.session.id}/expected?q=王")):
        assert response.status_code == 403
        assert response.get_json()["code"] == "scanner_link_invalid"
        assert response.get_json()["message"] == message_for("scanner_link_invalid")
    assert len(rows()) == 2


def test_a_scanner_link_stops_when_it_expires(scene, client):
    _, token = checkin.create_scanner_link(scene.organizer, scene.event, "临时", hours_valid=1)
    open_link(client, token)
    summary = f"/api/v1/sessions/{scene.session.id}/summary"
    with time_machine.travel(utcnow() + timedelta(minutes=59)):
        assert client.get(summary).status_code == 200
    with time_machine.travel(utcnow() + timedelta(minutes=61)):
        response = client.get(summary)
        assert response.status_code == 403
        assert response.get_json()["code"] == "scanner_link_invalid"
        assert scan(client, scene.session.id, scene.alice_code).status_code == 403
    assert rows() == []


def test_a_revoked_link_cannot_be_opened(scene, client):
    link, token = checkin.create_scanner_link(scene.organizer, scene.event, "作废")
    checkin.revoke_scanner_link(scene.organizer, link)
    response = client.get(f"/checkin/link/{token}")
    assert response.status_code == 403
    assert "扫码授权链接已失效" in response.get_data(as_text=True)
    assert scan(client, scene.session.id, scene.alice_code).status_code == 401


# ------------------------------------------------------------------ cancelled events

def test_no_checkin_for_a_cancelled_event(scene, staff):
    events.cancel_event(scene.organizer, scene.event, "天气原因")
    response = scan(staff, scene.session.id, scene.alice_code)
    assert response.status_code == 409
    assert response.get_json()["code"] == "event_cancelled"
    assert rows() == []


# ------------------------------------------------------------------ summary

def test_summary_numbers_follow_design_section_3(org, factory, login):
    event = open_event(org.organizer, minutes_to_start=-20)
    event.allow_walk_in = True  # (not a field of the event form yet)
    db.session.commit()
    session = event.sessions[0]
    on_time, _, on_time_code = attendee(factory, org.organizer, event, "按时到", org.one)
    _, _, late_code = attendee(factory, org.organizer, event, "迟到", org.one)
    away, away_reg, _ = attendee(factory, org.organizer, event, "请假", org.one)
    attendee(factory, org.organizer, event, "缺席", org.one)
    _, cancelled_reg, _ = attendee(factory, org.organizer, event, "已取消", org.one)
    decide.cancel(org.organizer, cancelled_reg.id)
    pending_leave_member, pending_leave_reg, _ = attendee(factory, org.organizer, event, "请假未批", org.two)
    invited = factory.member(name="指定参加", branch=org.two)
    invitations.invite(org.organizer, event.id, {"branch_ids": [org.two.id]})
    invited_code = checkin.ticket_for(db.session.scalar(db.select(Registration).filter_by(
        member_id=invited.id))).code
    walker = factory.member(name="列席人员", branch=org.two)
    [leave] = leave_requests.request_leave(away, away_reg.id, session.id, "出差")
    leave_requests.decide_leave(org.organizer, leave.id, True)
    leave_requests.request_leave(pending_leave_member, pending_leave_reg.id, None, "有事")

    client = login(org.organizer)
    # 按时到 scanned 12 minutes ago (8 minutes after the start, within the grace), 迟到 now.
    opened = opened_ago(session, 20)  # the scanner page was opened before the start
    assert scan(client, session.id, on_time_code, age=12 * 60,
                opened=opened).get_json()["message"] == "签到成功"
    assert scan(client, session.id, late_code).get_json()["message"] == "签到成功（迟到）"
    assert scan(client, session.id, late_code).get_json()["result"] == "duplicate"
    assert scan(client, session.id, invited_code, age=15 * 60,
                opened=opened).get_json()["message"] == "签到成功"
    checkin.walk_in(org.organizer, session.id, walker.id)

    summary = client.get(f"/api/v1/sessions/{session.id}/summary").get_json()
    # 应到 6 (按时到 迟到 请假 缺席 + 请假未批 指定参加); 请假 1; 实到 3; 缺席 6-1-3 = 2
    assert {k: v for k, v in summary.items() if k != "by_branch"} == {
        "expected": 6, "present": 3, "on_leave": 1, "absent": 2, "late": 1, "walk_in": 1,
        "backfilled": 0, "rate": 0.6}
    assert sorted(summary["by_branch"], key=lambda row: row["branch"]) == [
        {"branch": "第一党支部", "expected": 4, "present": 2, "on_leave": 1, "absent": 1,
         "backfilled": 0},
        {"branch": "第二党支部", "expected": 2, "present": 1, "on_leave": 0, "absent": 1,
         "backfilled": 0},
    ]
    assert on_time.id  # (named for reading)


def test_summary_of_an_empty_session_has_no_rate(org, login):
    event = open_event(org.organizer)
    client = login(org.organizer)
    summary = client.get(f"/api/v1/sessions/{event.sessions[0].id}/summary").get_json()
    assert summary == {"expected": 0, "present": 0, "on_leave": 0, "absent": 0, "late": 0,
                       "walk_in": 0, "backfilled": 0, "rate": None, "by_branch": []}


# ------------------------------------------------------------------ search and manual check-in

def test_expected_search_by_name_or_last_phone_digits(scene, factory, staff):
    attendee(factory, scene.organizer, scene.event, "王小明", scene.one, phone="13912340001")
    _, cancelled, _ = attendee(factory, scene.organizer, scene.event, "王已取消", scene.one)
    decide.cancel(scene.organizer, cancelled.id)
    other = open_event(scene.organizer, title="另一场活动")
    attendee(factory, scene.organizer, other, "王外人", scene.one)
    [leave] = leave_requests.request_leave(scene.alice, scene.alice_reg.id, None, "出差")
    leave_requests.decide_leave(scene.organizer, leave.id, True)
    scan(staff, scene.session.id, scene.bob_code)

    url = f"/api/v1/sessions/{scene.session.id}/expected"
    found = staff.get(url + "?q=王").get_json()
    assert found["q"] == "王" and found["more"] is False
    assert {m["name"] for m in found["items"]} == {"王秀英", "王小明"}
    by_name = {m["name"]: m for m in found["items"]}
    assert by_name["王秀英"]["on_leave"] is True and by_name["王秀英"]["checked_in"] is False
    assert by_name["王小明"]["phone"] == "139****0001"
    assert set(by_name["王小明"]) == {"registration_id", "name", "branch", "phone", "checked_in",
                                    "checked_in_at", "checked_out", "backfilled", "on_leave",
                                    "walk_in"}

    (hit,) = staff.get(url + "?q=0001").get_json()["items"]
    assert hit["name"] == "王小明" and hit["branch"] == "第一党支部"
    (bob,) = staff.get(url + "?q=李建").get_json()["items"]
    assert bob["checked_in"] is True and bob["checked_in_at"]
    assert staff.get(url + "?q=").get_json() == {"q": "", "items": [], "more": False}
    assert staff.get(url + "?q=%25").get_json()["items"] == []  # LIKE wildcards are literal


def test_expected_search_shows_at_most_20_not_checked_in_first(org, factory, login):
    event = open_event(org.organizer)
    people = [factory.member(name=f"张{n:02d}", branch=org.one, initial=True) for n in range(23)]
    invitations.invite(org.organizer, event.id, {"branch_ids": [org.one.id]})
    regs = {r.member_id: r for r in db.session.scalars(db.select(Registration))}
    client = login(org.organizer)
    client.post(f"/api/v1/sessions/{event.sessions[0].id}/checkins",
                json={"registration_id": regs[people[0].id].id})
    found = client.get(f"/api/v1/sessions/{event.sessions[0].id}/expected?q=张").get_json()
    assert len(found["items"]) == 20 and found["more"] is True
    assert found["items"][0]["name"] == "张01"  # 张00 is checked in: after everyone else


def test_manual_checkin_is_audited_and_answers_like_a_scan(scene, factory, staff):
    url = f"/api/v1/sessions/{scene.session.id}/checkins"
    first = staff.post(url, json={"registration_id": scene.alice_reg.id, "nonce": "m1"}).get_json()
    assert (first["result"], first["member"]["name"]) == ("ok", "王秀英")
    assert set(first) == {"result", "code", "message", "member", "at", "first_at"}
    assert staff.post(url, json={"registration_id": scene.alice_reg.id, "nonce": "m1"}).get_json() == first
    dup = staff.post(url, json={"registration_id": scene.alice_reg.id}).get_json()
    assert (dup["result"], dup["first_at"]) == ("duplicate", first["at"])
    out = staff.post(url, json={"registration_id": scene.alice_reg.id, "kind": "exit"}).get_json()
    assert out["message"] == "签退成功"
    other = open_event(scene.organizer, title="另一场活动")
    _, other_reg, _ = attendee(factory, scene.organizer, other, "赵敏", scene.one)
    assert staff.post(url, json={"registration_id": other_reg.id}).get_json()["code"] == "wrong_event"
    assert staff.post(url, json={"registration_id": 999999}).get_json()["code"] == "unknown_ticket"

    saved = rows(method="manual")
    assert len(saved) == 5 and {r.operator_id for r in saved} == {scene.organizer.id}
    audit = db.session.scalars(db.select(AuditLog).filter_by(action="checkin.manual")
                               .order_by(AuditLog.id)).all()
    assert len(audit) == 5
    assert {a.actor_id for a in audit} == {scene.organizer.id}
    assert audit[0].details["registration_id"] == scene.alice_reg.id


# ------------------------------------------------------------------ the OpenAPI document

def test_openapi_document_lists_every_api_route(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    doc = json.loads(response.get_data(as_text=True))
    assert doc["openapi"].startswith("3.") and doc["info"]["title"]
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1"):])
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((path, method.lower()))
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert documented == routes
    expected_paths = {"/sessions/{session_id}/scans", "/sessions/{session_id}/checkins",
                      "/sessions/{session_id}/summary", "/sessions/{session_id}/expected",
                      "/stats/branches", "/csrf-token", "/openapi.json",
                      "/stats/members/{member_id}"}
    assert set(doc["paths"]) == expected_paths

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(doc):
        name = ref.removeprefix("#/components/schemas/")
        assert name in doc["components"]["schemas"], ref
    scans = doc["paths"]["/sessions/{session_id}/scans"]["post"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(scans["responses"])
    for code in ("unknown_ticket", "wrong_event", "not_confirmed", "on_leave", "not_open",
                 "closed", "already_checked_in", "not_checked_in"):
        assert code in scans["responses"]["200"]["description"]


# ------------------------------------------------------------------ under load (gunicorn)

def json_post(browser, path, body, token):
    request = urllib.request.Request(
        browser.base_url + path, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "X-CSRFToken": token})
    status, text, _ = browser._open(request)
    return status, json.loads(text)


def staff_browser(base, organizer, password, session_id):
    browser = Browser(base)
    browser.login(organizer.phone, password)
    status, page, _ = browser.get(f"/checkin/sessions/{session_id}/scan")
    assert status == 200, page[:300]
    browser.token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    return browser


@pytest.mark.slow
def test_20_phones_scan_the_same_ticket_at_once(scene, factory, app):
    session_id, code = scene.session.id, scene.alice_code
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=4, threads=8) as base:
        browsers = [staff_browser(base, scene.organizer, factory.password, session_id)
                    for _ in range(20)]
        barrier = threading.Barrier(20)

        def fire(n):
            barrier.wait()
            return json_post(browsers[n], scans_url(session_id),
                             {"code": code, "kind": "entry", "nonce": f"phone-{n}"},
                             browsers[n].token)

        with ThreadPoolExecutor(max_workers=20) as pool:
            answers = list(pool.map(fire, range(20)))

    assert all(status == 200 for status, _ in answers), answers
    results = sorted(data["result"] for _, data in answers)
    assert results == ["duplicate"] * 19 + ["ok"]
    ok_at = next(data["at"] for _, data in answers if data["result"] == "ok")
    assert {data["first_at"] for _, data in answers if data["result"] == "duplicate"} == {ok_at}
    saved = rows(session_id=session_id)
    assert len(saved) == 20
    assert [r.result for r in saved].count("ok") == 1
    assert {r.code for r in saved if r.result != "ok"} == {"already_checked_in"}


def bulk_attendees(event, branch, count):
    """``count`` confirmed registrations with tickets, written in one go (fast)."""
    from app.org.models import Member

    members = [Member(name=f"参会{n:03d}", phone=f"1770000{n:04d}", branch_id=branch.id,
                      political_status="01") for n in range(count)]
    db.session.add_all(members)
    db.session.flush()
    regs = [Registration(event_id=event.id, member_id=m.id, status="confirmed", source="invited",
                         branch_id=branch.id) for m in members]
    db.session.add_all(regs)
    db.session.flush()
    codes = set()
    while len(codes) < count:
        codes.add(checkin.new_ticket_code())
    db.session.add_all(Ticket(registration_id=r.id, code=c) for r, c in zip(regs, sorted(codes), strict=True))
    db.session.commit()
    return sorted(codes)


@pytest.mark.slow
def test_500_scans_with_30_percent_duplicates_and_resent_nonces(scene, factory, app):
    session_id = scene.session.id
    codes = bulk_attendees(scene.event, scene.one, 350)
    rng = random.Random(20261126)
    scans = [{"code": code, "nonce": f"first-{n}"} for n, code in enumerate(codes)]
    scans += [{"code": rng.choice(codes), "nonce": f"again-{n}"} for n in range(150)]
    rng.shuffle(scans)
    resent_now = rng.sample(scans, 30)  # the same request twice at the same moment
    jobs = scans + [dict(s) for s in resent_now]
    rng.shuffle(jobs)

    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=4, threads=8) as base:
        phones = [staff_browser(base, scene.organizer, factory.password, session_id)
                  for _ in range(8)]

        def fire(job):
            n, body = job
            phone = phones[n % len(phones)]
            return body["nonce"], json_post(phone, scans_url(session_id),
                                            {**body, "kind": "entry"}, phone.token)

        with ThreadPoolExecutor(max_workers=16) as pool:
            first_round = list(pool.map(fire, enumerate(jobs)))
        later = rng.sample(scans, 50)  # resent later, from the offline queue
        with ThreadPoolExecutor(max_workers=8) as pool:
            second_round = list(pool.map(fire, enumerate(later)))

    assert all(status == 200 for _, (status, _) in first_round + second_round)
    answers = {}
    for nonce, (_, data) in first_round + second_round:
        if nonce in answers:  # a resent nonce gets exactly the first answer
            assert data == answers[nonce], nonce
        answers[nonce] = data
    assert len(answers) == 500
    results = [data["result"] for data in answers.values()]
    assert results.count("ok") == 350 and results.count("duplicate") == 150

    db.session.rollback()
    counts = dict(db.session.execute(
        sa.select(Checkin.result, sa.func.count()).where(Checkin.session_id == session_id)
        .group_by(Checkin.result)).all())
    assert counts == {"ok": 350, "duplicate": 150}
    per_person = db.session.execute(
        sa.select(Checkin.registration_id, sa.func.count()).where(
            Checkin.session_id == session_id, Checkin.result == "ok")
        .group_by(Checkin.registration_id)).all()
    assert len(per_person) == 350 and {n for _, n in per_person} == {1}
    assert attendance.session_summary(scene.session)["present"] == 350


def test_unknown_api_paths_and_methods_answer_json(client):
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.get_json()["code"] == "not_found"
    wrong = client.get("/api/v1/sessions/1/scans")
    assert wrong.status_code == 405 and "操作方式不对" in wrong.get_json()["message"]
    assert "页面不存在" in client.get("/no-such-page").get_data(as_text=True)  # pages stay HTML


def test_api_asks_for_the_password_change_in_json(client, factory):
    newcomer = factory.member(name="新组织者", role="organizer", initial=True)
    client.post("/login", data={"phone": newcomer.phone, "password": newcomer.test_initial_password})
    response = client.post("/api/v1/sessions/1/scans", json={"code": "X", "kind": "entry"})
    assert response.status_code == 403
    assert response.get_json()["code"] == "password_change_required"
    assert "修改初始密码" in response.get_json()["message"]
