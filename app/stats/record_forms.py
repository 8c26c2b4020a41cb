"""Forms of the member half of statistics (stats-b): the hours targets page."""
from wtforms import StringField

from app.forms import ChineseForm


class TargetsForm(ChineseForm):
    # Values are checked by target_settings (parse_hours, check_year) with Chinese messages.
    year = StringField("年度", render_kw={"inputmode": "numeric", "maxlength": 4})
    member = StringField("党员（学时）", render_kw={"inputmode": "decimal", "maxlength": 6})
    cadre = StringField("支部书记、支委委员（学时）",
                        render_kw={"inputmode": "decimal", "maxlength": 6})

    def year_value(self):
        """The year typed, or None (target_settings.check_year refuses it in Chinese)."""
        text = (self.year.data or "").strip()
        return int(text) if text.isascii() and text.isdigit() and len(text) == 4 else None
