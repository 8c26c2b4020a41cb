"""Normalisation of typed and imported values: full-width digits, stray spaces, dates."""
import re
import unicodedata
from datetime import date, datetime

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
_SPACES = re.compile(r"\s+")


def clean_text(value):
    """NFKC (full-width -> half-width), trimmed, inner runs of spaces folded to one."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    return _SPACES.sub(" ", text).strip()


def clean_name(value):
    """Chinese names carry no spaces: 「张 三」 is 张三."""
    text = clean_text(value)
    if re.search(r"[\u4e00-\u9fff]", text):
        text = text.replace(" ", "")
    return text


def normalize_phone(value):
    text = clean_text(value).replace(" ", "").replace("-", "")
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    return text


def is_valid_phone(phone):
    return bool(PHONE_RE.match(phone))


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-./年](\d{1,2})(?:[-./月](\d{1,2})日?|月)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})?$"),
]


def parse_birth_date(value):
    """Parse 1985-03, 1985.3, 1985年3月, 198503, 1985-03-12 or an Excel date.

    Returns a date (day 1 when only year and month are given) or raises ValueError.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean_text(value).replace(" ", "")
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            day = int(match.group(3)) if match.group(3) else 1
            parsed = date(year, month, day)  # raises ValueError when out of range
            if not 1900 <= year <= date.today().year:
                raise ValueError("year out of range")
            return parsed
    raise ValueError("unrecognised date")
