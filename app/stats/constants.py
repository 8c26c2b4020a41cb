"""Words of the statistics pages and of their audit log entries."""
from app.events.constants import EVENT_KINDS

STATS_TABLES = {"branches": "组织参与统计", "event": "活动出勤汇总"}
FORMATS = {"pdf": "打印文件", "xlsx": "电子表格", "csv": "文本表格"}

AUDIT_ACTIONS = {
    "stats.export": "导出统计表",
}

_EXPORT_DETAILS = {
    "stats_table": ("统计表", STATS_TABLES),
    "stats_format": ("格式", FORMATS),
    "stats_rows": ("导出行数", None),
    "period": ("统计时段", None),
    "event_kind": ("活动类型", EVENT_KINDS),
}
# An export is about the branch subtree it covers, the event it sums up, or (None) the
# whole organisation.
AUDIT_DETAILS = {"branch": _EXPORT_DETAILS, "event": _EXPORT_DETAILS, None: _EXPORT_DETAILS}
