"""Vocabulary of the auth feature."""

# ------------------------------------------------------------------ audit log
# What auth's services record, in Chinese; app/auditlog/labels.py says how to read these tables.
AUDIT_ACTIONS = {
    "auth.login_failed": "登录失败",
    "auth.password_change": "修改密码",
    "auth.logout_everywhere": "在所有设备上退出",
}
AUDIT_DETAILS = {
    # "locked": entries written before issue 8, when wrong passwords locked the account.
    "member": {"locked": ("", {True: "账号已临时锁定", False: None})},
    # A login with a phone nobody has: the entry is about no row, and names the phone.
    None: {"phone": ("手机号", None)},
}
