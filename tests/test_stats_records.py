"""我的学习档案 and a member's record for staff: the year's 学时 against the target, each
session with its status, certificates and what is to come; exports; the statements it
takes. Worked examples with the numbers written out."""
import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from app.checkin import service as checkin
from app.extensions import db
from app.stats import records
from app.stats.models import HoursTarget

from .conftest import audit_entries, body_text, count_statements
from .event_factories import approved_leave, backfill, make_event, make_finished, session_rows, signed_up


def manual(operator, registration, session, kind, at):
    result = checkin.perform_checkin(session.id, kind=kind, method="manual",
                                     registration_id=registration.id, operator=operator, now=at)
    assert result.result == "ok", result.message


@pytest.fixture
def year_of(org, factory):
    """王芳 of 第一党支部 in a finished 4-lesson training (3 学时 each): on time in 第1课,
    late and gone early in 第2课, on approved leave in 第3课, absent from 第4课."""
    event = make_finished(org.organizer, branch=org.one)
    member = factory.member(name="王芳", branch=org.one)
    registration = signed_up(org.organizer, event, member)
    one, two, three, _ = event.sessions
    approved_leave(org.organizer, registration, three, now=event.starts_at - timedelta(hours=12))
    manual(org.organizer, registration, one, "entry", one.starts_at)
    manual(org.organizer, registration, two, "entry", two.starts_at + timedelta(minutes=25))
    manual(org.organizer, registration, two, "exit", two.ends_at - timedelta(minutes=40))
    return member, registration, event


def test_a_year_worked_through(year_of):
    member, _, event = year_of
    found = records.member_record(member, event.starts_at.year)
    assert (found.hours, found.target, found.remaining, found.reached) == (6, 32, 26, False)
    assert [(line.session_title, line.state, line.word, line.hours) for line in found.lines] == [
        ("第4课", "absent", "缺席", 0),
        ("第3课", "on_leave", "请假", 0),
        ("第2课", "late", "迟到、早退", 3),
        ("第1课", "present", "出席", 3),
    ]
    assert [line.can_ask for line in found.lines] == [True, False, False, False]
    assert (found.count("present", "late", "left_early"), found.count("on_leave"),
            found.count("absent")) == (2, 1, 1)


def test_the_page_shows_hours_against_the_target(as_user, year_of):
    member, _, _ = year_of
    page = body_text(as_user(member).get("/my/record"))
    for text in ("我的学习档案", "6</span> / 32 学时", "还差 <strong>26</strong> 学时", "迟到、早退",
                 "请假", "缺席", "申请补签"):
        assert text in page


def test_a_class_across_new_year_splits_its_hours(factory, org):
    # 2025-12-31 19:00 and 2026-01-01 09:00 in Asia/Shanghai
    starts = [datetime(2025, 12, 31, 11, 0, tzinfo=timezone.utc),
              datetime(2026, 1, 1, 1, 0, tzinfo=timezone.utc)]
    rows = [row for start in starts for row in session_rows(1, start=start, hours=2)]
    event = make_event(org.organizer, sessions=rows, publish=True, branch=org.one,
                       opens=starts[0] - timedelta(days=30))
    member = factory.member(name="跨年", branch=org.one)
    registration = signed_up(org.organizer, event, member)
    backfill(org.organizer, registration, event.sessions)
    assert records.member_record(member, 2025).hours == 2
    assert records.member_record(member, 2026).hours == 2
    assert [line.starts_at for line in records.member_record(member, 2026).lines] == [starts[1]]


def test_secretaries_and_committee_members_have_the_cadre_target(factory, org):
    secretary = factory.member(name="书记", branch=org.one, role="secretary")
    committee = factory.member(name="委员", branch=org.one, committee=True)
    assert records.member_record(secretary, 2026).target == 56
    assert records.member_record(committee, 2026).target == 56
    db.session.add(HoursTarget(year=2026, group="cadre", hours=60))
    db.session.commit()
    assert records.member_record(committee, 2026).target == 60


def test_statements_do_not_grow_with_events(app, factory, org):
    member = factory.member(name="王芳", branch=org.one)

    def statements():
        with count_statements() as seen:
            records.member_record(member, records.this_year())
        return len(seen)

    for _ in range(2):
        event = make_finished(org.organizer, sessions=2, branch=org.one)
        backfill(org.organizer, signed_up(org.organizer, event, member), event.sessions[:1])
    few = statements()
    for _ in range(6):
        event = make_finished(org.organizer, sessions=2, branch=org.one)
        backfill(org.organizer, signed_up(org.organizer, event, member), event.sessions[:1])
    assert statements() == few <= 6  # five, and the member reloaded after the commits above


# ------------------------------------------------------------------ staff and scope

def test_staff_see_the_record_of_members_in_their_scope(as_user, factory, org, year_of):
    member, _, _ = year_of
    own = factory.member(name="一支书记", branch=org.one, role="secretary")
    other = factory.member(name="二支书记", branch=org.two, role="secretary")
    url = f"/stats/members/{member.id}"
    assert "王芳的学习档案" in body_text(as_user(own).get(url))
    assert as_user(org.organizer).get(url).status_code == 200
    assert as_user(other).get(url).status_code == 403
    assert as_user(member).get(url).status_code == 403
    assert as_user(org.organizer).get("/stats/members/999999").status_code == 404
    page = body_text(as_user(own).get(url))
    assert "申请补签" not in page  # only the member asks


@pytest.mark.parametrize("year", ["20x6", "1999", "２０２６", "99999"])
def test_a_bad_year_is_a_message_not_an_error(as_user, year_of, year):
    member, _, _ = year_of
    answer = as_user(member).get(f"/my/record?year={year}")
    assert answer.status_code == 400
    assert "年份应为 2000 到 2100 之间的四位数字。" in body_text(answer)


def test_an_empty_year_is_zeros(as_user, year_of):
    member, _, _ = year_of
    page = body_text(as_user(member).get("/my/record?year=2030"))
    assert "2030年还没有参加活动的记录" in page and "0</span> / 32 学时" in page


# ------------------------------------------------------------------ exports

def test_exports_of_the_record(as_user, year_of):
    member, _, event = year_of
    client = as_user(member)
    year = event.starts_at.year
    text = client.get(f"/my/record.csv?year={year}").get_data().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == [f"王芳 {year}年学习档案"]
    assert "学时 6 / 年度目标 32（还差 26）" in lines[1][0]
    assert lines[2][:6] == ["日期", "活动", "类型", "场次", "状态", "学时"]
    assert [row[4] for row in lines[3:]] == ["缺席", "请假", "迟到、早退", "出席"]

    xlsx = client.get(f"/my/record.xlsx?year={year}")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    assert sheet["F6"].value == 3 and sheet.freeze_panes == "A4"
    pdf = client.get(f"/my/record.pdf?year={year}")
    assert pdf.mimetype == "application/pdf" and pdf.get_data().startswith(b"%PDF")
    assert [e.details["format"] for e in audit_entries("stats.record_export")] == [
        "csv", "xlsx", "pdf"]
    assert client.get("/my/record.doc").status_code == 404


# ------------------------------------------------------------------ API

def test_the_api_answers_the_record_with_the_page_s_numbers(as_user, client, factory, org, year_of):
    member, _, event = year_of
    url = f"/api/v1/stats/members/{member.id}?year={event.starts_at.year}"
    body = as_user(member).get(url).get_json()
    assert (body["hours"], body["target"], body["remaining"], body["reached"]) == (6, 32, 26, False)
    assert [(s["session"], s["status"], s["status_label"], s["hours"]) for s in body["sessions"]] == [
        ("第4课", "absent", "缺席", 0), ("第3课", "on_leave", "请假", 0),
        ("第2课", "late", "迟到、早退", 3), ("第1课", "present", "出席", 3)]
    own = factory.member(name="一支书记", branch=org.one, role="secretary")
    assert as_user(own).get(url).get_json()["hours"] == 6

    other = as_user(factory.member(name="二支书记", branch=org.two, role="secretary")).get(url)
    assert (other.status_code, other.get_json()["code"]) == (403, "forbidden")
    anonymous = client.get(url)
    assert (anonymous.status_code, anonymous.get_json()["code"]) == (401, "login_required")
    bad = as_user(member).get(f"/api/v1/stats/members/{member.id}?year=26")
    assert bad.status_code == 400
    assert bad.get_json()["error"] == {"code": "record_bad_year",
                                       "message": "年份应为 2000 到 2100 之间的四位数字。"}
    for padded in ("%202026", "", "2026.0"):
        refused = as_user(member).get(f"/api/v1/stats/members/{member.id}?year={padded}")
        assert refused.status_code == 400, padded
    missing = as_user(org.organizer).get("/api/v1/stats/members/99999")
    assert (missing.status_code, missing.get_json()["code"]) == (404, "not_found")


def test_the_api_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/stats/members/{member_id}"]["get"]
    assert set(operation["responses"]) == {"200", "400", "401", "403", "404"}
    assert "record_bad_year" in document["components"]["schemas"]["Error"]["properties"]["code"]["enum"]
