"""Forms and the roster commit against what a careless or hostile admin page would let
through (issue 8, findings 10 and 11): numbers bounded by the domain, a member edit that
leaves a field out, the initial passwords download in the audit log, and a roster commit
that does what its check showed or nothing."""
import io
from datetime import date

import pytest
import sqlalchemy as sa

from app.events.models import Event
from app.extensions import db
from app.org import service as orgs
from app.org.models import ImportBatch, Member

from .conftest import audit_entries, body_text, client_for, count, error_at, member_by_phone
from .event_factories import event_form
from .factories import csv_file, person

pytestmark = pytest.mark.org("finance_staff")


# ------------------------------------------------------------------ numbers

TOO_LARGE = {
    "credit hours 1e308": ({"sessions-0-credit_hours": "1e308"}, "sessions-0-credit_hours",
                           "第 1 个场次的学时不能超过 24 小时。"),
    "credit hours 25": ({"sessions-0-credit_hours": "25"}, "sessions-0-credit_hours",
                        "第 1 个场次的学时不能超过 24 小时。"),
    "grace a week": ({"sessions-0-grace_minutes": "10080"}, "sessions-0-grace_minutes",
                     "第 1 个场次的迟到宽限不能超过 1440 分钟。"),
    "capacity": ({"capacity": "100001"}, "capacity", "人数或名额不能超过 100000。"),
}


@pytest.mark.parametrize("case", TOO_LARGE, ids=list(TOO_LARGE))
def test_numbers_beyond_the_domain_are_refused_at_their_field(org, login, case):
    overrides, field_id, message = TOO_LARGE[case]
    response = login(org.organizer).post("/manage/events/new", data=event_form(org.one, **overrides))
    assert response.status_code == 422
    assert error_at(body_text(response), field_id) == message
    assert count(Event) == 0


def test_item_numbers_beyond_the_domain_are_refused_at_their_row(org, login):
    data = event_form(org.committee, kind="contest", **{
        "items-0-name": "100米", "items-0-is_team": "0", "items-0-capacity": "999999",
        "items-1-name": "拔河", "items-1-is_team": "1", "items-1-team_min": "8",
        "items-1-team_max": "5000"})
    html = body_text(login(org.organizer).post("/manage/events/new", data=data))
    assert error_at(html, "items-0-capacity") == "人数或名额不能超过 100000。"
    data["items-0-capacity"] = "20"
    html = body_text(login(org.organizer).post("/manage/events/new", data=data))
    assert error_at(html, "items-1-team_max") == "「拔河」的每队人数不能超过 1000。"
    assert count(Event) == 0


# ------------------------------------------------------------------ the member edit

def test_a_member_edit_posted_without_a_field_keeps_that_field(org, login):
    member = org.member
    orgs.update_member(org.admin, member, {"birth_date": date(1980, 5, 1), "unit": "办公室"})
    response = login(org.admin).post(f"/admin/members/{member.id}/edit", data={
        "name": "党员甲", "phone": member.phone, "branch_id": str(org.one.id)})
    assert response.status_code == 302
    kept = member_by_phone(member.phone)
    assert (kept.birth_date, kept.unit) == (date(1980, 5, 1), "办公室")
    # A field posted empty still clears it: that is what the admin asked for.
    login(org.admin).post(f"/admin/members/{member.id}/edit", data={
        "name": "党员甲", "phone": member.phone, "branch_id": str(org.one.id), "birth_date": ""})
    assert member_by_phone(member.phone).birth_date is None


# ------------------------------------------------------------------ the roster

def upload(client, data, filename="花名册.csv"):
    response = client.post("/admin/roster/", data={"file": (io.BytesIO(data), filename)},
                           content_type="multipart/form-data")
    assert response.status_code == 302, body_text(response)
    return response.headers["Location"]


def test_downloading_the_initial_passwords_is_in_the_audit_log(org, app):
    admin = client_for(app, org.admin)
    check = upload(admin, csv_file([person("张三", "13811110001", "预算党支部")]))
    admin.post(check + "/commit")
    batch = db.session.scalar(sa.select(ImportBatch))
    assert admin.get(f"/admin/roster/{batch.id}/passwords.xlsx").status_code == 200
    (entry,) = audit_entries("member.initial_passwords_download")
    assert (entry.actor_id, entry.target_id, entry.details["count"]) == (org.admin.id, batch.id, 1)
    assert "下载初始密码" in body_text(admin.get("/admin/audit"))


def test_a_roster_commit_refuses_what_the_check_did_not_show(org, app):
    """Between the check (张三 would be new) and the commit, someone creates a member with
    that phone: the commit would rename them. It refuses, writes nothing, and the check page
    shows the rename; a second commit, after the admin has seen it, goes through."""
    admin = client_for(app, org.admin)
    check = upload(admin, csv_file([person("张三", "13811110001", "预算党支部")]))
    assert "新增" in body_text(admin.get(check))
    orgs.create_member(org.admin, {"name": "李四", "phone": "13811110001",
                                   "branch_id": org.two.id, "political_status": "01"})

    refused = admin.post(check + "/commit", follow_redirects=True)
    html = body_text(refused)
    assert "检查之后人员数据有了变化" in html and "本次没有写入任何数据" in html
    assert "手机号码 13811110001 已属于「李四」，导入后姓名将改为「张三」。" in html
    assert member_by_phone("13811110001").name == "李四"
    assert audit_entries("member.import") == []

    assert admin.post(check + "/commit").status_code == 302
    assert member_by_phone("13811110001").name == "张三"


def test_a_member_changed_meanwhile_stops_the_commit_too(org, app):
    existing = org.member
    admin = client_for(app, org.admin)
    check = upload(admin, csv_file([person("党员甲", existing.phone, "预算党支部", unit="财务处")]))
    orgs.update_member(org.admin, existing, {"name": "党员乙"})
    admin.post(check + "/commit")
    assert member_by_phone(existing.phone).name == "党员乙"
    assert count(Member, Member.unit == "财务处") == 0


def test_a_change_to_someone_else_does_not_stop_the_commit(org, app):
    admin = client_for(app, org.admin)
    check = upload(admin, csv_file([person("张三", "13811110001", "预算党支部")]))
    orgs.update_member(org.admin, org.secretary, {"unit": "办公室"})
    assert admin.post(check + "/commit").headers["Location"].endswith("/result")
    assert member_by_phone("13811110001").name == "张三"
