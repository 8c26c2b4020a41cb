"""The audit page's filter: one group of actions (labels.GROUPS), or all."""
from wtforms import SelectField

from app.org.forms import SearchForm, options

from .labels import GROUPS


class AuditFilterForm(SearchForm):
    group = SelectField(
        "操作类别",
        choices=options([("", "全部")] + [(key, label) for key, (label, *_) in GROUPS.items()]),
        default="",
    )
