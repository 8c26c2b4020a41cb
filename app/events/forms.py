"""Forms of the staff pages that publish events. They parse; the rules live in service.py.

Every value arrives as text and is parsed here, so a wrong value is answered at its
own field in Chinese: times typed as 2026-05-10 09:00 (or sent by a datetime-local
input as 2026-05-10T09:00) are read in APP_TIMEZONE and stored in UTC; numbers may be
typed with full-width digits. Sessions and items are repeated rows
(``sessions-0-title`` ...); a row left blank is ignored.
"""
import math
import re
from datetime import datetime, timezone

from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.errors import DomainError, message_for
from app.forms import ChineseForm, ChineseRowForm, add_error, ascii_text
from app.org.constants import DEVELOPMENT_STAGES, GENDERS, POLITICAL_STATUSES, RANK_LEVELS
from app.timeutil import local_zone, to_local
from app.web import parse_id

from .constants import EVENT_KINDS, EVENT_STATUSES, KINDS_WITH_ITEMS

INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what a datetime-local input sends and shows

_DATETIME = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*[T\s]\s*"
    r"(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*分?(?:[:：](\d{1,2}))?$"
)


# ------------------------------------------------------------------ parsing

def parse_local_datetime(text):
    """Local wall time (2026-05-10T09:00, 2026-05-10 09:00, 2026/5/10 9:00, 2026年5月10日 9:00)
    in APP_TIMEZONE, as an aware UTC datetime; "" gives None; anything else ValueError."""
    value = ascii_text(text)
    if not value:
        return None
    match = _DATETIME.match(value)
    if not match:
        raise ValueError(text)
    year, month, day, hour, minute = (int(part) for part in match.groups()[:5])
    if not 2000 <= year <= 2100:
        raise ValueError(text)
    local = datetime(year, month, day, hour, minute, tzinfo=local_zone())
    return local.astimezone(timezone.utc)


def format_input_datetime(value):
    """An aware datetime as a datetime-local input value in APP_TIMEZONE."""
    return to_local(value).strftime(INPUT_FORMAT) if value else ""


class _Bad(Exception):
    """A value that could not be read; carries the Chinese message."""


def _int(field, code="whole_number_invalid", **params):
    value = ascii_text(field.data)
    if not value:
        return None
    if not re.fullmatch(r"[-+]?\d{1,9}", value):  # nine digits: far above any real count
        raise _Bad(message_for(code, **params))
    return int(value)


def _number(field, example="1.5"):
    value = ascii_text(field.data)
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise _Bad(message_for("number_invalid", example=example)) from None
    if not math.isfinite(number):
        raise _Bad(message_for("number_invalid", example=example))
    return number


def _age(field):
    value = _int(field, "age_invalid")
    if value is not None and not 0 <= value <= 120:
        raise _Bad(message_for("age_invalid"))
    return value


def _when(field):
    try:
        value = parse_local_datetime(field.data)
    except ValueError:
        raise _Bad(message_for("datetime_invalid")) from None
    if value is not None:
        field.data = format_input_datetime(value)  # shown again by a datetime-local input
    return value


def _blank(*fields):
    return not any((f.data or "").strip() for f in fields)


class _Reader:
    """Reads fields one by one, collecting each failure at its field instead of stopping."""

    def __init__(self):
        self.failed = False

    def __call__(self, parse, field, *args, **kwargs):
        try:
            return parse(field, *args, **kwargs)
        except _Bad as bad:
            add_error(field, str(bad))
            self.failed = True
            return None


# -------------------------------------------------------------- base forms

def choices(pairs):
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(*pair) for pair in pairs]


class CheckboxList(SelectMultipleField):
    """Checkboxes; a value that was not offered (a tampered form) is refused in plain Chinese."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(message_for("choice_not_offered")) from None

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(message_for("choice_not_offered")) from None


def checkbox_list(label, pairs=(), coerce=str):
    return CheckboxList(label, choices=choices(pairs), coerce=coerce)


STATUS_CHOICES = [(code, short) for code, (short, _full) in POLITICAL_STATUSES.items()]
GENDER_PAIRS = [("", "不限"), *GENDERS.items()]


# ------------------------------------------------------------ filter form

class EventFilterForm(ChineseForm):
    """The list page's filters, read from the query string."""

    class Meta:
        csrf = False

    status = SelectField("状态", choices=choices([("", "全部状态"), *EVENT_STATUSES.items()]),
                         default="")
    kind = SelectField("类型", choices=choices([("", "全部类型"), *EVENT_KINDS.items()]), default="")

    def value(self, name):
        field = self[name]
        return None if field.errors or not field.data else field.data


# --------------------------------------------------------------- the spec

class SpecForm(ChineseForm):
    """Who: branches (with their subtrees), political status, stage, gender, age, rank level.
    Stored through the spec dict of app.events.eligibility."""

    branch_ids = checkbox_list("组织（含下级组织）", coerce=int)
    political_statuses = checkbox_list("政治面貌", STATUS_CHOICES)
    development_stages = checkbox_list("发展阶段", DEVELOPMENT_STAGES.items())
    rank_levels = checkbox_list("职级", RANK_LEVELS.items())
    gender = SelectField("性别", choices=choices(GENDER_PAIRS), default="")
    min_age = StringField("最小年龄（周岁）")
    max_age = StringField("最大年龄（周岁）")

    def set_branches(self, branch_choices, kept=()):
        """The branches one may pick, plus ``kept`` (id, label) pairs already stored that are
        no longer offered (an inactive branch), so saving keeps them."""
        offered = list(branch_choices)
        known = {branch_id for branch_id, _label in offered}
        offered += [(branch_id, label) for branch_id, label in kept if branch_id not in known]
        self.branch_ids.choices = choices(offered)

    @staticmethod
    def spec_data(spec):
        """Form data (``data=``) of a stored spec."""
        spec = spec or {}
        out = {key: list(spec.get(key) or []) for key in
               ("branch_ids", "political_statuses", "development_stages", "rank_levels")}
        out["gender"] = spec.get("gender") or ""
        out["min_age"] = _blank_or(spec.get("min_age"))
        out["max_age"] = _blank_or(spec.get("max_age"))
        return out

    def read_spec(self, read):
        spec = {
            "branch_ids": list(self.branch_ids.data or []),
            "political_statuses": list(self.political_statuses.data or []),
            "development_stages": list(self.development_stages.data or []),
            "rank_levels": list(self.rank_levels.data or []),
            "gender": self.gender.data or "",
            "min_age": read(_age, self.min_age),
            "max_age": read(_age, self.max_age),
        }
        return spec

    def parse_spec(self):
        """The spec dict, or None when a value is wrong (errors are set at the fields)."""
        read = _Reader()
        spec = self.read_spec(read)
        if read.failed:
            return None
        if spec["min_age"] is not None and spec["max_age"] is not None \
                and spec["min_age"] > spec["max_age"]:
            add_error(self.max_age, message_for("age_range"))
            return None
        return spec

    @property
    def spec_error_count(self):
        return sum(len(self[name].errors) for name in
                   ("branch_ids", "political_statuses", "development_stages", "rank_levels",
                    "gender", "min_age", "max_age"))


class InviteForm(SpecForm):
    """指定参加: the same filters, to build the expected list of an event."""


# -------------------------------------------------------- rows of the form

class SessionRow(ChineseRowForm):
    id = HiddenField()
    title = StringField("场次名称", validators=[Length(max=100)])
    starts_at = StringField("开始时间")
    ends_at = StringField("结束时间")
    place = StringField("地点", validators=[Length(max=200)])
    credit_hours = StringField("学时")
    grace_minutes = StringField("迟到宽限（分钟）", default="10")
    checkout_required = BooleanField("需要签退")
    signature_required = BooleanField("签名签到（签到时在屏幕上手写签名，签到表印出签名）")
    remove = BooleanField("删除这个场次")


class ItemRow(ChineseRowForm):
    id = HiddenField()
    name = StringField("项目名称", validators=[Length(max=100)])
    is_team = SelectField("个人/团体", choices=choices([("0", "个人项目"), ("1", "团体项目")]),
                          default="0")
    capacity = StringField("总名额")
    branch_quota = StringField("每个支部名额（团体项目按队计）")
    team_min = StringField("每队最少人数")
    team_max = StringField("每队最多人数")
    gender = SelectField("性别", choices=choices(GENDER_PAIRS), default="")
    min_age = StringField("最小年龄（周岁）")
    max_age = StringField("最大年龄（周岁）")
    remove = BooleanField("删除这个项目")


def _row_id(row):
    return parse_id(row.id.data)


# ---------------------------------------------------------- the event form

class EventForm(SpecForm):
    title = StringField("活动名称", validators=[
        DataRequired(message_for("event_title_required")), Length(max=200)])
    kind = SelectField("活动类型", choices=choices(EVENT_KINDS.items()), default="training")
    # Not limited to the offered choices here: a value outside the actor's scope is
    # refused by the service (event_scope), at this field.
    organizer_branch_id = SelectField("主办组织", validate_choice=False)
    summary = StringField("一句话简介", validators=[Length(max=500)])
    description = TextAreaField("详细说明")
    place = StringField("活动地点", validators=[Length(max=200)])
    registration_opens_at = StringField("报名开始时间")
    registration_closes_at = StringField("报名截止时间")
    capacity = StringField("人数上限")
    waitlist_enabled = BooleanField("名额满后可以候补", default=True)
    approval_required = BooleanField("报名需要审核", default=False)
    allow_walk_in = BooleanField("允许现场列席（未报名人员由工作人员登记签到，单独统计）", default=False)
    completion_ratio = StringField("结业比例", default="0.75")
    item_limit = StringField("每人最多报几个项目")
    sessions = FieldList(FormField(SessionRow), min_entries=1)
    items = FieldList(FormField(ItemRow), min_entries=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.section_errors = {"sessions": [], "items": []}
        self._rows = {"sessions": [], "items": []}

    # ----- set-up

    def set_organizers(self, branch_choices, current=None):
        offered = [(str(branch_id), label) for branch_id, label in branch_choices]
        if current is not None and str(current.id) not in dict(offered):
            offered.append((str(current.id), f"{current.name}（已停用）"))
        self.organizer_branch_id.choices = choices([("", "请选择"), *offered])

    @classmethod
    def data_of(cls, event):
        """Form data (``data=``) of a stored event, times in the local zone."""
        return {
            **cls.spec_data(event.eligibility),
            "title": event.title, "kind": event.kind,
            "organizer_branch_id": str(event.organizer_branch_id),
            "summary": event.summary, "description": event.description, "place": event.place,
            "registration_opens_at": format_input_datetime(event.registration_opens_at),
            "registration_closes_at": format_input_datetime(event.registration_closes_at),
            "capacity": "" if event.capacity is None else str(event.capacity),
            "waitlist_enabled": event.waitlist_enabled,
            "approval_required": event.approval_required,
            "allow_walk_in": event.allow_walk_in,
            "completion_ratio": _plain_number(event.completion_ratio),
            "item_limit": "" if event.item_limit is None else str(event.item_limit),
            "sessions": [{
                "id": str(s.id), "title": s.title,
                "starts_at": format_input_datetime(s.starts_at),
                "ends_at": format_input_datetime(s.ends_at), "place": s.place,
                "credit_hours": _plain_number(s.credit_hours),
                "grace_minutes": str(s.grace_minutes), "checkout_required": s.checkout_required,
                "signature_required": s.signature_required,
            } for s in event.sessions],
            "items": [{
                "id": str(i.id), "name": i.name, "is_team": "1" if i.is_team else "0",
                "capacity": _blank_or(i.capacity), "branch_quota": _blank_or(i.branch_quota),
                "team_min": _blank_or(i.team_min), "team_max": _blank_or(i.team_max),
                "gender": i.gender or "", "min_age": _blank_or(i.min_age),
                "max_age": _blank_or(i.max_age),
            } for i in event.items],
        }

    def add_row(self, which):
        """「添加场次」/「添加项目」 without JavaScript: one more blank row, nothing saved."""
        if which in ("sessions", "items"):
            self[which].append_entry()

    # ----- reading

    @property
    def has_items(self):
        return self.kind.data in KINDS_WITH_ITEMS

    def parse(self):
        """(data, sessions, items, spec) for the service, or None when a value is wrong.

        Call after validate(); each wrong value gets its message at its field.
        """
        read = _Reader()
        kind = self.kind.data
        data = {
            "title": (self.title.data or "").strip(),
            "kind": kind,
            "organizer_branch_id": read(self._branch_id, self.organizer_branch_id),
            "summary": (self.summary.data or "").strip(),
            "description": (self.description.data or "").strip(),
            "place": (self.place.data or "").strip(),
            "registration_opens_at": read(_when, self.registration_opens_at),
            "registration_closes_at": read(_when, self.registration_closes_at),
            "capacity": read(self._positive, self.capacity, "capacity_not_positive"),
            "waitlist_enabled": bool(self.waitlist_enabled.data),
            "approval_required": bool(self.approval_required.data),
            "allow_walk_in": bool(self.allow_walk_in.data),
            "item_limit": None,
        }
        if kind == "training":
            data["completion_ratio"] = read(self._ratio, self.completion_ratio)
        sessions = self._read_sessions(read, with_hours=kind not in KINDS_WITH_ITEMS)
        items = []
        if kind in KINDS_WITH_ITEMS:
            data["item_limit"] = read(self._positive, self.item_limit, "item_limit_not_positive")
            items = self._read_items(read)
        spec = self.read_spec(read)
        if read.failed or self.error_count:
            return None
        return data, sessions, items, spec

    @staticmethod
    def _branch_id(field):
        value = (field.data or "").strip()
        if not value:
            raise _Bad(message_for("event_branch_required"))
        branch_id = parse_id(value)
        if branch_id is None:
            raise _Bad(message_for("invalid_choice"))
        return branch_id

    @staticmethod
    def _positive(field, code):
        value = _int(field, code)
        if value is not None and value <= 0:
            raise _Bad(message_for(code))
        return value

    @staticmethod
    def _ratio(field):
        text = ascii_text(field.data)
        if not text:
            return 0.75
        percent = text.endswith("%")
        try:
            value = float(text.rstrip("%").strip())
        except ValueError:
            raise _Bad(message_for("completion_ratio_range")) from None
        if not math.isfinite(value):
            raise _Bad(message_for("completion_ratio_range"))
        return value / 100 if percent else value

    def _read_sessions(self, read, with_hours):
        out = []
        for entry in self.sessions:
            row = entry.form
            row_id = _row_id(row)
            if row_id and row.remove.data:
                continue
            if row_id is None and _blank(row.title, row.starts_at, row.ends_at, row.place,
                                         row.credit_hours):
                continue
            values = {
                "title": (row.title.data or "").strip(),
                "starts_at": read(_when, row.starts_at),
                "ends_at": read(_when, row.ends_at),
                "place": (row.place.data or "").strip(),
                "grace_minutes": read(_int, row.grace_minutes, "non_negative_required"),
                "checkout_required": bool(row.checkout_required.data),
                "signature_required": bool(row.signature_required.data),
            }
            if values["grace_minutes"] is None:
                values["grace_minutes"] = 10
            if with_hours:
                values["credit_hours"] = read(_number, row.credit_hours, "2 或 1.5") or 0
            for key, message in (("starts_at", "session_start_required"),
                                 ("ends_at", "session_end_required")):
                if values[key] is None and not row[key].errors:
                    add_error(row[key], message_for(message))
                    read.failed = True
            if row_id:
                values["id"] = row_id
            out.append(values)
            self._rows["sessions"].append(row)
        return out

    def _read_items(self, read):
        out = []
        for entry in self.items:
            row = entry.form
            row_id = _row_id(row)
            if row_id and row.remove.data:
                continue
            numbers = (row.capacity, row.branch_quota, row.team_min, row.team_max, row.min_age,
                       row.max_age)
            if row_id is None and _blank(row.name, *numbers):
                continue
            is_team = row.is_team.data == "1"
            values = {
                "name": (row.name.data or "").strip(),
                "is_team": is_team,
                "capacity": read(_int, row.capacity, "positive_number_required"),
                "branch_quota": read(_int, row.branch_quota, "positive_number_required"),
                "team_min": read(_int, row.team_min, "positive_number_required") if is_team else None,
                "team_max": read(_int, row.team_max, "positive_number_required") if is_team else None,
                "gender": row.gender.data or "",
                "min_age": read(_age, row.min_age),
                "max_age": read(_age, row.max_age),
            }
            if row_id:
                values["id"] = row_id
            out.append(values)
            self._rows["items"].append(row)
        return out

    # ----- errors

    # Which field of a row a service refusal points at.
    _ROW_FIELDS = {
        "session_ends_before_start": "ends_at",
        "session_hours_negative": "credit_hours",
        "session_hours_range": "credit_hours",
        "session_grace_negative": "grace_minutes",
        "session_grace_range": "grace_minutes",
        "item_name_required": "name",
        "item_team_size": "team_max",
        "item_team_size_positive": "team_min",
        "item_age_range": "max_age",
    }

    def place_error(self, exc):
        """Put a service refusal at its field or row; return its message when it has neither."""
        field = exc.field
        if field in ("sessions", "items"):
            index = exc.params.get("index")
            rows = self._rows[field]
            name = self._ROW_FIELDS.get(exc.code) or exc.params.get("key")
            if index and 0 < index <= len(rows) and name and name in rows[index - 1]:
                add_error(rows[index - 1][name], exc.message)
            else:
                self.section_errors[field].append(exc.message)
            return None
        if field and field in self:
            add_error(self[field], exc.message)
            return None
        return exc.message

    @property
    def error_count(self):
        count = sum(len(self[name].errors) for name in self._fields
                    if name not in ("sessions", "items", "csrf_token"))
        for name in ("sessions", "items"):
            for entry in self[name]:
                count += sum(len(f.errors) for f in entry.form)
            count += len(self.section_errors[name])
        return count


class CancelForm(ChineseForm):
    reason = TextAreaField("取消原因", validators=[
        DataRequired(message_for("cancel_reason_required")), Length(max=200)])


def _plain_number(value):
    if value is None:
        return ""
    return f"{value:g}"


def _blank_or(value):
    return "" if value is None else str(value)


def placeholder_rows(form_class, prefix):
    """A blank row named ``prefix-__index__-...`` for the page's <template> (JavaScript clones it)."""
    return form_class(prefix=f"{prefix}-__index__-")


def spec_error(exc, form):
    """A service refusal of a spec, at its field (age_range at max_age) or as the page alert."""
    if isinstance(exc, DomainError) and exc.field and exc.field in form:
        add_error(form[exc.field], exc.message)
        return None
    return exc.message
