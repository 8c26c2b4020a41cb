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
