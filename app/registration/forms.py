"""Member forms: register (with items), cancel, leave.

Choices are not validated against a list here: a tampered value (an item of
another event, a session of another event) goes to the service, which refuses
it with a Chinese message and writes nothing.
"""
from wtforms import Field, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import HiddenInput

from app.errors import message_for
from app.forms import ChineseForm
from app.web import parse_id


class IdListField(Field):
    """Ids from checkboxes sharing one name. Not an int → a Chinese error, not a 500."""

    widget = HiddenInput()

    def _value(self):
        return ""

    def process_formdata(self, valuelist):
        self.data = []
        for raw in valuelist:
            raw = (raw or "").strip()
            if not raw:
                continue
            number = parse_id(raw)
            if number is None:
                self.data = []
                raise ValueError(message_for("invalid_choice"))
            self.data.append(number)

    def process_data(self, value):
        self.data = list(value or [])


class RegisterForm(ChineseForm):
    """One tap for most events; ticked items (比赛项目) for contests and sports meets."""

    item_ids = IdListField("报名项目")


class CancelForm(ChineseForm):
    """A button: the CSRF token is the whole form."""


class LeaveForm(ChineseForm):
    """The sessions ticked (any of the event's that still take leave) and a reason; the
    service refuses an empty choice and sessions that take no leave, at session_ids."""

    session_ids = IdListField("请假场次")
    reason = TextAreaField("请假原因", validators=[
        DataRequired("请填写请假原因。"), Length(max=200, message="请假原因最多 200 个字。")])

    def session_id(self):
        """None for 全部场次, else the chosen session's id (-1 for a value that is no id)."""
        value = self.session.data
        if value == "all":
            return None
        number = parse_id(value)
        return -1 if number is None else number
