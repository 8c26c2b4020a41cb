"""The branch tree pages (/admin/branches): what an admin sees and what changes in the database."""
import pytest

from app.extensions import db
from app.org.models import Branch

from .conftest import audit_entries as audit_actions
from .conftest import body_text as page

pytestmark = pytest.mark.org("admin_tree")


def test_tree_shows_kinds_counts_and_inactive_branches(admin_client, org, factory):
    factory.member("甲", branch=org["first"])
    factory.member("乙", branch=org["first"])
    factory.member("丙", branch=org["first"], active=False)  # not counted
    factory.member("丁", branch=org["general"])
    factory.branch("已撤销支部", parent=org["top"], active=False)

    response = admin_client.get("/admin/branches")

    assert response.status_code == 200
    html = page(response)
    assert "党总支" in html and "党支部" in html and "机关党委" in html
    assert "直属 2 人 · 合计 2 人" in html  # 第一党支部
    assert "直属 1 人 · 合计 3 人" in html  # 第一党总支
    assert "直属 1 人 · 合计 4 人" in html  # 机关党委 (the admin, plus the subtree)
    assert "已撤销支部" in html and "已停用" in html


def test_create_branch(admin_client, org):
    response = admin_client.post("/admin/branches/new", data={
        "name": " 第三党支部 ", "kind": "branch", "parent_id": org["general"].id, "sort_order": "3",
    })

    assert response.status_code == 302
    branch = db.session.scalar(db.select(Branch).filter_by(name="第三党支部"))
    assert branch.parent_id == org["general"].id
    assert branch.path == f"{org['general'].path}{branch.id}/"
    assert branch.sort_order == 3
    [entry] = audit_actions("branch.create")
    assert entry.target_id == branch.id and entry.actor_id == org["admin"].id
    assert "已新建「第三党支部」" in page(admin_client.get(response.headers["Location"]))


def test_create_branch_form_preselects_parent(admin_client, org):
    html = page(admin_client.get(f"/admin/branches/new?parent={org['general'].id}"))
    assert f'<option selected value="{org["general"].id}">' in html


@pytest.mark.parametrize("data, message", [
    ({"name": "", "kind": "branch"}, "请输入组织名称。"),
    ({"name": "   ", "kind": "branch"}, "请输入组织名称。"),
    ({"name": "新支部", "kind": "branch", "parent_id": ""}, "党支部和党总支必须选择上级组织。"),
    ({"name": "第二党支部", "kind": "branch", "parent_id": "TOP"}, "已有名为「第二党支部」的组织"),
    ({"name": "新支部", "kind": "nonsense", "parent_id": "TOP"}, "不是有效的选择"),
    ({"name": "新支部", "kind": "branch", "parent_id": "abc"}, "选择无效"),
    ({"name": "新支部", "kind": "branch", "parent_id": "TOP", "sort_order": "-1"}, "0 到 9999"),
])
def test_create_branch_bad_input_is_shown_at_the_field(admin_client, org, data, message):
    if data.get("parent_id") == "TOP":
        data["parent_id"] = org["top"].id
    before = db.session.scalar(db.select(db.func.count(Branch.id)))

    response = admin_client.post("/admin/branches/new", data=data)

    assert response.status_code == 200
    assert message in page(response)
    assert db.session.scalar(db.select(db.func.count(Branch.id))) == before
    assert audit_actions("branch.create") == []


def test_create_under_inactive_parent_refused(admin_client, org, factory):
    old = factory.branch("旧党总支", kind="general_branch", parent=org["top"], active=False)
    response = admin_client.post("/admin/branches/new", data={
        "name": "新支部", "kind": "branch", "parent_id": old.id})
    # An inactive branch is not offered as a parent at all.
    assert response.status_code == 200
    assert "不是有效的选择" in page(response)
    assert db.session.scalar(db.select(Branch).filter_by(name="新支部")) is None


def test_rename_branch(admin_client, org):
    branch = org["second"]
    response = admin_client.post(f"/admin/branches/{branch.id}", data={
        "name": "机关服务中心党支部", "kind": "branch", "sort_order": "5"})

    assert response.status_code == 302
    branch = db.session.get(Branch, branch.id)
    assert branch.name == "机关服务中心党支部" and branch.sort_order == 5
    [entry] = audit_actions("branch.update")
    assert entry.details["changes"]["name"] == ["第二党支部", "机关服务中心党支部"]


def test_rename_to_a_sibling_name_refused(admin_client, org):
    response = admin_client.post(f"/admin/branches/{org['second'].id}", data={
        "name": "第一党总支", "kind": "branch", "sort_order": "0"})
    assert response.status_code == 200
    assert "已有名为「第一党总支」的组织" in page(response)
    assert db.session.get(Branch, org["second"].id).name == "第二党支部"


def test_top_branch_must_stay_a_committee(admin_client, org):
    response = admin_client.post(f"/admin/branches/{org['top'].id}", data={
        "name": "机关党委", "kind": "branch", "sort_order": "0"})
    assert response.status_code == 200
    assert "必须选择上级组织" in page(response)
    assert db.session.get(Branch, org["top"].id).kind == "committee"


def test_move_branch(admin_client, org):
    general, second = org["general"], org["second"]

    response = admin_client.post(f"/admin/branches/{general.id}/move",
                                 data={"parent_id": org["top"].id})
    assert response.status_code == 302  # same parent: nothing to do
    assert audit_actions("branch.move") == []

    response = admin_client.post(f"/admin/branches/{second.id}/move",
                                 data={"parent_id": general.id})

    assert response.status_code == 302
    second = db.session.get(Branch, second.id)
    assert second.parent_id == general.id
    assert second.path == f"{org['top'].path}{general.id}/{second.id}/"
    [entry] = audit_actions("branch.move")
    assert entry.details == {"from_parent_id": org["top"].id, "to_parent_id": general.id}


def test_party_branch_cannot_move_to_the_top(admin_client, org):
    response = admin_client.post(f"/admin/branches/{org['general'].id}/move",
                                 data={"parent_id": ""})
    assert response.status_code == 200
    assert "党支部和党总支必须选择上级组织。" in page(response)
    assert db.session.get(Branch, org["general"].id).parent_id == org["top"].id


def test_move_carries_the_children(admin_client, org, factory):
    target = factory.branch("第二党总支", kind="general_branch", parent=org["top"])
    admin_client.post(f"/admin/branches/{org['general'].id}/move", data={"parent_id": target.id})
    general = db.session.get(Branch, org["general"].id)
    first = db.session.get(Branch, org["first"].id)
    assert general.path == f"{target.path}{general.id}/"
    assert first.path == f"{target.path}{general.id}/{first.id}/"


def test_move_under_own_child_refused(admin_client, org):
    general, first = org["general"], org["first"]
    paths = {b.id: b.path for b in db.session.scalars(db.select(Branch))}

    response = admin_client.post(f"/admin/branches/{general.id}/move",
                                 data={"parent_id": first.id})

    assert response.status_code == 200
    assert "不能把「第一党总支」移动到它自己或它的下级组织之下。" in page(response)
    db.session.expire_all()
    assert {b.id: b.path for b in db.session.scalars(db.select(Branch))} == paths
    assert db.session.get(Branch, general.id).parent_id == org["top"].id
    assert audit_actions("branch.move") == []


def test_move_form_shows_own_subtree_disabled(admin_client, org):
    html = page(admin_client.get(f"/admin/branches/{org['general'].id}"))
    assert f'<option disabled value="{org["first"].id}">' in html


def test_deactivate_refused_while_active_members_remain(admin_client, org, factory):
    factory.member("甲", branch=org["first"])
    factory.member("乙", branch=org["first"])

    response = admin_client.post(f"/admin/branches/{org['general'].id}/deactivate")

    assert response.status_code == 200
    assert "「第一党总支」及其下级组织还有 2 名在册人员" in page(response)
    assert db.session.get(Branch, org["general"].id).active is True
    assert db.session.get(Branch, org["first"].id).active is True
    assert audit_actions("branch.deactivate") == []


def test_deactivate_and_reactivate(admin_client, org, factory):
    factory.member("离开的人", branch=org["first"], active=False)  # inactive members do not block

    response = admin_client.post(f"/admin/branches/{org['general'].id}/deactivate")

    assert response.status_code == 302
    assert db.session.get(Branch, org["general"].id).active is False
    assert db.session.get(Branch, org["first"].id).active is False  # the subtree too
    [entry] = audit_actions("branch.deactivate")
    assert sorted(entry.details["branch_ids"]) == sorted([org["general"].id, org["first"].id])
    html = page(admin_client.get("/admin/branches"))
    assert "已停用「第一党总支」" in html and "已停用" in html

    # a child cannot come back before its parent
    response = admin_client.post(f"/admin/branches/{org['first'].id}/reactivate")
    assert response.status_code == 200
    assert "上级组织「第一党总支」已停用" in page(response)
    assert db.session.get(Branch, org["first"].id).active is False

    response = admin_client.post(f"/admin/branches/{org['general'].id}/reactivate")
    assert response.status_code == 302
    assert db.session.get(Branch, org["general"].id).active is True
    assert len(audit_actions("branch.reactivate")) == 1


def test_edit_page_shows_details(admin_client, org, factory):
    factory.member("甲", branch=org["first"])
    html = page(admin_client.get(f"/admin/branches/{org['general'].id}"))
    assert "第一党总支" in html and "直属 0 人，合计 1 人" in html
    assert "第一党支部" in html  # listed as a child
    assert "停用此组织" in html


def test_unknown_branch_is_404(admin_client):
    assert admin_client.get("/admin/branches/99999").status_code == 404
    assert admin_client.post("/admin/branches/99999", data={"name": "x"}).status_code == 404
    assert admin_client.post("/admin/branches/99999/move", data={}).status_code == 404
    assert admin_client.post("/admin/branches/99999/deactivate").status_code == 404
    assert admin_client.post("/admin/branches/99999/reactivate").status_code == 404


def test_deactivate_needs_post(admin_client, org):
    assert admin_client.get(f"/admin/branches/{org['first'].id}/deactivate").status_code == 405


@pytest.mark.parametrize("role", ["member", "secretary", "organizer"])
def test_branch_pages_are_for_admins_only(org, factory, login, client, role):
    login(factory.member("某人", branch=org["first"], role=role))
    assert client.get("/admin/branches").status_code == 403
    assert client.get("/admin/branches/new").status_code == 403
    assert client.get(f"/admin/branches/{org['first'].id}").status_code == 403
    response = client.post(f"/admin/branches/{org['first'].id}/deactivate")
    assert response.status_code == 403
    assert db.session.get(Branch, org["first"].id).active is True


def test_branch_pages_need_login(client, org):
    response = client.get("/admin/branches")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_nothing_can_be_placed_under_a_party_branch(factory):
    from app.errors import DomainError
    from app.org import service

    committee = factory.branch(name="机关党委", kind="committee")
    branch = factory.branch(name="第一党支部", parent=committee)
    admin = factory.member(branch=committee, role="admin")
    with pytest.raises(DomainError) as caught:
        service.create_branch(admin, "第一党小组", "branch", branch.id)
    assert caught.value.code == "branch_parent_is_branch"
    other = factory.branch(name="第二党支部", parent=committee)
    with pytest.raises(DomainError):
        service.move_branch(admin, other, branch.id)
    from app.extensions import db

    general = factory.branch(name="党总支", kind="general_branch", parent=committee)
    factory.branch(name="总支下第一支部", parent=general)
    db.session.refresh(general)
    with pytest.raises(DomainError) as caught:
        service.update_branch(admin, general, "党总支", "branch", 0)
    assert caught.value.code == "branch_kind_has_children"
