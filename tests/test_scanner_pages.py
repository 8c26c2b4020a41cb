"""The scanner pages: who may open them, scanner links (phone side and staff side), and
the scanner's no-JavaScript fallbacks (typed code, search, tap to check in)."""
import re
from datetime import timedelta
from pathlib import Path

import pytest

from app.audit.models import AuditLog
from app.checkin import service as checkin
from app.checkin.models import Checkin, ScannerLink
from app.extensions import db
from app.timeutil import utcnow

from .conftest import body_text as text
from .conftest import static_url
from .conftest import visible_text as visible
from .event_factories import make_event, open_event, session_rows

ROOT = Path(__file__).resolve().parent.parent
VENDOR = "/static/vendor/qr-scanner-1.4.2"


def scanner_url(session_id, **args):
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/checkin/sessions/{session_id}/scan" + (f"?{query}" if query else "")


# ------------------------------------------------------------------ the scanner page

def test_staff_open_the_scanner_page(app, scene, login):
    client = login(scene.organizer)
    response = client.get(scanner_url(scene.session.id))
    assert response.status_code == 200
    html = text(response)
    assert '<meta name="csrf-token" content="' in html
    # Static URLs carry the hash of the file's content (app/ops/static.py).
    assert f'src="{static_url(app, "vendor/qr-scanner-1.4.2/qr-scanner.umd.min.js")}"' in html
    assert f'src="{static_url(app, "js/scanner.js")}"' in html
    assert f'data-legacy-src="{static_url(app, "vendor/qr-scanner-1.4.2/qr-scanner.legacy.min.js")}"' in html
    assert f'data-api-scans="/api/v1/sessions/{scene.session.id}/scans"' in html
    words = visible(html)
    for expected in ("专题党课", "签到", "签退", "实到 0 / 应到 2", "待上传 0 条", "输入票码",
                     "查找姓名", "拍照识别", "请扫票面二维码签到"):
        assert expected in words, expected
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    # No outside requests: every script and stylesheet is served by the app itself.
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not url.startswith(("http:", "https:", "//")), url


def test_exit_mode_from_the_address(scene, login):
    client = login(scene.organizer)
    words = visible(text(client.get(scanner_url(scene.session.id, kind="exit"))))
    assert "请扫票面二维码签退" in words


def test_anonymous_goes_to_login_and_members_are_refused(scene, client, login):
    response = client.get(scanner_url(scene.session.id))
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
    assert "/checkin/sessions/" in response.headers["Location"]
    login(scene.alice)
    response = client.get(scanner_url(scene.session.id))
    assert response.status_code == 403
    assert client.get(f"/checkin/events/{scene.event.id}/scan").status_code == 403
    assert client.get(scanner_url(999999)).status_code == 404


def test_an_event_with_several_sessions_asks_which(org, factory, login):
    start = (utcnow() + timedelta(minutes=30)).replace(microsecond=0)
    event = make_event(org.organizer, sessions=session_rows(2, start=start), publish=True,
                       title="两天培训班")
    client = login(org.organizer)
    response = client.get(f"/checkin/events/{event.id}/scan")
    assert response.status_code == 200
    words = visible(text(response))
    assert "请选择场次" in words and "第1场" in words and "第2场" in words
    assert "正在签到" in words and "未开始" in words
    single = open_event(org.organizer)
    response = client.get(f"/checkin/events/{single.id}/scan")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(scanner_url(single.sessions[0].id))


# ------------------------------------------------------------------ without JavaScript

def test_typed_code_posts_back_without_javascript(scene, login):
    client = login(scene.organizer)
    url = scanner_url(scene.session.id)
    form = {"code": scene.alice_code.lower(), "kind": "entry", "nonce": "form-nonce"}
    words = visible(text(client.post(url, data=form)))
    assert "签到成功" in words and "王秀英" in words and "第一党支部" in words
    again = visible(text(client.post(url, data=form)))  # a refresh resends the same nonce
    assert "签到成功" in again
    assert db.session.query(Checkin).count() == 1
    dup = visible(text(client.post(url, data={**form, "nonce": "other"})))
    assert "重复签到" in dup and "已签到（" in dup
    bad = visible(text(client.post(url, data={**form, "code": "hello", "nonce": "x"})))
    assert "不能签到" in bad and "无法识别的票码" in bad
    nul = visible(text(client.post(url, data={**form, "code": "a\x00b", "nonce": "z"})))
    assert "无法识别的票码" in nul
    empty = visible(text(client.post(url, data={**form, "code": " ", "nonce": "y"})))
    assert "请输入票码" in empty
    assert db.session.query(Checkin).count() == 4


def test_search_and_tap_without_javascript(scene, login):
    client = login(scene.organizer)
    html = text(client.get(scanner_url(scene.session.id, q="王")))
    words = visible(html)
    assert "王秀英" in words and "未签到" in words and "李建国" not in words
    assert f'name="registration_id" value="{scene.alice_reg.id}"' in html
    page = visible(text(client.post(scanner_url(scene.session.id, q="王"), data={
        "registration_id": scene.alice_reg.id, "kind": "entry", "nonce": "tap-1"})))
    assert "签到成功" in page and "已签到" in page
    row = db.session.query(Checkin).one()
    assert (row.method, row.operator_id) == ("manual", scene.organizer.id)
    assert "没有找到「赵」" in visible(text(client.get(scanner_url(scene.session.id, q="赵"))))


# ------------------------------------------------------------------ scanner links, phone side

def test_a_scanner_link_opens_the_scanner_without_login(scene, client):
    _, token = checkin.create_scanner_link(scene.organizer, scene.event, "东门志愿者")
    response = client.get(f"/checkin/link/{token}")
    assert response.status_code == 302
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert token not in response.headers["Location"]
    response = client.get(response.headers["Location"])
    assert response.status_code == 302  # one session: straight to its scanner
    assert response.headers["Location"].endswith(scanner_url(scene.session.id))
    words = visible(text(client.get(scanner_url(scene.session.id))))
    assert "扫码授权「东门志愿者」" in words and "退出扫码授权" in words
    assert "扫码授权链接" not in words.replace("扫码授权「", "")  # no link management for volunteers
    assert client.get(f"/checkin/events/{scene.event.id}/links").status_code == 302  # login

    # A tap on 退出扫码授权 ends it on this phone.
    assert client.post("/checkin/link/forget").status_code == 302
    assert client.get(scanner_url(scene.session.id)).status_code == 302


def test_a_scanner_link_does_not_open_other_events(scene, client):
    other = open_event(scene.organizer, title="另一场活动")
    _, token = checkin.create_scanner_link(scene.organizer, scene.event, "东门")
    client.get(f"/checkin/link/{token}")
    response = client.get(scanner_url(other.sessions[0].id))
    assert response.status_code == 403
    assert "只能用于「专题党课」" in visible(text(response))


def test_unknown_revoked_and_expired_links_say_so(scene, client):
    response = client.get("/checkin/link/not-a-token")
    assert response.status_code == 403
    assert "扫码授权链接已失效或已撤销" in visible(text(response))
    link, token = checkin.create_scanner_link(scene.organizer, scene.event, "东门")
    client.get(f"/checkin/link/{token}")
    checkin.revoke_scanner_link(scene.organizer, link)
    response = client.get(scanner_url(scene.session.id))
    assert response.status_code == 403
    assert "扫码授权链接已失效或已撤销" in visible(text(response))
    _, old = checkin.create_scanner_link(scene.organizer, scene.event, "昨天",
                                         now=utcnow() - timedelta(hours=13))
    assert client.get(f"/checkin/link/{old}").status_code == 403


# ------------------------------------------------------------------ scanner links, staff side

def links_url(event_id):
    return f"/checkin/events/{event_id}/links"


def test_organizer_creates_shows_once_and_revokes_a_link(scene, login):
    client = login(scene.organizer)
    assert client.get(links_url(scene.event.id)).status_code == 200
    response = client.post(links_url(scene.event.id), data={"label": "东门志愿者 小李", "hours": "6"})
    assert response.status_code == 302
    html = text(client.get(response.headers["Location"]))
    link = db.session.query(ScannerLink).one()
    url = re.search(r'id="new-link-url" value="([^"]+)"', html).group(1)
    assert url.startswith("http://testserver/checkin/link/")
    assert checkin.scanner_link_for(url.rsplit("/", 1)[1]).id == link.id
    assert "<svg" in html and 'aria-label="扫码授权链接的二维码"' in html
    words = visible(html)
    assert "东门志愿者 小李" in words and "有效" in words and "只显示这一次" in words
    assert abs((link.expires_at - link.created_at) - timedelta(hours=6)) < timedelta(seconds=1)

    again = text(client.get(links_url(scene.event.id)))  # the token is not shown twice
    assert url not in again and "扫码授权链接的二维码" not in again

    response = client.post(f"{links_url(scene.event.id)}/{link.id}/revoke")
    assert response.status_code == 302
    words = visible(text(client.get(links_url(scene.event.id))))
    assert "已撤销" in words
    db.session.expire_all()
    first_revoked = db.session.get(ScannerLink, link.id).revoked_at
    assert first_revoked is not None
    client.post(f"{links_url(scene.event.id)}/{link.id}/revoke")  # twice: the first time stays
    db.session.expire_all()
    assert db.session.get(ScannerLink, link.id).revoked_at == first_revoked
    actions = [a.action for a in db.session.query(AuditLog).order_by(AuditLog.id)
               if a.action.startswith("scanner_link.")]
    assert actions == ["scanner_link.create", "scanner_link.revoke"]


def test_links_list_says_which_are_valid_expired_or_revoked(scene, login):
    checkin.create_scanner_link(scene.organizer, scene.event, "今天有效")
    checkin.create_scanner_link(scene.organizer, scene.event, "昨天的", now=utcnow() - timedelta(days=1))
    revoked, _ = checkin.create_scanner_link(scene.organizer, scene.event, "撤销的")
    checkin.revoke_scanner_link(scene.organizer, revoked)
    html = text(login(scene.organizer).get(links_url(scene.event.id)))
    for label, status, badge in (("今天有效", "有效", "badge-green"), ("昨天的", "已过期", "badge-grey"),
                                 ("撤销的", "已撤销", "badge-red")):
        item = re.search(rf'<li id="link-\d+"[^>]*>\s*<span class="title">{label}</span>\s*'
                         rf'<span class="badge {badge}">{status}</span>', html)
        assert item, label
    assert html.count("确认撤销") == 1  # only a valid link can be revoked


@pytest.mark.parametrize("hours", ["0", "73", "abc", ""])
def test_link_hours_are_checked(scene, login, hours):
    response = login(scene.organizer).post(links_url(scene.event.id), data={"label": "x", "hours": hours})
    assert response.status_code == 400
    assert db.session.query(ScannerLink).count() == 0
    assert "有效时长" in visible(text(response))


def test_only_who_manages_the_event_handles_its_links(scene, factory, login, client):
    assert client.get(links_url(scene.event.id)).status_code == 302
    login(scene.alice)
    assert client.get(links_url(scene.event.id)).status_code == 403
    client.post("/logout")
    secretary = factory.member(name="一支部书记", branch=scene.one, role="secretary")
    login(secretary)  # the 机关党委's event is above the secretary's branch
    assert client.get(links_url(scene.event.id)).status_code == 403
    assert client.post(links_url(scene.event.id), data={"label": "x", "hours": "2"}).status_code == 403
    own = open_event(secretary, title="支部主题党日", branch=scene.one)
    assert client.get(links_url(own.id)).status_code == 200
    assert client.get(links_url(999999)).status_code == 404


# ------------------------------------------------------------------ the vendored library

def test_qr_scanner_is_vendored_with_its_licence(client):
    for name in ("qr-scanner.umd.min.js", "qr-scanner-worker.min.js", "qr-scanner.legacy.min.js",
                 "LICENSE"):
        response = client.get(f"{VENDOR}/{name}")
        assert response.status_code == 200, name
        response.close()
    assert "MIT License" in (ROOT / "static/vendor/qr-scanner-1.4.2/LICENSE").read_text()
    umd = (ROOT / "static/vendor/qr-scanner-1.4.2/qr-scanner.umd.min.js").read_text()
    assert 'import("./qr-scanner-worker.min.js")' in umd  # the worker is loaded next to it
    readme = (ROOT / "README.md").read_text()
    assert "qr-scanner" in readme and "1.4.2" in readme
