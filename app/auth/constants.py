"""Vocabulary of the auth feature."""

# ------------------------------------------------------------------ audit log
# What auth's services record, in Chinese; app/auditlog/labels.py says how to read these tables.
AUDIT_ACTIONS = {
    "auth.login_failed": "登录失败",
    "auth.password_change": "修改密码",
}
AUDIT_DETAILS = {
    "member": {"locked": ("", {True: "账号已临时锁定", False: None})},
}
