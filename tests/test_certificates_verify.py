"""The public verification page: no login, a masked name and the facts that catch an
edited certificate, the same work for an unknown code as for a known one, every look-up
counted, and a rate limit."""
import statistics
import time

import pytest

from app import create_app
from app.certificates import issuing, verification
from app.certificates.models import Certificate
from app.extensions import db, limiter
from app.timeutil import to_local, utcnow

from .conftest import TEST_CONFIG, body_text, count_statements, visible_text
from .event_factories import backfill, make_finished, signed_up


@pytest.fixture
def certificate(org, factory):
    event = make_finished(org.organizer, title="2026年度党支部书记培训班")
    member = factory.member(name="张秀梅", branch=org.one)
    backfill(org.organizer, signed_up(org.organizer, event, member), event.sessions)
    issuing.issue(org.organizer, event.id, "completion")
    found = db.session.scalar(db.select(Certificate))
    found.organizer = org.organizer
    return found


def page(client, code):
    response = client.get(f"/verify/{code}")
    assert response.status_code == 200
    return visible_text(body_text(response))


@pytest.mark.parametrize("name, masked", [
    ("张秀梅", "张*梅"), ("李二", "李*"), ("欧阳建国", "欧**国"), ("王", "*"), ("", "")])
def test_names_are_masked_keeping_the_first_and_last_character(name, masked):
    assert verification.mask_name(name) == masked


def test_a_valid_certificate_shows_what_catches_an_edit_and_nothing_more(certificate, client):
    text = page(client, certificate.code)
    assert "证书有效" in text
    for shown in ("张*梅", "结业证书", "2026年度党支部书记培训班", certificate.snapshot["dates"],
                  "学时 12", certificate.serial):
        assert shown in text, shown
    assert "张秀梅" not in text and "第一党支部" not in text  # no full name, no branch
    # typed in lower case, with spaces or dashes, it is the same code
    assert "证书有效" in page(client, certificate.code.lower()[:6] + "-" + certificate.code.lower()[6:])


def test_a_revoked_certificate_says_revoked(certificate, client):
    issuing.revoke(certificate.organizer, certificate.id, "重复发放")
    text = page(client, certificate.code)
    assert "证书已撤销" in text and "证书有效" not in text and "重复发放" not in text


NOT_FOUND = "未找到该证书 没有找到这个验证码对应的证书。请核对证书上的验证码；伪造或被改动的证书也会这样显示。"
MALFORMED = "验证码格式不对 验证码格式不对：应为证书二维码旁边印的 12 位字母和数字。"


@pytest.mark.parametrize("code, words", [
    ("ABCDEFGHJKMN", NOT_FOUND),  # well formed, nobody has it
    ("abc", MALFORMED),
    ("O0O0O0O0O0O0", MALFORMED),  # look-alike characters are never in a code
    ("%27%20OR%201=1--", MALFORMED),
    ("证书" * 30, MALFORMED),
])
def test_unknown_and_malformed_codes_are_answered_in_words(certificate, client, code, words):
    text = page(client, code)
    assert words in text and "持证人" not in text


def test_every_look_up_is_counted_on_the_certificate_and_for_the_day(certificate, client):
    for code in (certificate.code, certificate.code, "ABCDEFGHJKMN", "bad"):
        page(client, code)
    db.session.expire_all()
    checked = db.session.get(Certificate, certificate.id)
    assert checked.verify_count == 2 and checked.last_verified_at is not None
    assert verification.lookups_on(to_local(utcnow()).date()) == (2, 2)


def test_a_found_and_an_unknown_code_do_the_same_work(certificate, app):
    """The same statements (the same count, the same SQL) run for a hit and a miss, and
    their times do not differ by more than noise."""
    def statements(code):
        with count_statements() as seen:
            verification.verify(code)
        return [" ".join(s.split()) for s in seen]

    assert statements(certificate.code) == statements("ABCDEFGHJKMN") == statements("malformed!")

    client = app.test_client()
    timings = {"found": [], "unknown": []}
    for _ in range(3):  # warm up
        client.get(f"/verify/{certificate.code}")
        client.get("/verify/ABCDEFGHJKMN")
    for _ in range(30):
        for key, code in (("found", certificate.code), ("unknown", "ABCDEFGHJKMN")):
            started = time.perf_counter()
            client.get(f"/verify/{code}")
            timings[key].append(time.perf_counter() - started)
    found, unknown = statistics.median(timings["found"]), statistics.median(timings["unknown"])
    assert abs(found - unknown) < max(0.004, 0.35 * found), timings


@pytest.fixture
def limited_app(app):
    """A second app on the same database with rate limits on: 3 look-ups a minute."""
    yield create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                      "RATELIMIT_ENABLED": True, "VERIFY_RATE_LIMIT": "3 per minute"})
    limiter.enabled = app.config["RATELIMIT_ENABLED"]  # one limiter serves every app


def test_verification_is_rate_limited_per_address(certificate, limited_app, fresh):
    db.session.commit()
    client = limited_app.test_client()
    statuses = [client.get(f"/verify/{code}").status_code
                for code in (certificate.code, "ABCDEFGHJKMN", "bad", certificate.code)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get(f"/verify/{certificate.code}")
    assert refused.status_code == 429 and "操作太频繁" in body_text(refused)
    fresh()
    assert db.session.get(Certificate, certificate.id).verify_count == 1  # a refused look-up reads nothing


def test_the_verification_form_goes_to_the_code_typed(client, certificate):
    response = client.get("/verify?code=" + certificate.code.lower())
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/verify/{certificate.code}")
    assert "输入验证码查验" in visible_text(body_text(client.get("/verify")))
