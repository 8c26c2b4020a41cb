"""app.exports, the one XLSX/CSV writer: what every spreadsheet the system writes holds to."""
import csv
import io
import time
import zipfile
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook

from app.exports import Column, csv_bytes, display_width, xlsx_bytes

FORMULA = '=HYPERLINK("http://x/","点我")'
RISKY = [FORMULA, "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def sheet_of(data):
    return load_workbook(io.BytesIO(data)).active


def values(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("text", RISKY)
def test_text_that_a_spreadsheet_would_run_stays_plain_text(text):
    sheet = sheet_of(xlsx_bytes([Column("姓名")], [[text]], sheet="名单"))
    cell = sheet["A2"]
    assert cell.value.strip() == text.strip()  # shown as typed (XML reads a CR back as LF)
    assert cell.data_type == "s"  # a string, never a formula
    assert cell.quotePrefix  # and Excel keeps it text when someone edits the cell


def test_title_lines_sit_above_a_frozen_bold_header():
    data = xlsx_bytes([Column("姓名"), Column("实到", "int")], [["张三", 1]], sheet="到会",
                      title=["2026年支部书记培训班 第1场", "=筛选：第一党支部"])
    sheet = sheet_of(data)
    assert values(sheet) == [["2026年支部书记培训班 第1场", None], ["=筛选：第一党支部", None],
                             ["姓名", "实到"], ["张三", 1]]
    assert sheet["A1"].font.b and sheet["A2"].data_type == "s"  # a title is text too
    assert sheet["A3"].font.b and sheet["B3"].font.b
    assert sheet.freeze_panes == "A4"  # the rows below the header scroll
    assert sheet.print_title_rows == "$3:$3"  # the header repeats on every printed page


def test_without_a_title_the_header_is_the_first_row():
    sheet = sheet_of(xlsx_bytes([Column("姓名")], [["张三"]], sheet="名单"))
    assert values(sheet) == [["姓名"], ["张三"]]
    assert sheet.freeze_panes == "A2"
    assert sheet.title == "名单"


def test_numbers_stay_numbers_rates_are_percent_cells_and_times_are_local(app):
    columns = [Column("应到", "int"), Column("学时", "float"), Column("到会率", "percent"),
               Column("日期", "date"), Column("签到时间", "datetime"), Column("备注")]
    checked_in = datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc)  # 07:30 on 2 March in Beijing
    sheet = sheet_of(xlsx_bytes(columns, [[40, 1.5, 0.875, date(2026, 3, 2), checked_in, None],
                                          [0, None, 0, checked_in, None, 12]], sheet="统计"))
    first, second = list(sheet.iter_rows(min_row=2))
    assert [c.value for c in first[:3]] == [40, 1.5, 0.875]
    assert [c.data_type for c in first[:3]] == ["n", "n", "n"]
    assert first[2].number_format == "0.0%"
    assert first[3].value == datetime(2026, 3, 2) and first[3].number_format == "yyyy-mm-dd"
    assert first[4].value == datetime(2026, 3, 2, 7, 30)
    assert first[4].number_format == "yyyy-mm-dd hh:mm"
    assert second[3].value == datetime(2026, 3, 2)  # a date column shows the local day
    assert second[5].value == "12"  # a text column holds text
    assert second[2].value == 0 and second[2].number_format == "0.0%"


def test_widths_fit_the_text_with_chinese_counted_double():
    assert display_width("欧阳娜娜") == 8 and display_width("Anna") == 4
    sheet = sheet_of(xlsx_bytes(
        [Column("姓名"), Column("name"), Column("所在支部", width=24), Column("说明")],
        [["欧阳娜娜娜娜", "Anna", "第一党支部", "很长" * 100]], sheet="名单"))
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCD"}
    assert widths["A"] == 14  # six CJK characters take twelve columns, plus a margin
    assert widths["B"] == 6
    assert widths["C"] == 24  # never narrower than the hint
    assert widths["D"] == 60  # a long text is capped; it wraps on screen


def test_characters_a_spreadsheet_cannot_hold_are_dropped_not_a_crash():
    sheet = sheet_of(xlsx_bytes([Column("姓名")], [["张\x07三\x00"]], sheet="名单"))
    assert sheet["A2"].value == "张三"


def test_a_twenty_thousand_row_roster_streams_through_write_only_mode():
    consumed = []

    def rows():
        for n in range(20_000):
            consumed.append(n)
            yield [f"人员{n:05d}", f"139{n:08d}"]

    started = time.perf_counter()
    data = xlsx_bytes([Column("姓名"), Column("手机号码")], rows(), sheet="初始密码")
    elapsed = time.perf_counter() - started
    assert len(consumed) == 20_000
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert xml.count(b"<row ") == 20_001  # the header and every row
    assert b"13900019999" in xml
    assert elapsed < 15, elapsed


def test_csv_opens_in_excel_with_chinese_and_no_live_formula(app):
    columns = [Column("姓名"), Column("实到", "int"), Column("到会率", "percent"),
               Column("签到时间", "datetime")]
    data = csv_bytes(columns, [[FORMULA, 3, 0.8734, datetime(2026, 3, 1, 1, 0, tzinfo=timezone.utc)],
                               ["-", -1, None, None]],
                     title="2026年支部书记培训班")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["2026年支部书记培训班"],
                    ["姓名", "实到", "到会率", "签到时间"],
                    ["'" + FORMULA, "3", "87.3%", "2026-03-01 09:00"],
                    ["'-", "-1", "", ""]]


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        Column("姓名", kind="money")
