"""Words of the member records' side of statistics (stats-b): the hours targets page's
audit entries and the record's status words."""
from .models import TARGET_GROUPS

AUDIT_ACTIONS = {
    "hours_target.set": "设置年度学时目标",
    "stats.record_export": "导出学习档案",
    "stats.below_target_export": "导出学时未达标名单",
}
FORMATS = {"xlsx": "电子表格", "csv": "文本表格", "pdf": "打印文件"}
_LIST_EXPORT = {"format": ("格式", FORMATS), "period": ("统计时段", None), "rows": ("导出行数", None)}

AUDIT_DETAILS = {
    "hours_target": {
        "year": ("年度", None),
        "group": ("对象", TARGET_GROUPS),
        "hours": ("目标学时", None, "（默认）"),  # recorded as from_hours / to_hours
    },
    # the below-target list: about a branch, or (every branch) about no row at all
    "branch": _LIST_EXPORT,
    None: _LIST_EXPORT,
    "member": {
        "format": ("格式", FORMATS),
        "year": ("年度", None),
        "rows": ("导出行数", None),
    },
}
