"""record() adds an audit row to the caller's transaction; it never commits."""
from flask import has_request_context, request

from app.extensions import db

from .models import AuditLog

ACTION_LABELS = {
    "branch.create": "新建组织",
    "branch.update": "修改组织",
    "branch.move": "移动组织",
    "branch.deactivate": "停用组织",
    "branch.reactivate": "启用组织",
    "member.create": "新增人员",
    "member.update": "修改人员",
    "member.deactivate": "停用人员",
    "member.reactivate": "启用人员",
    "member.reset_password": "重置密码",
    "member.import": "导入花名册",
    "auth.login_failed": "登录失败",
    "auth.password_change": "修改密码",
    "event.create": "新建活动",
    "event.update": "修改活动",
    "event.publish": "发布活动",
    "event.close": "截止报名",
    "event.cancel": "取消活动",
    "event.invite": "指定参加人员",
    "registration.create": "报名",
    "registration.cancel": "取消报名",
    "registration.approve": "报名审核通过",
    "registration.reject": "报名审核未通过",
    "registration.promote": "候补转正",
    "registration.export": "导出报名名单",
    "leave.request": "申请请假",
    "leave.approve": "批准请假",
    "leave.reject": "不批准请假",
    "team.save": "组建队伍",
    "registration.walk_in": "现场列席登记",
    "registration.invite": "指定参加",
    "checkin.manual": "手工签到",
    "checkin.backfill": "补录签到",
    "scanner_link.create": "创建扫码授权链接",
    "scanner_link.revoke": "撤销扫码授权链接",
}


def record(actor, action, target=None, **details):
    if target is not None and getattr(target, "id", None) is None:
        db.session.flush()  # the target needs its id before it can be named
    entry = AuditLog(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target.__tablename__ if target is not None else None,
        target_id=getattr(target, "id", None),
        details=details,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


def recent(limit=100, action_prefix=None):
    query = db.select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)
    if action_prefix:
        query = query.where(AuditLog.action.startswith(action_prefix))
    return db.session.scalars(query).all()
