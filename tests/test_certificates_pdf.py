"""Certificate PDFs: what is printed (read back with pypdf and poppler), the embedded
fonts, the QR code read by an independent decoder (zbarimg) leading to the verification
page, the per-event wording with its placeholders, the seal, and pictures to look at."""
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from app.certificates import documents, issuing, wording
from app.certificates.models import Certificate, CertificateSeal, CertificateTemplate
from app.errors import DomainError
from app.extensions import db

from .conftest import audit_entries, body_text, count, visible_text
from .event_factories import backfill, make_finished, signed_up

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output" / "certificates"
needs_poppler = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils is not installed")
needs_zbar = pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
                                reason="poppler-utils and zbar-tools are not installed (make test installs them)")


@pytest.fixture
def training(org, factory):
    """A finished training; 王秀梅 came to all four lessons (12 学时), 欧阳建国 to three."""
    event = make_finished(org.organizer, title="2026年度党支部书记培训班")
    for name, lessons in [("王秀梅", 4), ("欧阳建国", 3)]:
        member = factory.member(name=name, branch=org.one)
        backfill(org.organizer, signed_up(org.organizer, event, member), event.sessions[:lessons])
    org.event = event
    return org


def issued(org, kind="completion"):
    issuing.issue(org.organizer, org.event.id, kind)
    return db.session.scalars(db.select(Certificate).where(Certificate.kind == kind).order_by(Certificate.id)).all()


def of(certificates, name):
    return next(c for c in certificates if c.snapshot["name"] == name)


def pdftotext(pdf):
    return subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()


def seal_png(size=(600, 600), mode="RGBA"):
    image = Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else 255)
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, size[0] - 20, size[1] - 20), outline=(190, 20, 20, 220), width=22)
    draw.regular_polygon((size[0] // 2, size[1] // 2, size[0] // 7), 5, fill=(190, 20, 20, 220))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_the_pdf_holds_the_name_serial_and_hours_with_embedded_fonts(training):
    first = of(issued(training), "王秀梅")
    pdf = documents.certificate_pdf(first)
    reader = PdfReader(io.BytesIO(pdf))
    (page,) = reader.pages
    assert page.mediabox.width > page.mediabox.height  # A4 landscape
    assert round(float(page.mediabox.width)) == 842 and round(float(page.mediabox.height)) == 595
    text = page.extract_text()
    assert first.snapshot["name"] in text and first.serial in text and first.code in text
    assert f"完成学习 {first.snapshot['hours']:g} 学时" in text
    fonts = {font.get_object()["/BaseFont"]: font.get_object() for font in page["/Resources"]["/Font"].values()}
    assert fonts and all(f["/Subtype"] == "/TrueType" and "/FontFile2" in f["/FontDescriptor"]
                         for f in fonts.values())
    assert not any("STSong" in name for name in fonts)


@needs_zbar
def test_the_qr_code_reads_back_as_the_verification_url_which_says_valid_then_revoked(training, tmp_path, client, app):
    certificate = of(issued(training), "王秀梅")
    (tmp_path / "c.pdf").write_bytes(documents.certificate_pdf(certificate))
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(tmp_path / "c.pdf"), str(tmp_path / "c")], check=True)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", *map(str, tmp_path.glob("c*.png"))],
                             capture_output=True, check=True).stdout.decode().split()
    url = f"{app.config['PUBLIC_BASE_URL']}/verify/{certificate.code}"
    assert decoded == [url]

    page = visible_text(body_text(client.get(url.removeprefix(app.config["PUBLIC_BASE_URL"]))))
    assert "证书有效" in page and "王*梅" in page and "王秀梅" not in page
    assert "2026年度党支部书记培训班" in page and "结业证书" in page and certificate.serial in page

    issuing.revoke(training.organizer, certificate.id, "学时记录有误")
    page = visible_text(body_text(client.get(url.removeprefix(app.config["PUBLIC_BASE_URL"]))))
    assert "证书已撤销" in page and "证书有效" not in page
    assert "学时记录有误" not in page  # the reason is for the holder and the log, not the public


def test_a_revoked_certificate_is_not_printed_again(training):
    certificate = issued(training)[0]
    issuing.revoke(training.organizer, certificate.id, "重复发放")
    db.session.refresh(certificate)
    with pytest.raises(DomainError) as refused:
        documents.certificate_pdf(certificate)
    assert refused.value.code == "certificate_revoked"


def test_reprinting_uses_the_snapshot_not_the_event_as_it_is_now(training):
    certificate = issued(training)[0]
    training.event.title = "改名后的培训班"
    db.session.commit()
    text = PdfReader(io.BytesIO(documents.certificate_pdf(certificate))).pages[0].extract_text()
    text = text.replace("\n", "")  # the title may wrap
    assert "2026年度党支部书记培训班" in text and "改名后的培训班" not in text


# ------------------------------------------------------------------ wording and seal

def test_the_organizers_wording_fills_its_placeholders_for_each_person(training):
    wording.save_wording(training.organizer, training.event, "completion", {
        "title": "结业证书", "issuer": "中共某某市直属机关工作委员会",
        "body": "{姓名}（{支部}）同志：\n参加{活动名称}（{日期}），获得 {学时}/{总学时} 学时。\n特发此证。"})
    certificate = of(issued(training), "欧阳建国")
    assert certificate.snapshot["body"].startswith("欧阳建国（第一党支部）同志：\n参加2026年度党支部书记培训班（")
    assert "获得 9/12 学时" in certificate.snapshot["body"]
    text = PdfReader(io.BytesIO(documents.certificate_pdf(certificate))).pages[0].extract_text()
    assert "中共某某市直属机关工作委员会" in text and "获得 9/12 学时" in text
    (entry,) = audit_entries("certificate.template")
    assert entry.details["certificate_kind"] == "completion"


@pytest.mark.parametrize("body, message", [
    ("{姓名}同志：你好{职务}", "模板中的「{职务}」不是可用的占位符。可用的有：{姓名}、"),
    ("{姓名}获得{奖项}", "「{奖项}」只能用于获奖证书，结业证书中不能使用。"),
    ("{姓名同志：", "模板中有不成对的花括号「{」"),
    ("姓名}同志", "模板中有不成对的花括号「}」"),
    ("   ", "请填写证书正文。"),
    ("很长" * 200, "证书正文最多 300 个字，现在有 400 个字。"),
])
def test_a_body_with_an_unknown_placeholder_or_a_lone_brace_is_refused_in_words(training, body, message):
    with pytest.raises(DomainError) as refused:
        wording.save_wording(training.organizer, training.event, "completion",
                             {"title": "结业证书", "issuer": "机关党委", "body": body})
    assert refused.value.field == "body" and message in refused.value.message
    assert count(CertificateTemplate) == 0


def test_the_wording_page_names_the_unknown_placeholder_at_the_field(training, login):
    client = login(training.organizer)
    url = f"/manage/events/{training.event.id}/certificates/wording?kind=completion"
    response = client.post(url, data={"title": "结业证书", "issuer": "机关党委", "body": "{姓名}同志{职位}"})
    assert response.status_code == 400
    assert "模板中的「{职位}」不是可用的占位符" in visible_text(body_text(response))
    assert count(CertificateTemplate) == 0
    saved = client.post(url, data={"title": "培训证书", "issuer": "机关党委", "body": "{姓名}同志：\n结业。"})
    assert saved.status_code == 302 and count(CertificateTemplate) == 1


def test_a_seal_is_a_png_under_the_limit_and_is_printed_on_certificates_issued_after(training, login):
    client = login(training.organizer)
    url = f"/manage/events/{training.event.id}/certificates/seal?kind=completion"

    def upload(data, name="seal.png"):
        return client.post(url, data={"seal": (io.BytesIO(data), name)}, content_type="multipart/form-data")

    jpeg = io.BytesIO()
    Image.new("RGB", (200, 200), "red").save(jpeg, "JPEG")
    refused = upload(jpeg.getvalue(), "seal.png")
    assert refused.status_code == 400 and "印章图片必须是 PNG 格式" in visible_text(body_text(refused))
    big = seal_png() + b"\0" * (20 * 1024 * 1024)  # a PNG followed by 20 MB
    refused = upload(big)
    assert refused.status_code == 400
    assert "印章图片不能超过 2 MB，这个文件有 20.0 MB" in visible_text(body_text(refused))
    assert count(CertificateSeal) == 0

    assert upload(seal_png((2400, 2400))).status_code == 302
    seal = db.session.scalar(db.select(CertificateSeal))
    assert (seal.width, seal.height) == (800, 800)  # stored reduced: every page draws it
    certificate = issued(training)[0]
    assert certificate.seal_id == seal.id and certificate.snapshot["seal_id"] == seal.id
    page = PdfReader(io.BytesIO(documents.certificate_pdf(certificate))).pages[0]
    images = [x for form in page["/Resources"]["/XObject"].values()
              for x in (form.get_object().get("/Resources") or {}).get("/XObject", {}).values()]
    assert len(images) == 1


@needs_poppler
def test_sample_certificates_render_to_png_for_a_look(training):
    """Writes test-output/certificates/*.png: look at them after a change of layout."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    wording.upload_seal(training.organizer, training.event, seal_png())
    certificates = issued(training) + issued(training, "participation")
    with open(OUTPUT / "event.pdf", "wb") as out:
        job = documents.start_print(training.organizer, training.event.id)
        for chunk in documents.stream_job(job.id):
            out.write(chunk)
    for old in OUTPUT.glob("event-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(OUTPUT / "event.pdf"), str(OUTPUT / "event")], check=True)
    assert len(list(OUTPUT.glob("event-*.png"))) == len(certificates) == 4
    text = pdftotext((OUTPUT / "event.pdf").read_bytes())
    assert re.search(r"结\s*业\s*证\s*书", text) and re.search(r"参\s*与\s*证\s*明", text)
