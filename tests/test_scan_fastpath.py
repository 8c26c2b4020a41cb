"""The scan API's fast path (checkin.fastscan, issue 12): a scan in the fewest statements,
with the same checks, rows and answers as perform_checkin, for scanner links and staff.
Statements are counted as the database sees them: COMMIT counted, BEGIN not."""
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from app.checkin import service as checkin
from app.events import service as events
from app.extensions import db
from app.registration import leave_requests, signup

from .event_factories import attendee, open_event
from .http_client import Browser, gunicorn
from .test_api import json_post, open_link, rows, scan, scans_url


class Statements(list):
    """The statements run while it listens (not BEGIN or PRAGMA), COMMIT included."""

    def __enter__(self):
        self.with_begin, self.sql = [], []
        sa.event.listen(db.engine, "before_cursor_execute", self._statement)
        sa.event.listen(db.engine, "commit", self._commit)
        return self

    def __exit__(self, *exc):
        sa.event.remove(db.engine, "before_cursor_execute", self._statement)
        sa.event.remove(db.engine, "commit", self._commit)

    def _statement(self, conn, cursor, statement, *args):
        first = statement.lstrip().split()[0].upper()
        self.sql.append(statement)
        self.with_begin.append(" ".join(statement.split()[:2]) if first == "BEGIN" else first)
        if first not in ("BEGIN", "PRAGMA"):
            self.append(first)

    def _commit(self, conn):
        self.append("COMMIT")


def sqlite():
    return db.engine.dialect.name == "sqlite"


@pytest.fixture
def phone(scene, client):
    """A volunteer's phone holding a scanner link for the scene's event."""
    client.link, token = checkin.create_scanner_link(scene.organizer, scene.event, "东门")
    open_link(client, token)
    return client


def counted(client, session_id, code, nonce, **extra):
    db.session.commit()  # the test's own transaction is not the request's
    with Statements() as seen:
        response = scan(client, session_id, code, nonce=nonce, **extra)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json(), list(seen), seen


# ------------------------------------------------------------------ statements

def test_a_scan_costs_two_selects_an_insert_and_the_commit(scene, phone):
    new, seen, trace = counted(phone, scene.session.id, scene.alice_code, "n-1")
    assert new["result"] == "ok"
    assert seen == ["WITH", "SELECT", "INSERT", "COMMIT"]
    if sqlite():
        # the facts read without a transaction; the write lock held for the state, the
        # INSERT and the COMMIT only
        assert trace.with_begin == ["WITH", "BEGIN IMMEDIATE", "SELECT", "INSERT"]
    else:  # the registration locked in the first SELECT, its state read after the lock
        assert "FOR UPDATE" in trace.sql[0]

    duplicate, seen, _ = counted(phone, scene.session.id, scene.alice_code, "n-2")
    assert (duplicate["result"], duplicate["first_at"]) == ("duplicate", new["at"])
    assert seen == ["WITH", "SELECT", "INSERT", "COMMIT"]

    resent, seen, trace = counted(phone, scene.session.id, scene.alice_code, "n-2")
    assert resent == duplicate
    # one SELECT; on PostgreSQL inside a transaction (the row lock), which writes nothing
    assert seen == (["WITH"] if sqlite() else ["WITH", "COMMIT"])
    assert "BEGIN IMMEDIATE" not in trace.with_begin
    assert [r.result for r in rows()] == ["ok", "duplicate"]


def test_a_refused_scan_costs_no_more(scene, phone):
    for code in (scene.bob_code, "NOT-A-TICKET"):
        _, seen, _ = counted(phone, scene.session.id, code, f"n-{code}", kind="exit")
        assert len(seen) <= 4 and "INSERT" in seen
    assert [(r.result, r.code) for r in rows()] == [
        ("refused", "not_checked_in"), ("refused", "unknown_ticket")]


# ------------------------------------------------------------------ the same as perform_checkin

def twin_steps(event, alice_code, bob_code, other_code):
    return [(alice_code, "entry"), (alice_code, "entry"), (bob_code, "exit"),
            (alice_code, "exit"), (alice_code, "exit"), ("hello", "entry"),
            (other_code, "entry"), (bob_code, "entry")]


def test_the_fast_path_answers_and_records_like_perform_checkin(scene, factory, phone):
    """The same scans of the same people, in two events: one through the API with a
    scanner link (fast path), one through perform_checkin; the same answers and rows."""
    twin = open_event(scene.organizer, title="同一场活动的副本")
    twin_link, _ = checkin.create_scanner_link(scene.organizer, twin, "副本")
    codes = {}
    for member in (scene.alice, scene.bob):
        registration = signup.register(scene.organizer, twin.id, member_id=member.id)
        codes[member.id] = checkin.ticket_for(registration).code
    elsewhere = open_event(scene.organizer, title="别的活动")
    _, _, other_code = attendee(factory, scene.organizer, elsewhere, "赵敏", scene.one)
    bob_reg = db.session.get(type(scene.bob_reg), scene.bob_reg.id)
    bob_reg.status = "cancelled"  # 李建国 cancelled, in both events
    db.session.scalars(sa.select(type(bob_reg)).where(
        type(bob_reg).event_id == twin.id, type(bob_reg).member_id == scene.bob.id)).one().status = "cancelled"
    db.session.commit()

    fast = [scan(phone, scene.session.id, code, kind=kind, nonce=f"f-{n}").get_json()
            for n, (code, kind) in enumerate(
                twin_steps(scene.event, scene.alice_code, scene.bob_code, other_code))]
    slow = [checkin.perform_checkin(twin.sessions[0].id, kind=kind, method="ticket_scan",
                                    code=code, nonce=f"s-{n}", scanner_link=twin_link).as_json()
            for n, (code, kind) in enumerate(
                twin_steps(twin, codes[scene.alice.id], codes[scene.bob.id], other_code))]

    def shape(answer):
        return {**answer, "at": bool(answer["at"]), "first_at": bool(answer["first_at"]),
                "message": answer["message"].split("（")[0]}

    assert [shape(a) for a in fast] == [shape(a) for a in slow]
    assert [a["result"] for a in fast] == ["ok", "duplicate", "refused", "ok", "duplicate",
                                           "refused", "refused", "refused"]
    assert [a["code"] for a in fast][5:] == ["unknown_ticket", "wrong_event", "not_confirmed"]

    def stored(session_id):
        return [(r.kind, r.method, r.result, r.code, r.late, r.registration_id is not None,
                 r.operator_id, r.scanner_link_id is not None, r.scanned.startswith("hello"))
                for r in rows(session_id=session_id)]

    assert stored(scene.session.id) == stored(twin.sessions[0].id)
    assert {r.scanner_link_id for r in rows(session_id=scene.session.id)} == {phone.link.id}


def test_on_leave_and_a_late_entry_through_a_link(scene, phone):
    [leave] = leave_requests.request_leave(scene.alice, scene.alice_reg.id, scene.session.id, "出差")
    leave_requests.decide_leave(scene.organizer, leave.id, True)
    data = scan(phone, scene.session.id, scene.alice_code).get_json()
    assert (data["result"], data["code"]) == ("refused", "on_leave")
    assert data["member"] == {"name": "王秀英", "branch": "第一党支部"}


def test_a_resent_nonce_of_another_session_is_a_bad_request(scene, phone):
    second = open_event(scene.organizer, title="第二场")
    assert scan(phone, scene.session.id, scene.alice_code, nonce="shared").status_code == 200
    link, token = checkin.create_scanner_link(scene.organizer, second, "第二场")
    open_link(phone, token)
    response = scan(phone, second.sessions[0].id, scene.alice_code, nonce="shared")
    assert response.status_code == 400 and response.get_json()["code"] == "bad_request"


# ------------------------------------------------------------------ who may scan, unchanged

def test_who_may_not_scan_hears_why_before_a_bad_body(scene, client, phone):
    url = scans_url(scene.session.id)
    assert client.application.test_client().post(url, json={"code": ""}).status_code == 401
    assert phone.post(url, json={"code": ""}).status_code == 400  # may scan: the body is wrong

    link = db.session.get(type(phone.link), phone.link.id)
    checkin.revoke_scanner_link(scene.organizer, link)
    for body in ({"code": scene.alice_code}, {"code": ""}):
        response = phone.post(url, json=body)
        assert response.status_code == 403 and response.get_json()["code"] == "scanner_link_invalid"
    assert rows() == []


def test_a_cancelled_event_refuses_a_link_scan(scene, phone):
    events.cancel_event(scene.organizer, scene.event, "天气原因")
    response = scan(phone, scene.session.id, scene.alice_code)
    assert response.status_code == 409 and response.get_json()["code"] == "event_cancelled"
    missing = scan(phone, 999999, scene.alice_code)
    assert missing.status_code == 404
    assert rows() == []


# ------------------------------------------------------------------ exactly once, separate processes

@pytest.mark.slow
def test_20_link_phones_scan_the_same_ticket_at_once(scene, factory, app):
    session_id, code = scene.session.id, scene.alice_code
    _, token = checkin.create_scanner_link(scene.organizer, scene.event, "东门")
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=4, threads=8) as base:
        phones = []
        for _ in range(20):
            browser = Browser(base)
            status, _, _ = browser.get(f"/checkin/link/{token}")
            assert status == 302
            status, text, _ = browser.get("/api/v1/csrf-token")
            browser.token = json.loads(text)["csrf_token"]
            phones.append(browser)
        barrier = threading.Barrier(25)

        def fire(n):  # 20 phones, and the first phone's nonce resent 5 times at once
            barrier.wait()
            phone = phones[n % 20]
            return json_post(phone, scans_url(session_id),
                             {"code": code, "kind": "entry", "nonce": f"phone-{n % 20}"},
                             phone.token)

        with ThreadPoolExecutor(max_workers=25) as pool:
            answers = list(pool.map(fire, [*range(20), 0, 0, 0, 0, 0]))

    assert all(status == 200 for status, _ in answers), answers
    assert len({json.dumps(data, sort_keys=True) for _, data in answers[:1] + answers[20:]}) == 1
    answers = answers[:20]
    assert sorted(data["result"] for _, data in answers) == ["duplicate"] * 19 + ["ok"]
    saved = rows(session_id=session_id)
    assert len(saved) == 20 and [r.result for r in saved].count("ok") == 1
    assert {r.scanner_link_id for r in saved} != {None}
