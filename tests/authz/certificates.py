"""Certificates (app/certificates/views.py): the staff pages of a finished event's
certificates, for those who manage it; 我的证书 for the holder only; /verify for anyone."""
from . import Case, post, upload

CASES = {
    "certificates.event": [
        Case("/manage/events/{finished}/certificates", "302 403 403 200 200 200 302"),
    ],
    "certificates.issue": [
        post("/manage/events/{finished}/certificates/issue", "302 403 403 302 302 302 302",
             kind="participation"),
    ],
    "certificates.edit_wording": [
        Case("/manage/events/{finished}/certificates/wording", "302 403 403 200 200 200 302"),
        post("/manage/events/{finished}/certificates/wording", "302 403 403 302 302 302 302",
             title="参与证书", body="{{姓名}}同志：\n参加了{{活动名称}}。", issuer="机关党委"),
    ],
    "certificates.upload_seal": [
        post("/manage/events/{finished}/certificates/seal", "302 403 403 302 302 302 302",
             seal=upload()),
    ],
    "certificates.remove_seal": [
        post("/manage/events/{finished}/certificates/seal/remove", "302 403 403 302 302 302 302"),
    ],
    "certificates.sample": [
        Case("/manage/events/{finished}/certificates/sample.pdf", "302 403 403 200 200 200 302"),
    ],
    "certificates.start_print": [
        post("/manage/events/{finished}/certificates/print", "302 403 403 302 302 302 302",
             kind="participation"),
    ],
    "certificates.job": [Case("/manage/certificates/jobs/{job}", "302 403 403 200 200 200 302")],
    "certificates.job_progress": [
        Case("/manage/certificates/jobs/{job}/progress", "302 403 403 200 200 200 302"),
    ],
    "certificates.job_pdf": [
        Case("/manage/certificates/jobs/{job}/pdf", "302 403 403 200 200 200 302"),
    ],
    "certificates.detail": [
        Case("/manage/certificates/{certificate}", "302 403 403 200 200 200 302"),
    ],
    "certificates.staff_pdf": [
        Case("/manage/certificates/{certificate}/pdf", "302 403 403 200 200 200 302"),
    ],
    "certificates.revoke": [
        # The own branch's secretary revokes it; the others are told it is revoked already.
        post("/manage/certificates/{certificate}/revoke", "302 403 403 302 400 400 302",
             reason="姓名有误，重新发放"),
    ],
    "certificates.mine": [Case("/my/certificates", "302 200 200 200 200 200 302")],
    "certificates.my_pdf": [
        Case("/my/certificates/{certificate}/pdf", "302 200 404 404 404 404 302"),
    ],
    "certificates.verify_form": [Case("/verify", "200 200 200 200 200 200 200")],
    "certificates.verify": [Case("/verify/{code}", "200 200 200 200 200 200 200")],
}
