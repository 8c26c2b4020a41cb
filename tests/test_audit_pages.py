"""The audit log page (/admin/audit): readable Chinese rows, filters, paging, admins only."""
import re

import pytest

from app.audit.service import record
from app.extensions import db
from app.org.models import Branch, ImportBatch, Member

from .conftest import body_text as page
from .conftest import count_statements

pytestmark = pytest.mark.org("admin_branch")


def rows(html):
    """The text of each listed entry, tags removed and spaces folded."""
    items = re.findall(r"<li>(.*?)</li>", html.split('<ul class="list">')[-1], re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


def labels(html):
    return re.findall(r'<span class="title">([^<]+)</span>', html)


def test_audit_page_lists_staff_actions_in_chinese(admin_client, org):
    # Every action through the pages, so each must have left its row.
    def post(url, data=None):
        response = admin_client.post(url, data=data or {})
        assert response.status_code == 302, (url, page(response))

    post("/admin/branches/new", {"name": "第二党支部", "kind": "branch", "parent_id": org["top"].id})
    post("/admin/branches/new", {"name": "机关党总支", "kind": "general_branch",
                                 "parent_id": org["top"].id})
    post(f"/admin/branches/{org['first'].id}", {
        "name": "第一党支部（机关）", "kind": "branch", "sort_order": "2"})
    second = db.session.scalar(db.select(Branch.id).filter_by(name="第二党支部"))
    general = db.session.scalar(db.select(Branch.id).filter_by(name="机关党总支"))
    post(f"/admin/branches/{second}/move", {"parent_id": general})
    post(f"/admin/branches/{second}/deactivate")
    post(f"/admin/branches/{second}/reactivate")
    form = {"name": "王小明", "phone": "13712345678", "gender": "", "birth_date": "",
            "branch_id": org["first"].id, "unit": "", "position": "", "rank": "",
            "political_status": "01", "development_stage": "", "role": "member"}
    created = admin_client.post("/admin/members/new", data=form)  # answers with the password page
    assert created.status_code == 200 and "初始密码" in page(created)
    member = db.session.scalar(db.select(Member).filter_by(name="王小明"))
    post(f"/admin/members/{member.id}/edit", {
        **form, "branch_id": org["top"].id, "political_status": "02", "role": "secretary"})
    admin_client.post(f"/admin/members/{member.id}/reset-password")  # answers with the page
    post(f"/admin/members/{member.id}/deactivate")
    post(f"/admin/members/{member.id}/reactivate")

    html = page(admin_client.get("/admin/audit"))

    assert labels(html) == [
        "启用人员", "停用人员", "重置密码", "修改人员", "新增人员",
        "启用组织", "停用组织", "移动组织", "修改组织", "新建组织", "新建组织",
    ]
    listed = rows(html)
    assert all("管理员" in row for row in listed)  # the actor
    assert listed[3].startswith("修改人员：王小明")
    assert listed[-1].startswith("新建组织：第二党支部")
    assert listed[-2].startswith("新建组织：机关党总支")
    text = " ".join(listed)
    assert "所在组织：第一党支部(机关) → 机关党委" in text
    assert "角色：党员/职工 → 支部书记" in text
    assert "政治面貌：中共党员 → 中共预备党员" in text
    assert "名称：第一党支部 → 第一党支部(机关)" in text
    assert "排序：0 → 2" in text
    assert "上级组织：机关党委 → 机关党总支" in text
    assert "类型：党支部" in text  # the new branch's details
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", html)  # local time


def test_audit_shows_local_time(admin_client, org, app):
    from datetime import datetime, timezone

    entry = record(org["admin"], "branch.reactivate", org["first"])
    entry.at = datetime(2026, 3, 1, 1, 30, tzinfo=timezone.utc)
    db.session.commit()
    assert "2026-03-01 09:30:00" in page(admin_client.get("/admin/audit"))  # Asia/Shanghai


def test_audit_filter_by_group(admin_client, org):
    record(org["admin"], "branch.update", org["first"], changes={"name": ["甲", "乙"]})
    record(org["admin"], "member.reset_password", org["admin"])
    batch = ImportBatch(created_by_id=org["admin"].id, filename="花名册.xlsx")
    db.session.add(batch)
    record(org["admin"], "member.import", batch, filename="花名册.xlsx", new=3)
    record(org["admin"], "auth.login_failed", org["admin"], locked=True)
    db.session.commit()

    def listed(group):
        return labels(page(admin_client.get(f"/admin/audit?group={group}")))

    assert listed("branch") == ["修改组织"]
    assert listed("member") == ["重置密码"]
    assert listed("import") == ["导入花名册"]
    assert listed("auth") == ["登录失败"]
    assert len(listed("")) == 4
    assert len(listed("nonsense")) == 4  # an unknown group is no filter, not an error
    assert "账号已临时锁定" in page(admin_client.get("/admin/audit?group=auth"))
    assert "文件：花名册.xlsx；新增：3" in page(admin_client.get("/admin/audit?group=import"))


def test_audit_is_paginated_newest_first(admin_client, org):
    for i in range(55):
        record(org["admin"], "branch.update", org["first"], changes={"sort_order": [i, i + 1]})
    db.session.commit()
    html = page(admin_client.get("/admin/audit?group=branch"))
    assert "第 1 / 2 页，共 55 条" in html
    assert "排序：54 → 55" in rows(html)[0]
    assert "group=branch" in html.split('class="pager"')[1]
    html = page(admin_client.get("/admin/audit?group=branch&page=2"))
    assert len(rows(html)) == 5 and "排序：0 → 1" in rows(html)[-1]


def test_audit_names_targets_without_a_query_per_row(admin_client, org, factory):
    def add_entries(n):
        for i in range(n):
            branch = factory.branch(f"支部{n}-{i}", parent=org["top"])
            member = factory.member(f"人员{n}-{i}", branch=branch)
            record(org["admin"], "branch.update", branch, changes={"name": ["旧", branch.name]})
            record(org["admin"], "member.update", member,
                   changes={"branch_id": [org["first"].id, branch.id]})
        db.session.commit()

    add_entries(2)
    with count_statements() as few:
        html = page(admin_client.get("/admin/audit"))
    assert "人员2-1" in html and "所在组织：第一党支部 → 支部2-1" in html

    add_entries(15)
    with count_statements() as many:
        html = page(admin_client.get("/admin/audit"))
    assert "人员15-14" in html and "所在组织：第一党支部 → 支部15-14" in html
    assert len(many) == len(few)


@pytest.mark.parametrize("role", ["member", "secretary", "organizer"])
def test_audit_page_is_for_admins_only(org, factory, login, client, role):
    login(factory.member("某人", branch=org["first"], role=role))
    assert client.get("/admin/audit").status_code == 403


def test_entries_without_an_actor_are_listed(admin_client, org):
    record(None, "member.deactivate", org["admin"])
    record(None, "branch.reactivate", None)
    db.session.commit()
    html = page(admin_client.get("/admin/audit"))
    assert labels(html) == ["启用组织", "停用人员"]
    assert "系统" in rows(html)[0]


def test_event_and_registration_entries_read_in_chinese(admin_client, org, factory):
    from datetime import datetime, timezone

    from app.registration import service as registrations

    from .event_factories import make_lessons as make_event

    event = make_event(org["admin"], capacity=80)
    member = factory.member("李红", branch=org["first"])
    registrations.register(member, event.id)
    sessions = [{"id": s.id, "starts_at": s.starts_at, "ends_at": s.ends_at} for s in event.sessions]
    opens = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)
    registrations.edit_event(org["admin"], event.id, {"capacity": 90, "registration_opens_at": opens},
                             sessions)
    text = " ".join(rows(page(admin_client.get("/admin/audit"))))
    assert "人数上限：80 → 90" in text
    assert "报名开始：（空） → 2026-11-20 09:00" in text  # local time, not UTC ISO
    assert "人员：李红" in text and "活动：测试活动" in text
    assert "capacity" not in text and "member_id" not in text
