"""The certificate pages: the organizer's preview, issuing, the batch PDF with its
progress, one certificate and its revocation; the member's 我的证书; who may see what."""
import io
import tracemalloc

import pytest
import sqlalchemy as sa
from PIL import Image
from pypdf import PdfReader

from app.certificates import documents, issuing
from app.certificates.models import Certificate, CertificateJob, CertificateSeal
from app.extensions import db
from app.registration.models import Registration

from .conftest import TEST_PASSWORD, audit_entries, body_text, client_for, count, visible_text
from .event_factories import backfill, make_finished, signed_up
from .http_client import CSRF_RE


@pytest.fixture
def training(org, factory):
    """A finished training: 王秀梅 (第一党支部) came to all four lessons, 李建国 (第二党支部)
    to two (50 %: no completion)."""
    event = make_finished(org.organizer, title="2026年度党支部书记培训班")
    org.wang = factory.member(name="王秀梅", branch=org.one)
    org.li = factory.member(name="李建国", branch=org.two)
    backfill(org.organizer, signed_up(org.organizer, event, org.wang), event.sessions)
    backfill(org.organizer, signed_up(org.organizer, event, org.li), event.sessions[:2])
    org.event = event
    org.url = f"/manage/events/{event.id}/certificates"
    return org


def text(response):
    return visible_text(body_text(response))


def test_the_preview_lists_who_qualifies_with_hours_and_reasons(training, login):
    client = login(training.organizer)
    page = text(client.get(training.url))
    assert "1 符合条件" in page and "0 已发放" in page and "1 待发放" in page and "1 不符合" in page
    assert "王秀梅 第一党支部 12 待发放 出勤 12 学时，共 12 学时（100%），达到结业要求 75%" in page
    assert "李建国 第二党支部 6 不符合 出勤 6 学时，共 12 学时（50%），未达到结业要求 75%" in page
    assert "发放 1 张结业证书" in page


def test_a_name_no_font_has_is_named_before_issuing_and_marked_on_the_certificate(
        training, login, org, factory):
    rare = "\U0002A700"  # 𪜀: in no shipped font
    qualifies = factory.member(name=f"张{rare}", branch=org.one)
    stays_away = factory.member(name=f"赵{rare}", branch=org.two)  # prints nothing: not named
    backfill(org.organizer, signed_up(org.organizer, training.event, qualifies), training.event.sessions)
    signed_up(org.organizer, training.event, stays_away)
    client = login(training.organizer)
    page = text(client.get(training.url))
    assert f"「张{rare}」中的「{rare}」无法打印，打印件上以「〓」标出，请手工补写。" in page
    assert f"「赵{rare}」" not in page and "「王秀梅」" not in page
    client.post(f"{training.url}/issue", data={"kind": "completion"})
    mine = db.session.scalar(sa.select(Certificate).filter_by(member_id=qualifies.id))
    pdf = client.get(f"/manage/certificates/{mine.id}/pdf")
    assert "张〓" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()


def test_issuing_from_the_page_then_again_issues_nothing_new(training, login):
    client = login(training.organizer)
    first = client.post(f"{training.url}/issue", data={"kind": "completion"}, follow_redirects=True)
    assert "已发放 1 张结业证书（编号" in text(first)
    assert "下载全部结业证书（PDF，1 张）" in text(first)
    assert f"{training.url}/issue" not in body_text(first)  # nobody left to issue to
    again = client.post(f"{training.url}/issue", data={"kind": "completion"}, follow_redirects=True)
    assert "没有需要新发放的结业证书" in text(again)
    assert count(Certificate) == 1


def test_a_late_back_fill_is_announced_and_issues_only_the_newcomer(training, login):
    client = login(training.organizer)
    client.post(f"{training.url}/issue", data={"kind": "completion"})
    assert "新符合条件" not in text(client.get(training.url))
    # the paper list shows 李建国 at lesson 3 too: 9 of 12 学时, 75 %
    li = db.session.scalar(sa.select(Registration).filter_by(member_id=training.li.id))
    backfill(training.organizer, li, training.event.sessions[2:3])
    page = text(client.get(training.url))
    assert "已发放过结业证书；补录签到或成绩变动后，又有 1 人新符合条件，点下面的按钮只给他们发放。" in page
    assert "发放 1 张结业证书" in page
    assert "1 已发放" in page and "1 待发放" in page
    issued = client.post(f"{training.url}/issue", data={"kind": "completion"}, follow_redirects=True)
    assert "已发放 1 张结业证书（编号" in text(issued)
    assert "新符合条件" not in text(issued) and "下载全部结业证书（PDF，2 张）" in text(issued)
    assert count(Certificate) == 2


def test_an_unknown_kind_is_a_bad_request_and_a_refusal_is_said_in_words(training, login, org, factory):
    client = login(training.organizer)
    assert client.post(f"{training.url}/issue", data={"kind": "diploma"}).status_code == 400
    unfinished = make_finished(org.organizer, days_ago=-3, title="还没结束的培训班")
    refused = client.post(f"/manage/events/{unfinished.id}/certificates/issue", data={"kind": "completion"},
                          follow_redirects=True)
    assert "活动结束后才能发放证书（最后一场结束于" in text(refused)
    assert count(Certificate) == 0


def test_the_batch_pdf_streams_and_counts_its_pages_in_the_job(training, login):
    client = login(training.organizer)
    client.post(f"{training.url}/issue", data={"kind": "participation"})
    started = client.post(f"{training.url}/print", data={"kind": "participation"})
    assert started.status_code == 302
    job_url = started.headers["Location"]
    page = client.get(job_url)
    assert 'data-start="yes"' in body_text(page) and "共 2 张" in text(page)
    waiting = client.get(job_url + "/progress").get_json()
    assert waiting == {"status": "waiting", "label": "等待开始", "done": 0, "total": 2, "percent": 0}
    response = client.get(job_url + "/pdf", buffered=True)  # read within the request, like a server
    assert response.headers["Content-Type"] == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    pdf = response.get_data()
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    assert client.get(job_url + "/progress").get_json() == {
        "status": "done", "label": "已完成", "done": 2, "total": 2, "percent": 100}
    assert 'data-start="no"' in body_text(client.get(job_url))
    (entry,) = audit_entries("certificate.print")
    assert entry.details == {"certificate_kind": "participation", "count": 2}


def test_printing_before_anything_is_issued_is_refused(training, login):
    client = login(training.organizer)
    response = client.post(f"{training.url}/print", data={"kind": "completion"}, follow_redirects=True)
    assert "还没有发放证书，没有可以下载的。" in text(response)
    assert count(CertificateJob) == 0


def test_progress_is_counted_while_the_pdf_builds_and_a_stopped_download_fails(training, app):
    issuing.issue(training.organizer, training.event.id, "participation")
    job = documents.start_print(training.organizer, training.event.id, "participation")
    stream = documents.stream_job(job.id, chunk=1)
    next(stream)  # the header
    next(stream)  # the first page
    db.session.expire_all()
    # what the progress page reads meanwhile, from any process
    assert documents.job_state(db.session.get(CertificateJob, job.id)) == {
        "status": "running", "label": "正在生成", "done": 1, "total": 2, "percent": 50}
    stream.close()  # the browser went away
    db.session.expire_all()
    assert db.session.get(CertificateJob, job.id).status == "failed"


def _bulk_certificates(event, member, count_):
    """``count_`` certificate rows for the memory test (issuing thousands through the
    rules is the benchmark's job, not this test's)."""
    snapshot = {"title": "参与证明", "name": "王秀梅", "branch": "第一党支部", "event": event.title,
                "dates": "2026年3月5日", "hours": 3, "issuer": "机关党委", "issued_on": "2026年3月8日",
                "seal_id": None, "body": "王秀梅 同志：\n于2026年3月5日参加「培训班」。\n特此证明。"}
    db.session.execute(sa.insert(Certificate), [{
        "event_id": event.id, "kind": "participation", "member_id": member.id, "subject": f"x{n}",
        "serial": f"2026-CY-{event.id:04d}-{n:04d}", "year": 2026, "sequence": n,
        "code": f"MEM{event.id:03d}{n:06d}", "snapshot": snapshot, "issued_at": event.ends_at,
        "issued_by_id": event.created_by_id, "revoke_reason": "", "verify_count": 0}
        for n in range(1, count_ + 1)])
    db.session.commit()


def test_the_batch_pdf_memory_does_not_grow_with_the_pages(training, org, factory):
    def peak(pages):
        event = make_finished(org.organizer, title=f"{pages}页")
        _bulk_certificates(event, training.wang, pages)
        job = documents.start_print(org.organizer, event.id)
        tracemalloc.start()
        try:
            size = sum(len(chunk) for chunk in documents.stream_job(job.id))
            return tracemalloc.get_traced_memory()[1], size
        finally:
            tracemalloc.stop()

    peak(5)  # warm-up: fonts and caches
    few, few_size = peak(20)
    many, many_size = peak(400)
    assert many_size > 10 * few_size  # the file grows with the pages ...
    # ... the memory hardly does: a few hundred bytes a page of file offsets, where a plain
    # reportlab Canvas would keep every page (about 8 KB each: 3 MB more here).
    assert many - few < 1_200_000, (few, many)


# ------------------------------------------------------------------ one certificate

def test_the_certificate_page_revokes_only_with_a_reason(training, login):
    issuing.issue(training.organizer, training.event.id, "completion")
    certificate = db.session.scalar(db.select(Certificate))
    client = login(training.organizer)
    url = f"/manage/certificates/{certificate.id}"
    assert "王秀梅（第一党支部）" in text(client.get(url))
    refused = client.post(f"{url}/revoke", data={"reason": ""})
    assert refused.status_code == 400 and "请填写撤销原因" in text(refused)
    done = client.post(f"{url}/revoke", data={"reason": "学时记录有误"}, follow_redirects=True)
    assert "已撤销证书" in text(done) and "学时记录有误" in text(done)
    assert client.get(f"{url}/pdf", follow_redirects=True).request.path == url  # no PDF, back with a word
    assert count(Certificate) == 1


def test_my_certificates_lists_mine_and_downloads_only_mine(training, app):
    issuing.issue(training.organizer, training.event.id, "participation")
    mine = db.session.scalar(db.select(Certificate).where(Certificate.member_id == training.wang.id))
    other = db.session.scalar(db.select(Certificate).where(Certificate.member_id == training.li.id))
    client = client_for(app, training.wang)
    page = text(client.get("/my/certificates"))
    assert "参与证明" in page and "2026年度党支部书记培训班" in page and mine.serial in page
    assert other.serial not in page
    pdf = client.get(f"/my/certificates/{mine.id}/pdf")
    assert pdf.status_code == 200 and "王秀梅" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert client.get(f"/my/certificates/{other.id}/pdf").status_code == 404
    issuing.revoke(training.organizer, mine.id, "重复发放")
    assert "已撤销" in text(client.get("/my/certificates"))
    refused = client.get(f"/my/certificates/{mine.id}/pdf", follow_redirects=True)
    assert "这张证书已撤销" in text(refused)


def test_the_links_to_the_pages(training, app):
    assert f'href="{training.url}"' in body_text(client_for(app, training.organizer).get(
        f"/manage/events/{training.event.id}"))
    assert 'href="/my/certificates"' in body_text(client_for(app, training.wang).get("/"))


# ------------------------------------------------------------------ who may see what

def test_the_seal_upload_checks_its_csrf_token_itself(training, strict_app, fresh):
    """The seal form is left out of the app-wide CSRF check (to answer a 20 MB file in
    words); its own form refuses a post without the token."""
    db.session.commit()
    client = strict_app.test_client()
    token = CSRF_RE.search(body_text(client.get("/login"))).group(1)
    assert client.post("/login", data={"csrf_token": token, "phone": training.organizer.phone,
                                       "password": TEST_PASSWORD}).status_code == 302
    url = f"{training.url}/seal"
    png = io.BytesIO()
    Image.new("RGBA", (50, 50), (200, 0, 0, 255)).save(png, "PNG")
    refused = client.post(url, data={"seal": (io.BytesIO(png.getvalue()), "seal.png")},
                          content_type="multipart/form-data")
    fresh()
    assert refused.status_code == 400 and count(CertificateSeal) == 0
    token = CSRF_RE.search(body_text(client.get(f"{training.url}/wording"))).group(1)
    done = client.post(url, data={"csrf_token": token, "seal": (io.BytesIO(png.getvalue()), "seal.png")},
                       content_type="multipart/form-data")
    fresh()
    assert done.status_code == 302 and count(CertificateSeal) == 1


def test_staff_pages_are_for_those_who_manage_the_event(training, app, factory):
    issuing.issue(training.organizer, training.event.id, "completion")
    certificate = db.session.scalar(db.select(Certificate))
    job = documents.start_print(training.organizer, training.event.id, "completion")
    other_secretary = factory.member(name="二支书记", branch=training.two, role="secretary")
    pages = [training.url, f"{training.url}/wording", f"{training.url}/sample.pdf",
             f"/manage/certificates/{certificate.id}", f"/manage/certificates/{certificate.id}/pdf",
             f"/manage/certificates/jobs/{job.id}", f"/manage/certificates/jobs/{job.id}/progress"]
    for who, expected in [(training.wang, 403), (other_secretary, 403), (training.organizer, 200)]:
        client = client_for(app, who)
        assert [client.get(url).status_code for url in pages] == [expected] * len(pages), who.name
    anonymous = client_for(app, None)
    assert all(anonymous.get(url).status_code == 302 for url in pages)
    assert client_for(app, training.wang).post(f"/manage/certificates/{certificate.id}/revoke",
                                               data={"reason": "x"}).status_code == 403
    assert client_for(app, training.organizer).get("/manage/certificates/999999").status_code == 404
    assert count(Certificate, Certificate.revoked_at.is_not(None)) == 0
