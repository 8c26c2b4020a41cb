"""The member pages (/admin/members): scope, masking, create/edit, deactivate, passwords."""
import re
from datetime import date

import pytest

from app.errors import DomainError
from app.extensions import db
from app.org import service
from app.org.models import Member

from .conftest import audit_entries as audit_actions
from .conftest import body_text as page

pytestmark = pytest.mark.org("admin_tree")


def listed_names(html):
    return set(re.findall(r'<span class="title">([^<]+)</span>', html))


def shown_password(html):
    match = re.search(r'<p class="password-box"[^>]*>([a-z0-9]+)</p>', html)
    assert match, html
    return match.group(1)


def member_form(branch, **overrides):
    data = {
        "name": "王小明", "phone": "13712345678", "gender": "M", "birth_date": "1985-03-12",
        "branch_id": branch.id, "unit": "办公室", "position": "科长", "rank": "正科级",
        "political_status": "01", "development_stage": "", "role": "member",
    }
    data.update(overrides)
    return data


# ------------------------------------------------------------------ access

def test_secretary_sees_only_own_subtree(org, factory, login, client):
    secretary = factory.member("总支书记", branch=org["general"], role="secretary")
    factory.member("总支人员", branch=org["general"])
    factory.member("一支部人员", branch=org["first"])
    outsider = factory.member("二支部人员", branch=org["second"])
    login(secretary)

    html = page(client.get("/admin/members"))

    assert listed_names(html) == {"总支书记", "总支人员", "一支部人员"}
    # the branch filter offers only the own subtree
    assert "第一党支部" in html and "第二党支部" not in html
    # asking for another branch by id shows nobody from it
    html = page(client.get(f"/admin/members?branch_id={org['second'].id}"))
    assert "二支部人员" not in listed_names(html)
    assert client.get(f"/admin/members/{outsider.id}").status_code == 403


def test_secretary_opens_own_branch_member(org, factory, login, client):
    secretary = factory.member("总支书记", branch=org["general"], role="secretary")
    inside = factory.member("一支部人员", branch=org["first"], unit="财务处")
    login(secretary)
    response = client.get(f"/admin/members/{inside.id}")
    assert response.status_code == 200
    html = page(response)
    assert "一支部人员" in html and "财务处" in html
    assert "机关党委 / 第一党总支 / 第一党支部" in html
    assert "修改信息" not in html and "重置密码" not in html  # admin actions only


def test_member_gets_403_on_admin_pages(org, factory, login, client):
    member = factory.member("普通党员", branch=org["first"])
    other = factory.member("另一人", branch=org["first"])
    login(member)
    for url in ["/admin/members", f"/admin/members/{member.id}", f"/admin/members/{other.id}",
                "/admin/members/new", f"/admin/members/{other.id}/edit", "/admin/branches",
                "/admin/audit"]:
        assert client.get(url).status_code == 403, url
    assert client.post(f"/admin/members/{other.id}/deactivate").status_code == 403
    assert client.post(f"/admin/members/{other.id}/reset-password").status_code == 403
    assert db.session.get(Member, other.id).active is True


@pytest.mark.parametrize("role", ["secretary", "organizer"])
def test_only_admins_change_members(org, factory, login, client, role):
    staff = factory.member("工作人员", branch=org["top"], role=role)
    target = factory.member("某党员", branch=org["top"])
    login(staff)
    assert client.get("/admin/members/new").status_code == 403
    assert client.get(f"/admin/members/{target.id}/edit").status_code == 403
    assert client.post(f"/admin/members/{target.id}/edit",
                       data=member_form(org["top"], name="改名")).status_code == 403
    assert client.post(f"/admin/members/{target.id}/deactivate").status_code == 403
    assert client.post(f"/admin/members/{target.id}/reset-password").status_code == 403
    assert db.session.get(Member, target.id).name == "某党员"


def test_member_pages_need_login(client, org):
    response = client.get(f"/admin/members/{org['admin'].id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_member_is_404(admin_client):
    assert admin_client.get("/admin/members/99999").status_code == 404
    assert admin_client.get("/admin/members/99999/edit").status_code == 404
    assert admin_client.post("/admin/members/99999/deactivate").status_code == 404
    assert admin_client.post("/admin/members/99999/reset-password").status_code == 404


# --------------------------------------------------------- phone masking

@pytest.mark.parametrize("role", ["secretary", "organizer"])
def test_phone_masked_for_secretary_and_organizer(org, factory, login, client, role):
    viewer = factory.member("查看者", branch=org["general"], role=role, phone="13600000001")
    target = factory.member("被查看者", branch=org["first"], phone="13812341234")
    login(viewer)

    for url in ["/admin/members", f"/admin/members/{target.id}"]:
        html = page(client.get(url))
        assert "138****1234" in html
        assert "13812341234" not in html
    # their own number they see in full
    assert "13600000001" in page(client.get(f"/admin/members/{viewer.id}"))


def test_phone_full_for_admin(admin_client, org, factory):
    target = factory.member("被查看者", branch=org["first"], phone="13812341234")
    assert "13812341234" in page(admin_client.get("/admin/members"))
    assert "13812341234" in page(admin_client.get(f"/admin/members/{target.id}"))


# ---------------------------------------------------------------- search

def test_search_by_name_phone_branch_role_and_status(admin_client, org, factory):
    factory.member("张三", branch=org["first"], phone="13811112222")
    factory.member("张三丰", branch=org["second"], phone="13833334444", role="secretary")
    factory.member("李四", branch=org["first"], phone="13855556666", active=False)

    def names(query):
        return listed_names(page(admin_client.get("/admin/members" + query)))

    assert names("?q=张三") == {"张三", "张三丰"}
    assert names("?q=3333") == {"张三丰"}
    assert names("?q=138%201111") == {"张三"}  # spaces in a typed number are ignored
    assert names(f"?branch_id={org['first'].id}") == {"张三"}
    assert names(f"?branch_id={org['general'].id}") == {"张三"}  # a subtree
    assert names("?role=secretary") == {"张三丰"}
    assert names("?status=inactive") == {"李四"}
    assert names("?status=all&q=李") == {"李四"}
    # nonsense in the query string is ignored, not a 500
    assert admin_client.get("/admin/members?branch_id=abc&role=x&status=y&page=-3").status_code == 200


def test_member_list_is_paginated(admin_client, org, factory):
    for i in range(35):
        factory.member(f"人员{i:02d}", branch=org["first"])
    html = page(admin_client.get(f"/admin/members?branch_id={org['first'].id}"))
    assert "第 1 / 2 页，共 35 条" in html
    assert f"branch_id={org['first'].id}" in html.split('class="pager"')[1]  # filters kept
    html = page(admin_client.get(f"/admin/members?branch_id={org['first'].id}&page=2"))
    assert "第 2 / 2 页" in html and html.count('class="row-link"') == 5


# ---------------------------------------------------------------- create

def test_create_member_shows_initial_password_once_and_it_works(app, admin_client, org):
    response = admin_client.post("/admin/members/new", data=member_form(
        org["first"], phone="137 1234 5678", birth_date="1985-03"))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = page(response)
    assert "已新增人员" in html and "交给" in html
    password = shown_password(html)
    member = db.session.scalar(db.select(Member).filter_by(phone="13712345678"))
    assert member.name == "王小明" and member.branch_id == org["first"].id
    assert member.birth_date == date(1985, 3, 1) and member.rank == "正科级"
    assert member.must_change_password
    [entry] = audit_actions("member.create")
    assert entry.target_id == member.id and entry.actor_id == org["admin"].id
    # the password is not kept anywhere the next page could show it
    assert password not in page(admin_client.get(f"/admin/members/{member.id}"))

    response = app.test_client().post("/login", data={"phone": "13712345678", "password": password})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/password")


def test_create_member_with_duplicate_phone_refused_at_the_field(admin_client, org, factory):
    factory.member("已有的人", branch=org["first"], phone="13712345678")
    response = admin_client.post("/admin/members/new", data=member_form(org["first"]))

    assert response.status_code == 200
    html = page(response)
    assert "手机号 13712345678 已被「已有的人」使用。" in html
    assert 'id="phone-error"' in html
    assert db.session.scalar(db.select(db.func.count(Member.id)).filter_by(name="王小明")) == 0
    assert audit_actions("member.create") == []


def test_a_phone_taken_by_a_concurrent_request_is_refused_like_any_taken_phone(org, factory,
                                                                              monkeypatch):
    # The other request adds the phone after our check and commits first: the unique index
    # refuses our commit, and the answer is the taken-phone message, with nothing written.
    check = service._check_phone_free
    raced = []

    def check_then_lose_the_race(phone, exclude_id=None):
        check(phone, exclude_id)
        if not raced:
            raced.append(factory.member("另一位", branch=org["second"], phone=phone))

    monkeypatch.setattr(service, "_check_phone_free", check_then_lose_the_race)
    with pytest.raises(DomainError) as refused:
        service.create_member(org["admin"], {"name": "王小明", "phone": "13712345678",
                                             "branch_id": org["first"].id})
    assert refused.value.code == "member_phone_taken" and refused.value.field == "phone"
    assert "另一位" in refused.value.message
    assert db.session.scalar(db.select(Member).filter_by(name="王小明")) is None
    assert audit_actions("member.create") == []


@pytest.mark.parametrize("phone", ["1371234567", "23712345678", "phone", "137123456789"])
def test_create_member_with_bad_phone_refused(admin_client, org, phone):
    response = admin_client.post("/admin/members/new", data=member_form(org["first"], phone=phone))
    assert response.status_code == 200
    assert "请输入11位手机号码" in page(response)
    assert db.session.scalar(db.select(Member).filter_by(name="王小明")) is None


@pytest.mark.parametrize("overrides, message", [
    ({"name": ""}, "请输入姓名。"),
    ({"phone": ""}, "请输入11位手机号码"),
    ({"branch_id": ""}, "请选择所在组织。"),
    ({"birth_date": "八五年"}, "请按 1985-03-12 或 1985-03 的格式填写出生日期。"),
    ({"birth_date": "2300-01-01"}, "请按 1985-03-12 或 1985-03 的格式填写出生日期。"),
    ({"role": "superuser"}, "不是有效的选择"),
    ({"political_status": "99"}, "不是有效的选择"),
])
def test_create_member_bad_input_shown_at_the_field(admin_client, org, overrides, message):
    response = admin_client.post("/admin/members/new", data=member_form(org["first"], **overrides))
    assert response.status_code == 200
    assert message in page(response)
    assert db.session.scalar(db.select(db.func.count(Member.id))) == 1  # only the admin


def test_create_member_in_inactive_branch_refused(admin_client, org, factory):
    closed = factory.branch("已撤销支部", parent=org["top"], active=False)
    response = admin_client.post("/admin/members/new", data=member_form(closed))
    assert response.status_code == 200
    assert "不是有效的选择" in page(response)  # not offered in the select
    with pytest.raises(DomainError) as error:  # and the service says why
        service.create_member(org["admin"], member_form(closed))
    assert error.value.message == "「已撤销支部」已停用。"


def test_member_form_offers_codes_by_name(admin_client):
    html = page(admin_client.get("/admin/members/new"))
    assert '<option selected value="01">中共党员</option>' in html
    assert '<option value="03">共青团员</option>' in html
    assert '<option value="正处级">正处级</option>' in html
    assert "入党积极分子" in html


# ------------------------------------------------------------------ edit

def test_edit_member(admin_client, org, factory):
    member = factory.member("赵六", branch=org["first"], phone="13700000001")
    response = admin_client.post(f"/admin/members/{member.id}/edit", data=member_form(
        org["second"], name="赵六", phone="13700000002", political_status="02",
        development_stage="candidate", role="secretary"))

    assert response.status_code == 302
    member = db.session.get(Member, member.id)
    assert (member.branch_id, member.phone, member.political_status, member.role) == (
        org["second"].id, "13700000002", "02", "secretary")
    assert member.development_stage == "candidate"
    [entry] = audit_actions("member.update")
    assert entry.details["changes"]["branch_id"] == [org["first"].id, org["second"].id]
    assert entry.details["changes"]["role"] == ["member", "secretary"]
    html = page(admin_client.get(response.headers["Location"]))
    assert "「赵六」的信息已保存" in html and "中共预备党员" in html and "发展对象" in html


def test_edit_form_is_filled_in(admin_client, org, factory):
    member = factory.member("赵六", branch=org["first"], unit="办公室", birth_date=date(1980, 5, 6))
    html = page(admin_client.get(f"/admin/members/{member.id}/edit"))
    assert 'value="赵六"' in html and 'value="办公室"' in html and 'value="1980-05-06"' in html
    assert f'<option selected value="{org["first"].id}">' in html


def test_edit_to_a_taken_phone_refused(admin_client, org, factory):
    factory.member("甲", branch=org["first"], phone="13700000001")
    other = factory.member("乙", branch=org["first"], phone="13700000002")
    response = admin_client.post(f"/admin/members/{other.id}/edit", data=member_form(
        org["first"], name="乙", phone="13700000001"))
    assert response.status_code == 200
    assert "已被「甲」使用" in page(response)
    assert db.session.get(Member, other.id).phone == "13700000002"


def test_update_member_refuses_an_inactive_branch(org, factory):
    member = factory.member("赵六", branch=org["first"])
    closed = factory.branch("已撤销支部", parent=org["top"], active=False)
    with pytest.raises(DomainError) as error:
        service.update_member(org["admin"], member, {"branch_id": closed.id})
    assert error.value.field == "branch_id"
    db.session.rollback()
    assert db.session.get(Member, member.id).branch_id == org["first"].id


def test_member_of_an_inactive_branch_can_still_be_edited(admin_client, org, factory):
    closed = factory.branch("已撤销支部", parent=org["top"])
    member = factory.member("老同志", branch=closed, active=False)
    closed.active = False
    db.session.commit()
    response = admin_client.post(f"/admin/members/{member.id}/edit", data=member_form(
        closed, name="老同志", phone=member.phone, unit="离退休办"))
    assert response.status_code == 302
    assert db.session.get(Member, member.id).unit == "离退休办"


def test_last_admin_cannot_be_demoted(admin_client, org):
    admin = org["admin"]
    response = admin_client.post(f"/admin/members/{admin.id}/edit", data=member_form(
        org["top"], name="管理员", phone=admin.phone, role="organizer"))
    assert response.status_code == 200
    assert "这是系统中最后一个管理员，不能停用或降低其角色。" in page(response)
    assert db.session.get(Member, admin.id).role == "admin"
    assert audit_actions("member.update") == []


def test_an_admin_can_be_demoted_while_another_remains(admin_client, org, factory):
    other = factory.member("第二管理员", branch=org["top"], role="admin")
    response = admin_client.post(f"/admin/members/{other.id}/edit", data=member_form(
        org["top"], name="第二管理员", phone=other.phone, role="organizer"))
    assert response.status_code == 302
    assert db.session.get(Member, other.id).role == "organizer"


def test_an_inactive_admin_does_not_count_as_the_last_one(org, factory):
    retired = factory.member("退休管理员", branch=org["top"], role="admin", active=False)
    service.update_member(org["admin"], retired, {"role": "member"})
    assert db.session.get(Member, retired.id).role == "member"


def test_last_admin_cannot_be_deactivated(org, factory):
    organizer = factory.member("组织者", branch=org["top"], role="organizer")
    with pytest.raises(DomainError) as error:
        service.deactivate_member(organizer, org["admin"])
    assert error.value.code == "member_last_admin"
    db.session.rollback()
    assert db.session.get(Member, org["admin"].id).active is True


def test_admin_cannot_deactivate_self(admin_client, org):
    response = admin_client.post(f"/admin/members/{org['admin'].id}/deactivate")
    assert response.status_code == 200
    assert "不能停用自己的账号。" in page(response)
    assert db.session.get(Member, org["admin"].id).active is True


def test_admin_changing_own_phone_stays_logged_in(admin_client, org):
    admin = org["admin"]
    response = admin_client.post(f"/admin/members/{admin.id}/edit", data=member_form(
        org["top"], name="管理员", phone="13900000009", role="admin"))
    assert response.status_code == 302
    assert admin_client.get("/admin/members").status_code == 200


# ------------------------------------------------- deactivate, reactivate

def test_deactivate_and_reactivate_member(app, admin_client, org, factory):
    member = factory.member("钱七", branch=org["first"])

    response = admin_client.post(f"/admin/members/{member.id}/deactivate")
    assert response.status_code == 302
    assert db.session.get(Member, member.id).active is False
    assert "已停用「钱七」" in page(admin_client.get(response.headers["Location"]))
    response = app.test_client().post("/login", data={"phone": member.phone, "password": "Passw0rd!"})
    assert response.status_code == 200 and "手机号或密码不正确" in page(response)

    response = admin_client.post(f"/admin/members/{member.id}/reactivate")
    assert response.status_code == 302
    assert db.session.get(Member, member.id).active is True
    assert len(audit_actions("member.deactivate")) == 1
    assert len(audit_actions("member.reactivate")) == 1


def test_reactivate_in_inactive_branch_refused(admin_client, org, factory):
    closed = factory.branch("已撤销支部", parent=org["top"])
    member = factory.member("孙八", branch=closed, active=False)
    closed.active = False
    db.session.commit()
    response = admin_client.post(f"/admin/members/{member.id}/reactivate")
    assert response.status_code == 200
    assert "「已撤销支部」已停用。" in page(response)
    assert db.session.get(Member, member.id).active is False


# ---------------------------------------------------------------- passwords

def test_reset_password_shows_a_password_that_works(app, admin_client, org, factory):
    member = factory.member("周九", branch=org["first"])

    response = admin_client.post(f"/admin/members/{member.id}/reset-password")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = page(response)
    assert "密码已重置" in html and "交给" in html
    password = shown_password(html)
    assert len(audit_actions("member.reset_password")) == 1
    other = app.test_client()
    old = other.post("/login", data={"phone": member.phone, "password": "Passw0rd!"})
    assert old.status_code == 200  # the old password no longer works
    response = other.post("/login", data={"phone": member.phone, "password": password})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/password")


def test_admin_cannot_reset_own_password_here(admin_client, org):
    response = admin_client.post(f"/admin/members/{org['admin'].id}/reset-password")
    assert response.status_code == 200
    assert "请使用「修改密码」" in page(response)
    assert db.session.get(Member, org["admin"].id).password_hash is not None
