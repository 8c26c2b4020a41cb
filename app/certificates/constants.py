"""The words and fixed values of certificates: kinds, serial codes, placeholders, the
default wording per kind, and what the audit log says about them."""
from app.checkin.constants import TICKET_ALPHABET

KINDS = ("completion", "participation", "award")
KIND_LABELS = {"completion": "结业证书", "participation": "参与证明", "award": "获奖证书"}
# The kind's part of a serial number: 2026-JY-0012-0007 (year, kind, event, sequence).
SERIAL_CODES = {"completion": "JY", "participation": "CY", "award": "HJ"}

# Verification codes: random, no look-alike characters (the ticket alphabet), 12 of them
# (31^12, about 59 bits): not guessable at the verification page's rate limit.
CODE_ALPHABET = TICKET_ALPHABET
CODE_LENGTH = 12

# Body placeholders and the kinds they serve. A template naming any other is refused.
PLACEHOLDERS = {
    "姓名": "持证人姓名",
    "支部": "报名时所在支部",
    "活动名称": "活动名称",
    "日期": "活动日期（如 2026年3月5日至3月7日）",
    "学时": "获得的学时",
    "总学时": "活动总学时",
    "项目": "比赛项目",
    "奖项": "获奖等级（如 一等奖）",
    "名次": "名次（如 第2名）",
    "成绩": "成绩",
    "发证单位": "发证单位",
    "发证日期": "发证日期",
}
_COMMON = ("姓名", "支部", "活动名称", "日期", "发证单位", "发证日期")
KIND_PLACEHOLDERS = {
    "completion": _COMMON + ("学时", "总学时"),
    "participation": _COMMON + ("学时", "总学时"),
    "award": _COMMON + ("项目", "奖项", "名次", "成绩"),
}

# The wording a kind has when the organizer wrote none. A first line ending in 「：」 is the
# salutation (drawn larger, not indented); every other line is an indented paragraph.
DEFAULT_TITLES = {"completion": "结业证书", "participation": "参与证明", "award": "荣誉证书"}
DEFAULT_BODIES = {
    "completion": "{姓名} 同志：\n于{日期}参加「{活动名称}」，完成学习 {学时} 学时，经考核合格，准予结业。\n特发此证。",
    "participation": "{姓名} 同志：\n于{日期}参加「{活动名称}」。\n特此证明。",
    "award": "{姓名} 同志：\n在「{活动名称}」{项目}中荣获{奖项}。\n特发此证，以资鼓励。",
}
TITLE_MAX, ISSUER_MAX, BODY_MAX = 12, 40, 300
SEAL_MAX_BYTES = 2 * 1024 * 1024
SEAL_UPLOAD_LIMIT = 32 * 1024 * 1024  # the seal form reads this much, to say "too large" itself

REVOKE_REASON_MAX = 200
JOB_STATUSES = {"waiting": "等待开始", "running": "正在生成", "done": "已完成", "failed": "生成失败"}

# ------------------------------------------------------------------ audit log
# What certificates' services record, in Chinese; app/auditlog/labels.py says how to read
# these tables. An issue is about the event (named as the target); a revocation names the
# person and the event in its details. "kind" is the event's own detail, hence
# certificate_kind.
AUDIT_ACTIONS = {
    "certificate.issue": "发放证书",
    "certificate.revoke": "撤销证书",
    "certificate.template": "修改证书样式",
    "certificate.seal": "上传证书印章",
    "certificate.seal_remove": "移除证书印章",
    "certificate.print": "批量打印证书",
}
AUDIT_DETAILS = {
    "event": {
        "certificate_kind": ("证书", KIND_LABELS),
        "count": ("张数", None),
        "certificate_title": ("证书标题", None),
        "issuer": ("发证单位", None),
    },
    "certificate": {
        "certificate_kind": ("证书", KIND_LABELS),
        "reason": ("原因", None),
    },
}
