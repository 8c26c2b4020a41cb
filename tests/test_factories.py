"""The shared test factories save what the app saves: factory members share one real
scrypt hash of TEST_PASSWORD, and ``password=`` goes through set_own_password."""
from app.extensions import db
from app.org.models import Member
from app.org.passwords import check_member_password

from .conftest import TEST_PASSWORD


def test_factory_members_share_one_real_scrypt_hash_of_the_test_password(factory):
    first, second = factory.member(name="甲"), factory.member(name="乙")
    stored = [db.session.get(Member, m.id) for m in (first, second)]
    assert stored[0].password_hash == stored[1].password_hash == factory.password_hash
    assert stored[0].password_hash.startswith("scrypt:")
    assert check_member_password(stored[0], TEST_PASSWORD)
    assert not check_member_password(stored[0], TEST_PASSWORD + "x")
    assert stored[0].login_token != stored[1].login_token
    assert not stored[0].must_change_password and stored[0].initial_password_salt is None


def test_own_password_is_hashed_by_set_own_password_and_logs_in(factory, client):
    member = factory.member(name="丙", password="Hongqi2026")
    stored = db.session.get(Member, member.id)
    assert stored.password_hash.startswith("scrypt:")
    assert stored.password_hash != factory.password_hash and "Hongqi2026" not in stored.password_hash
    assert not stored.must_change_password
    refused = client.post("/login", data={"phone": member.phone, "password": TEST_PASSWORD})
    assert refused.status_code == 200 and "手机号或密码不正确" in refused.get_data(as_text=True)
    response = client.post("/login", data={"phone": member.phone, "password": "Hongqi2026"})
    assert response.status_code == 302
