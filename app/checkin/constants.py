CHECKIN_KINDS = ("entry", "exit")
CHECKIN_METHODS = ("ticket_scan", "self_scan", "manual", "backfill")
CHECKIN_RESULTS = ("ok", "duplicate", "refused")
OK, DUPLICATE, REFUSED = CHECKIN_RESULTS
# perform_checkin()'s codes, in the order they are checked: stored on refused and duplicate
# rows (result "duplicate" for the two already_* codes) and answered to the scanner.
CHECKIN_REFUSALS = ("unknown_ticket", "wrong_event", "event_cancelled", "not_confirmed",
                    "on_leave", "backfill_not_started", "not_open", "closed",
                    "already_checked_in", "already_checked_out", "not_checked_in",
                    "expired_code")

METHOD_LABELS = {
    "ticket_scan": "扫票签到",
    "self_scan": "扫码自助签到",
    "manual": "手工签到",
    "backfill": "补录",
}

# Ticket codes: no look-alikes (0/O, 1/I/L), upper case so they read aloud clearly.
TICKET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TICKET_LENGTH = 10

KIND_LABELS = {"entry": "签到", "exit": "签退"}
RESULT_LABELS = {"ok": "成功", "duplicate": "原已签到", "refused": "未签上"}

# Printed lists and reports (checkin/reports.py, report_files.py, programme.py).
REPORT_KINDS = {
    "sheet": "签到表",
    "session_report": "场次出勤报告",
    "event_report": "活动出勤报告",
    "programme": "秩序册",
}
REPORT_FORMATS = {"pdf": "打印文件", "xlsx": "电子表格", "csv": "文本表格"}
SHEET_ORDERS = {"pinyin": "按支部、姓名拼音", "roster": "按支部、花名册顺序"}

# ------------------------------------------------------------------ audit log
# What checkin's services record, in Chinese; app/auditlog/labels.py says how to read these
# tables. A scanner link's entries are named by their target (the link's label).
AUDIT_ACTIONS = {
    "checkin.manual": "手工签到",
    "checkin.backfill": "补录签到",
    "registration.walk_in": "现场列席登记",
    "checkin.guest": "登记列席来宾",
    "scanner_link.create": "创建扫码授权链接",
    "scanner_link.revoke": "撤销扫码授权链接",
    "checkin.signature": "签名签到",
    "checkin.report": "下载签到表或出勤报告",
}
AUDIT_DETAILS = {
    "checkin": {
        "registration_id": ("人员", "registrant"),
        "kind": ("操作", KIND_LABELS),
        "result": ("结果", RESULT_LABELS),
        "reason": ("补录原因", None),
    },
    "walk_in_guest": {
        "name": ("来宾", None),
        "unit": ("单位", None),
    },
    "scanner_link": {
        "label": None,
        "expires_at": ("有效期至", None),
    },
    "event": {
        "report": ("文件", REPORT_KINDS),
        "format": ("格式", REPORT_FORMATS),
        "rows": ("导出行数", None),
        "order": ("排序", SHEET_ORDERS),
    },
}
