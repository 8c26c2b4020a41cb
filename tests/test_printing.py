"""The PDF foundation (app/printing): embedded fonts, the missing-character rule, table
documents (title block, repeated headers, groups, totals, page x of y, images, landscape),
record pages on a streaming canvas, QR codes. PDFs are read back with pypdf, and with
poppler's pdftotext / pdftoppm and zbarimg where installed (make test installs them as root)."""
import importlib.util
import io
import shutil
import subprocess
import sys
import threading
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app import printing
from app.printing import Column, Group, ImageCell, Table, fonts

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output" / "printing"
SIGN_COLUMNS = [Column("序号", 0.6, "center"), Column("姓名", 1.3), Column("所在支部", 2.0),
                Column("职务", 1.1), Column("签名", 1.8), Column("备注", 1.2)]
INFO = [("活动名称", "2026年度支部书记培训班"), ("场次", "第一讲 开班式"),
        ("时间", "2026年3月5日 09:00—11:30"), ("地点", "市委党校报告厅"), ("主办", "市直机关工委")]


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def pdftotext(pdf: bytes) -> str:
    """poppler's text, in drawing order (its layout modes drop spaces narrower than a third
    of an em, such as those in 「第 3 页 共 3 页」)."""
    result = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


def sign_sheet(rows, **kwargs) -> bytes:
    return printing.table_pdf(title="签到表", info=INFO, printed_at="2026-03-04 16:20",
                              tables=[Table(SIGN_COLUMNS, rows, row_height=12),
                                      Table.summary([("应到", len(rows)), ("请假", 1)])], **kwargs)


def people(count, branch="办公室党支部"):
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩"
    return [(i + 1, f"{surnames[i % 20]}{given[(i * 7) % 20]}{given[i // 20 % 20]}", branch, "科员", None, "")
            for i in range(count)]


def test_three_page_list_has_names_totals_and_page_x_of_y_on_every_page():
    rows = people(50)
    rows[10] = (11, "王伟", "办公室党支部", "科员", None, "请假")
    pdf = sign_sheet(rows)
    texts = page_texts(pdf)

    assert len(texts) == 3
    for number, text in enumerate(texts, 1):
        assert f"第 {number} 页 共 3 页" in text
        assert "打印时间：2026-03-04 16:20" in text
        assert "序号" in text and "姓名" in text and "签名" in text  # the header repeats
    assert "活动名称：2026年度支部书记培训班" in texts[0] and "地点：市委党校报告厅" in texts[0]
    assert "签到表（续）" in texts[1]
    everything = "".join(texts)
    for _, name, *_ in rows:
        assert name in everything
    assert "应到" in texts[2] and "50" in texts[2].split("应到")[-1]
    if shutil.which("pdftotext"):
        text = pdftotext(pdf)
        assert "第 3 页 共 3 页" in text and rows[-1][1] in text and "应到" in text


def test_fonts_are_embedded_truetype_never_the_unembedded_stsong():
    pdf = sign_sheet(people(3) + [(4, "𠮷田", "办公室党支部", "科员", None, "")])
    reader = PdfReader(io.BytesIO(pdf))
    fonts_seen = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts_seen[font["/BaseFont"]] = font
    assert fonts_seen
    for name, font in fonts_seen.items():
        assert "STSong" not in name
        assert font["/Subtype"] == "/TrueType"
        assert "/FontFile2" in font["/FontDescriptor"], name
    names = " ".join(fonts_seen)
    assert "WenQuanYiMicroHei" in names and "NameFallbackMincho" in names


def test_gbk_name_characters_outside_gb2312_extract_as_themselves():
    names = ["张喆", "李堃", "王赟", "陈珺", "刘昇", "赵彧"]
    for char in "喆堃赟珺昇彧":  # not in GB2312: a GB2312 subset would lose them
        with pytest.raises(UnicodeEncodeError):
            char.encode("gb2312")
    pdf = sign_sheet([(i + 1, name, "办公室党支部", "科员", None, "") for i, name in enumerate(names)])

    assert printing.unprintable(names) == []
    text = page_texts(pdf)[0]
    for name in names:
        assert name in text
    if shutil.which("pdftotext"):
        text = pdftotext(pdf)
        assert all(name in text for name in names)


def test_a_name_outside_gbk_is_drawn_with_the_fallback_font_and_extracts_as_itself():
    assert fonts.font_for("𠮷") == fonts.FALLBACK
    assert printing.unprintable(["𠮷田", "王伟"]) == []
    pdf = sign_sheet([(1, "𠮷田", "办公室党支部", "科员", None, ""), (2, "王𠮷", "办公室党支部", "", None, "")])

    text = page_texts(pdf)[0]
    assert "𠮷田" in text and "王𠮷" in text
    assert printing.MISSING_MARK not in text
    if shutil.which("pdftotext"):
        assert "𠮷田" in pdftotext(pdf)


def test_a_character_in_no_font_is_reported_before_printing_and_marked_not_dropped():
    rare = "\U00030000"  # CJK Extension G: in neither shipped font
    missing = printing.unprintable(["王伟", f"{rare}田", None, f"{rare}田", f"张{rare}{rare}\U00030001"])

    assert [(m.text, m.chars) for m in missing] == [
        (f"{rare}田", (rare,)), (f"张{rare}{rare}\U00030001", (rare, "\U00030001"))]
    assert missing[0].message.startswith(f"「{rare}田」中的「{rare}」无法打印")
    assert "「〓」" in missing[0].message
    text = page_texts(sign_sheet([(1, f"{rare}田", "办公室党支部", "科员", None, "")]))[0]
    assert "〓田" in text  # a visible mark where the character goes, never a gap


def test_variation_selectors_are_neither_reported_nor_drawn():
    name = "葛\U000E0100优"  # an ideographic variation sequence
    assert printing.unprintable([name]) == []
    assert fonts.runs(name) == [(fonts.MAIN, "葛优")]


def test_tabs_and_line_breaks_are_drawn_as_spaces_never_as_boxes():
    assert printing.unprintable(["王伟\t科员\r\n"]) == []
    assert fonts.runs("王伟\t科员\r") == [(fonts.MAIN, "王伟 科员 ")]
    assert printing.text_width("\t", 10) == printing.text_width(" ", 10)
    text = page_texts(sign_sheet([(1, "王伟", "办公室\t党支部", "科员", None, "")]))[0]
    assert "办公室 党支部" in text


def test_group_rows_and_continued_groups_on_the_next_page():
    rows = [Group("办公室党支部（30人）"), *people(30), Group("财务科党支部（5人）"), *people(5, "财务科党支部")]
    texts = page_texts(sign_sheet(rows))

    assert len(texts) == 2
    assert "办公室党支部（30人）" in texts[0]
    assert "办公室党支部（30人）（续）" in texts[1]  # the page starts inside the group
    assert "财务科党支部（5人）" in texts[1]
    assert "序号" in texts[1]


def test_a_group_row_never_ends_a_page_alone():
    # 20 rows of 12 mm fill page 1 almost exactly: the second group must move to page 2
    rows = [Group("第一组"), *people(19), Group("第二组"), *people(3)]
    texts = page_texts(sign_sheet(rows))
    assert "第二组" not in texts[0]
    assert "第二组" in texts[1]


def signature_png(width=600, height=200) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(20, 150), (200, 40), (380, 160), (580, 50)], fill=(0, 0, 0, 255), width=8)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_an_image_cell_embeds_the_signature_and_a_broken_image_says_so():
    rows = [(1, "王伟", "办公室党支部", "科员", ImageCell(signature_png(), "08:52"), ""),
            (2, "李强", "办公室党支部", "科员", ImageCell(b"not a png"), "")]
    pdf = sign_sheet(rows)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    images = [x.get_object() for x in page["/Resources"]["/XObject"].values()
              if x.get_object()["/Subtype"] == "/Image"]

    assert len(images) == 1
    assert images[0]["/Width"] <= 300  # scaled down to the cell, not the 600 px original
    text = page.extract_text()
    assert "08:52" in text
    assert "（图像无法显示）" in text


def test_landscape_pages_are_a4_landscape():
    pdf = printing.table_pdf(title="参会情况", tables=[Table([Column("姓名")], [["王伟"]])], landscape=True)
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(box.width), round(box.height)) == (842, 595)
    portrait = PdfReader(io.BytesIO(sign_sheet(people(1)))).pages[0].mediabox
    assert (round(portrait.width), round(portrait.height)) == (595, 842)


def test_long_text_wraps_inside_its_cell():
    long_name = "阿依古丽·买买提艾力·司马义·热合曼"
    pdf = sign_sheet([(1, long_name, "离退休干部党支部第一党小组（含返聘人员）", "科员", None, "")])
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    chunks = []
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: chunks.append((text, tm[4] * cm[0] + cm[4])))

    # the name column runs from x0 to x1 (weights 0.6 | 1.3 of 8.0 over 180 mm from 15 mm)
    x0 = 15 * mm + 180 * mm * 0.6 / 8.0
    x1 = x0 + 180 * mm * 1.3 / 8.0
    name_parts = [(text, x) for text, x in chunks if text.strip() and text.strip() in long_name]
    assert "".join(t.strip() for t, _ in name_parts) == long_name
    assert len(name_parts) >= 2  # wrapped
    for text, x in name_parts:
        assert x0 < x and x + printing.text_width(text.strip(), 10.5) <= x1


def test_wrapping_rules():
    lines = printing.wrap("一二三四五，六七", 5 * 10.5, 10.5)
    assert lines == ["一二三四", "五，六七"]  # no line starts with a comma
    lines = printing.wrap("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 40, 10)
    assert "".join(lines) == "ABCDEFGHIJKLMNOPQRSTUVWXYZ" and len(lines) > 1
    assert all(printing.text_width(line, 10) <= 40 for line in lines)
    assert printing.wrap("第一行\n第二行", 200, 10) == ["第一行", "第二行"]


def test_an_empty_table_still_prints_its_header_and_says_none():
    pdf = printing.table_pdf(title="签到表", info=INFO, tables=[
        Table(SIGN_COLUMNS, []), Table.summary([("应到", 0), ("请假", 0)])])
    text = page_texts(pdf)[0]
    assert "姓名" in text and "（无）" in text and "应到" in text and "第 1 页 共 1 页" in text


def test_dict_rows_by_column_key_and_numbers():
    columns = [Column("姓名", key="name"), Column("学时", key="hours", align="right")]
    pdf = printing.table_pdf(title="学时", tables=[Table(columns, [{"name": "王伟", "hours": 2.5}, {"name": "李强"}])])
    text = page_texts(pdf)[0]
    assert "王伟" in text and "2.5" in text and "李强" in text


def test_a_long_name_is_shrunk_to_fit_a_width():
    name = "阿依古丽·买买提艾力·司马义·热合曼"
    size = printing.fit_size(name, 100 * mm, 26, 12)
    assert size < 26
    assert printing.text_width(name, size) <= 100 * mm
    assert printing.fit_size("王伟", 100 * mm, 26, 12) == 26


def test_fonts_register_once_across_threads(monkeypatch):
    made = []

    class Counting(fonts._Font):
        def __init__(self, *args, **kwargs):
            made.append(args[0])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(fonts, "_Font", Counting)
    monkeypatch.setattr(fonts, "_cmaps", {})
    threads = [threading.Thread(target=fonts.register_fonts) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(made) == sorted([fonts.MAIN, fonts.FALLBACK])


def test_the_main_font_covers_gbk_and_common_punctuation_under_3_5_mb():
    path = fonts.FONT_DIR / "wqy-microhei-gbk.ttf"
    assert path.stat().st_size < 3.5 * 1024 * 1024
    covered = fonts.cmap(fonts.MAIN)
    spec = importlib.util.spec_from_file_location("build_fonts", ROOT / "scripts" / "build_fonts.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    gbk = script.gbk_code_points()
    assert len(gbk) == 21791 and ord("喆") in gbk and ord("𠮷") not in gbk
    assert {chr(c) for c in gbk - covered} == set("ɑɡ☉")  # the only three the source font lacks
    assert all(ord(c) in covered for c in "、。·—“”‘’《》【】…，：；（）！？　①℃ＡＢ１")


@pytest.mark.slow
def test_the_font_script_rebuilds_the_shipped_fonts_byte_for_byte():
    sources = ["/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
               "/usr/share/unicode/Unihan_OtherMappings.txt.bz2"]
    if not all(Path(p).exists() for p in sources):
        pytest.skip("Debian's fonts-wqy-microhei, fonts-hanazono and unicode-data are not installed")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_fonts.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("same") == 2


def record_document(count: int, *, streaming=True) -> bytes:
    out = io.BytesIO()
    if streaming:
        with printing.record_pages(out, title="结业证书") as canvas:
            _draw_records(canvas, count)
    else:
        canvas = Canvas(out)
        _draw_records(canvas, count)
        canvas.save()
    return out.getvalue()


def _draw_records(canvas, count, qr=True):
    for number in range(count):
        printing.draw_fitted(canvas, 420, 400, f"王伟{number}", 200, 26)
        if qr:
            printing.draw_qr(canvas, f"https://dj.example.gov.cn/verify/K{number:07d}", 60, 60, 70)
        else:
            canvas.rect(60 + number % 50, 60, 70, 70, fill=1)
        canvas.showPage()


def test_record_pages_stream_is_a_valid_pdf_with_every_page():
    pdf = record_document(30)
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    assert len(reader.pages) == 30
    assert (round(reader.pages[0].mediabox.width), round(reader.pages[0].mediabox.height)) == (842, 595)
    assert "王伟29" in reader.pages[29].extract_text()
    assert "王伟0" in reader.pages[0].extract_text()


def _traced_peak(build) -> int:
    tracemalloc.start()
    try:
        build()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_record_pages_memory_does_not_grow_with_pages():
    fonts.register_fonts()
    sink = type("Sink", (), {"write": lambda self, data: None})()

    def build(count, streaming=True):
        def run():
            if streaming:
                with printing.record_pages(sink) as canvas:
                    _draw_records(canvas, count, qr=False)
            else:
                canvas = Canvas(sink)
                _draw_records(canvas, count, qr=False)
                canvas.getpdfdata()
        return run

    small, large = _traced_peak(build(30)), _traced_peak(build(330))
    plain_small, plain_large = _traced_peak(build(30, False)), _traced_peak(build(330, False))
    per_page = (large - small) / 300
    assert per_page < 800, f"{per_page:.0f} bytes a page"  # object offsets only
    assert (plain_large - plain_small) / 300 > 3 * per_page  # what a plain Canvas keeps


def test_the_qr_code_has_the_payload_and_reads_back_with_zbar(tmp_path):
    url = "https://dangjian.example.gov.cn/verify/K7Q2MX9P"
    assert len(printing.qr_matrix(url)) == 33  # version 4 (M) for 44 characters: smallest that fits
    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.skip("poppler-utils and zbar-tools are not installed")
    out = io.BytesIO()
    with printing.record_pages(out) as canvas:
        printing.draw_qr(canvas, url, 100, 100, 25 * mm)
    (tmp_path / "qr.pdf").write_bytes(out.getvalue())
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(tmp_path / "qr.pdf"), str(tmp_path / "qr")], check=True)
    result = subprocess.run(["zbarimg", "-q", "--raw", *map(str, tmp_path.glob("qr*.png"))],
                            capture_output=True, text=True)
    assert result.stdout.strip() == url


def test_the_fast_qr_matrix_is_qrcodes_own_module_for_module():
    """qr_matrix() builds the matrix itself (about ten times faster); it must be exactly the
    one qrcode makes with the same mask: every version, mode mix and length tried here."""
    import random

    from app.printing.qr import _qrcode_matrix

    rng = random.Random(2026)
    texts = ["", "1", "12345678901234567890123", "HELLO WORLD", "https://dangjian.example.gov.cn/verify/K7Q2MX9P",
             "http://127.0.0.1:5000/verify/" + "23456789ABCDEFGHJKMN"[:12], "证书编号：2026-JY-0012-0007", "𠮷田"]
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:abcxyz证书党"
    for length in (1, 2, 3, 4, 19, 20, 21, 40, 100, 300, 800, 1500):
        texts += ["".join(rng.choice(alphabet) for _ in range(length)) for _ in range(25 if length < 300 else 3)]
    texts += [str(rng.randrange(10 ** 60)) + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 2 + "abc" for _ in range(20)]
    versions = set()
    for text in texts:
        fast = printing.qr_matrix(text)
        assert fast == _qrcode_matrix(text), text
        versions.add(len(fast))
    assert min(versions) == 21 and max(versions) > 100  # version 1 up to past version 25


@given(st.text(max_size=200))
@settings(max_examples=150, deadline=None)
def test_the_fast_qr_matrix_matches_qrcode_on_any_text(text):
    from app.printing.qr import _qrcode_matrix

    assert printing.qr_matrix(text) == _qrcode_matrix(text)


def test_sample_pages_render_to_png_for_a_look():
    """Writes test-output/printing/*.png (a sign-in sheet, its last page, a landscape report)."""
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils is not installed")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    rows = [Group("办公室党支部（25人）"), *people(24),
            (25, "阿依古丽·买买提艾力·司马义·热合曼", "办公室党支部", "四级主任科员", ImageCell(signature_png(), "08:52"), "指定参加"),
            Group("财务科党支部（3人）"), (26, "𠮷田", "财务科党支部", "科长", None, "请假"),
            (27, "张喆", "财务科党支部", "科员", None, ""), (28, "李堃", "财务科党支部", "科员", None, "")]
    (OUTPUT / "sign-sheet.pdf").write_bytes(sign_sheet(rows, footer="市直机关工委"))
    report = printing.table_pdf(
        title="参会情况报告", info=INFO, landscape=True, printed_at="2026-03-05 12:00", tables=[
            Table([Column("姓名", 1.2), Column("所在支部", 2), Column("签到时间", 1.2, "center"),
                   Column("签退时间", 1.2, "center"), Column("迟到", 0.6, "center"), Column("早退", 0.6, "center"),
                   Column("请假", 0.6, "center"), Column("缺席", 0.6, "center"), Column("补录", 1.6),
                   Column("学时", 0.6, "right")],
                  [("王伟", "办公室党支部", "08:52", "11:31", "", "", "", "", "", 2.5),
                   ("李强", "办公室党支部", "09:12", "11:30", "是", "", "", "", "纸质签到表补录：手机没电", 2.5),
                   ("赵赟", "财务科党支部", "", "", "", "", "是", "", "", 0)]),
            Table([Column("支部", 2), Column("应到", align="right"), Column("实到", align="right"),
                   Column("请假", align="right"), Column("缺席", align="right"), Column("到会率", align="right")],
                  [("办公室党支部", 2, 2, 0, 0, "100.0%"), ("财务科党支部", 1, 0, 1, 0, "0.0%")], caption="各支部"),
            Table.summary([("应到", 3), ("实到", 2), ("请假", 1), ("缺席", 0), ("迟到", 1), ("到会率", "100.0%")])])
    (OUTPUT / "report.pdf").write_bytes(report)
    for name in ("sign-sheet", "report"):
        subprocess.run(["pdftoppm", "-png", "-r", "70", str(OUTPUT / f"{name}.pdf"), str(OUTPUT / name)], check=True)
    assert len(list(OUTPUT.glob("sign-sheet*.png"))) == 2
    assert len(list(OUTPUT.glob("report*.png"))) == 1
