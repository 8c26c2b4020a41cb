"""Form bases shared by every feature: WTForms' own messages in Chinese, without Flask-Babel,
and no NUL character in what a form hands on (PostgreSQL cannot store it; a field that
cleans scanned text, such as the scanner's typed code, drops it first)."""
from flask_wtf import FlaskForm
from wtforms import Form
from wtforms.meta import DefaultMeta

from app.errors import message_for


class ChineseMeta:
    locales = ("zh",)

    def get_translations(self, form):
        return DefaultMeta.get_translations(self, form)


def _has_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    return isinstance(value, (list, tuple)) and any(_has_nul(item) for item in value)


def refuse_nul(form):
    """Put input_nul at each field whose value holds a NUL character; True when none does."""
    clean = True
    for field in form:
        if _has_nul(field.data) and not isinstance(field.data, dict):
            add_error(field, message_for("input_nul"))
            clean = False
    return clean


class ChineseForm(FlaskForm):
    """The base of every page form: CSRF from Flask-WTF, messages such as
    「不是有效的选择」 from WTForms' own Chinese translations, no NUL character."""

    class Meta(ChineseMeta):
        pass

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        return refuse_nul(self) and valid


class ChineseRowForm(Form):
    """One repeated row inside a form (a session, an item): no CSRF token of its own."""

    class Meta(ChineseMeta):
        pass

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        return refuse_nul(self) and valid


def add_error(field, message):
    """Show ``message`` at ``field`` (after the errors it already has)."""
    field.errors = [*field.errors, message]


def place_error(form, error, fields=None):
    """Put a refusal (a DomainError) at the form field it names, and return None; return
    its message for the page's alert when the form has no such field. ``fields`` maps a
    service's field name to the form's where they differ ({"items": "item_ids"})."""
    name = (fields or {}).get(error.field, error.field)
    if name and name in form:
        add_error(form[name], error.message)
        return None
    return error.message


# Full-width digits and punctuation a Chinese input method types: 「４０」「０．５」「９：３０」「７５％」
_HALF_WIDTH = ({0xFF10 + n: ord("0") + n for n in range(10)}
               | {0xFF0E: ".", 0xFF0D: "-", 0xFF1A: ":", 0xFF05: "%", 0x3000: " "})


def ascii_text(text):
    """Strip; full-width digits and punctuation to ASCII."""
    return (text or "").strip().translate(_HALF_WIDTH)
