"""Form bases shared by every feature: WTForms' own messages in Chinese, without Flask-Babel."""
from flask_wtf import FlaskForm
from wtforms import Form
from wtforms.meta import DefaultMeta


class ChineseMeta:
    locales = ("zh",)

    def get_translations(self, form):
        return DefaultMeta.get_translations(self, form)


class ChineseForm(FlaskForm):
    """The base of every page form: CSRF from Flask-WTF, messages such as
    「不是有效的选择」 from WTForms' own Chinese translations."""

    class Meta(ChineseMeta):
        pass


class ChineseRowForm(Form):
    """One repeated row inside a form (a session, an item): no CSRF token of its own."""

    class Meta(ChineseMeta):
        pass


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
