"""签到表, attendance reports, 秩序册 and 签名签到 (app/checkin/report_views.py): staff who
follow the event (checkin.reports.report_scope); a signature by the member or staff who
manage the event."""
from . import Case, post

CASES = {
    "reports.session_page": [
        Case("/checkin/sessions/{session}/reports", "302 403 403 200 200 200 302"),
    ],
    "reports.sheet_pdf": [
        Case("/checkin/sessions/{session}/sheet.pdf", "302 403 403 200 200 200 302"),
    ],
    "reports.session_report": [
        Case("/checkin/sessions/{finished_session}/report.csv", "302 403 403 200 200 200 302"),
    ],
    "reports.event_page": [
        Case("/checkin/events/{event}/attendance", "302 403 403 200 200 200 302"),
    ],
    "reports.event_report": [
        Case("/checkin/events/{event}/attendance.xlsx", "302 403 403 200 200 200 302"),
    ],
    "reports.programme_pdf": [
        Case("/checkin/events/{meet}/programme.pdf", "302 403 403 200 200 200 302"),
    ],
    "reports.signature": [
        Case("/checkin/sessions/{signing}/registrations/{registration}/signature",
             "302 200 403 200 200 200 302"),
        # The member signs; the staff after them are told it is signed already (200).
        post("/checkin/sessions/{signing}/registrations/{registration}/signature",
             "302 200 403 200 200 200 302", signature_data="{signature_png}"),
    ],
}
