"""Domain errors with stable codes, and the one table of their Chinese messages.

A service raises ``DomainError("code", **params)``; pages, the API and the CLI
show ``error.message``. New codes get their text here and nowhere else.

- ``DomainError(code, field=None, http_status=None, **params)``: the one error class
  of the application. ``field`` names the form field the refusal belongs to (views put
  it there with ``app.forms.place_error``); ``http_status`` is what the JSON API answers
  (default: 404 for the not-found codes, else 400).
- ``message_for(code, **params)``: the Chinese message of a code.
- ``error_body(code, **params)``: the JSON body of every error answer under /api/,
  ``{"result": "error", "code", "message"}`` (the scanner page reads exactly these).
- ``HTTP_CODES``: the code of an HTTP error (404, 405, 429 ...) that no service raised.

tests/test_errors.py checks that every code raised in app/ has a message here and
every message here is raised somewhere.
"""
from app.ops.request_log import request_id

MESSAGES = {
    # generic
    "not_found": "要找的记录不存在或已被删除。",
    "forbidden": "没有权限进行此操作。",
    "invalid_choice": "请从列表中选择。",
    "input_nul": "提交的内容中含有空字符（\\0），无法保存。请删去它（常见于从其他软件复制来的文字）后重试。",
    # auth
    "login_failed": "手机号或密码不正确。",
    "login_throttled": "操作太频繁，请在 {minutes} 分钟后再试。忘记密码请联系本支部书记或机关党委。",
    "password_too_short": "新密码至少需要 {min_length} 位。",
    "password_too_simple": "新密码不能全是数字或全是字母，请混合使用。",
    "password_same_as_initial": "新密码不能与初始密码相同。",
    "password_change_required": "请先修改初始密码，再使用扫码签到。",
    "password_mismatch": "两次输入的新密码不一致。",
    "password_wrong_current": "当前密码不正确。",
    # branches
    "branch_name_taken": "同一上级组织下已有名为「{name}」的组织。",
    "branch_move_into_own_subtree": "不能把「{name}」移动到它自己或它的下级组织之下。",
    "branch_has_active_members": "「{name}」及其下级组织还有 {count} 名在册人员，请先调整人员所在组织再停用。",
    "branch_parent_inactive": "上级组织「{name}」已停用，不能在其下新建或移入组织。",
    "branch_parent_required": "党支部和党总支必须选择上级组织。",
    "branch_kind_has_children": "「{name}」下面还有组织，不能改为党支部。",
    "branch_parent_is_branch": "「{name}」是党支部，下面不能再设组织，请选择党委或党总支作为上级。",
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
    # member search (org/search.py): a non-admin may search a phone by its end only
    "search_phone_digits": "按手机号查找，请输入号码的后 4 位，或完整的 11 位号码。",
    # corrections (申诉) and member records (app/corrections, app/stats/records.py)
    "correction_note_required": "请写明情况，例如「手机没电没能扫码，本人全程在场」。",
    "correction_note_too_long": "说明最多 {max} 个字，现在有 {count} 个字。",
    "correction_not_started": "这一场还没有开始，开始后才能申请补签。",
    "correction_not_expected": "您不在这一场的应到名单中（没有确认的报名），不能申请补签。",
    "correction_already_present": "这一场已有签到记录，不需要补签。",
    "correction_on_leave": "这一场您的请假已获批准，不能再申请补签；如实际到场，请联系支部书记。",
    "correction_duplicate": "这一场已有一份待处理的补签申请，请等待处理结果。",
    "correction_not_pending": "这份申请已经处理过了。",
    "correction_decision_note_too_long": "处理意见最多 {max} 个字。",
    "record_bad_year": "年份应为 {min} 到 {max} 之间的四位数字。",
    "stats_bad_branch": "组织编号「{value}」无效，请从列表中选择组织。",
    "target_bad_hours": "学时应为 0 到 {max} 之间的数字，最多一位小数，如 32 或 40.5。",
    # roster import
    "import_empty": "文件中没有人员数据，请使用下载的模板填写后再上传。",
    "import_bad_file": "无法读取该文件，请上传 Excel（.xlsx）或 CSV 文件。",
    "import_bad_header": "表头不符合模板：缺少 {missing}。请下载模板，并保留第一行的列名。",
    "import_has_errors": "文件中有 {count} 处问题，请修改后重新上传，本次没有写入任何数据。",
    "import_too_many_rows": "一次最多导入 {limit} 行，本文件有 {count} 行，请分批导入。",
    "import_already_committed": "这批数据已经导入过了。",
    "import_expired": "这次校验已过期，请重新上传文件。",
    "import_changed": "检查之后人员数据有了变化（如刚有人被新增或修改），现在导入的结果会与检查时显示的不同。本次没有写入任何数据，请核对下面新的检查结果后再导入。",
    "import_conflict": "导入时人员数据刚被别处修改（如手机号码刚被占用），本次没有写入任何数据，请重新上传文件校验。",
    # roster import: one cell of one row
    "import_row_required": "{column}不能为空。",
    "import_row_formula": "是公式，请粘贴为数值。",
    "import_row_excel_error": "单元格是错误值 {value}，请改为正确内容。",
    "import_row_bad_phone": "手机号码应为以 1 开头的 11 位数字。",
    "import_row_phone_scientific": "手机号码被 Excel 显示成了科学计数法，请把该列设为「文本」后重新输入号码。",
    "import_row_duplicate_phone": "与第 {other_row} 行的手机号码重复。",
    "import_row_bad_date": "无法识别的日期，请写成 1985-03 或 1985-03-12。",
    "import_row_bad_choice": "「{value}」不是可选的{column}，可选值见模板的「说明」页。",
    "import_row_unknown_branch": "找不到组织「{value}」，请填写组织架构中的名称（见模板的「说明」页）。",
    "import_row_ambiguous_branch": "有 {count} 个组织都叫「{value}」，请写明上级，如「{example}」（各组织的写法见模板的「说明」页）。",
    "import_row_branch_inactive": "组织「{value}」已停用。",
    "import_row_too_long": "{column}最多 {max} 个字。",
    "import_row_last_admin": "导入后系统中将没有管理员，请至少保留一名管理员。",
    "import_row_name_changed": "手机号码 {phone} 已属于「{old}」，导入后姓名将改为「{new}」。",
    # events
    "event_not_found": "活动不存在或尚未发布。",
    "event_needs_session": "请至少填写一个场次（时间和地点）。",
    "session_ends_before_start": "第 {index} 个场次的结束时间必须晚于开始时间。",
    "session_hours_negative": "第 {index} 个场次的学时不能是负数。",
    "session_hours_range": "第 {index} 个场次的学时不能超过 {max} 小时。",
    "session_grace_range": "第 {index} 个场次的迟到宽限不能超过 {max} 分钟。",
    "capacity_too_large": "人数或名额不能超过 {max}。",
    "item_team_size_too_large": "「{name}」的每队人数不能超过 {max}。",
    "window_out_of_order": "报名截止时间必须晚于报名开始时间。",
    "window_after_event": "报名截止时间不能晚于活动结束时间（{end}）。",
    "capacity_not_positive": "人数上限必须是正整数；不限人数请留空。",
    "capacity_below_confirmed": "已有 {confirmed} 人报名占用名额（含待审核，不含指定参加），人数上限不能改成 {capacity}。",
    "item_limit_too_large": "每人限报项目数（{limit}）不能多于项目总数（{count}）。",
    "item_limit_not_positive": "每人限报项目数必须是正整数；不限请留空。",
    "item_team_size": "「{name}」的团体人数下限不能大于上限。",
    "item_name_required": "请填写每个比赛项目的名称。",
    "completion_ratio_range": "结业比例必须在 0 到 1 之间，例如 0.75。",
    "event_not_draft": "只有草稿状态的活动可以发布。",
    "event_already_cancelled": "活动已经取消。",
    "event_scope": "只能为本支部及下级组织发布活动。",
    "session_has_records": "「{title}」已有请假或签到记录，不能删除。",
    "team_quota_full": "「{name}」每个支部最多 {quota} 支队伍，本支部已经组满。",
    "item_has_registrations": "「{name}」已有人报名过（含已取消的报名），不能删除。",
    # check-in (perform_checkin codes first, in the order they are checked)
    "unknown_ticket": "无法识别的票码，请核对后重试。",
    "wrong_event": "这是其他活动的票，不能在本场签到。",
    "not_confirmed": "该报名尚未确认（待审核、候补、已取消或未通过），不能签到。",
    "on_leave": "已请假，本场不需要签到。",
    "backfill_not_started": "本场还没有开始，开始后才能补录。",
    "not_open": "签到还没开始，请在开场前不久再试。",
    "closed": "本场签到已结束。如需补签，请联系组织者补录。",
    "already_checked_in": "已签到（{first}），不用重复签到。",
    "already_checked_out": "已签退（{first}），不用重复签退。",
    "not_checked_in": "还没有签到，不能签退。",
    "expired_code": "二维码已过期，请重新扫描屏幕上的二维码。",
    "not_registered": "您没有报名这个活动，请联系现场工作人员。",
    "checkin_ok": "签到成功",
    "checkin_ok_late": "签到成功（迟到）",
    "checkout_ok": "签退成功",
    "walk_in_not_allowed": "本活动不接受现场列席，请先报名。",
    "scanner_link_invalid": "扫码授权链接已失效或已撤销，请向组织者索取新的链接。",
    "backfill_reason_required": "请填写补录原因，例如「根据纸质签到表补录」。",
    "bad_request": "请求内容不完整，请刷新页面后重试。",
    # on-site pages (tickets, self check-in screen, back-fill, walk-ins)
    "ticket_not_available": "只有报名成功（已确认）的活动才有电子票。",
    "backfill_none_selected": "请至少勾选一位要补录的人员。",
    "checkout_not_required": "本场不要求签退，没有签退二维码。",
    "guest_name_required": "请填写来宾姓名。",
    "guest_unit_required": "请填写来宾的单位。",
    "guest_phone_invalid": "手机号应为 11 位数字；没有可以不填。",
    # check-in: the scanner page, the JSON API and scanner links
    "login_required": "登录已过期，请重新登录后再操作。",
    "csrf_invalid": "页面已过期，请刷新页面后重试。",
    "api_bad_json": "请求内容格式不对（应为 JSON），请刷新页面后重试。",
    "api_bad_field": "请求中的「{name}」有误：{why}",
    "method_not_allowed": "操作方式不对，请通过页面上的按钮进行操作。",
    "too_many_requests": "操作太频繁，请稍等一会儿再试。",
    "server_error": "系统暂时无法完成这个操作，请稍后再试。",
    "scanner_link_other_event": "这个扫码授权只能用于「{event}」的签到。",
    "scanner_link_hours_range": "有效时长请填 1 到 72 之间的整数（小时）。",
    "ticket_code_required": "请输入票码。",
    # registration
    "registration_not_open": "活动尚未开始报名，报名时间：{opens}。",
    "registration_closed": "报名已截止。",
    "event_cancelled": "活动已取消。",
    "event_not_published": "活动尚未发布。",
    "not_eligible": "{reason}。",
    "already_registered": "已经报过名了（{status}）。",
    "event_full": "名额已满。",
    "items_required": "请至少选择一个比赛项目。",
    "item_limit_exceeded": "每人最多报 {limit} 个项目，您选了 {count} 个。",
    "item_unknown": "所选项目不属于这个活动，请刷新页面后重试。",
    "item_full": "「{name}」名额已满。",
    "item_quota_full": "「{name}」本支部名额（{quota} 人）已满。",
    "item_not_eligible": "「{name}」{reason}。",
    "cannot_cancel_now": "报名已截止，不能自行取消；如不能参加，请申请请假。",
    "registration_not_active": "这条报名已{status}，不能再操作。",
    "registration_not_pending": "这条报名不在待审核状态。",
    "reject_reason_required": "请填写未通过的原因，报名人会看到它。",
    "proxy_out_of_scope": "只能为本支部（含下级组织）的人员代报名。",
    "leave_not_allowed": "只有已报名（含指定参加）的人员可以请假。",
    "leave_reason_required": "请填写请假原因。",
    "leave_duplicate": "这个场次已经有请假申请了。",
    "leave_not_pending": "这条请假已经处理过了。",
    "leave_session_unknown": "所选场次不属于这个活动。",
    "leave_sessions_required": "请选择请假的场次。",
    "leave_session_over": "「{title}」已经结束，不能再请假。",
    "leave_session_attended": "「{title}」已经签到参加，不能请假。",
    "team_size": "「{name}」每队 {min}–{max} 人，现在选了 {count} 人。",
    "team_member_not_registered": "{name} 没有报名「{item}」，不能加入队伍。",
    "team_member_other_branch": "{name} 不属于本支部，不能加入本支部的队伍。",
    "team_member_taken": "{name} 已在另一支「{item}」队伍中。",
    "item_not_team": "「{name}」不是团体项目。",
    # staff registration pages
    "team_branch_required": "请先选择队伍所属的支部。",
    # publishing events: event forms and rules added with the staff pages
    "event_title_required": "请填写活动名称。",
    "event_branch_required": "请选择主办组织。",
    "event_cancelled_not_editable": "活动已取消，不能再修改。",
    "event_cannot_close": "只有「报名中」的活动可以截止报名，这个活动现在是「{status}」。",
    "cancel_reason_required": "请填写取消原因，已报名的人员会看到它。",
    "window_opens_after_event": "报名开始时间必须早于活动结束时间（{end}）。",
    "session_grace_negative": "第 {index} 个场次的迟到宽限不能是负数。",
    "session_start_required": "请填写开始时间。",
    "session_end_required": "请填写结束时间。",
    "item_age_range": "「{name}」的最小年龄不能大于最大年龄。",
    "item_team_size_positive": "「{name}」的每队人数必须是正整数。",
    "age_range": "最小年龄不能大于最大年龄。",
    "datetime_invalid": "请按「2026-05-10 09:00」的格式填写日期和时间。",
    "number_invalid": "请填写数字，例如 {example}。",
    "whole_number_invalid": "请填写整数。",
    "positive_number_required": "请填写正整数；不限请留空。",
    "non_negative_required": "请填写 0 或正整数。",
    "age_invalid": "年龄请填写 0 到 120 之间的整数。",
    "choice_not_offered": "所选的内容不在可选范围内，请刷新页面后重新选择。",
    "rows_in_use": "要删除的场次或项目已有报名、请假或签到记录，不能删除。本次没有保存任何修改。",
    # 签名签到 (checkin/signatures.py)
    "signature_empty": "请先在签名框内签名，再提交。",
    "signature_too_large": "签名图片太大（不能超过 {limit}），请点「重签」后重新签名。",
    "signature_not_png": "签名图片无法识别（只接受 PNG 图片），请点「重签」后重新签名。",
    "signature_not_required": "本场次没有开启签名签到。",
    "signature_not_checked_in": "还没有签到，不能签名，请先签到。",
    "signature_exists": "已经签过名了，以第一次的签名为准。",
    # printed lists and reports (checkin/reports.py, checkin/programme.py)
    "report_session_not_started": "场次还没有开始，开始后才能生成出勤报告。",
    "report_no_sessions": "这个活动没有场次，没有可以统计的出勤。",
    "programme_no_items": "秩序册用于设有比赛项目的比赛和运动会，这个活动没有比赛项目。",
    # member registration pages
    "cannot_cancel_invited": "这是指定参加的活动，不能自行取消；如不能参加，请申请请假。",
    # operations: flask backup / flask restore (app/ops/backup.py)
    "backup_memory_database": "当前数据库是内存数据库，没有可以备份或恢复的文件。",
    "backup_use_pg_dump": "当前数据库是 PostgreSQL，请用 pg_dump 备份（命令如下，另见 README）。",
    "backup_use_pg_restore": "当前数据库是 PostgreSQL，请用 pg_restore 恢复（命令如下，另见 README）。",
    "backup_no_database": "数据库文件 {path} 不存在，没有可以备份的内容。",
    "backup_exists": "{path} 已存在。请换一个文件名，或加 --overwrite 覆盖。",
    "backup_missing": "找不到备份文件 {path}。",
    "backup_not_sqlite": "{path} 不是 SQLite 数据库文件，不能用来恢复。",
    "backup_damaged": "{path} 已损坏（完整性检查未通过），不能用来恢复。",
    "backup_not_ours": "{path} 不是本系统的数据库备份（其中没有迁移版本记录）。",
    "backup_is_database": "{path} 就是当前数据库本身，不能用它恢复自己。",
    "backup_newer": "{path} 来自更新版本的系统（迁移版本 {revision}），请用那个版本的程序恢复。",
    "backup_database_busy": "数据库正在写入，等待 15 秒仍未结束，数据库未做任何改动，请稍后再试。",
    # results: scoring rules, entries, place points (app/results/setup.py)
    "results_no_items": "只有比赛和运动会可以评定成绩。",
    "results_locked": "成绩已锁定，请先解除锁定再修改。",
    "scoring_not_set": "请先设置这个项目的评分规则。",
    "scoring_in_use": "已经有评分或成绩，不能再修改计分方式和评分标准。",
    "criteria_required": "评委打分的项目请至少填写一条评分标准。",
    "criteria_too_many": "评分标准最多 {max} 条。",
    "criterion_name_required": "第 {index} 条评分标准请填写名称。",
    "criterion_name_twice": "评分标准「{name}」重复了。",
    "criterion_max_range": "「{name}」的满分请填写大于 0、不超过 1000 的数字，最多两位小数。",
    "criterion_weight_range": "「{name}」的权重请填写大于 0、不超过 100 的数字，最多两位小数。",
    "award_label_required": "第 {index} 个奖项请填写名称。",
    "award_count_required": "「{label}」请填写获奖人数；只有最后一个奖项可以留空（表示其余全部）。",
    "award_count_positive": "「{label}」的获奖人数请填写正整数。",
    "award_levels_too_many": "奖项最多 {max} 个。",
    "award_range_invalid": "名次段请写成「1」或「2-3」这样的正整数，前一个数不大于后一个数。",
    "award_range_overlap": "各奖项的名次段不能重叠。",
    "points_factor_range": "积分倍数请填写 1 到 10 之间的整数（接力等项目通常为 2）。",
    "running_order_invalid": "出场顺序请填写 1 到 9999 之间的整数。",
    "running_order_twice": "出场顺序不能重复。",
    "place_points_count": "名次积分请填写 1 到 {max} 个数。",
    "place_points_invalid": "名次积分请填写 1 到 100 之间的整数，用「-」隔开，例如 7-5-4-3-2-1。",
    "place_points_order": "名次积分应从第一名起依次不增加，例如 7-5-4-3-2-1。",
    "place_points_sports_only": "只有运动会需要设置名次积分。",
    # results: judges and their scores (app/results/judging.py, judge_session.py)
    "item_not_judged": "这个项目不是评委打分项目。",
    "judge_name_required": "请填写评委姓名。",
    "judges_too_many": "每个项目最多 {max} 名评委。",
    "judge_link_hours_range": "有效时长请填 1 到 72 之间的整数（小时）。",
    "judge_link_invalid": "评委链接已失效或已撤销，请向组织者索取新的链接。",
    "judge_link_required": "请用组织者发给您的评委链接打开评分页面。",
    "judge_link_other_item": "这个评委链接只能为「{item}」打分。",
    "judge_link_other_judge": "这台手机已经是本项目{seat}号评委「{name}」的评分手机。同一项目的另一位评委请用自己的手机打开链接；确需换人使用这台手机，请先在评分页点「退出评委身份」。",
    "entry_withdrawn": "这位选手已退赛，不能再评分。",
    "results_locked_for_judges": "组织者已锁定本项目的成绩，评分不能再修改。",
    "score_required": "请填写「{name}」的得分。",
    "score_invalid": "「{name}」的得分请填写 0 到满分之间的数字，最多两位小数。",
    "score_above_max": "「{name}」的得分不能超过满分 {max} 分。",
    "scores_have_errors": "有 {count} 项得分需要修改，本次没有保存。",
    "score_saved": "已保存，总分 {total}。",
    # results: sports marks, locking and publishing (marks.py, publishing.py)
    "item_not_marked": "这个项目由评委打分，成绩来自评委的评分。",
    "entry_not_in_item": "有人不在「{item}」的参赛名单中，不能录入成绩。请刷新页面后重试。",
    "marks_have_errors": "有 {count} 行成绩需要修改，本次没有保存任何成绩。",
    "mark_time_invalid": "用时请写成 12.34（秒）或 1:02.35（分:秒），最多两位小数。",
    "mark_length_invalid": "请填写以米为单位的数字，最多两位小数，例如 5.62。",
    "mark_place_invalid": "名次请填写正整数，例如 3。",
    "mark_out_of_range": "成绩超出合理范围，请核对。",
    "results_empty": "还没有任何成绩，不能锁定。",
    "results_published_unlock": "成绩已公布，请先撤回公布再解除锁定。",
    "results_not_locked": "请先锁定成绩再公布。",
    # certificates: issuing, wording and seal, printing, revoking
    "certificate_kind_unavailable": "这个活动不发放{kind}。",
    "certificate_no_sessions": "活动没有场次，无法判断谁参加了，不能发放证书。",
    "certificate_no_hours": "活动的总学时为 0，无法按学时判断结业，不能发放结业证书（可以发放参与证明）。",
    "certificate_event_not_over": "活动结束后才能发放证书（最后一场结束于 {end}）。",
    "certificate_none_to_print": "还没有发放证书，没有可以下载的。",
    "certificate_revoked": "这张证书已撤销，不能再下载或打印。",
    "certificate_already_revoked": "这张证书已经撤销了。",
    "certificate_revoke_reason_required": "请填写撤销原因，例如「学时记录有误，重新发放」。",
    "certificate_unknown_placeholder": "模板中的「{{{name}}}」不是可用的占位符。可用的有：{allowed}。",
    "certificate_placeholder_wrong_kind": "「{{{name}}}」只能用于{kinds}，{kind}中不能使用。",
    "certificate_unpaired_brace": "模板中有不成对的花括号「{brace}」，占位符请写成「{{姓名}}」这样。",
    "certificate_body_required": "请填写证书正文。",
    "certificate_body_too_long": "证书正文最多 {max} 个字，现在有 {count} 个字。",
    "certificate_title_invalid": "请填写证书标题，最多 {max} 个字。",
    "certificate_issuer_invalid": "请填写发证单位，最多 {max} 个字。",
    "certificate_seal_required": "请选择要上传的印章图片（PNG 格式）。",
    "certificate_seal_not_png": "印章图片必须是 PNG 格式（最好是透明背景的 PNG），这个文件不是 PNG 图片。",
    "certificate_seal_too_large": "印章图片不能超过 {max} MB，这个文件有 {size} MB，请缩小后再上传。",
    # certificates: the public verification page
    "verify_not_found": "没有找到这个验证码对应的证书。请核对证书上的验证码；伪造或被改动的证书也会这样显示。",
    "verify_malformed": "验证码格式不对：应为证书二维码旁边印的 12 位字母和数字。",
    # statistics: the period and filters of a table (app/stats/periods.py)
    "stats_bad_date": "{label}「{value}」不是有效的日期，请写成 2026-03-01 这样的格式。",
    "stats_date_out_of_range": "{label}应在 {first} 年至 {last} 年之间。",
    "stats_dates_reversed": "开始日期 {start} 晚于结束日期 {end}，请调换或重新选择。",
    "stats_period_too_long": "统计时段最长 {years} 年，请缩短时段。",
    "stats_unknown_kind": "没有「{value}」这种活动类型，可选：{kinds}。",
    "stats_bad_event": "活动编号「{value}」无效，请从列表中选择活动。",
}


# The HTTP status a refusal answers with in the JSON API, where it is not 400.
_STATUSES = {"not_found": 404, "event_not_found": 404}

# The code of an HTTP error no service raised (an unknown path, a wrong method ...).
HTTP_CODES = {400: "bad_request", 401: "login_required", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 413: "bad_request", 429: "too_many_requests",
              500: "server_error"}


class DomainError(Exception):
    """A refused operation. ``code`` is stable; ``message`` is for people; ``field`` is
    the form field it belongs to; ``http_status`` what the JSON API answers."""

    def __init__(self, code, field=None, http_status=None, **params):
        super().__init__(code)
        self.code = code
        self.field = field
        self.http_status = http_status or _STATUSES.get(code, 400)
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


def error_body(code, **params):
    """The JSON body of an error answer: ``{"error": {"code", "message"}}``, and the same
    two at the top level beside ``"result": "error"`` (the scanner's offline queue reads
    those). A server error adds ``request_id``, the id its log lines carry."""
    error = {"code": code, "message": message_for(code, **params)}
    if code == "server_error":
        error["request_id"] = request_id()
    return {"result": "error", **error, "error": error}
