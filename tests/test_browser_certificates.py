"""Certificates in the browser: an organizer goes from a finished event's page to the
downloaded PDF of its certificates in three clicks (证书, 发放, 下载), watching the
progress; a member downloads their own on a phone; the verification page at 360 px."""
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from app.certificates.models import Certificate
from app.extensions import db

from .conftest import fits, log_in
from .event_factories import backfill, make_finished, signed_up

pytestmark = pytest.mark.browser


@pytest.fixture
def training(org, factory):
    event = make_finished(org.organizer, title="2026年度党支部书记培训班")
    org.wang = factory.member(name="王秀梅", branch=org.one)
    org.li = factory.member(name="李建国", branch=org.two)
    for member in (org.wang, org.li):
        backfill(org.organizer, signed_up(org.organizer, event, member), event.sessions)
    org.event = event
    return org


def test_an_organizer_downloads_the_certificates_pdf_in_three_clicks(desktop, training, fresh, tmp_path):
    page = desktop
    log_in(page, training.organizer)
    page.goto(f"/manage/events/{training.event.id}")  # the finished event's own page

    page.get_by_role("link", name="证书", exact=True).click()  # 1
    expect(page.get_by_role("heading", name="证书", exact=True)).to_be_visible()
    expect(page.get_by_text("出勤 12 学时，共 12 学时（100%），达到结业要求 75%").first).to_be_visible()
    page.get_by_role("button", name="发放 2 张结业证书").click()  # 2
    expect(page.get_by_text("已发放 2 张结业证书")).to_be_visible()
    page.shot("certificates-event")
    with page.expect_download() as started:
        page.get_by_role("button", name="下载全部结业证书（PDF，2 张）").click()  # 3
    download = started.value
    path = tmp_path / "certificates.pdf"
    download.save_as(path)
    assert download.suggested_filename.endswith(".pdf")
    texts = [p.extract_text() for p in PdfReader(path).pages]
    assert len(texts) == 2 and {"王秀梅", "李建国"} == {n for n in ("王秀梅", "李建国") if any(n in t for t in texts)}
    expect(page.locator("#job-label")).to_have_text("已完成")
    expect(page.locator("#job-done")).to_have_text("2")
    page.shot("certificates-job")


def test_a_member_downloads_a_certificate_on_the_phone_and_it_verifies(phone, training, tmp_path):
    from app.certificates import issuing

    issuing.issue(training.organizer, training.event.id, "completion")
    code = db.session.scalar(db.select(Certificate.code).where(Certificate.member_id == training.wang.id))
    log_in(phone, training.wang)
    phone.get_by_role("link", name="我的证书").click()
    expect(phone.get_by_role("heading", name="我的证书")).to_be_visible()
    expect(phone.get_by_text("2026年度党支部书记培训班")).to_be_visible()
    fits(phone, 390)
    phone.shot("certificates-mine")
    with phone.expect_download() as started:
        phone.get_by_role("link", name="下载证书（PDF）").click()
    started.value.save_as(tmp_path / "mine.pdf")
    assert "王秀梅" in PdfReader(tmp_path / "mine.pdf").pages[0].extract_text()

    phone.goto(f"/verify/{code}")
    expect(phone.get_by_text("证书有效")).to_be_visible()
    expect(phone.get_by_text("王*梅")).to_be_visible()
    fits(phone, 390)
    phone.shot("certificates-verify")


def test_the_organizers_pages_fit_a_phone(phone, training):
    log_in(phone, training.organizer)
    phone.goto(f"/manage/events/{training.event.id}/certificates")
    expect(phone.get_by_role("button", name="发放 2 张结业证书")).to_be_visible()
    fits(phone, 390)
    phone.shot("certificates-event-phone")
    phone.get_by_role("link", name="修改样式或上传印章").click()
    expect(phone.get_by_label("证书正文")).to_have_value(
        "{姓名} 同志：\n于{日期}参加「{活动名称}」，完成学习 {学时} 学时，经考核合格，准予结业。\n特发此证。")
    phone.get_by_label("证书正文").fill("{姓名} 同志：\n参加{活动名称}，表现{等级}。")
    phone.get_by_role("button", name="保存样式").click()
    expect(phone.get_by_text("模板中的「{等级}」不是可用的占位符")).to_be_visible()
    fits(phone, 390)
    phone.shot("certificates-wording-phone")
