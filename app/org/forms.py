"""Forms of the branch and member pages. Rules live in service.py; these parse."""
from wtforms import IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.forms import ChineseForm

from .constants import BRANCH_KINDS, DEVELOPMENT_STAGES, GENDERS, POLITICAL_STATUSES, RANKS, ROLES
from .normalize import normalize_phone, parse_birth_date
from .service import branch_tree, flatten_tree


def optional_int(value):
    """Select values: "" means none; anything else must be a whole number."""
    if value is None or value == "" or value == "None":
        return None
    return int(value)


def options(pairs):
    """(value, label[, render_kw]) tuples as WTForms select choices."""
    return [SelectChoice(*pair) for pair in pairs]


class SearchForm(ChineseForm):
    """A GET filter form: read from the query string, no CSRF token."""

    class Meta:
        csrf = False

    def value(self, name, default=None):
        """The field's value, or ``default`` when it was not valid."""
        field = self[name]
        return default if field.errors else field.data


class BranchEditForm(ChineseForm):
    name = StringField("组织名称", validators=[DataRequired("请输入组织名称。"), Length(max=100)])
    kind = SelectField("组织类型", choices=options(BRANCH_KINDS.items()), default="branch")
    sort_order = IntegerField(
        "排序号",
        default=0,
        validators=[Optional()],
        description="同一上级下，数字小的排在前面。",
    )

    def validate_sort_order(self, field):
        if field.data is not None and not 0 <= field.data <= 9999:
            raise ValidationError("排序号请填 0 到 9999 之间的整数。")


class BranchCreateForm(BranchEditForm):
    parent_id = SelectField("上级组织", coerce=optional_int)


class BranchMoveForm(ChineseForm):
    parent_id = SelectField("新的上级组织", coerce=optional_int)


def parent_choices(branch=None):
    """Active branches as possible parents; ``branch`` and its subtree are shown disabled."""
    choices = [SelectChoice("", "（无上级，作为最高一级）")]
    for node, depth in flatten_tree(branch_tree(include_inactive=False)):
        inside = branch is not None and node.branch.is_in_subtree_of(branch)
        label = "\u3000" * depth + node.branch.name
        choices.append(SelectChoice(node.branch.id, label, {"disabled": True} if inside else {}))
    return choices


class MemberForm(ChineseForm):
    name = StringField("姓名", validators=[DataRequired("请输入姓名。"), Length(max=50)])
    phone = StringField(
        "手机号",
        validators=[DataRequired("请输入11位手机号码。"), Length(max=20)],
        filters=[normalize_phone],
        description="也是登录账号。",
    )
    gender = SelectField("性别", choices=options([("", "未填"), *GENDERS.items()]))
    birth_date = StringField("出生日期", validators=[Optional()],
                             description="可只填年月，如 1985-03；不填也可以。")
    branch_id = SelectField("所在组织", coerce=optional_int,
                            validators=[DataRequired("请选择所在组织。")])
    unit = StringField("单位/部门", validators=[Length(max=100)])
    position = StringField("职务", validators=[Length(max=100)])
    rank = SelectField("职级", choices=options([("", "未填")] + [(r, r) for r in RANKS]))
    political_status = SelectField(
        "政治面貌",
        choices=options((code, short) for code, (short, _full) in POLITICAL_STATUSES.items()),
        default="01",
    )
    development_stage = SelectField(
        "发展阶段", choices=options([("", "无"), *DEVELOPMENT_STAGES.items()]),
        description="入党申请人、积极分子或发展对象；其他人选「无」。",
    )
    role = SelectField("系统角色", choices=options(ROLES.items()), default="member")

    def setup(self, branch_choices, member=None):
        """Fill the selects; a member's current values stay selectable even when no
        longer offered (an inactive branch, a rank typed in by an import)."""
        self.branch_id.choices = options([("", "请选择"), *branch_choices])
        if member is not None:
            if member.branch_id not in dict(branch_choices):
                self.branch_id.choices.append(
                    SelectChoice(member.branch_id, f"{member.branch.name}（已停用）"))
            if member.rank and member.rank not in RANKS:
                self.rank.choices = [*self.rank.choices, SelectChoice(member.rank, member.rank)]

    def validate_birth_date(self, field):
        try:
            field.parsed = parse_birth_date(field.data)
        except ValueError:
            raise ValidationError("请按 1985-03-12 或 1985-03 的格式填写出生日期。") from None

    def member_data(self, posted_only=False):
        """The member's fields for the service. ``posted_only`` (an edit): only the fields
        the form posted, so a post that leaves one out keeps its value instead of clearing it."""
        names = ("name", "phone", "gender", "unit", "position", "rank", "political_status",
                 "development_stage", "branch_id", "role", "birth_date")
        data = {name: self[name].data for name in names
                if not posted_only or self[name].raw_data}
        if "birth_date" in data:
            data["birth_date"] = getattr(self.birth_date, "parsed", None)
        return data


class MemberSearchForm(SearchForm):
    q = StringField("姓名或手机号", validators=[Length(max=50)])
    branch_id = SelectField("所在组织", coerce=optional_int)
    role = SelectField("角色", choices=options([("", "全部角色"), *ROLES.items()]), default="")
    status = SelectField(
        "状态", choices=options([("active", "在册"), ("inactive", "已停用"), ("all", "全部")]),
        default="active",
    )

    def set_branches(self, branch_choices):
        self.branch_id.choices = options([("", "全部组织"), *branch_choices])
