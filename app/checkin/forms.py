"""Forms of the scanner and scanner-link pages. They parse; the rules live in service.py.

The scanner page works without JavaScript too: its typed-code form and its search
post here (ScanForm, ManualCheckinForm); with JavaScript the same fields go to the API.
"""
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from app.errors import message_for
from app.forms import ChineseForm

from .constants import CHECKIN_KINDS
from .scanning import clean_scanned


def _clean(value):
    return clean_scanned(value) if isinstance(value, str) else value


def _kind(value):
    return value if value in CHECKIN_KINDS else "entry"


class ScanForm(ChineseForm):
    """The typed ticket code (the camera's fallback)."""

    code = StringField("票码", filters=[_clean], validators=[DataRequired(message_for("ticket_code_required")),
                                         Length(max=1000)])
    kind = HiddenField(filters=[_kind], default="entry")
    nonce = HiddenField(validators=[Optional(), Regexp(r"^[A-Za-z0-9._:-]{1,64}$")])


class ManualCheckinForm(ChineseForm):
    """A tap on someone found by the search."""

    registration_id = IntegerField(validators=[DataRequired(message_for("bad_request"))])
    kind = HiddenField(filters=[_kind], default="entry")
    nonce = HiddenField(validators=[Optional(), Regexp(r"^[A-Za-z0-9._:-]{1,64}$")])


class ExpectedSearchForm(ChineseForm):
    """The name/phone search, read from the query string (no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("按姓名或手机尾号查找", filters=[_clean], validators=[Optional(), Length(max=50)])


class ScannerLinkForm(ChineseForm):
    label = StringField("给谁用", validators=[Optional(), Length(max=100)],
                        description="如「东门志愿者 小李」，方便以后认出和撤销。")
    hours = IntegerField(
        "有效时长（小时）", default=12,
        validators=[DataRequired(message_for("scanner_link_hours_range")),
                    NumberRange(1, 72, message_for("scanner_link_hours_range"))],
        description="到时自动失效；1 到 72 小时。")
