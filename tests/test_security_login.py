"""Logging in behind a proxy, against a guesser, and logging out (issue 8, findings 5, 7, 8).

- 7: behind the README's reverse proxy every phone has its own login budget (ProxyFix with
  TRUSTED_PROXIES), wrong passwords from one address are still throttled, and the audit
  log records the phone's own address;
- 8: unknown and known phones get the same answer in the same time; repeated failures
  slow down the attacker's address and that phone from that address, and never lock the
  owner out on their own device (the account lockout this replaced did);
- 5: logging out ends that login on the server: the session and remember cookies saved
  before stop working; 「在所有设备上退出」 ends every login.
"""
import time
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from app.audit.models import AuditLog
from app.auth.models import LoginSession
from app.extensions import db

from .conftest import audit_entries, body_text, count
from .factories import TEST_PASSWORD, people

PROXY = "10.0.0.1"  # the reverse proxy's address, as the app sees it
WRONG = "wrong-pass1"


def post_login(client, phone, password, phone_address=None, **extra):
    """A login post; through the proxy when ``phone_address`` (X-Forwarded-For) is given."""
    headers = {"X-Forwarded-For": phone_address} if phone_address else {}
    return client.post("/login", data={"phone": phone, "password": password, **extra},
                       headers=headers, environ_base={"REMOTE_ADDR": PROXY})


@pytest.fixture
def behind_proxy(app_with):
    """The app as deployed behind one reverse proxy, login limits on (the defaults)."""
    return app_with(RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1)


# ------------------------------------------------------------------ finding 7: the proxy

def test_sixty_members_logging_in_through_one_proxy_within_a_minute_all_succeed(
        behind_proxy, factory):
    members = people(factory, factory.branch(), 60)
    statuses = [post_login(behind_proxy.test_client(), member.phone, TEST_PASSWORD,
                           f"192.168.1.{n + 10}").status_code
                for n, member in enumerate(members)]
    assert statuses == [302] * 60


def test_thirty_wrong_passwords_from_one_address_are_still_throttled(behind_proxy, factory):
    members = people(factory, factory.branch(), 30)
    client = behind_proxy.test_client()
    answers = [post_login(client, member.phone, WRONG, "192.168.1.66") for member in members]
    statuses = [answer.status_code for answer in answers]
    assert statuses[:20] == [200] * 20  # LOGIN_ADDRESS_FAILURE_LIMIT: 20 per 10 minutes
    assert statuses[20:] == [429] * 10
    assert "操作太频繁，请在 10 分钟后再试" in body_text(answers[-1])
    # Another phone on the same Wi-Fi (another address behind the proxy) is not slowed.
    assert post_login(behind_proxy.test_client(), members[0].phone, TEST_PASSWORD,
                      "192.168.1.67").status_code == 302


def test_without_trusted_proxies_a_forwarded_address_is_not_believed(app_with, factory):
    direct = app_with(RATELIMIT_ENABLED=True)  # TRUSTED_PROXIES=0, the default
    members = people(factory, factory.branch(), 21)
    statuses = [post_login(direct.test_client(), member.phone, WRONG, f"192.168.2.{n}").status_code
                for n, member in enumerate(members)]
    assert statuses == [200] * 20 + [429]  # every post counts against the one real address
    assert {entry.ip for entry in audit_entries("auth.login_failed")} == {PROXY}


def test_the_audit_log_records_the_phones_own_address(behind_proxy, factory):
    member = factory.member()
    post_login(behind_proxy.test_client(), member.phone, WRONG, "192.168.1.23")
    (entry,) = audit_entries("auth.login_failed")
    assert (entry.ip, entry.target_id) == ("192.168.1.23", member.id)
    # Only the last hop the proxy added counts: a phone cannot claim another address.
    post_login(behind_proxy.test_client(), member.phone, WRONG, "8.8.8.8, 192.168.1.24")
    assert audit_entries("auth.login_failed")[-1].ip == "192.168.1.24"


# ------------------------------------------------------------------ finding 8: guessing

def test_unknown_and_known_phones_get_the_same_answers(behind_proxy, factory):
    member = factory.member()

    def answers(phone):
        client = behind_proxy.test_client()
        return [(response.status_code, _message(response))
                for response in (post_login(client, phone, WRONG, "192.168.1.5")
                                 for _ in range(7))]

    known, unknown = answers(member.phone), answers("13012345678")
    assert known == unknown
    assert known[0] == (200, "手机号或密码不正确。")
    assert known[-1][0] == 429 and "操作太频繁" in known[-1][1]
    assert "锁定" not in str(known)


def _message(response):
    text = body_text(response)
    start = text.index('role="alert">') + len('role="alert">')
    return text[start:text.index("<", start)]


def test_wrong_passwords_slow_that_phone_from_that_address_and_never_lock_the_owner_out(
        behind_proxy, factory):
    owner = factory.member()
    attacker = behind_proxy.test_client()
    statuses = [post_login(attacker, owner.phone, WRONG, "192.168.9.9").status_code
                for _ in range(5)]
    assert statuses == [200] * 5
    # The sixth try from there is refused, even with the right password ...
    right = post_login(attacker, owner.phone, TEST_PASSWORD, "192.168.9.9")
    assert right.status_code == 429 and "操作太频繁，请在 15 分钟后再试" in body_text(right)
    assert attacker.get("/").status_code == 302  # not logged in
    # ... while the owner's own phone logs in, and the account is locked nowhere.
    assert post_login(behind_proxy.test_client(), owner.phone, TEST_PASSWORD,
                      "192.168.1.30").status_code == 302
    # The attacker may still try other phones from there, until the address's own limit.
    assert post_login(attacker, factory.member().phone, WRONG, "192.168.9.9").status_code == 200
    assert count(AuditLog, AuditLog.action == "auth.login_failed") == 6


def test_the_owners_own_device_logs_in_behind_the_attackers_address(behind_proxy, factory):
    """One office address for everyone (a NAT): the owner's phone, which logged in there
    before, keeps its own budget."""
    owner = factory.member()
    own_phone = behind_proxy.test_client()
    assert post_login(own_phone, owner.phone, TEST_PASSWORD, "172.16.0.1").status_code == 302
    own_phone.post("/logout")
    attacker = behind_proxy.test_client()
    others = people(factory, factory.branch(), 20)
    for member in [owner] * 5 + others:
        post_login(attacker, member.phone, WRONG, "172.16.0.1")
    assert post_login(attacker, owner.phone, TEST_PASSWORD, "172.16.0.1").status_code == 429
    assert post_login(own_phone, owner.phone, TEST_PASSWORD, "172.16.0.1").status_code == 302


def test_the_slowdown_ends_after_its_window(behind_proxy, factory):
    member = factory.member()
    client = behind_proxy.test_client()
    start = datetime(2026, 11, 26, 2, 0, tzinfo=timezone.utc)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            post_login(client, member.phone, WRONG, "192.168.1.8")
        assert post_login(client, member.phone, TEST_PASSWORD, "192.168.1.8").status_code == 429
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert post_login(client, member.phone, TEST_PASSWORD, "192.168.1.8").status_code == 302


def test_unknown_known_and_initial_password_phones_answer_in_the_same_time(app, factory):
    """Each wrong login costs one scrypt and one audit entry, whatever the phone: the
    times of the three kinds agree within a tolerance (before, a phone still on its initial
    password answered 30 times faster than the others). The tries are interleaved and each
    kind is judged by its fastest try: load from other processes only ever adds time."""
    own = factory.member(password="Another1pass")  # a real scrypt hash, not the test's cached one
    initial = factory.member(initial=True)
    phones = {"unknown": "13012345678", "own password": own.phone, "initial": initial.phone}
    times = {kind: [] for kind in phones}
    client = app.test_client()
    post_login(client, "13012345670", WRONG)  # warm up
    for _ in range(6):
        for kind, phone in phones.items():
            started = time.perf_counter()
            response = post_login(client, phone, WRONG)
            times[kind].append(time.perf_counter() - started)
            assert "手机号或密码不正确。" in body_text(response)
    best = {kind: min(values) for kind, values in times.items()}
    slowest, fastest = max(best.values()), min(best.values())
    assert fastest > 0.5 * slowest, best


# ------------------------------------------------------------------ finding 5: logging out

def test_cookies_saved_before_logout_stop_working(app, factory):
    member = factory.member()
    phone = app.test_client()
    assert post_login(phone, member.phone, TEST_PASSWORD, remember="y").status_code == 302
    session_cookie = phone.get_cookie("session").value
    remember_cookie = phone.get_cookie("remember_token").value
    assert phone.post("/logout").status_code == 302
    assert phone.get("/").status_code == 302

    thief = app.test_client()
    thief.set_cookie("session", session_cookie)
    assert thief.get("/").status_code == 302
    thief = app.test_client()
    thief.set_cookie("remember_token", remember_cookie)
    assert thief.get("/").status_code == 302
    (login,) = db.session.scalars(db.select(LoginSession)).all()
    assert login.ended_at is not None and login.member_id == member.id


def test_logging_out_on_one_device_keeps_the_others(app, factory):
    member = factory.member()
    phone, office_pc = app.test_client(), app.test_client()
    for device in (phone, office_pc):
        assert post_login(device, member.phone, TEST_PASSWORD).status_code == 302
    phone.post("/logout")
    assert phone.get("/").status_code == 302
    assert office_pc.get("/").status_code == 200


def test_the_password_page_signs_out_every_device(app, factory):
    member = factory.member(name="李红")
    phone, office_pc = app.test_client(), app.test_client()
    for device in (phone, office_pc):
        assert post_login(device, member.phone, TEST_PASSWORD, remember="y").status_code == 302
    saved = office_pc.get_cookie("remember_token").value
    page = body_text(phone.get("/password"))
    assert "在所有设备上退出" in page
    answer = phone.post("/logout/everywhere")
    assert answer.status_code == 302 and answer.headers["Location"] == "/login"
    assert phone.get("/").status_code == 302
    assert office_pc.get("/").status_code == 302
    thief = app.test_client()
    thief.set_cookie("remember_token", saved)
    assert thief.get("/").status_code == 302
    (entry,) = audit_entries("auth.logout_everywhere")
    assert entry.actor_id == member.id
    assert post_login(app.test_client(), member.phone, TEST_PASSWORD).status_code == 302


def test_a_login_lasts_at_most_the_remember_days(app, factory):
    member = factory.member()
    phone = app.test_client()
    post_login(phone, member.phone, TEST_PASSWORD, remember="y")
    later = datetime.now(timezone.utc) + timedelta(days=31)
    with time_machine.travel(later, tick=False):
        assert phone.get("/").status_code == 302
