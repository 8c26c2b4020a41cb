"""Staff on-site pages: the rotating self check-in screen and its JSON code, the member's
landing page /s/<session>/<code> (login and back, first-login password change), the live
board, back-fill (补录) and walk-ins (列席); scope for secretaries outside the event."""
import re
from datetime import timedelta
from urllib.parse import unquote, urlsplit

import pytest
import time_machine

from app.audit.models import AuditLog
from app.checkin import attendance
from app.checkin import service as checkin
from app.checkin.models import Checkin, WalkInGuest
from app.extensions import db
from app.registration.models import Registration

from .conftest import TEST_PASSWORD, client_for
from .conftest import body_text as text
from .event_factories import ON_TIME, PERIOD, START, approved_leave, join
from .event_factories import make_training as make_event


@pytest.fixture
def site(org, factory):
    """An event of the first branch with one session needing check-out, three registered
    members (one walk-in apart), and the staff around it."""
    event = make_event(org.organizer, checkout=True, branch=org.one, walk_in=True)
    session = event.sessions[0]
    members = [factory.member(name=name, branch=branch) for name, branch in
               (("张伟", org.one), ("王芳", org.one), ("刘洋", org.two))]
    regs = [join(m, event) for m in members]
    return type("Site", (), dict(
        event=event, session=session, members=members, regs=regs, org=org,
        secretary=factory.member(name="一支书记", branch=org.one, role="secretary"),
        outsider=factory.member(name="二支书记", branch=org.two, role="secretary"),
    ))


STAFF_PAGES = ["/checkin/sessions/{sid}/self", "/checkin/sessions/{sid}/board",
               "/checkin/sessions/{sid}/backfill", "/checkin/sessions/{sid}/walkin"]


# ------------------------------------------------------------------ scope

@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_by_role_and_scope(app, site, path):
    url = path.format(sid=site.session.id)
    assert client_for(app, site.org.organizer).get(url).status_code == 200
    assert client_for(app, site.secretary).get(url).status_code == 200  # manages the event
    assert client_for(app, site.outsider).get(url).status_code == 403  # outside the event
    assert client_for(app, site.members[0]).get(url).status_code == 403
    anonymous = client_for(app, None).get(url)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
    assert client_for(app, site.org.organizer).get(
        path.format(sid=987654)).status_code == 404


@pytest.mark.parametrize("path", ["/checkin/sessions/{sid}/backfill",
                                  "/checkin/sessions/{sid}/walkin"])
def test_staff_posts_outside_the_scope_are_refused(app, site, path):
    url = path.format(sid=site.session.id)
    data = {"registration_ids": [site.regs[0].id], "reason": "纸质签到表",
            "member_id": site.members[0].id, "nonce": "n1"}
    assert client_for(app, site.outsider).post(url, data=data).status_code == 403
    assert client_for(app, site.members[1]).post(url, data=data).status_code == 403
    assert db.session.query(Checkin).count() == 0


def test_manage_page_links_the_on_site_pages(app, site):
    body = text(client_for(app, site.org.organizer).get(f"/manage/events/{site.event.id}"))
    sid = site.session.id
    for label, url in (("自助签到二维码", f"/checkin/sessions/{sid}/self"),
                       ("签退二维码", f"/checkin/sessions/{sid}/self?kind=exit"),
                       ("大屏", f"/checkin/sessions/{sid}/board"),
                       ("补录/列席", f"/checkin/sessions/{sid}/backfill")):
        assert f'<a href="{url}">{label}</a>' in body
    if "checkin.scanner" in app.view_functions:
        assert ">扫码签到</a>" in body


# ------------------------------------------------------ self check-in screen

def test_self_screen_shows_the_current_code_as_a_qr_with_a_countdown(app, site):
    sid = site.session.id
    with time_machine.travel(START.timestamp() + 4, tick=False):
        client = client_for(app, site.org.organizer)
        response = client.get(f"/checkin/sessions/{sid}/self")
        code, _ = checkin.current_slot_code(sid)
    body = text(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert 'class="qr"' in body and "请扫码签到" in body
    assert f'data-code-url="/checkin/sessions/{sid}/self/code"' in body
    assert f'data-seconds-left="{PERIOD - 4}"' in body and f'data-period="{PERIOD}"' in body
    assert f"<b id=\"selfscreen-seconds\">{PERIOD - 4}</b> 秒后更换二维码" in body
    assert 'data-summary-url="/api/v1/sessions/' in body
    assert "实到 <b id=\"selfscreen-present\">0</b> 人" in body
    assert "应到 <b id=\"selfscreen-expected\">3</b> 人" in body
    assert "/static/js/selfcheckin.js" in body
    assert 'class="screen"' in body  # no menus on the projector
    assert code in _qr_payloads(body, sid)


def _qr_payloads(body, sid):
    """The codes the page's QR could hold: the server renders the QR of the URL it shows,
    so compare against the SVG drawn for each candidate."""
    from app.checkin.qr import qr_svg
    found = set()
    for slot_offset in range(-2, 3):
        slot = int(START.timestamp() // PERIOD) + slot_offset
        code = checkin.slot_code(sid, slot)
        for suffix in ("", "?kind=exit"):
            if qr_svg(f"http://testserver/s/{sid}/{code}{suffix}", "自助签到二维码") in body:
                found.add(code)
    return found


def test_self_screen_exit_mode_only_where_check_out_is_required(app, site, org):
    sid = site.session.id
    client = client_for(app, org.organizer)
    body = text(client.get(f"/checkin/sessions/{sid}/self?kind=exit"))
    assert "请扫码签退" in body and "is-exit" in body
    assert f'data-code-url="/checkin/sessions/{sid}/self/code?kind=exit"' in body
    plain = make_event(org.organizer, title="不需签退")
    response = client.get(f"/checkin/sessions/{plain.sessions[0].id}/self?kind=exit")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/checkin/sessions/{plain.sessions[0].id}/self"
    assert "本场不要求签退" in text(client.get(response.headers["Location"]))


def test_the_json_code_endpoint(app, site):
    sid = site.session.id
    url = f"/checkin/sessions/{sid}/self/code"
    with time_machine.travel(START.timestamp() + 5, tick=False):
        response = client_for(app, site.secretary).get(url)
        exit_data = client_for(app, site.secretary).get(url + "?kind=exit").get_json()
        code, _ = checkin.current_slot_code(sid)
        exit_code, _ = checkin.current_slot_code(sid, kind="exit")
    data = response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    assert data["code"] == code and data["kind"] == "entry"
    assert data["url"] == f"http://testserver/s/{sid}/{code}"
    assert data["svg"].startswith("<svg ") and 'class="qr"' in data["svg"]
    assert data["seconds_left"] == pytest.approx(PERIOD - 5) and data["period"] == PERIOD
    assert exit_data["url"] == f"http://testserver/s/{sid}/{exit_code}?kind=exit"
    assert exit_code != code  # the check-in screen's code cannot check anyone out
    anonymous = client_for(app, None).get(url)
    assert anonymous.status_code == 401 and anonymous.get_json()["code"] == "login_required"
    assert client_for(app, site.members[0]).get(url).status_code == 403
    assert client_for(app, site.outsider).get(url).status_code == 403
    assert client_for(app, site.org.organizer).get(
        "/checkin/sessions/987654/self/code").status_code == 404


# ---------------------------------------------------------- member landing

def self_url(sid, moment, slot_offset=0, kind=""):
    slot = int(moment.timestamp() // PERIOD) + slot_offset
    code = checkin.slot_code(sid, slot, kind or "entry")
    return f"/s/{sid}/{code}" + ("?kind=exit" if kind == "exit" else "")


def test_logged_out_member_logs_in_and_lands_checked_in(app, site):
    member = site.members[0]
    sid = site.session.id
    url = self_url(sid, ON_TIME)
    with time_machine.travel(ON_TIME, tick=False):
        client = client_for(app, None)
        response = client.get(url)
        assert response.status_code == 302
        location = response.headers["Location"]
        assert location.startswith("/login") and unquote(location).endswith(f"next={url}")
    # Typing the password takes a while: the code on screen has changed twice since.
    later = ON_TIME + timedelta(seconds=3 * PERIOD)
    with time_machine.travel(later, tick=False):
        login = client.post(location, data={"phone": member.phone, "password": TEST_PASSWORD})
        assert login.status_code == 302 and login.headers["Location"] == url
        landed = client.get(url)
    body = text(landed)
    assert landed.status_code == 200 and landed.headers["Cache-Control"] == "no-store"
    assert "签到成功" in body and "张伟" in body and site.event.title in body
    assert 'data-result="ok"' in body and "签到时间 08:55" in body
    [row] = db.session.query(Checkin).all()
    assert (row.method, row.result, row.registration_id, row.at) == (
        "self_scan", "ok", site.regs[0].id, ON_TIME)
    # the pass is used up: a reload is answered as a duplicate with the first time
    with time_machine.travel(later + timedelta(seconds=1), tick=False):
        again = text(client.get(url))
    assert "已签到" in again and "第一次签到时间 08:55" in again and 'data-result="duplicate"' in again


def test_first_login_with_a_password_change_lands_back_and_checks_in(app, site, factory, org):
    member = factory.member(name="新同志", branch=org.one, initial=True)
    join(member, site.event)
    sid = site.session.id
    url = self_url(sid, ON_TIME)
    with time_machine.travel(ON_TIME, tick=False):
        client = client_for(app, None)
        location = client.get(url).headers["Location"]
        login = client.post(location, data={"phone": member.phone,
                                            "password": member.test_initial_password})
        change = login.headers["Location"]
        assert urlsplit(change).path == "/password" and unquote(change).endswith(f"next={url}")
    with time_machine.travel(ON_TIME + timedelta(minutes=2), tick=False):
        changed = client.post(change, data={"current_password": member.test_initial_password,
                                            "new_password": "hongqi2026",
                                            "confirm_password": "hongqi2026"})
        assert changed.status_code == 302 and changed.headers["Location"] == url
        body = text(client.get(url))
    assert "签到成功" in body and "新同志" in body


def test_an_old_screenshot_is_refused_with_the_expired_message(app, site):
    sid = site.session.id
    with time_machine.travel(ON_TIME, tick=False):
        client = client_for(app, site.members[1])
        old = text(client.get(self_url(sid, ON_TIME, slot_offset=-2)))
        previous = text(client.get(self_url(sid, ON_TIME, slot_offset=-1)))
    assert "二维码已过期，请重新扫描屏幕上的二维码" in old and 'data-result="refused"' in old
    assert "未能签到" in old and "result-bad" in old
    assert "签到成功" in previous
    assert [(c.result, c.code) for c in db.session.query(Checkin).order_by(Checkin.id)] == [
        ("refused", "expired_code"), ("ok", None)]


def test_an_expired_code_seen_while_logged_out_is_not_rescued_by_logging_in(app, site):
    sid = site.session.id
    url = self_url(sid, ON_TIME, slot_offset=-2)
    with time_machine.travel(ON_TIME, tick=False):
        client = client_for(app, None)
        location = client.get(url).headers["Location"]
        client.post(location, data={"phone": site.members[1].phone, "password": TEST_PASSWORD})
        body = text(client.get(url))
    assert "二维码已过期" in body
    assert [c.result for c in db.session.query(Checkin)] == ["refused"]


def test_the_scan_pass_only_covers_the_code_that_was_scanned(app, site):
    """A pass from one scan does not rescue another (old) code opened after logging in."""
    sid = site.session.id
    with time_machine.travel(ON_TIME, tick=False):
        client = client_for(app, None)
        location = client.get(self_url(sid, ON_TIME)).headers["Location"]
        client.post(location, data={"phone": site.members[1].phone, "password": TEST_PASSWORD})
    with time_machine.travel(ON_TIME + timedelta(minutes=5), tick=False):
        body = text(client.get(self_url(sid, ON_TIME, slot_offset=-1)))
    assert "二维码已过期" in body


def test_landing_for_someone_not_registered_and_for_check_out(app, site, factory, org):
    sid = site.session.id
    stranger = factory.member(name="路人", branch=org.two)
    with time_machine.travel(ON_TIME, tick=False):
        body = text(client_for(app, stranger).get(self_url(sid, ON_TIME)))
    assert "您没有报名这个活动，请联系现场工作人员。" in body and "result-bad" in body
    member = site.members[2]
    with time_machine.travel(ON_TIME, tick=False):
        client = client_for(app, member)
        client.get(self_url(sid, ON_TIME))
    end = site.session.ends_at
    with time_machine.travel(end, tick=False):
        client = client_for(app, member)
        out = text(client.get(self_url(sid, end, kind="exit")))
    assert "签退成功" in out and "签退时间 12:00" in out
    assert attendance.hours(db.session.get(Registration, site.regs[2].id)) == 3


def test_landing_on_an_unknown_session_is_404(app, site):
    assert client_for(app, site.members[0]).get("/s/987654/ABCDEFGH").status_code == 404


# ------------------------------------------------------------------ board

def test_board_shows_the_summary_numbers_and_refreshes_from_the_api(app, site, org):
    checkin.perform_checkin(site.session.id, method="manual", registration_id=site.regs[0].id,
                            operator=org.organizer, now=START + timedelta(minutes=30))
    approved_leave(org.organizer, site.regs[1])
    response = client_for(app, site.secretary).get(f"/checkin/sessions/{site.session.id}/board")
    body = text(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert f'data-summary-url="/api/v1/sessions/{site.session.id}/summary"' in body
    assert 'data-interval="5000"' in body and "/static/js/board.js" in body
    assert '<span class="board-big" data-field="present">1</span>' in body
    assert '<b data-field="expected">3</b>' in body
    assert '<b data-field="on_leave">1</b>' in body and '<b data-field="absent">1</b>' in body
    assert '<b data-field="late">1</b>' in body and '<b data-field="walk_in">0</b>' in body
    assert '<span class="board-big" data-field="rate">50%</span>' in body
    assert "<th scope=\"row\">第一党支部</th><td>1 / 2</td><td>1</td><td class=\"\">0</td>" in body
    assert "<th scope=\"row\">第二党支部</th><td>0 / 1</td><td>0</td>" in body
    for word in ("应到", "实到", "请假", "未到", "迟到", "列席", "到会率"):
        assert word in body
    api = client_for(app, site.secretary).get(f"/api/v1/sessions/{site.session.id}/summary")
    assert api.get_json()["present"] == 1


# --------------------------------------------------------------- back-fill

def test_back_fill_lists_the_expected_and_marks_who_is_present(app, site, org, factory):
    walker = factory.member(name="列席者", branch=org.two)
    checkin.walk_in(org.organizer, site.session.id, walker.id, now=ON_TIME)
    checkin.perform_checkin(site.session.id, method="manual", registration_id=site.regs[0].id,
                            operator=org.organizer, now=ON_TIME)
    approved_leave(org.organizer, site.regs[2])
    with time_machine.travel(START + timedelta(hours=1), tick=False):  # back-fill is open
        body = text(client_for(app, org.organizer).get(
            f"/checkin/sessions/{site.session.id}/backfill"))
    assert "张伟" in body and "王芳" in body and "刘洋" in body and "列席者" not in body
    assert "已签到 08:55" in body and "未签退" in body
    assert "已请假" in body
    # 张伟 still needs a check-out, so may be ticked; 刘洋 on leave may not
    assert re.search(rf'value="{site.regs[0].id}">', body)
    assert re.search(rf'value="{site.regs[2].id}" disabled>', body)
    assert "同时补录签退" in body


def test_back_fill_needs_a_reason_and_someone_ticked(app, site, org):
    url = f"/checkin/sessions/{site.session.id}/backfill"
    with time_machine.travel(START + timedelta(hours=1), tick=False):  # back-fill is open
        client = client_for(app, org.organizer)
        empty = text(client.post(url, data={"registration_ids": [site.regs[1].id],
                                            "reason": "  ", "nonce": "bf1"}))
        nobody = text(client.post(url, data={"reason": "根据纸质签到表补录", "nonce": "bf2"}))
    assert "请填写补录原因，例如「根据纸质签到表补录」。" in empty
    assert "请至少勾选一位要补录的人员。" in nobody
    assert db.session.query(Checkin).count() == 0
    assert db.session.query(AuditLog).filter(AuditLog.action.like("checkin.%")).count() == 0


def test_back_fill_checks_in_each_ticked_person_once(app, site, org):
    other = make_event(org.organizer, title="别的活动")
    outsider_reg = join(site.members[0], other)
    url = f"/checkin/sessions/{site.session.id}/backfill"
    data = {"registration_ids": [site.regs[0].id, site.regs[1].id, outsider_reg.id],
            "reason": "根据纸质签到表补录", "with_exit": "y", "nonce": "page-0001"}
    with time_machine.travel(START + timedelta(days=1), tick=False):
        client = client_for(app, site.secretary)
        first = text(client.post(url, data=data))
        again = text(client.post(url, data=data))  # a reload of the result page
    assert "补录结果" in first and first.count("已补录签到") == 2 and first.count("已补录签退") == 2
    assert "别的活动" not in first
    stored = db.session.query(Checkin).order_by(Checkin.id).all()
    assert [(r.registration_id, r.kind, r.method, r.reason, r.operator_id) for r in stored] == [
        (site.regs[0].id, "entry", "backfill", "根据纸质签到表补录", site.secretary.id),
        (site.regs[0].id, "exit", "backfill", "根据纸质签到表补录", site.secretary.id),
        (site.regs[1].id, "entry", "backfill", "根据纸质签到表补录", site.secretary.id),
        (site.regs[1].id, "exit", "backfill", "根据纸质签到表补录", site.secretary.id),
    ]
    assert db.session.query(AuditLog).filter_by(action="checkin.backfill").count() == 4
    assert again.count("已补录签到") == 2  # the same answers; nothing new written
    assert db.session.query(Checkin).count() == 4
    assert attendance.hours(db.session.get(Registration, site.regs[0].id)) == 3


def test_back_fill_results_per_person_include_refusals(app, site, org):
    approved_leave(org.organizer, site.regs[1])
    checkin.perform_checkin(site.session.id, method="manual", registration_id=site.regs[0].id,
                            operator=org.organizer, now=ON_TIME)
    url = f"/checkin/sessions/{site.session.id}/backfill"
    with time_machine.travel(START + timedelta(hours=1), tick=False):  # back-fill is open
        body = text(client_for(app, org.organizer).post(url, data={
            "registration_ids": [site.regs[0].id, site.regs[1].id], "reason": "纸质签到表",
            "nonce": "p2"}))
    assert "原已签到" in body
    assert "未补录" in body and "已请假，本场不需要签到。" in body


# ---------------------------------------------------------------- walk-ins

def test_walk_in_refused_when_the_event_does_not_allow_it(app, org, factory):
    event = make_event(org.organizer, title="不接受列席")
    visitor = factory.member(name="访客", branch=org.two)
    url = f"/checkin/sessions/{event.sessions[0].id}/walkin"
    client = client_for(app, org.organizer)
    assert "本活动不接受现场列席，请先报名" in text(client.get(url + "?q=访客"))
    assert "访客" not in text(client.get(url + "?q=访客")).split("</h1>", 1)[1]
    with time_machine.travel(ON_TIME, tick=False):
        client = client_for(app, org.organizer)
        body = text(client.post(url, data={"member_id": visitor.id, "nonce": "w1"}))
    assert "本活动不接受现场列席，请先报名。" in body
    assert db.session.query(Registration).filter_by(member_id=visitor.id).count() == 0
    assert db.session.query(Checkin).count() == 0


def test_walk_in_search_and_check_in(app, site, org, factory):
    """A secretary finds active members of the own branch subtree (organizers: every
    branch); a phone by its last four digits only (issue 8, finding 1)."""
    visitor = factory.member(name="访客甲", branch=org.one, phone="13700001234")
    gone = factory.member(name="访客乙", branch=org.one, active=False)
    guest = factory.member(name="访客丙", branch=org.committee, phone="13700005678")
    url = f"/checkin/sessions/{site.session.id}/walkin"
    client = client_for(app, site.secretary)
    found = text(client.get(url + "?q=访客"))
    assert "访客甲" in found and "访客乙" not in found and gone.name not in found
    assert "137****1234" in found and "13700001234" not in found  # masked for non-admins
    assert "第一党支部" in found
    assert guest.name not in found  # another branch: outside a secretary's scope
    assert "访客丙" in text(client_for(app, org.organizer).get(url + "?q=访客"))
    assert "机关党委" in text(client_for(app, org.organizer).get(url + "?q=访客丙"))
    by_phone = text(client.get(url + "?q=1234"))
    assert "访客甲" in by_phone
    middle = text(client.get(url + "?q=0001234"))
    assert "访客甲" not in middle and "手机号查找，请输入号码的后 4 位" in middle
    assert "手机号查找，请输入号码的后 4 位" in text(client.get(url + "?q=12"))
    registered = text(client.get(url + "?q=张伟"))
    assert "已报名" in registered
    with time_machine.travel(ON_TIME, tick=False):
        client = client_for(app, site.secretary)
        done = text(client.post(url + "?q=访客", data={"member_id": visitor.id, "nonce": "w-1"}))
        again = text(client.post(url + "?q=访客", data={"member_id": visitor.id, "nonce": "w-1"}))
    assert "签到成功" in done and 'data-result="ok"' in done
    assert "本场列席（1 人）" in done and "访客甲" in done.split("本场列席", 1)[1]
    assert 'data-result="ok"' in again
    [walk] = db.session.query(Registration).filter_by(member_id=visitor.id).all()
    assert (walk.source, walk.status) == ("walk_in", "confirmed")
    assert db.session.query(Checkin).filter_by(registration_id=walk.id).count() == 1
    summary = attendance.session_summary(site.session)
    assert (summary["expected"], summary["walk_in"]) == (3, 1)


def test_walk_in_of_an_inactive_or_unknown_member_is_refused(app, site, org, factory):
    gone = factory.member(name="已停用", branch=org.two, active=False)
    url = f"/checkin/sessions/{site.session.id}/walkin"
    client = client_for(app, org.organizer)
    assert "要找的记录不存在" in text(client.post(url, data={"member_id": gone.id, "nonce": "g1"}))
    assert "要找的记录不存在" in text(client.post(url, data={"member_id": "x", "nonce": "g2"}))
    assert db.session.query(Checkin).count() == 0


# ------------------------------------------------- issue 8: walk-ins, guests, back-fill

def test_a_refused_walk_in_on_the_page_says_why_and_writes_nothing(app, site, org, factory):
    visitor = factory.member(name="早到者", branch=org.one)
    url = f"/checkin/sessions/{site.session.id}/walkin"
    response = client_for(app, site.secretary).post(url + "?q=早到者", data={
        "member_id": visitor.id, "nonce": "early"})  # a week before: check-in not open
    body = text(response)
    assert response.status_code == 200 and 'data-result="refused"' in body
    assert "未能签到" in body and "签到还没开始，请在开场前不久再试。" in body
    assert db.session.query(Registration).filter_by(member_id=visitor.id).count() == 0
    assert db.session.query(Checkin).count() == 0
    assert "本场列席（0 人）" in body


def test_a_name_search_shows_who_has_checked_in(app, site, org, factory):
    visitor = factory.member(name="访客丁", branch=org.one)
    url = f"/checkin/sessions/{site.session.id}/walkin"
    with time_machine.travel(ON_TIME, tick=False):
        client = client_for(app, site.secretary)
        before = text(client.get(url + "?q=访客丁"))
        done = text(client.post(url + "?q=访客丁", data={"member_id": visitor.id, "nonce": "d1"}))
        later = text(client.get(url + "?q=访客丁"))
    results = re.compile(r'<ul class="list walkin-list" id="walkin-results">(.*?)</ul>', re.S)
    assert "列席签到" in results.search(before).group(1)
    for page in (done, later):
        found = results.search(page).group(1)
        assert "已签到 08:55" in found and "列席签到" not in found and "<button" not in found


def test_a_guest_not_on_the_roster_checks_in_as_walk_in(app, site, org):
    url = f"/checkin/sessions/{site.session.id}/walkin"
    with time_machine.travel(ON_TIME, tick=False):
        client = client_for(app, site.secretary)
        page = text(client.get(url))
        missing = text(client.post(url, data={"form": "guest", "name": "周来宾", "unit": "",
                                              "nonce": "g0"}))
        done = text(client.post(url, data={"form": "guest", "name": "周来宾",
                                           "unit": "市委组织部", "phone": "", "nonce": "g1"}))
        again = text(client.post(url, data={"form": "guest", "name": "周来宾",
                                            "unit": "市委组织部", "nonce": "g2"}))
        board = text(client.get(f"/checkin/sessions/{site.session.id}/board"))
    assert "登记来宾" in page and "来宾姓名" in page and "来宾签到" in page
    assert '<p class="error" id="unit-error">请填写来宾的单位。</p>' in missing
    assert 'value="周来宾"' in missing  # what was typed stays
    assert 'data-result="ok"' in done and "周来宾" in done and "市委组织部" in done
    listed = done.split("本场列席（1 人）", 1)[1]
    assert "周来宾" in listed and "来宾" in listed and "市委组织部 · 08:55" in listed
    assert 'data-result="duplicate"' in again and "已签到（08:55），不用重复签到。" in again
    assert '<b data-field="walk_in">1</b>' in board and '<b data-field="expected">3</b>' in board
    assert db.session.query(WalkInGuest).count() == 1


def test_back_fill_page_before_the_session_starts_says_when_it_opens(app, site, org):
    url = f"/checkin/sessions/{site.session.id}/backfill"
    client = client_for(app, org.organizer)
    body = text(client.get(url))
    assert "本场还没有开始，开始后才能补录" in body
    assert 'name="registration_ids"' not in body and "为勾选的人员补录" not in body
    posted = text(client.post(url, data={"registration_ids": [site.regs[0].id],
                                         "reason": "根据纸质签到表补录", "nonce": "too-early"}))
    assert "本场还没有开始，开始后才能补录。" in posted
    assert db.session.query(Checkin).count() == 0


def test_back_filled_check_ins_are_marked_wherever_check_ins_are_listed(app, site, org):
    """补录 on the back-fill page, the ticket's staff page, the scanner's search, the board."""
    session = site.session
    checkin.perform_checkin(session.id, method="backfill", registration_id=site.regs[0].id,
                            operator=org.organizer, reason="根据纸质签到表补录",
                            now=START + timedelta(hours=1))
    checkin.perform_checkin(session.id, method="manual", registration_id=site.regs[1].id,
                            operator=org.organizer, now=ON_TIME)
    code = checkin.ticket_for(db.session.get(Registration, site.regs[0].id)).code
    with time_machine.travel(START + timedelta(hours=2), tick=False):
        client = client_for(app, org.organizer)
        backfill = text(client.get(f"/checkin/sessions/{session.id}/backfill"))
        ticket = text(client.get(f"/t/{code}"))
        found = client.get(f"/api/v1/sessions/{session.id}/expected?q=张伟").get_json()
        others = client.get(f"/api/v1/sessions/{session.id}/expected?q=王芳").get_json()
        board = text(client.get(f"/checkin/sessions/{session.id}/board"))
        summary = client.get(f"/api/v1/sessions/{session.id}/summary").get_json()
    rows = dict(re.findall(r'<span class="title">(\S+)</span>(.*?)</label>', backfill, re.S))
    assert "补录" in rows["张伟"] and "补录" not in rows["王芳"]
    assert '<span class="badge badge-amber">补录</span>' in ticket
    assert found["items"][0]["backfilled"] is True and others["items"][0]["backfilled"] is False
    assert '<small class="board-note">含补录 1</small>' in board
    assert summary["backfilled"] == 1  # the scanner's 补录 badge: test_browser_scanner.py
