"""The arithmetic of results, on plain numbers: no database, no request. Every rule a
page, the projector board, a certificate or the demo shows is decided here once.

Numbers are integers of hundredths as stored (9250 = 92.50); a judge's total is in
ten-thousandths (a score in hundredths × a weight in hundredths), so nothing is rounded
until the one place the rule says: the average, to 2 decimals, half up.

- A judge's total: sum over the criteria of score × weight (``judge_total``).
- An entry's score (``final_score``): the average of its judges' totals to 2 decimals;
  with five judges or more (and the rule switched on) the single highest and single
  lowest totals are dropped first. Four judges: 90, 88, 86, 80 → 86.00. Five judges:
  95, 90, 88, 86, 70 → drop 95 and 70 → (90 + 88 + 86) / 3 = 88.00.
- Ranks (``competition_ranks``): equal values share a rank and the next rank skips
  (1, 2, 2, 4). Judged scores compare at 2 decimals, as shown: 91.333 and 91.334 both
  show 91.33 and tie. Entries without a value have no rank.
- Award levels (``award_ranges``): by counts (一等奖 1, 二等奖 2, 三等奖 3 → ranks 1, 2–3,
  4–6; a last level without a count takes every remaining rank) or by rank ranges. A
  level covers ranks, so a tie at the edge gives both the better level (1, 2, 2, 4 with
  一等奖 1 and 二等奖 1: ranks 2 and 2 are both 二等奖, rank 4 is outside).
- Place points (``points_for``): the table (default 7-5-4-3-2-1) gives rank n the n-th
  number, times the item's factor (relays 2). Tied entries share their rank's points:
  ranks 1, 2, 2, 4 score 7, 5, 5, 3.
- Team totals (``team_standings``): per branch, the sum of its points; a tie goes to
  more first places, then more second places, and so on; still equal: a shared rank.
"""
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from app.errors import DomainError

from .constants import DROP_FROM_JUDGES, LOWER_IS_BETTER, MAX_MARK_X100

CENT = Decimal("0.01")


# ------------------------------------------------------------------ numbers typed

def hundredths(text):
    """「92.5」 → 9250; None for anything but a non-negative number with at most two
    decimals (the caller says why, at its field)."""
    text = (text or "").strip().replace("．", ".").replace("。", ".")
    if not re.fullmatch(r"\d{1,9}(\.\d{0,2})?|\.\d{1,2}", text):
        return None
    return int((Decimal(text) * 100).to_integral_value())


def plain(x100):
    """9250 → 「92.5」, 4000 → 「40」: a maximum, a weight, a points number."""
    value = Decimal(x100) / 100
    text = format(value.quantize(CENT), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def two(value):
    """A Decimal or hundredths as 「92.50」."""
    if isinstance(value, int):
        value = Decimal(value) / 100
    return format(value.quantize(CENT, rounding=ROUND_HALF_UP), "f")


def total_text(x10000):
    """A judge's total (ten-thousandths) exactly, with at least 2 decimals: 「85.50」「10.875」."""
    value = Decimal(x10000) / 10000
    return two(value) if value == value.quantize(CENT) else format(value.normalize(), "f")


# ------------------------------------------------------------------ judged items

def judge_total(scores, criteria):
    """A judge's total in ten-thousandths: sum of score_x100 × weight_x100.
    ``scores``: {criterion id: hundredths}; ``criteria``: (id, max_x100, weight_x100)."""
    return sum(scores[cid] * weight for cid, _max, weight in criteria)


def full_marks_x10000(criteria):
    return sum(max_x100 * weight for _cid, max_x100, weight in criteria)


@dataclass
class Score:
    """An entry's score from its judges' totals (ten-thousandths)."""

    value: Decimal | None  # the average, 2 decimals; None without any total
    kept: list = field(default_factory=list)
    dropped: list = field(default_factory=list)

    @property
    def text(self):
        return two(self.value) if self.value is not None else ""


def final_score(totals, drop_extremes=True):
    """The average of ``totals`` to 2 decimals (half up), dropping the highest and the
    lowest one first when there are DROP_FROM_JUDGES or more and ``drop_extremes``."""
    totals = sorted(totals)
    if not totals:
        return Score(None)
    dropped = []
    if drop_extremes and len(totals) >= DROP_FROM_JUDGES:
        dropped = [totals[0], totals[-1]]
        totals = totals[1:-1]
    average = Decimal(sum(totals)) / (len(totals) * 10000)
    return Score(average.quantize(CENT, rounding=ROUND_HALF_UP), totals, dropped)


# ------------------------------------------------------------------ sports marks

# [h:]m:ss.xx, m分ss.xx秒 or seconds; at most two decimals.
_TIME = re.compile(r"(?:(\d{1,2})\s*[:：]\s*)?(?:(\d{1,3})\s*(?:[:：′']|分)\s*)?"
                   r"(\d{1,5}(?:\.\d{1,2})?)\s*(?:秒|″|\"|s)?")


def parse_mark(method, text, field=None):
    """A typed mark as hundredths: time 「12.34」「1:02.35」「1分02.35秒」 (seconds), distance
    and height 「5.62」「5.62米」 (metres), place 「3」. Raises DomainError at ``field``."""
    text = (text or "").strip().replace("．", ".")
    if method == "place":
        if not re.fullmatch(r"\d{1,3}", text) or int(text) == 0:
            raise DomainError("mark_place_invalid", field=field)
        return int(text) * 100
    if method == "time":
        match = _TIME.fullmatch(text)
        if not match:
            raise DomainError("mark_time_invalid", field=field)
        hours, minutes, seconds = match.groups()
        if hours and not minutes:  # 「1:02.35」 is minutes and seconds
            hours, minutes = None, hours
        value = hundredths(seconds)
        if value is None or ((minutes or hours) and value >= 6000) \
                or (hours and int(minutes) >= 60):
            raise DomainError("mark_time_invalid", field=field)
        value += (int(minutes or 0) * 60 + int(hours or 0) * 3600) * 100
    else:
        text = re.sub(r"\s*(米|m|M)$", "", text)
        value = hundredths(text)
        if value is None:
            raise DomainError("mark_length_invalid", field=field)
    if value <= 0 or value > MAX_MARK_X100[method]:
        raise DomainError("mark_out_of_range", field=field)
    return value


def format_mark(method, x100):
    """Hundredths as people read them: 「12.34秒」「1分02.35秒」「5.62米」「第3名」."""
    if x100 is None:
        return ""
    if method == "place":
        return f"第{x100 // 100}名"
    if method == "time":
        minutes, rest = divmod(x100, 6000)
        hours, minutes = divmod(minutes, 60)
        seconds = f"{rest // 100:02d}.{rest % 100:02d}" if minutes or hours else two(rest)
        prefix = f"{hours}小时{minutes:02d}分" if hours else (f"{minutes}分" if minutes else "")
        return f"{prefix}{seconds}秒"
    return f"{two(x100)}米"


def mark_input(method, x100):
    """Hundredths as typed again in the form: 「12.34」「1:02.35」「5.62」「3」."""
    if method == "place":
        return str(x100 // 100)
    if method == "time" and x100 >= 6000:
        minutes, rest = divmod(x100, 6000)
        hours, minutes = divmod(minutes, 60)
        seconds = f"{rest // 100:02d}.{rest % 100:02d}"
        return f"{hours}:{minutes:02d}:{seconds}" if hours else f"{minutes}:{seconds}"
    return two(x100)


def mark_key(method, x100):
    """A sort key where smaller is better."""
    return x100 if method in LOWER_IS_BETTER else -x100


# ------------------------------------------------------------------ ranks and awards

def competition_ranks(keyed):
    """``keyed``: (thing, key) with smaller keys better, None for no value. Returns
    [(thing, rank or None)] best first, ties sharing a rank (1, 2, 2, 4); things without
    a value last, in their given order."""
    valued = sorted(((t, k) for t, k in keyed if k is not None), key=lambda pair: pair[1])
    out, rank, previous = [], 0, object()
    for position, (thing, key) in enumerate(valued, start=1):
        if key != previous:
            rank, previous = position, key
        out.append((thing, rank))
    return out + [(t, None) for t, k in keyed if k is None]


def award_ranges(mode, levels):
    """[(label, first rank, last rank or None for every rank after)] from the stored levels."""
    ranges = []
    if mode == "ranks":
        for level in levels:
            ranges.append((level["label"], level["first"], level["last"]))
        return ranges
    first = 1
    for level in levels:
        count = level.get("count")
        if count is None:
            ranges.append((level["label"], first, None))
            break
        ranges.append((level["label"], first, first + count - 1))
        first += count
    return ranges


def award_for(rank, ranges):
    """The label of the level covering ``rank`` (the first that does), or ""."""
    if rank is None:
        return ""
    for label, first, last in ranges:
        if first <= rank and (last is None or rank <= last):
            return label
    return ""


def check_ranges(ranges):
    """Refuse rank ranges that overlap or run backwards (the form's last check)."""
    spans = sorted((first, last if last is not None else 10**6) for _label, first, last in ranges)
    for first, last in spans:
        if first < 1 or last < first:
            raise DomainError("award_range_invalid", field="awards")
    for (_a, a_last), (b_first, _b) in zip(spans, spans[1:], strict=False):
        if b_first <= a_last:
            raise DomainError("award_range_overlap", field="awards")


# ------------------------------------------------------------------ points

def points_for(rank, table, factor=1):
    """The place points of ``rank`` (tied entries share their rank's points)."""
    if rank is None or rank > len(table):
        return 0
    return table[rank - 1] * factor


@dataclass
class TeamRow:
    branch_id: int
    points: int = 0
    places: dict = field(default_factory=dict)  # {rank: how many entries placed there}
    rank: int | None = None

    def place_counts(self, up_to):
        return [self.places.get(n, 0) for n in range(1, up_to + 1)]


def team_standings(placings, table):
    """Per-branch totals from ``placings`` = [(branch_id, rank, factor)], best first,
    ranked by points, then more first places, more second places …; still equal: the
    same rank. A branch is listed once it has a place within the table."""
    rows = {}
    for branch_id, rank, factor in placings:
        if rank is None or rank > len(table):
            continue
        row = rows.setdefault(branch_id, TeamRow(branch_id))
        row.points += points_for(rank, table, factor)
        row.places[rank] = row.places.get(rank, 0) + 1
    depth = len(table)
    keyed = [(row, (-row.points, *(-n for n in row.place_counts(depth)))) for row in rows.values()]
    ranked = competition_ranks(sorted(keyed, key=lambda pair: (pair[1], pair[0].branch_id)))
    for row, rank in ranked:
        row.rank = rank
    return [row for row, _rank in ranked]
