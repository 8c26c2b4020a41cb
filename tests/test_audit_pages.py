"""The audit log page (/admin/audit): readable Chinese rows, filters, paging, admins only."""
import io
import re

import pytest

from app.audit.models import AuditLog
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


def words(html):
    """Each listed entry as read, without its time, actor and address."""
    return rows(re.sub(r'<span class="meta block">.*?</span>', "", html, flags=re.S))


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

    from app.registration import event_changes, signup

    from .event_factories import make_lessons as make_event

    event = make_event(org["admin"], capacity=80)
    member = factory.member("李红", branch=org["first"])
    signup.register(member, event.id)
    sessions = [{"id": s.id, "starts_at": s.starts_at, "ends_at": s.ends_at} for s in event.sessions]
    opens = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)
    event_changes.edit_event(org["admin"], event.id, {"capacity": 90, "registration_opens_at": opens},
                             sessions)
    text = " ".join(rows(page(admin_client.get("/admin/audit"))))
    assert "人数上限：80 → 90" in text
    assert "报名开始：（空） → 2026-11-20 09:00" in text  # local time, not UTC ISO
    assert "人员：李红" in text and "活动：测试活动" in text
    assert "capacity" not in text and "member_id" not in text


# ------------------------------------------- every action, read in words

def every_action(admin_client, org, factory):
    """Do each action the app records once, through the real services (the roster import
    through its pages), as an admin, an organizer and members would."""
    import io
    from datetime import date

    from app.auth import service as auth
    from app.auth import sessions
    from app.checkin import report_files, signatures
    from app.checkin import service as checkin
    from app.errors import DomainError
    from app.events import service as events
    from app.org import service as orgs
    from app.registration import (
        decide,
        event_changes,
        export,
        invitations,
        leave_requests,
        signup,
        team_entries,
    )

    from .conftest import TEST_PASSWORD
    from .event_factories import make_event

    admin, top, first = org["admin"], org["top"], org["first"]
    # org
    second = orgs.create_branch(admin, "第二党支部", "branch", top.id)
    general = orgs.create_branch(admin, "机关党总支", "general_branch", top.id)
    orgs.update_branch(admin, second, "第二党支部（后勤）", "branch", 3)
    orgs.move_branch(admin, second, general.id)
    orgs.deactivate_branch(admin, general)
    orgs.reactivate_branch(admin, general)
    member, _password = orgs.create_member(admin, {
        "name": "王小明", "phone": "13712345678", "branch_id": first.id, "political_status": "01"})
    orgs.update_member(admin, member, {
        "role": "secretary", "gender": "M", "birth_date": date(1985, 3, 1), "unit": "办公室",
        "political_status": "02", "development_stage": "candidate", "branch_id": top.id})
    orgs.reset_password(admin, member)
    orgs.deactivate_member(admin, member)
    orgs.reactivate_member(admin, member)
    roster = ("姓名,性别,出生年月,手机号码,所在支部,单位,职务,职级,政治面貌,发展阶段,角色\n"
              "赵六,男,1985-03,13811112222,机关党委/第一党支部,办公室,科员,一级科员,中共党员,,\n")
    roster = roster.encode()
    uploaded = admin_client.post("/admin/roster/", data={"file": (io.BytesIO(roster), "花名册.csv")},
                                 content_type="multipart/form-data")
    assert uploaded.status_code == 302, page(uploaded)
    committed = admin_client.post(uploaded.headers["Location"] + "/commit")
    assert committed.status_code == 302, page(committed)
    passwords = admin_client.get(uploaded.headers["Location"] + "/passwords.xlsx")
    assert passwords.status_code == 200

    # auth
    li = factory.member("李红", branch=first)
    zhang = factory.member("张强", branch=first)
    zhao = factory.member("赵敏", branch=first)
    with pytest.raises(DomainError):
        auth.authenticate(li.phone, "wrong password")
    auth.change_password(li, TEST_PASSWORD, "NewPassw0rd", "NewPassw0rd")
    sessions.end_all_logins(li)

    # events
    organizer = factory.member("组织者", branch=top, role="organizer")
    contest = make_event(organizer, kind="sports", title="机关运动会", sessions=2, capacity=2,
                         items=[{"name": "100米", "is_team": False},
                                {"name": "拔河", "is_team": True, "team_min": 1, "team_max": 3}],
                         spec={"political_statuses": ["01", "02"]}, publish=True)
    lecture = make_event(organizer, title="专题党课", approval_required=True, allow_walk_in=True,
                         publish=True)
    called_off = make_event(organizer, title="因故取消的活动", publish=True)
    events.close_event(organizer, called_off)
    events.cancel_event(organizer, called_off, "场地检修")

    # registration
    run, tug = contest.items
    r_li = signup.register(li, contest.id, item_ids=[run.id, tug.id])
    r_zhang = signup.register(zhang, contest.id, item_ids=[tug.id])
    r_zhao = signup.register(zhao, contest.id, item_ids=[tug.id])  # waitlisted
    decide.cancel(zhang, r_zhang.id)  # 赵敏 moves up
    team_entries.save_team(organizer, tug.id, first.id, "飞虎队", [r_li.id, r_zhao.id])
    p_li = signup.register(li, lecture.id)
    p_zhang = signup.register(zhang, lecture.id)
    signup.register(zhao, lecture.id)  # pending: the invitation confirms it
    decide.approve(organizer, p_li.id)
    decide.reject(organizer, p_zhang.id, "名额已满")
    event_changes.edit_event(
        organizer, contest.id, {"capacity": 5, "approval_required": True},
        [{"id": s.id, "starts_at": s.starts_at, "ends_at": s.ends_at} for s in contest.sessions],
        [{"id": item.id, "name": item.name} for item in contest.items],
        {"political_statuses": ["01"], "branch_ids": [first.id]})
    invitations.invite(organizer, lecture.id, {"branch_ids": [first.id]})
    [whole] = leave_requests.request_leave(li, r_li.id, None, "出差")
    [one] = leave_requests.request_leave(zhao, r_zhao.id, contest.sessions[1].id, "值班")
    leave_requests.decide_leave(organizer, whole.id, True)
    leave_requests.decide_leave(organizer, one.id, False, "当天有比赛")
    export.export_registrants(organizer, contest, {"status": "confirmed", "branch_id": first.id})

    # checkin
    session = lecture.sessions[0]
    checkin.perform_checkin(session.id, method="manual", registration_id=p_li.id,
                            operator=organizer, now=session.starts_at)
    checkin.perform_checkin(contest.sessions[0].id, method="backfill", registration_id=r_zhao.id,
                            operator=organizer, reason="根据纸质签到表补录",
                            now=contest.sessions[0].ends_at)
    visitor = factory.member("访客", branch=top)
    checkin.walk_in(organizer, session.id, visitor.id, now=session.starts_at)
    checkin.walk_in_guest(organizer, session.id, "周来宾", "市委组织部", now=session.starts_at)
    link, _token = checkin.create_scanner_link(organizer, lecture, "签到志愿者")
    checkin.revoke_scanner_link(organizer, link)
    signed = make_event(organizer, title="签名签到党课", signature=True, publish=True)
    s_li = signup.register(li, signed.id)
    checkin.perform_checkin(signed.sessions[0].id, method="backfill", registration_id=s_li.id,
                            operator=organizer, reason="根据纸质签到表补录",
                            now=signed.sessions[0].starts_at)
    signatures.sign(li, signed.sessions[0].id, s_li.id, signature_png())
    report_files.sign_in_sheet_file(organizer, signed.sessions[0], order="roster")

    # results
    from app.results import judging, marks, publishing
    from app.results import service as standings
    from app.results import setup as results

    speech = make_event(organizer, kind="contest", title="演讲比赛", publish=True,
                        items=[{"name": "主题演讲", "is_team": False}])
    (talk,) = speech.items
    signup.register(li, speech.id, item_ids=[talk.id])
    signup.register(zhang, speech.id, item_ids=[talk.id])
    results.save_setup(organizer, talk.id, method="judged",
                       criteria=[{"name": "内容", "max_x100": 10000, "weight_x100": 100}],
                       award_levels=[{"label": "一等奖", "count": 1}])
    results.sync_entries(organizer, talk.id)
    first_entry, second_entry = standings.entries_of(talk.id)
    results.set_running_order(organizer, talk.id, {first_entry.id: 2, second_entry.id: 1})
    judge, _token = judging.add_judge(organizer, talk.id, "王老师")
    judging.renew_judge_link(organizer, talk.id, judge.id)
    (criterion,) = standings.scoring_of(talk.id).criteria
    judging.submit_scores(judge.id, first_entry.id, {criterion.id: "90"})  # a judge: not staff
    judging.revoke_judge_link(organizer, talk.id, judge.id)
    publishing.lock_results(organizer, talk.id)
    publishing.unlock_results(organizer, talk.id)
    publishing.lock_results(organizer, talk.id)
    publishing.publish_results(organizer, talk.id)
    publishing.unpublish_results(organizer, talk.id)
    results.save_setup(organizer, run.id, method="time", award_mode="ranks",
                       award_levels=[{"label": "第一名", "first": 1, "last": 1}])
    results.sync_entries(organizer, run.id)
    (runner,) = standings.entries_of(run.id)
    marks.save_marks(organizer, run.id, "final", {runner.id: "12.34"})
    results.save_place_points(organizer, contest.id, [9, 7, 5])
    # certificates
    from PIL import Image

    from app.certificates import documents, issuing
    from app.certificates import wording as certificate_wording
    from app.certificates.models import Certificate

    from .event_factories import backfill, make_finished, signed_up

    course = make_finished(organizer, title="结业培训班")
    backfill(organizer, signed_up(organizer, course, li), course.sessions)
    certificate_wording.save_wording(organizer, course, "completion", {
        "title": "培训证书", "issuer": "机关党委", "body": "{姓名} 同志：\n准予结业。"})
    seal = io.BytesIO()
    Image.new("RGBA", (120, 120), (200, 0, 0, 128)).save(seal, "PNG")
    certificate_wording.upload_seal(organizer, course, seal.getvalue())
    certificate_wording.remove_seal(organizer, course)
    issuing.issue(organizer, course.id, "completion")
    documents.start_print(organizer, course.id, "completion")
    issuing.revoke(organizer, db.session.scalar(db.select(Certificate.id)), "学时记录有误")
    # statistics: the downloads of the branch table and of an event's summary
    from app.stats.exports import branch_table_file, event_summary_file
    from app.stats.periods import parse_filters

    branch_table_file(organizer, parse_filters({"from": "2026-01-01", "to": "2026-12-31",
                                                "kind": "training"}), "xlsx")
    event_summary_file(organizer, course, "pdf")
    # corrections (申诉), hours targets, members' records and the below-target list
    from decimal import Decimal

    from app.corrections import service as corrections
    from app.stats import below_target, periods, record_files, target_settings

    missed = make_finished(organizer, sessions=2, title="补签培训班")
    missed_registration = signed_up(organizer, missed, li)
    one_session, two_session = missed.sessions
    asked = corrections.ask(li, missed_registration.id, one_session.id, "手机没电没能扫码")
    corrections.decide(organizer, asked.id, accept=True, decision_note="核实无误")
    asked = corrections.ask(li, missed_registration.id, two_session.id, "我在场")
    corrections.decide(organizer, asked.id, accept=False)
    asked = corrections.ask(li, missed_registration.id, two_session.id, "坐在后排")
    corrections.withdraw(li, asked.id)
    target_settings.set_targets(organizer, 2026, {"member": Decimal("40")})
    record_files.record_file(organizer, li, 2026, "csv")
    record_files.below_target_file(
        organizer, below_target.below_target(periods.Period.year(2026), first), "csv")
    record_files.below_target_file(
        organizer, below_target.below_target(periods.Period.year(2026)), "pdf")


def signature_png():
    from PIL import Image, ImageDraw

    image = Image.new("L", (300, 100), 255)
    ImageDraw.Draw(image).line([(10, 80), (150, 20), (290, 70)], fill=0, width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()



def all_rows(admin_client):
    listed, number = [], 1
    while True:
        found = words(page(admin_client.get(f"/admin/audit?page={number}")))
        if not found:
            return listed
        listed += found
        number += 1


def test_every_action_the_app_records_reads_in_words(admin_client, org, factory):
    from app.auditlog import labels

    every_action(admin_client, org, factory)
    recorded = db.session.scalars(db.select(AuditLog)).all()
    assert {entry.action for entry in recorded} == set(labels.ACTIONS)  # each one, and no other
    # Every id a service records is declared as a kind of row, so it is shown by name.
    for entry in recorded:
        details = dict(entry.details)
        for key in [*details, *(details.get("changes") or {})]:
            if key.startswith(("from_", "to_")):  # a change of what follows
                key = key.split("_", 1)[1]
            if key.endswith(("_id", "_ids")) or key == "items":
                declared = labels.detail(entry.target_type, key)
                assert declared is None or isinstance(declared[1], str), (entry.action, key)

    listed = all_rows(admin_client)
    assert len(listed) == len(recorded)
    for row in listed:
        assert not re.search(r"[A-Za-z]", row.replace("花名册.csv", "")), row  # no codes
        assert not re.search(r"[#\[\]{}]|None|（已删除）", row), row  # no ids, no raw data
    text = "\n".join(listed)
    for words in [
        "移动组织：第二党支部(后勤) 上级组织：机关党委 → 机关党总支",
        "停用组织：机关党总支 停用范围：第二党支部(后勤)、机关党总支",
        "修改人员：王小明 · 机关党委 性别：（空） → 男；出生日期：（空） → 1985-03-01",
        "政治面貌：中共党员 → 中共预备党员；发展阶段：（空） → 发展对象；所在组织：第一党支部 → 机关党委",
        "角色：党员/职工 → 支部书记",
        "导入花名册 文件：花名册.csv；行数：1；新增：1",
        "下载初始密码 文件：花名册.csv；人数：1",
        "导出统计表 统计表：组织参与统计；格式：电子表格；导出行数：",
        "统计时段：2026年；活动类型：培训班",
        "导出统计表：结业培训班 统计表：活动出勤汇总；格式：打印文件",
        "登录失败：李红 · 第一党支部",
        "修改密码：李红 · 第一党支部",
        "在所有设备上退出：李红 · 第一党支部",
        "新建活动：机关运动会 名称：机关运动会；类型：运动会",
        "取消活动：因故取消的活动 原因：场地检修",
        "报名 活动：机关运动会；人员：李红 · 第一党支部；状态：已报名；方式：本人报名；项目：100米、拔河",
        "状态：候补；方式：本人报名；项目：拔河",
        "候补转正 活动：机关运动会；人员：赵敏 · 第一党支部",
        "组建队伍：「机关运动会」拔河 · 飞虎队 组织：第一党支部；队员：李红 · 第一党支部、赵敏 · 第一党支部",
        "报名审核未通过 活动：专题党课；人员：张强 · 第一党支部；原因：名额已满",
        "修改活动：机关运动会 人数上限：2 → 5；报名审核：否 → 是；"
        "参加对象：「中共党员、中共预备党员」 → 「第一党支部；中共党员」",
        "指定参加 活动：专题党课；人员：赵敏 · 第一党支部；状态：待审核 → 已报名",
        "指定参加人员：专题党课 名单条件：「第一党支部」；符合条件：4；新增：2；改为指定参加：1",
        "申请请假：李红 · 第一党支部 · 「机关运动会」全部场次",
        "申请请假：赵敏 · 第一党支部 · 「机关运动会」第2场 ",
        "不批准请假：赵敏 · 第一党支部 · 「机关运动会」第2场 ",
        "意见：当天有比赛",
        "导出报名名单：机关运动会 导出行数：2；筛选：状态 已报名，组织 第一党支部",
        "手工签到 场次：「专题党课」",
        "人员：李红 · 第一党支部；操作：签到；结果：成功",
        "补录签到 场次：「机关运动会」第1场 ",
        "补录原因：根据纸质签到表补录",
        "现场列席登记 活动：专题党课；人员：访客 · 机关党委",
        "登记列席来宾 场次：「专题党课」",
        "；来宾：周来宾；单位：市委组织部",
        "创建扫码授权链接：签到志愿者 活动：专题党课；有效期至：",
        "撤销扫码授权链接：签到志愿者 活动：专题党课",
        "设置评分规则 计分方式：（空） → 评委打分",
        "评分标准：（空） → 内容 满分100×1；项目：主题演讲；活动：演讲比赛",
        "生成参赛名单 项目：主题演讲；活动：演讲比赛；新增：2；退出：0",
        "调整出场顺序 项目：主题演讲；活动：演讲比赛；修改条数：2；随机抽签：否",
        "添加评委 评委：王老师；项目：主题演讲；活动：演讲比赛；有效期至：",
        "重新生成评委链接 评委：王老师；项目：主题演讲",
        "撤销评委链接 评委：王老师；项目：主题演讲；活动：演讲比赛",
        "锁定成绩 项目：主题演讲；活动：演讲比赛",
        "解除锁定 项目：主题演讲；活动：演讲比赛",
        "公布成绩 项目：主题演讲；活动：演讲比赛",
        "撤回公布 项目：主题演讲；活动：演讲比赛",
        "录入成绩 项目：100米；活动：机关运动会；轮次：决赛；修改条数：1",
        "设置名次积分：机关运动会 名次积分：7-5-4-3-2-1 → 9-7-5",
        "修改证书样式：结业培训班 证书：结业证书；证书标题：培训证书；发证单位：机关党委",
        "上传证书印章：结业培训班",
        "移除证书印章：结业培训班",
        "发放证书：结业培训班 证书：结业证书；张数：1",
        "批量打印证书：结业培训班 证书：结业证书；张数：1",
        "撤销证书 活动：结业培训班；人员：李红 · 第一党支部；证书：结业证书；原因：学时记录有误",
        "签名签到 场次：「签名签到党课」",
        "人员：李红 · 第一党支部",
        "下载签到表或出勤报告：签名签到党课 文件：签到表；格式：打印文件；导出行数：1",
        "排序：按支部、花名册顺序",
        "申请补签（申诉） 报名：",
        "申诉说明：手机没电没能扫码",
        "通过补签申请 报名：",
        "处理意见：核实无误",
        "补录原因：申诉补签：手机没电没能扫码",
        "不通过补签申请 报名：",
        "撤回补签申请 报名：",
        "设置年度学时目标 目标学时：（默认） → 40；年度：2026；对象：党员",
        "导出学习档案：李红 · 第一党支部 格式：文本表格；年度：2026；导出行数：",
        "导出学时未达标名单：第一党支部 格式：文本表格；导出行数：",
        "导出学时未达标名单 格式：打印文件；导出行数：",
    ]:
        assert words in text, words


def test_the_names_on_a_page_cost_the_same_queries_for_few_entries_and_many(
        admin_client, org, factory):
    from app.auditlog.presenter import describe

    every_action(admin_client, org, factory)
    entries = db.session.scalars(db.select(AuditLog).order_by(AuditLog.id)).all()
    one_of_each = list({entry.action: entry for entry in reversed(entries)}.values())  # the first
    assert len(one_of_each) < len(entries)
    with count_statements() as few:
        describe(one_of_each)
    with count_statements() as many:
        describe(entries)
    assert len(many) == len(few) <= 9  # one query per kind of row named
