"""The arithmetic of results (app/results/rules.py), worked through with the numbers
written out: judges' totals with weights, 4 against 5 judges, rounding half up to 2
decimals, shared ranks, award levels by counts and by rank ranges, place points with
relays doubled, and team totals with the tie rule. Property tests back the ranks and
the average up."""
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import DomainError
from app.results import rules

CRITERIA = [(1, 4000, 100), (2, 3000, 100), (3, 1000, 100), (4, 2000, 100)]  # 40/30/10/20, weight 1


def points(*values):
    """Judges' totals in ten-thousandths from plain numbers: points(90, 88.5) -> [900000, 885000]."""
    return [int(Decimal(str(v)) * 10000) for v in values]


# ------------------------------------------------------------------ a judge's total

def test_a_judges_total_is_the_sum_of_the_scores_times_their_weights():
    # 内容 36 + 表达 27.5 + 形象 8 + 效果 18 = 89.5 (all weights 1, full marks 100)
    total = rules.judge_total({1: 3600, 2: 2750, 3: 800, 4: 1800}, CRITERIA)
    assert rules.total_text(total) == "89.50"
    assert rules.total_text(rules.full_marks_x10000(CRITERIA)) == "100.00"


def test_weights_multiply_exactly_without_rounding():
    # 专业 (max 10, weight 4): 8.5 × 4 = 34; 表达 (max 10, weight 3.5): 7.25 × 3.5 = 25.375
    criteria = [(1, 1000, 400), (2, 1000, 350)]
    total = rules.judge_total({1: 850, 2: 725}, criteria)
    assert total == 593750  # 59.375 exactly: a weight of two decimals keeps the third
    assert rules.total_text(total) == "59.375"
    assert rules.total_text(rules.full_marks_x10000(criteria)) == "75.00"


# ------------------------------------------------------------------ 4 against 5 judges

def test_four_judges_are_averaged_with_nothing_dropped():
    score = rules.final_score(points(95, 88, 86, 70))
    # (95 + 88 + 86 + 70) / 4 = 339 / 4 = 84.75
    assert score.text == "84.75"
    assert score.dropped == []


def test_five_judges_drop_the_highest_and_the_lowest_total():
    score = rules.final_score(points(95, 90, 88, 86, 70))
    # drop 95 and 70: (90 + 88 + 86) / 3 = 264 / 3 = 88.00
    assert score.text == "88.00"
    assert score.dropped == points(70, 95)
    assert score.kept == points(86, 88, 90)


def test_two_equal_highest_totals_lose_only_one():
    # 90, 90, 85, 80, 75: drop one 90 and the 75 -> (90 + 85 + 80) / 3 = 85.00
    assert rules.final_score(points(90, 90, 85, 80, 75)).text == "85.00"


def test_the_drop_rule_can_be_switched_off():
    # five judges, rule off: (95 + 90 + 88 + 86 + 70) / 5 = 429 / 5 = 85.80
    assert rules.final_score(points(95, 90, 88, 86, 70), drop_extremes=False).text == "85.80"


def test_the_average_rounds_half_up_to_two_decimals():
    # (88.25 + 88 + 88.25 + 88) / 4 = 88.125 -> 88.13 (half up, not to even)
    assert rules.final_score(points(88.25, 88, 88.25, 88)).text == "88.13"
    # (90 + 91 + 91) / 3 = 90.666… -> 90.67
    assert rules.final_score(points(90, 91, 91)).text == "90.67"
    # no judge yet: no score
    assert rules.final_score([]).value is None


# ------------------------------------------------------------------ ranks

def test_ties_share_a_rank_and_the_next_rank_skips():
    ranked = rules.competition_ranks([("甲", -95), ("乙", -91), ("丙", -91), ("丁", -90), ("戊", None)])
    assert ranked == [("甲", 1), ("乙", 2), ("丙", 2), ("丁", 4), ("戊", None)]


def test_scores_tie_at_the_two_decimals_people_see():
    # 91 + 91.5 + 91.5 over three judges = 91.333… -> 91.33; 365.32 over four = 91.33 exactly
    a = rules.final_score(points(91, 91.5, 91.5))
    b = rules.final_score(points(91.33, 91.33, 91.33, 91.33))
    assert a.text == b.text == "91.33"
    ranked = rules.competition_ranks([("甲", -Decimal("95")), ("乙", -a.value), ("丙", -b.value)])
    assert [rank for _name, rank in ranked] == [1, 2, 2]


# ------------------------------------------------------------------ award levels

def test_award_levels_by_counts_become_rank_ranges():
    levels = [{"label": "一等奖", "count": 1}, {"label": "二等奖", "count": 2},
              {"label": "三等奖", "count": 3}, {"label": "优秀奖", "count": None}]
    ranges = rules.award_ranges("count", levels)
    assert ranges == [("一等奖", 1, 1), ("二等奖", 2, 3), ("三等奖", 4, 6), ("优秀奖", 7, None)]
    assert [rules.award_for(rank, ranges) for rank in (1, 2, 2, 4, 5, 6, 7, 12, None)] == [
        "一等奖", "二等奖", "二等奖", "三等奖", "三等奖", "三等奖", "优秀奖", "优秀奖", ""]


def test_a_tie_at_the_edge_of_a_level_gives_both_the_better_level():
    ranges = rules.award_ranges("count", [{"label": "一等奖", "count": 1},
                                          {"label": "二等奖", "count": 2}])
    # two share first place: both 一等奖; the next is rank 3, the end of 二等奖 (ranks 2–3)
    assert [rules.award_for(rank, ranges) for rank in (1, 1, 3, 4)] == ["一等奖", "一等奖", "二等奖", ""]


def test_award_levels_by_rank_ranges():
    ranges = rules.award_ranges("ranks", [{"label": "一等奖", "first": 1, "last": 1},
                                          {"label": "二等奖", "first": 2, "last": 3}])
    assert [rules.award_for(rank, ranges) for rank in (1, 2, 3, 4)] == ["一等奖", "二等奖", "二等奖", ""]
    with pytest.raises(DomainError) as overlap:
        rules.check_ranges([("一等奖", 1, 2), ("二等奖", 2, 3)])
    assert overlap.value.code == "award_range_overlap"
    with pytest.raises(DomainError) as backwards:
        rules.check_ranges([("一等奖", 3, 2)])
    assert backwards.value.code == "award_range_invalid"


# ------------------------------------------------------------------ place points and team totals

TABLE = [7, 5, 4, 3, 2, 1]


def test_place_points_follow_the_table_ties_share_and_relays_double():
    # ranks 1, 2, 2, 4, 5, 6, 7 score 7, 5, 5, 3, 2, 1, 0
    assert [rules.points_for(rank, TABLE) for rank in (1, 2, 2, 4, 5, 6, 7, None)] == [
        7, 5, 5, 3, 2, 1, 0, 0]
    # a relay (factor 2): first place 14, sixth 2
    assert rules.points_for(1, TABLE, 2) == 14 and rules.points_for(6, TABLE, 2) == 2


def test_team_totals_with_the_tie_rule_written_out():
    placings = [
        # 第一党支部: 100米 1st (7) + 跳远 4th (3) = 10, one first place
        (1, 1, 1), (1, 4, 1),
        # 第二党支部: 100米 2nd (5) + 跳远 2nd (5) = 10, no first place, two second places
        (2, 2, 1), (2, 2, 1),
        # 第三党支部: 4×100米接力 3rd (4 × 2 = 8) + 跳远 6th (1) + 100米 5th (2) = 11
        (3, 3, 2), (3, 6, 1), (3, 5, 1),
        # 第四 and 第五: one 3rd place each, 4 points: a true tie
        (4, 3, 1), (5, 3, 1),
        # 第六: 7th place scores nothing and is not listed
        (6, 7, 1),
    ]
    rows = rules.team_standings(placings, TABLE)
    assert [(r.branch_id, r.points, r.rank) for r in rows] == [
        (3, 11, 1),
        (1, 10, 2),  # 10 points like 第二, but one first place against none
        (2, 10, 3),
        (4, 4, 4), (5, 4, 4),  # same points, same places: same rank
    ]
    assert rows[1].place_counts(6) == [1, 0, 0, 1, 0, 0]


def test_equal_first_places_are_decided_by_second_places():
    # 甲: 1st (7) + 2nd (5) = 12; 乙: 1st (7) + 3rd (4) + 6th (1) = 12; one first place each
    rows = rules.team_standings([(1, 1, 1), (1, 2, 1), (2, 1, 1), (2, 3, 1), (2, 6, 1)], TABLE)
    assert [(r.branch_id, r.points, r.rank) for r in rows] == [(1, 12, 1), (2, 12, 2)]


# ------------------------------------------------------------------ typed numbers

@pytest.mark.parametrize("method, text, value, shown", [
    ("time", "12.34", 1234, "12.34秒"),
    ("time", "12.3", 1230, "12.30秒"),
    ("time", "1:02.35", 6235, "1分02.35秒"),
    ("time", "1分02.35秒", 6235, "1分02.35秒"),
    ("time", "75", 7500, "1分15.00秒"),
    ("time", "1:02:03.5", 372350, "1小时02分03.50秒"),
    ("distance", "5.62", 562, "5.62米"),
    ("distance", "5.62米", 562, "5.62米"),
    ("height", "1.5", 150, "1.50米"),
    ("place", "3", 300, "第3名"),
])
def test_marks_are_read_and_shown(method, text, value, shown):
    assert rules.parse_mark(method, text) == value
    assert rules.format_mark(method, value) == shown
    assert rules.parse_mark(method, rules.mark_input(method, value)) == value


@pytest.mark.parametrize("method, text, code", [
    ("time", "12.345", "mark_time_invalid"),  # three decimals
    ("time", "-3", "mark_time_invalid"),
    ("time", "1:75", "mark_time_invalid"),  # 75 seconds after a minute
    ("time", "快", "mark_time_invalid"),
    ("time", "0", "mark_out_of_range"),
    ("distance", "5.621", "mark_length_invalid"),
    ("distance", "1001", "mark_out_of_range"),
    ("place", "0", "mark_place_invalid"),
    ("place", "1.5", "mark_place_invalid"),
])
def test_bad_marks_are_refused_with_their_reason(method, text, code):
    with pytest.raises(DomainError) as refused:
        rules.parse_mark(method, text)
    assert refused.value.code == code


def test_typed_scores_are_exact_hundredths():
    assert rules.hundredths("92.5") == 9250
    assert rules.hundredths("0") == 0
    assert rules.hundredths(".5") == 50
    assert [rules.hundredths(t) for t in ("92.555", "-1", "", "九十", "1e3")] == [None] * 5
    assert rules.plain(4000) == "40" and rules.plain(350) == "3.5" and rules.two(9250) == "92.50"


# ------------------------------------------------------------------ properties

@given(st.lists(st.integers(min_value=0, max_value=50), max_size=30))
def test_a_rank_is_one_more_than_the_number_of_better_values(values):
    ranked = rules.competition_ranks(list(enumerate(values)))
    for index, rank in ranked:
        assert rank == 1 + sum(1 for v in values if v < values[index])
    assert [values[i] for i, _rank in ranked] == sorted(values)


@given(st.lists(st.integers(min_value=0, max_value=1_000_000), min_size=1, max_size=12),
       st.booleans())
def test_the_score_is_the_exact_average_of_the_kept_totals_rounded_half_up(totals, drop):
    score = rules.final_score(totals, drop)
    kept = sorted(totals)
    if drop and len(kept) >= 5:
        kept = kept[1:-1]
    exact = Fraction(sum(kept), len(kept) * 10000)
    assert abs(Fraction(score.value) - exact) <= Fraction(1, 200)  # within half a hundredth
    assert Fraction(score.value) * 100 == int(exact * 100 + Fraction(1, 2))  # half up
