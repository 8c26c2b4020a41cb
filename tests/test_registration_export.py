"""The registrant list as XLSX: headers, rows in scope, masked phones, big lists."""
import io
import time
from functools import partial
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.audit.models import AuditLog
from app.extensions import db
from app.org.models import Member
from app.registration import decide, export, signup
from app.registration.models import Registration

from .event_factories import make_lessons

pytestmark = pytest.mark.org("scopes")

make_event = partial(make_lessons, title="党史学习培训班")

HEADERS = ["序号", "姓名", "性别", "所在支部", "单位", "职务", "手机号码", "报名状态", "报名方式",
           "比赛项目", "报名时间", "备注"]


def read(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    workbook = load_workbook(io.BytesIO(response.get_data()))
    sheet = workbook.active
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


def test_export_opens_with_chinese_headers_and_rows_in_scope(org, as_user):
    event = make_event(org.organizer, title="2026年春季运动会", kind="sports",
                       items=[{"name": "100米"}, {"name": "跳绳"}], approval=True)
    hundred, rope = event.items
    signup.register(org.a, event.id, item_ids=[hundred.id, rope.id])
    signup.register(org.b, event.id, item_ids=[rope.id])
    rc = signup.register(org.c, event.id, item_ids=[hundred.id])
    decide.reject(org.organizer, rc.id, "名额已满")

    response = as_user(org.organizer).get(f"/manage/events/{event.id}/registrants.xlsx")
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('2026年春季运动会-报名名单.xlsx')}" in disposition
    sheet, rows = read(response)
    assert sheet.title == "报名名单"
    assert rows[0] == HEADERS
    assert sheet["A1"].font.b and sheet.column_dimensions["D"].width >= 20
    assert len(rows) == 4
    by_name = {row[1]: row for row in rows[1:]}
    assert [row[0] for row in rows[1:]] == [1, 2, 3]
    wang = by_name["王一"]
    assert wang[3] == "第一党支部" and wang[5] == "科长"
    assert wang[6] == "138****1234"  # organizers see masked numbers
    assert wang[7] == "待审核" and wang[8] == "本人报名"
    assert wang[9] == "100米、跳绳"
    assert wang[10] is not None and wang[10].year >= 2026
    assert by_name["赵三"][7] == "未通过" and by_name["赵三"][11] == "未通过原因：名额已满"
    assert not by_name["赵三"][9]  # items dropped when rejected

    # a secretary gets their own subtree only
    _, rows = read(as_user(org.sec_one).get(f"/manage/events/{event.id}/registrants.xlsx"))
    assert sorted(row[1] for row in rows[1:]) == ["李二", "王一"]
    # the page's filters apply
    _, rows = read(as_user(org.organizer).get(
        f"/manage/events/{event.id}/registrants.xlsx?status=rejected"))
    assert [row[1] for row in rows[1:]] == ["赵三"]
    # admins see full numbers
    _, rows = read(as_user(org.admin).get(f"/manage/events/{event.id}/registrants.xlsx"))
    assert "13812341234" in [row[6] for row in rows[1:]]
    # who exported what is logged
    exports = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.action == "registration.export").order_by(AuditLog.id)).all()
    assert [e.details["rows"] for e in exports] == [3, 2, 1, 3]


def test_member_cannot_export(org, as_user):
    event = make_event(org.organizer)
    signup.register(org.a, event.id)
    assert as_user(org.a).get(f"/manage/events/{event.id}/registrants.xlsx").status_code == 403


def test_text_that_looks_like_a_formula_stays_text(org, as_user, factory):
    event = make_event(org.organizer)
    member = factory.member(name="=HYPERLINK(1)", branch=org.one, unit="=1+1", position="@SUM(1)")
    signup.register(member, event.id)
    sheet, rows = read(as_user(org.organizer).get(f"/manage/events/{event.id}/registrants.xlsx"))
    assert rows[1][1] == "=HYPERLINK(1)" and rows[1][4] == "=1+1" and rows[1][5] == "@SUM(1)"
    for cell in (sheet["B2"], sheet["E2"], sheet["F2"]):
        # text, and Excel keeps it text when someone edits the cell
        assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate


def test_filename_drops_characters_windows_refuses():
    class Event:
        title = '关于"学习"的/培训:第1期'

    assert export.filename_for(Event) == "关于学习的培训第1期-报名名单.xlsx"


def test_five_thousand_registrations(org, as_user):
    event = make_event(org.organizer, kind="sports", items=[{"name": "健步走"}])
    count = 5000
    db.session.execute(sa.insert(Member), [
        {"name": f"人员{n:04d}", "phone": f"139{n:08d}", "branch_id": org.one.id,
         "unit": "市直机关", "position": "科员", "gender": "M" if n % 2 else "F"}
        for n in range(count)])
    ids = db.session.scalars(sa.select(Member.id).where(Member.phone.like("139%"))).all()
    db.session.execute(sa.insert(Registration), [
        {"event_id": event.id, "member_id": member_id, "status": "confirmed", "source": "self",
         "branch_id": org.one.id} for member_id in ids])
    db.session.commit()

    started = time.perf_counter()
    data, rows = export.build_workbook(org.organizer, event)
    elapsed = time.perf_counter() - started
    assert rows == count
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == count + 1 and values[-1][0] == count
    assert values[1][6].count("*") == 4
    print(f"\n{count} rows exported in {elapsed:.2f}s, {len(data) // 1024} KB")

    # and through the page, for a secretary, scoped
    _, all_rows = read(as_user(org.sec_one).get(f"/manage/events/{event.id}/registrants.xlsx"))
    assert len(all_rows) == count + 1
    assert db.session.query(Registration).count() == count
