"""The roster's columns: the template's order, the Chinese headers and the other spellings
real rosters use, which are required, and the limits of one file."""

# The template's columns, in order: (Member field, Chinese header).
COLUMNS = (
    ("name", "姓名"),
    ("gender", "性别"),
    ("birth_date", "出生年月"),
    ("phone", "手机号码"),
    ("branch", "所在支部"),
    ("unit", "单位"),
    ("position", "职务"),
    ("rank", "职级"),
    ("political_status", "政治面貌"),
    ("development_stage", "发展阶段"),
    ("role", "角色"),
)
HEADERS = dict(COLUMNS)
REQUIRED = ("name", "phone", "branch")
# Other spellings of a header seen in real rosters.
HEADER_ALIASES = {
    **{header: name for name, header in COLUMNS},
    "出生日期": "birth_date",
    "手机号": "phone",
    "手机": "phone",
    "联系电话": "phone",
    "所在党支部": "branch",
    "党支部": "branch",
    "所在组织": "branch",
    "单位部门": "unit",
    "工作单位": "unit",
    "系统角色": "role",
}
# The Member columns an import writes (phone is the key, branch becomes branch_id).
MEMBER_FIELDS = (
    "name", "gender", "birth_date", "unit", "position", "rank",
    "political_status", "development_stage", "branch_id", "role",
)
MAX_LENGTHS = {"name": 50, "unit": 100, "position": 100}

MAX_ROWS = 20_000  # what the benchmark proves fast; larger rosters are imported in parts
TEMPLATE_SHEET = "花名册"
NOTES_SHEET = "说明"  # the template's sheet of allowed values; never read as roster rows
