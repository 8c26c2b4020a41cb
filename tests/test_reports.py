"""签到表, attendance reports, branch attendance, 秩序册 and 签名签到 (issue 9, items 4-10).

The story: 党务知识培训班 (two lessons, 签名签到) on the check-in tests' clock, read three
days after it began. In 第1课: 王一 came on time and signed, 李二 (指定参加) came late, 赵三
stayed away, 张喆 was on leave, 陈堃 was back-filled from the paper list, 刘珺 left early
and 周昇 came as 列席. In 第2课 only 王一 came. 第一党支部's secretary sees 王一, 李二 (in a
group below the branch), 张喆 and 刘珺; 第二党支部's sees 赵三, 陈堃 and 周昇.

PDFs are read back with pypdf (and poppler's pdftotext where installed), spreadsheets with
openpyxl and csv.
"""
import csv
import io
import re
import shutil
import subprocess
from datetime import timedelta

import pytest
import time_machine
from openpyxl import load_workbook
from PIL import Image, ImageDraw
from pypdf import PdfReader

from app.checkin import attendance, reports, signatures
from app.checkin import service as checkin
from app.checkin.models import Checkin, CheckinSignature
from app.errors import DomainError
from app.extensions import db
from app.printing import fonts
from app.registration import invitations, signup, team_entries
from app.registration.models import Registration

from .conftest import audit_entries, body_text, count, visible_text
from .event_factories import (
    ON_TIME,
    START,
    approved_leave,
    attendee,
    item_rows,
    make_contest,
    make_event,
    make_training,
)

pytestmark = pytest.mark.org("scopes")

AFTER = START + timedelta(days=3)  # when the reports are read
ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output" / "reports"


# ------------------------------------------------------------------ reading files

def pdf_pages(data):
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data):
    text = "\n".join(pdf_pages(data))
    if shutil.which("pdftotext"):
        poppler = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True,
                                 check=True).stdout.decode()
        assert re.sub(r"\s", "", poppler).count("签到表") == re.sub(r"\s", "", text).count("签到表")
    return text


def images_of(data):
    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        resources = page["/Resources"]
        if "/XObject" in resources:
            found += [x.get_object() for x in resources["/XObject"].values()
                      if x.get_object()["/Subtype"] == "/Image"]
    return found


def embedded_fonts(data):
    reader = PdfReader(io.BytesIO(data))
    out = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                out.append(descendant.get_object())
    return out


def workbook(data):
    return load_workbook(io.BytesIO(data))


def rows_of(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def png(width=600, height=220, mode="RGBA", ink=True):
    image = Image.new(mode, (width, height), (0, 0, 0, 0) if mode == "RGBA" else 255)
    if ink:
        ImageDraw.Draw(image).line([(40, 160), (220, 40), (400, 170), (560, 60)],
                                   fill=(0, 0, 0, 255) if mode == "RGBA" else 0, width=8)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


# ------------------------------------------------------------------ the story

@pytest.fixture
def training(org, factory):
    """The 党务知识培训班 of the module docstring, with its people on ``org``."""
    event = make_training(org.organizer, sessions=2, walk_in=True, signature=True)
    first, second = event.sessions
    org.event, org.first, org.second = event, first, second
    organizer = org.organizer

    def person(name, branch, position="科员"):
        member, registration, _ = attendee(factory, organizer, event, name, branch, position=position)
        return member, registration

    org.wang_reg = signup.register(organizer, event.id, member_id=org.a.id)  # 王一, 科长
    org.zhao_reg = signup.register(organizer, event.id, member_id=org.c.id)  # 赵三, 主任
    invitations.invite(organizer, event.id, {"branch_ids": [org.one_sub.id]})  # 李二, 指定参加
    org.li_reg = registration_of(event, org.b)
    org.zhe, org.zhe_reg = person("张喆", org.one)
    org.kun, org.kun_reg = person("陈堃", org.two)
    org.jun, org.jun_reg = person("刘珺", org.one)
    org.sheng = factory.member("周昇", branch=org.two)
    approved_leave(organizer, org.zhe_reg, first)

    def scan(registration, at, kind="entry", **kwargs):
        return checkin.perform_checkin(first.id, kind=kind, method="manual", operator=organizer,
                                       registration_id=registration.id, now=at, **kwargs)

    signed = signatures.new_signature(signatures.clean_signature(png()), organizer)
    assert scan(org.wang_reg, ON_TIME, signature=signed).result == "ok"
    scan(org.li_reg, START + timedelta(minutes=25))  # late
    scan(org.jun_reg, ON_TIME)
    scan(org.jun_reg, START + timedelta(minutes=60), kind="exit")  # left early
    checkin.perform_checkin(first.id, method="backfill", operator=organizer,
                            registration_id=org.kun_reg.id, reason="根据纸质签到表补录：手机没电",
                            now=START + timedelta(days=1))
    checkin.walk_in(organizer, first.id, org.sheng.id, now=ON_TIME)
    checkin.perform_checkin(second.id, method="manual", operator=organizer,
                            registration_id=org.wang_reg.id, now=second.starts_at)
    return org


def registration_of(event, member):
    return db.session.scalar(db.select(Registration).filter_by(event_id=event.id, member_id=member.id))


@pytest.fixture
def after():
    with time_machine.travel(AFTER, tick=False):
        yield


# ------------------------------------------------------------------ 签到表

def test_the_sheet_lists_the_expected_by_branch_with_marks_totals_and_the_signature(
        training, as_user, after):
    response = as_user(training.organizer).get(f"/checkin/sessions/{training.first.id}/sheet.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    pdf = response.data
    text = pdf_text(pdf)
    for words in ("签到表", "活动名称：党务知识培训班", "场次：第1课", "地点：1号会议室", "主办：机关党委",
                  "第一党支部（3人）", "第一支部第一党小组（1人）", "第二党支部（2人）", "王一", "李二", "赵三", "张喆", "陈堃", "刘珺",
                  "科长", "主任", "指定参加", "请假", "列席人员", "周昇", "第 1 页 共 1 页"):
        assert words in text, words
    # the totals at the foot: 应到 6, 请假 1, 已签到 4, 列席 1 (the board's numbers)
    assert re.search(r"应到\s*请假\s*已签到\s*列席\s*6\s*1\s*4\s*1", text), text
    # 王一 signed: the signature image and its time; the others' 签名 cells stay blank
    assert len(images_of(pdf)) == 1
    assert "08:55" in text
    assert "09:25 签到（迟到）" in text  # 李二 came without signing: when, in 备注
    # the font is embedded (TrueType), never the built-in STSong-Light
    assert all("/FontFile2" in font["/FontDescriptor"] for font in embedded_fonts(pdf))
    assert "STSong" not in str(embedded_fonts(pdf))


def test_sheet_rows_follow_pinyin_or_roster_order_within_each_branch(training, as_user, after):
    client = as_user(training.organizer)
    by_pinyin = pdf_text(client.get(f"/checkin/sessions/{training.first.id}/sheet.pdf").data)
    by_roster = pdf_text(client.get(
        f"/checkin/sessions/{training.first.id}/sheet.pdf?order=roster").data)

    def order(text, names):
        return sorted(names, key=text.index)

    # 第一党支部: 刘珺 liu, 王一 wang, 张喆 zhang; entered into the roster: 王一, 张喆, 刘珺
    names = ["王一", "张喆", "刘珺"]
    assert order(by_pinyin, names) == ["刘珺", "王一", "张喆"]
    assert order(by_roster, names) == ["王一", "张喆", "刘珺"]
    assert [entry.details["order"] for entry in audit_entries("checkin.report")] == ["pinyin", "roster"]


def test_a_three_page_sheet_says_page_3_of_3_and_rare_name_characters_extract(org, factory, as_user):
    event = make_training(org.organizer)
    names = ["张喆", "李堃", "王赟", "刘珺", "陈昇", "赵彧"]
    for number in range(50):
        attendee(factory, org.organizer, event, names[number] if number < 6 else f"人员{number:02d}",
                 org.one if number % 2 else org.two)
    pdf = as_user(org.organizer).get(f"/checkin/sessions/{event.sessions[0].id}/sheet.pdf").data
    pages = pdf_pages(pdf)

    assert len(pages) == 3
    assert all(f"第 {n} 页 共 3 页" in page for n, page in enumerate(pages, 1))
    for name in names:
        assert name in "".join(pages), name
    assert re.search(r"应到\s*请假\s*50\s*0", pages[-1])


def test_a_session_with_nobody_expected_prints_the_header_and_zero(org, as_user):
    event = make_training(org.organizer)
    text = pdf_text(as_user(org.organizer).get(f"/checkin/sessions/{event.sessions[0].id}/sheet.pdf").data)

    assert "活动名称：党务知识培训班" in text
    assert "本场次暂无应到人员" in text
    assert re.search(r"应到\s*请假\s*0\s*0", text)


def test_a_name_no_font_has_is_named_before_printing_and_marked_on_paper(org, factory, as_user):
    missing = next(chr(code) for code in range(0x2A700, 0x2B73F) if fonts.font_for(chr(code)) is None)
    event = make_training(org.organizer)
    attendee(factory, org.organizer, event, f"王{missing}", org.one)
    client = as_user(org.organizer)
    page = visible_text(body_text(client.get(f"/checkin/sessions/{event.sessions[0].id}/reports")))
    text = pdf_text(client.get(f"/checkin/sessions/{event.sessions[0].id}/sheet.pdf").data)

    assert f"「王{missing}」中的「{missing}」无法打印" in page
    assert "王〓" in text  # never a blank box or a silent gap


RARE = "\U0002A700"  # 𪜀: in no shipped font


def test_the_event_page_names_what_its_pdfs_cannot_print(org, factory, as_user):
    event = make_training(org.organizer, walk_in=True)
    attendee(factory, org.organizer, event, f"王{RARE}", org.one)
    attendee(factory, org.organizer, event, "李四", org.one)
    visitor = factory.member(f"周{RARE}", branch=org.one)
    checkin.walk_in(org.organizer, event.sessions[0].id, visitor.id, now=ON_TIME)  # 列席
    client = as_user(org.organizer)
    page = visible_text(body_text(client.get(f"/checkin/events/{event.id}/attendance")))
    report = pdf_text(client.get(f"/checkin/events/{event.id}/attendance.pdf").data)

    assert "打印前请注意： 出勤报告（PDF）中以下姓名或名称有打印字库没有的字。" in page
    assert f"「王{RARE}」中的「{RARE}」无法打印，打印件上以「〓」标出，请手工补写。" in page
    assert f"「周{RARE}」中的「{RARE}」无法打印" in page
    assert "「李四」" not in page
    assert "王〓" in report  # what the warning says the paper shows


def test_the_event_page_names_item_and_team_names_the_programme_cannot_print(org, factory, as_user):
    meet = make_contest(org.organizer, publish=True, title="机关运动会", items=item_rows(f"{RARE}球") + [
        {"name": "拔河", "is_team": True, "team_min": 2, "team_max": 10}])
    ball, tug = meet.items
    regs = [signup.register(org.organizer, meet.id, member_id=factory.member(name, branch=org.one).id,
                            item_ids=[ball.id, tug.id]) for name in ("王跑", "李跳")]
    team_entries.save_team(org.organizer, tug.id, org.one.id, f"{RARE}队", [r.id for r in regs])
    client = as_user(org.organizer)
    page = visible_text(body_text(client.get(f"/checkin/events/{meet.id}/attendance")))
    programme = pdf_text(client.get(f"/checkin/events/{meet.id}/programme.pdf").data)

    assert "打印前请注意： 出勤报告和秩序册（PDF）中以下姓名或名称有打印字库没有的字。" in page
    assert f"「{RARE}球」中的「{RARE}」无法打印" in page
    assert f"「{RARE}队」中的「{RARE}」无法打印" in page
    assert "「王跑」" not in page and "「拔河」" not in page
    assert "〓球" in programme and "〓队" in programme


def test_an_event_page_with_every_name_printable_warns_of_nothing(org, factory, as_user):
    event = make_training(org.organizer)
    attendee(factory, org.organizer, event, "张喆", org.one)
    page = visible_text(body_text(as_user(org.organizer).get(f"/checkin/events/{event.id}/attendance")))
    assert "出勤情况" in page and "张喆" in page and "打印前请注意" not in page


# ------------------------------------------------------------------ session report

def test_the_session_report_pdf_has_times_marks_backfill_reason_hours_and_totals(
        training, as_user, after):
    text = pdf_text(as_user(training.organizer).get(
        f"/checkin/sessions/{training.first.id}/report.pdf").data)

    for words in ("出勤报告", "场次：第1课", "王一", "08:55", "09:25", "10:00",
                  "根据纸质签到表补录：手机没电", "各支部出勤", "列席人员（不计入应到和到会率）", "周昇"):
        assert words in text, words
    assert re.search(r"应到\s*实到\s*请假\s*缺席\s*迟到\s*早退\s*列席\s*到会率\s*6\s*4\s*1\s*1\s*1\s*1\s*1\s*80\.0%",
                     text), text


def test_the_session_report_xlsx_has_numbers_a_total_row_and_a_summary_with_rates(
        training, as_user, after):
    data = as_user(training.organizer).get(f"/checkin/sessions/{training.first.id}/report.xlsx").data
    book = workbook(data)
    detail, summary = book["出勤明细"], book["汇总"]
    rows = rows_of(detail)

    assert rows[0][0] == "党务知识培训班 出勤报告"
    header = rows.index(next(r for r in rows if r[0] == "序号"))
    assert rows[header][:12] == ["序号", "姓名", "所在支部", "职务", "签到时间", "签退时间", "迟到",
                                 "早退", "请假", "缺席", "补录原因", "学时"]
    assert detail.freeze_panes == f"A{header + 2}"
    people = {row[1]: row for row in rows[header + 1:-1]}
    assert people["王一"][4].strftime("%H:%M") == "08:55" and people["王一"][11] == 3
    assert people["李二"][6] == 1 and isinstance(people["李二"][6], int)
    assert people["刘珺"][7] == 1 and people["刘珺"][5].strftime("%H:%M") == "10:00"
    assert people["张喆"][8] == 1 and people["赵三"][9] == 1
    assert people["陈堃"][10] == "根据纸质签到表补录：手机没电"
    assert rows[-1][0] == "合计" and rows[-1][6:10] == [1, 1, 1, 1] and rows[-1][11] == 12
    total = rows_of(summary)[-1]
    assert total[:8] == ["合计", 6, 4, 1, 1, 1, 1, 1]
    assert total[8] == 0.8 and summary.cell(summary.max_row, 9).number_format == "0.0%"
    assert [row[1] for row in rows_of(book["列席人员"])[3:]] == ["周昇"]


def test_the_session_report_csv_opens_as_utf8_with_a_bom(training, as_user, after):
    data = as_user(training.organizer).get(f"/checkin/sessions/{training.first.id}/report.csv").data

    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["党务知识培训班 出勤报告"]
    assert ["序号", "姓名", "所在支部"] == rows[2][:3]
    assert rows[-1][0] == "合计"


def test_report_totals_equal_the_live_board_for_the_same_session(training, as_user, after):
    """One definition: the reports read attendance.py's blocks, like the board does."""
    client = as_user(training.organizer)
    for session in (training.first, training.second):
        board = client.get(f"/api/v1/sessions/{session.id}/summary").get_json()
        _, total = reports.session_totals(session)
        assert {key: total[key] for key in board if key != "by_branch"} == {
            key: value for key, value in board.items() if key != "by_branch"}
        book = workbook(client.get(f"/checkin/sessions/{session.id}/report.xlsx").data)
        last = rows_of(book["汇总"])[-1]
        assert last[1:9] == [board["expected"], board["present"], board["on_leave"], board["absent"],
                             board["late"], total["left_early"], board["walk_in"], board["rate"]]
        page = visible_text(body_text(client.get(f"/checkin/sessions/{session.id}/reports")))
        assert f"{board['expected']} 应到 {board['present']} 实到 {board['on_leave']} 请假" in page
    assert attendance.session_summary(training.first)["rate"] == 0.8


def test_a_report_before_the_session_starts_is_refused_with_a_message(training, as_user):
    client = as_user(training.organizer)
    response = client.get(f"/checkin/sessions/{training.first.id}/report.pdf")

    assert response.status_code == 302
    page = visible_text(body_text(client.get(response.headers["Location"])))
    assert "场次还没有开始，开始后才能生成出勤报告。" in page
    assert count(Checkin) == 7  # nothing written by the refusal
    assert not audit_entries("checkin.report")


# ------------------------------------------------------------------ event report and branch attendance

def test_the_event_page_shows_each_persons_status_per_session_and_hours(training, as_user, after):
    page = visible_text(body_text(as_user(training.organizer).get(
        f"/checkin/events/{training.event.id}/attendance")))

    assert "出勤情况" in page
    assert re.search(r"王一 第一党支部 出席 出席 2 6", page), page
    assert re.search(r"李二 第一支部第一党小组 迟到 缺席 1 3", page)
    assert re.search(r"张喆 第一党支部 请假 缺席 0 0", page)
    assert re.search(r"陈堃 第二党支部 出席（补录） 缺席 1 3", page)
    assert re.search(r"刘珺 第一党支部 早退 缺席 1 3", page)
    assert "周昇" not in page  # 列席 is counted apart


def test_a_session_not_started_yet_reads_as_such(training, as_user):
    with time_machine.travel(START + timedelta(hours=5), tick=False):
        page = visible_text(body_text(as_user(training.organizer).get(
            f"/checkin/events/{training.event.id}/attendance")))
        book = workbook(as_user(training.organizer).get(
            f"/checkin/events/{training.event.id}/attendance.xlsx").data)

    assert re.search(r"王一 第一党支部 出席 未开始 1 3", page), page
    assert rows_of(book["各场次"])[-1][:4] == ["第2课", rows_of(book["各场次"])[-1][1], None, "未开始"]


def test_the_event_report_in_three_formats(training, as_user, after):
    client = as_user(training.organizer)
    text = pdf_text(client.get(f"/checkin/events/{training.event.id}/attendance.pdf").data)
    book = workbook(client.get(f"/checkin/events/{training.event.id}/attendance.xlsx").data)
    data = client.get(f"/checkin/events/{training.event.id}/attendance.csv").data

    for words in ("出勤报告", "第1课", "第2课", "各场次出勤", "各支部出勤（人次，已开始的场次）", "王一"):
        assert words in text, words
    # in all, over both sessions: 12 expected person-sessions, 5 present, 1 on leave, 6 absent
    assert re.search(r"合计（人次，已开始的场次）\s*应到\s*实到\s*请假\s*缺席\s*迟到\s*早退\s*列席\s*到会率\s*"
                     r"12\s*5\s*1\s*6\s*1\s*1\s*1\s*45\.5%", text), text
    rows = rows_of(book["出勤情况"])
    wang = next(row for row in rows if row[1] == "王一")
    assert wang[4:] == ["出席", "出席", 2, 6]
    sessions = rows_of(book["各场次"])
    assert sessions[-2][2:10] == [6, 4, 1, 1, 1, 1, 1, 0.8]
    branches = rows_of(book["各支部（人次）"])
    assert branches[-1][:3] == ["合计", 12, 5]  # two sessions: 6 + 6 expected, 4 + 1 present
    assert data.startswith(b"\xef\xbb\xbf") and "王一" in data.decode("utf-8-sig")


def test_a_secretary_sees_the_own_subtree_only_and_another_branch_is_403(training, as_user, after):
    client = as_user(training.sec_one)
    page = visible_text(body_text(client.get(f"/checkin/events/{training.event.id}/attendance")))
    sheet = pdf_text(client.get(f"/checkin/sessions/{training.first.id}/sheet.pdf").data)
    book = workbook(client.get(f"/checkin/sessions/{training.first.id}/report.xlsx").data)
    detail = rows_of(book["出勤明细"])
    names = {row[1] for row in detail[[row[0] for row in detail].index("序号") + 1:-1]}

    assert "王一" in page and "李二" in page and "赵三" not in page and "陈堃" not in page
    assert "王一" in sheet and "赵三" not in sheet and "周昇" not in sheet
    assert "范围：第一党支部及下级组织" in sheet
    assert names == {"王一", "李二", "张喆", "刘珺"}
    assert rows_of(book["汇总"])[-1][1:3] == [4, 3]
    # narrowing to a branch below is allowed; another branch's data is refused
    below = client.get(f"/checkin/sessions/{training.first.id}/sheet.pdf?branch={training.one_sub.id}")
    assert below.status_code == 200 and "王一" not in pdf_text(below.data)
    for url in (f"/checkin/sessions/{training.first.id}/sheet.pdf?branch={training.two.id}",
                f"/checkin/sessions/{training.first.id}/report.xlsx?branch={training.two.id}",
                f"/checkin/events/{training.event.id}/attendance?branch={training.two.id}",
                f"/checkin/events/{training.event.id}/attendance.pdf?branch={training.two.id}",
                f"/checkin/sessions/{training.first.id}/reports?branch={training.committee.id}"):
        assert client.get(url).status_code == 403, url


def test_who_may_open_the_reports(training, as_user, client, factory, after):
    other = factory.branch("其他机关党委", kind="committee")
    outsider = factory.member("外单位书记", branch=other, role="secretary")
    urls = [f"/checkin/sessions/{training.first.id}/reports",
            f"/checkin/sessions/{training.first.id}/sheet.pdf",
            f"/checkin/sessions/{training.first.id}/report.pdf",
            f"/checkin/events/{training.event.id}/attendance",
            f"/checkin/events/{training.event.id}/attendance.xlsx"]
    for url in urls:
        assert client.get(url).status_code == 302, url  # to the login page
        assert as_user(training.a).get(url).status_code == 403, url
        assert as_user(outsider).get(url).status_code == 403, url
        assert as_user(training.sec_two).get(url).status_code == 200, url
        assert as_user(training.admin).get(url).status_code == 200, url
    assert client.get("/checkin/sessions/999999/reports").status_code == 302
    assert as_user(training.organizer).get("/checkin/sessions/999999/sheet.pdf").status_code == 404
    assert as_user(training.organizer).get(
        f"/checkin/sessions/{training.first.id}/report.doc").status_code == 404
    assert as_user(training.organizer).get(
        f"/checkin/events/{training.event.id}/attendance?branch=abc").status_code == 404


def test_every_download_is_in_the_audit_log(training, as_user, after):
    client = as_user(training.sec_one)
    client.get(f"/checkin/sessions/{training.first.id}/sheet.pdf")
    client.get(f"/checkin/sessions/{training.first.id}/report.csv")
    client.get(f"/checkin/events/{training.event.id}/attendance.xlsx")
    entries = audit_entries("checkin.report")

    assert [(e.details["report"], e.details["format"], e.details["rows"]) for e in entries] == [
        ("sheet", "pdf", 4), ("session_report", "csv", 4), ("event_report", "xlsx", 4)]
    assert {e.actor_id for e in entries} == {training.sec_one.id}
    assert {e.details["branch_id"] for e in entries} == {training.one.id}


def test_an_event_without_sessions_says_so(org, as_user):
    from app.events.models import EventSession

    event = make_event(org.organizer, publish=True)
    db.session.execute(db.delete(EventSession).where(EventSession.event_id == event.id))
    db.session.commit()
    client = as_user(org.organizer)
    page = visible_text(body_text(client.get(f"/checkin/events/{event.id}/attendance")))
    response = client.get(f"/checkin/events/{event.id}/attendance.pdf")

    assert "这个活动没有场次，没有可以统计的出勤。" in page
    assert response.status_code == 302
    assert "这个活动没有场次" in visible_text(body_text(client.get(response.headers["Location"])))


# ------------------------------------------------------------------ two clicks from the session

def test_the_sheet_and_the_report_are_two_clicks_from_the_event_page(training, as_user, after):
    client = as_user(training.organizer)
    detail = body_text(client.get(f"/manage/events/{training.event.id}"))
    hub = f"/checkin/sessions/{training.first.id}/reports"
    assert f'href="{hub}"' in detail  # click 1: 签到表/报告 in the session's row
    page = body_text(client.get(hub))
    form = re.search(r'<form method="get" action="([^"]+)" class="sheet-form"', page).group(1)
    report = re.search(r'href="([^"]+report\.pdf[^"]*)"', page).group(1)

    assert client.get(form).mimetype == "application/pdf"  # click 2: 下载签到表
    assert client.get(report.replace("&amp;", "&")).mimetype == "application/pdf"  # or the report
    assert f'href="/checkin/events/{training.event.id}/attendance"' in detail


# ------------------------------------------------------------------ the registrant list

def test_the_registrant_list_gains_attendance_columns_once_a_session_started(training, as_user):
    client = as_user(training.organizer)
    before = visible_text(body_text(client.get(f"/manage/events/{training.event.id}/registrants")))
    assert "已签到场次" not in before and "出勤情况" in before

    with time_machine.travel(AFTER, tick=False):
        page = visible_text(body_text(client.get(f"/manage/events/{training.event.id}/registrants")))
        book = workbook(client.get(f"/manage/events/{training.event.id}/registrants.xlsx").data)

    assert "已签到场次（共2场） 请假场次 学时" in page
    rows = rows_of(book.active)
    assert rows[0][-3:] == ["已签到场次（共2场）", "请假场次", "学时"]
    by_name = {row[1]: row[-3:] for row in rows[1:]}
    assert by_name["王一"] == [2, 0, 6]
    assert by_name["张喆"] == [0, 1, 0]
    assert by_name["周昇"] == [1, 0, 3]  # a walk-in came as 列席


# ------------------------------------------------------------------ 秩序册

def test_the_programme_lists_items_teams_and_branches(org, factory, as_user):
    meet = make_contest(org.organizer, publish=True, title="机关运动会", items=item_rows("100米", "跳远") + [
        {"name": "拔河", "is_team": True, "team_min": 2, "team_max": 10}])
    run, jump, tug = meet.items
    people = {}
    for name, branch, items in (("王跑", org.one, [run.id, tug.id]), ("李跳", org.one, [jump.id, tug.id]),
                                ("赵拔", org.two, [tug.id]), ("孙跑", org.two, [run.id])):
        member = factory.member(name, branch=branch, gender="M")
        people[name] = signup.register(org.organizer, meet.id, member_id=member.id, item_ids=items)
    team_entries.save_team(org.organizer, tug.id, org.one.id, "一支部队",
                           [people["王跑"].id, people["李跳"].id])
    response = as_user(org.organizer).get(f"/checkin/events/{meet.id}/programme.pdf")
    text = pdf_text(response.data)

    assert response.mimetype == "application/pdf"
    for words in ("秩序册", "活动名称：机关运动会", "参赛单位", "一、100米（个人项目，2人）", "二、跳远（个人项目，1人）",
                  "三、拔河（团体项目，1队）", "一支部队", "李跳、王跑（2人）", "（未组队）", "按参赛单位",
                  "第一党支部（2人）", "第二党支部（2人）", "100米、拔河"):
        assert words in text, words
    render(response.data, "programme")


def test_a_programme_of_a_training_class_is_refused_with_a_message(org, as_user):
    event = make_training(org.organizer)
    client = as_user(org.organizer)
    response = client.get(f"/checkin/events/{event.id}/programme.pdf")

    assert response.status_code == 302
    assert "这个活动没有比赛项目" in visible_text(body_text(client.get(response.headers["Location"])))


# ------------------------------------------------------------------ 签名签到

def test_a_signature_is_kept_small_grey_and_cropped():
    image, width, height = signatures.clean_signature(png(1200, 440))
    stored = Image.open(io.BytesIO(image))

    assert stored.format == "PNG" and stored.mode == "L"
    assert (width, height) == stored.size and width <= 360 and height <= 120
    assert len(image) < 20_000


@pytest.mark.parametrize(("data", "code"), [
    (b"", "signature_empty"),
    (png(ink=False), "signature_empty"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024), "signature_too_large"),
    (b"\xff\xd8\xff\xe0 a jpeg", "signature_not_png"),
    (b"\x89PNG\r\n\x1a\n but broken", "signature_not_png"),
    (b"<svg/>", "signature_not_png"),
])
def test_bad_signatures_are_refused_in_words(data, code):
    with pytest.raises(DomainError) as refused:
        signatures.clean_signature(data)

    assert refused.value.code == code and refused.value.field == "signature"
    assert "签名" in refused.value.message


def test_a_data_url_that_is_not_a_png_is_refused():
    for text in ("data:image/jpeg;base64,AAAA", "data:image/png;base64,***", "hello"):
        with pytest.raises(DomainError) as refused:
            signatures.from_data_url(text)
        assert refused.value.code == "signature_not_png"


def test_a_member_signs_after_checking_in_and_once_only(training, as_user):
    client = as_user(training.c)  # 赵三 did not check in
    url = f"/checkin/sessions/{training.first.id}/registrations/{training.zhao_reg.id}/signature"
    refused = client.post(url, data={"signature": (io.BytesIO(png()), "signature.png")},
                          content_type="multipart/form-data")
    assert refused.status_code == 400
    assert "还没有签到，不能签名，请先签到。" in visible_text(body_text(refused))
    assert count(CheckinSignature) == 1

    checkin.perform_checkin(training.first.id, method="manual", operator=training.organizer,
                            registration_id=training.zhao_reg.id, now=START + timedelta(minutes=3))
    page = visible_text(body_text(client.get(url)))
    assert "请在框内手写签名" in page
    done = client.post(url, data={"signature": (io.BytesIO(png()), "signature.png")},
                       content_type="multipart/form-data")
    assert done.status_code == 200 and "签名已保存" in visible_text(body_text(done))
    again = client.post(url, data={"signature_data": "data:image/png;base64,"
                                   + __import__("base64").b64encode(png()).decode()})
    assert "已经签过名了，以第一次的签名为准。" in visible_text(body_text(again))
    assert count(CheckinSignature) == 2
    assert [e.details["registration_id"] for e in audit_entries("checkin.signature")] == [
        training.zhao_reg.id]
    # someone else may not sign for 赵三; staff who manage the event may (a tablet)
    assert as_user(training.a).get(url).status_code == 403
    assert as_user(training.sec_two).get(url).status_code == 403
    assert as_user(training.organizer).get(url).status_code == 200


def test_bad_signature_uploads_get_a_message_at_the_field_and_write_nothing(training, as_user):
    client = as_user(training.organizer)
    url = f"/checkin/sessions/{training.first.id}/registrations/{training.li_reg.id}/signature"
    for upload, message in (
            ((io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024)), "big.png"), "签名图片太大"),
            ((io.BytesIO(b"GIF89a not a png"), "sig.gif"), "只接受 PNG 图片")):
        response = client.post(url, data={"signature": upload}, content_type="multipart/form-data")
        assert response.status_code == 400
        assert message in visible_text(body_text(response))
    assert count(CheckinSignature) == 1
    assert not audit_entries("checkin.signature")


def test_a_session_without_signatures_refuses_one(org, factory, as_user):
    event = make_training(org.organizer)
    member, registration, _ = attendee(factory, org.organizer, event, "王一", org.one)
    checkin.perform_checkin(event.sessions[0].id, method="manual", operator=org.organizer,
                            registration_id=registration.id, now=ON_TIME)
    with pytest.raises(DomainError) as refused:
        signatures.sign(member, event.sessions[0].id, registration.id, png())

    assert refused.value.code == "signature_not_required"
    assert count(CheckinSignature) == 0


def test_the_tablet_checks_in_and_keeps_the_signature_in_one_write(training, as_user):
    client = as_user(training.organizer)
    code = checkin.ticket_for(training.zhao_reg).code
    with time_machine.travel(ON_TIME, tick=False):
        page = body_text(client.get(f"/t/{code}"))
        assert 'data-signature-session="1"' in page and "请在框内手写签名" in page
        bad = client.post(f"/t/{code}", data={
            "session_id": training.first.id, "kind": "entry", "nonce": "n-bad",
            "signature": (io.BytesIO(b"not a png"), "signature.png")}, content_type="multipart/form-data")
        assert "签名图片无法识别" in visible_text(body_text(bad))
        assert count(Checkin, Checkin.registration_id == training.zhao_reg.id) == 0  # nothing half-written
        good = client.post(f"/t/{code}", data={
            "session_id": training.first.id, "kind": "entry", "nonce": "n-good",
            "signature": (io.BytesIO(png()), "signature.png")}, content_type="multipart/form-data")
    assert "签到成功" in visible_text(body_text(good))
    assert signatures.signed(training.first.id, training.zhao_reg.id)
    assert len(signatures.images(training.first.id)) == 2


def test_the_self_checkin_page_asks_for_the_signature(training, as_user):
    client = as_user(training.c)
    with time_machine.travel(ON_TIME, tick=False):
        code, _ = checkin.current_slot_code(training.first.id)
        page = visible_text(body_text(client.get(f"/s/{training.first.id}/{code}")))

    assert "签到成功" in page
    assert "本场要求签名" in page and "提交签名" in page


# ------------------------------------------------------------------ a look at the pages

def test_sheets_and_reports_render_to_png_for_a_look(training, as_user, after):
    """Writes test-output/reports/*.png: the 签到表 after the session (with a signature),
    the session's report and the event's report."""
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils is not installed")
    client = as_user(training.organizer)
    for name, url in (("sheet", f"/checkin/sessions/{training.first.id}/sheet.pdf"),
                      ("session-report", f"/checkin/sessions/{training.first.id}/report.pdf"),
                      ("event-report", f"/checkin/events/{training.event.id}/attendance.pdf")):
        pictures = render(client.get(url).data, name)
        assert pictures
        assert Image.open(pictures[0]).convert("L").getextrema()[0] < 50  # ink on the page


def render(pdf, name):
    """test-output/reports/<name>.pdf and its pages as PNG (70 dpi), where poppler is installed."""
    if not shutil.which("pdftoppm"):
        return []
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(OUTPUT / f"{name}.pdf"), str(OUTPUT / name)],
                   check=True)
    return sorted(OUTPUT.glob(f"{name}-*.png"))
