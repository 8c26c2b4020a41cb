"""Forms of the staff registration pages. They parse; the rules live in service.py."""
from wtforms import HiddenField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import AnyOf, Length, Optional

from app.forms import ChineseForm
from app.org.forms import SearchForm, optional_int, options
from app.web import MAX_ID, parse_id

from .constants import REGISTRATION_STATUSES


def _int_list(values):
    """Ids from checkboxes; anything that is not a whole number is dropped."""
    out = []
    for value in values or []:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if 0 < number <= MAX_ID:
            out.append(number)
    return out


class IdListField(SelectMultipleField):
    """Checkbox ids whose choices are the rows shown on the page, not fixed in the form;
    the service decides whether each id is allowed."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validate_choice", False)
        kwargs.setdefault("choices", [])
        super().__init__(*args, **kwargs)

    def process_data(self, value):
        self.data = _int_list(value)

    def process_formdata(self, valuelist):
        self.data = _int_list(valuelist)


class RegistrantFilterForm(SearchForm):
    """The list's filters (query string), repeated as hidden fields in the row actions."""

    status = SelectField("报名状态", default="")
    branch_id = SelectField("所在支部", coerce=optional_int)
    item_id = SelectField("比赛项目", coerce=optional_int)
    page = IntegerField("页码", default=1, validators=[Optional()])

    def setup(self, branch_choices, items):
        self.status.choices = options([("", "全部状态"), *REGISTRATION_STATUSES.items()])
        self.branch_id.choices = options([("", "全部支部"), *branch_choices])
        self.item_id.choices = options([("", "全部项目"), *((i.id, i.name) for i in items)])
        return self

    def filters(self):
        """The valid filters as keyword arguments of service.registrants()."""
        return {
            "status": self.value("status") or None,
            "branch_id": self.value("branch_id"),
            "item_id": self.value("item_id"),
        }

    def page_number(self):
        page = self.value("page")
        return page if page and 0 < page <= 100_000 else 1

    def query_args(self, page=True, status=True):
        """Non-empty filters for url_for (links, redirects, hidden fields)."""
        args = {k: v for k, v in self.filters().items() if v and (status or k != "status")}
        if page and self.page_number() > 1:
            args["page"] = self.page_number()
        return args


class ActionForm(ChineseForm):
    """A POST button with no fields of its own (通过, 取消): CSRF only."""


class RejectForm(ChineseForm):
    # Not DataRequired here: the service refuses an empty reason with its own message.
    reason = StringField("未通过的原因（报名人会看到）", validators=[Length(max=200)])


class ProxySearchForm(SearchForm):
    q = StringField("姓名或手机号", validators=[Length(max=50)])
    branch_id = SelectField("所在支部", coerce=optional_int)

    def setup(self, branch_choices):
        self.branch_id.choices = options([("", "全部支部"), *branch_choices])
        return self


class ProxyForm(ChineseForm):
    member_ids = IdListField("报名人员")
    item_ids = IdListField("比赛项目")


class LeaveDecisionForm(ChineseForm):
    decision = HiddenField(validators=[AnyOf(("approve", "reject"), message="请选择批准或不批准。")])
    note = StringField("审批意见", validators=[Length(max=200, message="审批意见最多 200 个字。")])


class TeamForm(ChineseForm):
    item_id = HiddenField()
    team_id = HiddenField()
    branch_id = HiddenField()
    name = StringField("队伍名称", validators=[Length(max=100, message="队伍名称最多 100 个字。")])
    members = IdListField("队员")

    def int_value(self, name):
        return parse_id(self[name].data)
