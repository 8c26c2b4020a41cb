"""Forms of the results pages. They parse text into the numbers the services take
(hundredths, whole numbers) and put a wrong value at its own row; the rules live in
setup.py, judging.py and marks.py. Criteria and award levels are repeated rows
(``criteria-0-name`` ...); a row left blank is ignored."""
import re

from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.errors import message_for
from app.forms import ChineseForm, ChineseRowForm, add_error, ascii_text
from app.web import parse_id

from . import rules
from .constants import AWARD_MODES, MAX_AWARD_LEVELS, MAX_CRITERIA, METHODS


class CriterionRow(ChineseRowForm):
    name = StringField("评分项", validators=[Optional(), Length(max=30)])
    max = StringField("满分")
    weight = StringField("权重")

    def blank(self):
        return not any((self.name.data or "").strip() or (f.data or "").strip()
                       for f in (self.max, self.weight))


class AwardRow(ChineseRowForm):
    label = StringField("奖项", validators=[Optional(), Length(max=20)])
    span = StringField("人数或名次")

    def blank(self):
        return not ((self.label.data or "").strip() or (self.span.data or "").strip())


class SetupForm(ChineseForm):
    method = SelectField("计分方式", choices=[SelectChoice(*pair) for pair in METHODS.items()], default="judged")
    drop_extremes = BooleanField("五名及以上评委时，去掉一个最高分和一个最低分", default=True)
    blind = BooleanField("匿名评分：评委只看到选手编号，看不到姓名")
    criteria = FieldList(FormField(CriterionRow), min_entries=MAX_CRITERIA,
                         max_entries=MAX_CRITERIA)
    award_mode = SelectField("奖项设置方式", choices=[SelectChoice(*pair) for pair in AWARD_MODES.items()], default="count")
    awards = FieldList(FormField(AwardRow), min_entries=MAX_AWARD_LEVELS,
                       max_entries=MAX_AWARD_LEVELS)
    points_factor = IntegerField(
        "积分倍数", default=1,
        validators=[DataRequired(message_for("points_factor_range")),
                    NumberRange(1, 10, message_for("points_factor_range"))],
        description="接力等项目的名次积分加倍时填 2。")

    def fill(self, setup):
        """Show a saved (or default) rule: ``setup`` as setup.default_setup() returns it."""
        self.method.data = setup["method"]
        self.drop_extremes.data = setup["drop_extremes"]
        self.blind.data = setup["blind"]
        self.award_mode.data = setup["award_mode"]
        self.points_factor.data = setup["points_factor"]
        for row, criterion in zip(self.criteria, setup["criteria"], strict=False):
            row.form.name.data = criterion["name"]
            row.form.max.data = rules.plain(criterion["max_x100"])
            row.form.weight.data = rules.plain(criterion["weight_x100"])
        for row, level in zip(self.awards, setup["award_levels"], strict=False):
            row.form.label.data = level["label"]
            if "count" in level:
                row.form.span.data = "" if level["count"] is None else str(level["count"])
            else:
                first, last = level["first"], level["last"]
                row.form.span.data = str(first) if first == last else f"{first}-{last}"

    def parsed(self):
        """The service's keyword arguments, or None with errors placed at their rows."""
        if not self.validate():
            return None
        criteria, ok = [], True
        if self.method.data == "judged":
            for row in self.criteria:
                if row.form.blank():
                    continue
                parsed = self._criterion(row.form)
                ok = ok and parsed is not None
                criteria.append(parsed)
        levels = []
        for row in self.awards:
            if row.form.blank():
                continue
            parsed = self._level(row.form)
            ok = ok and parsed is not None
            levels.append(parsed)
        if not ok:
            return None
        return {"method": self.method.data, "criteria": criteria,
                "drop_extremes": self.drop_extremes.data, "blind": self.blind.data,
                "award_mode": self.award_mode.data, "award_levels": levels,
                "points_factor": self.points_factor.data}

    @staticmethod
    def _criterion(row):
        name = (row.name.data or "").strip() or "该项"
        top = rules.hundredths(ascii_text(row.max.data))
        weight_text = ascii_text(row.weight.data)
        weight = rules.hundredths(weight_text) if weight_text else 100
        if not top:
            add_error(row.max, message_for("criterion_max_range", name=name))
            return None
        if not weight:
            add_error(row.weight, message_for("criterion_weight_range", name=name))
            return None
        return {"name": (row.name.data or "").strip(), "max_x100": top, "weight_x100": weight}

    def _level(self, row):
        label = (row.label.data or "").strip()
        span = ascii_text(row.span.data)
        if self.award_mode.data == "count":
            if not span:
                return {"label": label, "count": None}
            if not re.fullmatch(r"\d{1,4}", span) or int(span) == 0:
                add_error(row.span, message_for("award_count_positive", label=label or "该奖项"))
                return None
            return {"label": label, "count": int(span)}
        match = re.fullmatch(r"(\d{1,4})\s*(?:[-–—~～至到]\s*(\d{1,4}))?", span)
        if not match or int(match.group(1)) == 0 or (
                match.group(2) and int(match.group(2)) < int(match.group(1))):
            add_error(row.span, message_for("award_range_invalid"))
            return None
        first = int(match.group(1))
        return {"label": label, "first": first, "last": int(match.group(2) or first)}


def _hours_field():
    return IntegerField(
        "有效时长（小时）", default=12,
        validators=[DataRequired(message_for("judge_link_hours_range")),
                    NumberRange(1, 72, message_for("judge_link_hours_range"))],
        description="到时自动失效；1 到 72 小时。")


class JudgeForm(ChineseForm):
    name = StringField("评委姓名", validators=[DataRequired(message_for("judge_name_required")),
                                              Length(max=50)],
                       description="如「王老师」，评委打开链接后看到自己的名字。")
    hours = _hours_field()


class RenewForm(ChineseForm):
    hours = _hours_field()


class PointsForm(ChineseForm):
    points = StringField("名次积分", validators=[Length(max=100)],
                         description="从第一名起依次填写，用「-」隔开，例如 7-5-4-3-2-1。")

    def parsed(self):
        """The numbers, or None with the error at the field."""
        if not self.validate():
            return None
        parts = [p for p in re.split(r"[-–—,，、\s]+", ascii_text(self.points.data)) if p]
        if not parts or not all(re.fullmatch(r"\d{1,3}", p) for p in parts):
            add_error(self.points, message_for("place_points_invalid"))
            return None
        return [int(p) for p in parts]


def numbered_values(form, prefix):
    """{id: text} from fields named ``prefix<id>`` (a list of entries or criteria)."""
    out = {}
    for key, value in form.items():
        number = parse_id(key[len(prefix):]) if key.startswith(prefix) else None
        if number is not None:
            out[number] = value
    return out
