"""Domain errors with stable codes, and the one table of their Chinese messages.

A service raises ``DomainError("code", **params)``; pages, the API and the CLI
show ``error.message``. New codes get their text here and nowhere else.
"""

MESSAGES = {
    # generic
    "not_found": "要找的记录不存在或已被删除。",
    "forbidden": "没有权限进行此操作。",
    "invalid_choice": "请从列表中选择。",
    # auth
    "login_failed": "手机号或密码不正确。",
    "login_locked": "登录失败次数过多，账号已临时锁定，请在 {minutes} 分钟后再试。",
    "account_inactive": "手机号或密码不正确。",
    "password_too_short": "新密码至少需要 {min_length} 位。",
    "password_too_simple": "新密码不能全是数字或全是字母，请混合使用。",
    "password_same_as_initial": "新密码不能与初始密码相同。",
    "password_mismatch": "两次输入的新密码不一致。",
    "password_wrong_current": "当前密码不正确。",
    # branches
    "branch_name_taken": "同一上级组织下已有名为「{name}」的组织。",
    "branch_move_into_own_subtree": "不能把「{name}」移动到它自己或它的下级组织之下。",
    "branch_has_active_members": "「{name}」及其下级组织还有 {count} 名在册人员，请先调整人员所在组织再停用。",
    "branch_has_active_children": "「{name}」还有 {count} 个未停用的下级组织，请先停用或移走下级组织。",
    "branch_parent_inactive": "上级组织「{name}」已停用，不能在其下新建或移入组织。",
    "branch_parent_required": "党支部和党总支必须选择上级组织。",
    "branch_inactive": "「{name}」已停用。",
    "branch_name_required": "请输入组织名称。",
    # members
    "member_phone_taken": "手机号 {phone} 已被「{name}」使用。",
    "member_branch_required": "请选择所在组织。",
    "member_last_admin": "这是系统中最后一个管理员，不能停用或降低其角色。",
    "member_self_deactivate": "不能停用自己的账号。",
    "member_self_reset": "不能在这里重置自己的密码，请使用「修改密码」。",
    "member_name_required": "请输入姓名。",
    "member_phone_invalid": "请输入11位手机号码。",
    # roster import
    "import_empty": "文件中没有人员数据，请使用下载的模板填写后再上传。",
    "import_bad_file": "无法读取该文件，请上传 Excel（.xlsx）或 CSV 文件。",
    "import_bad_header": "表头不符合模板：缺少 {missing}。请下载模板，并保留第一行的列名。",
    "import_has_errors": "文件中有 {count} 处问题，请修改后重新上传，本次没有写入任何数据。",
    "import_too_many_rows": "一次最多导入 {limit} 行，本文件有 {count} 行，请分批导入。",
    "import_already_committed": "这批数据已经导入过了。",
    "import_expired": "这次校验已过期，请重新上传文件。",
}


class DomainError(Exception):
    """A refused operation. ``code`` is stable; ``message`` is for people."""

    def __init__(self, code, field=None, **params):
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params

    @property
    def message(self):
        return message_for(self.code, **self.params)


def message_for(code, **params):
    template = MESSAGES.get(code, "操作未能完成（{code}）。")
    try:
        return template.format(code=code, **params)
    except (KeyError, IndexError):
        return template
