"""Words of the member records' side of statistics (stats-b): the hours targets page's
audit entries and the record's status words."""
from .models import TARGET_GROUPS

AUDIT_ACTIONS = {
    "hours_target.set": "设置年度学时目标",
    "stats.record_export": "导出学习档案",
    "stats.below_target_export": "导出学时未达标名单",
}
AUDIT_DETAILS = {
    "hours_target": {
        "year": ("年度", None),
        "group": ("对象", TARGET_GROUPS),
        "from_hours": ("原目标学时", None, "（默认）"),
        "to_hours": ("目标学时", None),
    },
    "branch": {
        "format": ("格式", {"xlsx": "电子表格", "csv": "文本表格", "pdf": "打印文件"}),
        "period": ("统计时段", None),
        "rows": ("导出行数", None),
    },
    "member": {
        "format": ("格式", {"xlsx": "电子表格", "csv": "文本表格", "pdf": "打印文件"}),
        "year": ("年度", None),
        "rows": ("导出行数", None),
    },
}
