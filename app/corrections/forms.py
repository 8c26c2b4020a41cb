from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf

from app.forms import ChineseForm

from .constants import DECISION_NOTE_MAX, NOTE_MAX


class AskForm(ChineseForm):
    # Lengths are checked by the service (clean_note), which names the count in Chinese.
    note = TextAreaField("情况说明", render_kw={"maxlength": NOTE_MAX, "rows": 4})


class DecisionForm(ChineseForm):
    decision = HiddenField(validators=[AnyOf(("accept", "decline"),
                                             message="请选择通过或不通过。")])
    decision_note = StringField("处理意见", render_kw={"maxlength": DECISION_NOTE_MAX})


class WithdrawForm(ChineseForm):
    """A button: only the CSRF token."""
