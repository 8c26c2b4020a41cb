"""Results through the services: a judged contest from its rule to published awards,
judges' links and their refusals, a sports meet's marks, heats and final, place points
and team totals, and awards(event_id) as certificates read it. Bad input is refused with
its code and writes nothing."""
from datetime import timedelta

import pytest

from app.errors import DomainError
from app.extensions import db
from app.registration import decide
from app.results import judging, marks, publishing, service, setup
from app.results.models import Entry, Mark, ScoreSheet
from app.timeutil import utcnow

from .conftest import audit_entries, count
from .event_factories import entrants, item_rows, make_contest

CRITERIA = [  # 内容 40、表达 30、形象 10、效果 20 (weights 1): full marks 100
    {"name": "内容", "max_x100": 4000, "weight_x100": 100},
    {"name": "表达", "max_x100": 3000, "weight_x100": 100},
    {"name": "形象", "max_x100": 1000, "weight_x100": 100},
    {"name": "效果", "max_x100": 2000, "weight_x100": 100},
]
LEVELS = [{"label": "一等奖", "count": 1}, {"label": "二等奖", "count": 1},
          {"label": "优秀奖", "count": None}]


@pytest.fixture
def speech(org, factory):
    """A contest 「演讲比赛」 with 主题演讲 (judged, 4 criteria) and 诗词诵读; 张一, 王二, 李三
    (第一党支部) and 赵四 (第二党支部) registered for 主题演讲, 钱五 for 诗词诵读 only."""
    org.event = make_contest(org.organizer, kind="contest", title="演讲比赛",
                             items=item_rows("主题演讲", "诗词诵读"), publish=True)
    org.talk, org.poem = org.event.items
    org.regs = entrants(factory, org.organizer, org.event, org.talk, ["张一", "王二", "李三"], org.one)
    org.regs += entrants(factory, org.organizer, org.event, org.talk, ["赵四"], org.two)
    org.poet = entrants(factory, org.organizer, org.event, org.poem, ["钱五"], org.one)[0]
    setup.save_setup(org.organizer, org.talk.id, method="judged", criteria=CRITERIA,
                     award_mode="count", award_levels=LEVELS)
    setup.sync_entries(org.organizer, org.talk.id)
    org.entries = {e.registration.member.name: e for e in service.entries_of(org.talk.id)}
    return org


def judges(org, count_, item=None):
    return [judging.add_judge(org.organizer, (item or org.talk).id, f"评委{n}")[0]
            for n in range(1, count_ + 1)]


def score(judge, entry, content, speech_, look, effect):
    """One judge's four scores, typed as text."""
    ids = [c.id for c in service.scoring_of(entry.item_id).criteria]
    return judging.submit_scores(judge.id, entry.id, dict(zip(ids, map(str, (content, speech_, look, effect)),
                                                               strict=True)))


def standing_of(org):
    db.session.expire_all()
    standing = service.item_standing(org.talk)
    return {row.name: (row.value_text, row.rank, row.award) for row in standing.rows}


# ------------------------------------------------------------------ entries

def test_entries_are_the_confirmed_registrants_of_the_item_in_registration_order(speech):
    assert [e.registration.member.name for e in service.entries_of(speech.talk.id)] == [
        "张一", "王二", "李三", "赵四"]
    assert [e.running_order for e in service.entries_of(speech.talk.id)] == [1, 2, 3, 4]
    # 钱五 chose 诗词诵读 only: not an entry of 主题演讲
    assert "钱五" not in speech.entries


def test_a_cancelled_registration_is_withdrawn_and_a_new_one_joins_at_the_end(speech, factory):
    decide.cancel(speech.organizer, speech.regs[1].id)  # 王二
    entrants(factory, speech.organizer, speech.event, speech.talk, ["孙六"], speech.one)
    assert setup.sync_entries(speech.organizer, speech.talk.id) == (1, 1)
    rows = {e.registration.member.name: e for e in service.entries_of(speech.talk.id)}
    assert rows["王二"].active is False and rows["孙六"].running_order == 5
    assert setup.sync_entries(speech.organizer, speech.talk.id) == (0, 0)  # nothing new


def test_a_contestant_back_in_the_item_is_counted_and_keeps_the_place(speech):
    [choice] = speech.regs[1].items  # 王二 leaves the item, then comes back to it
    choice.active = False
    db.session.commit()
    assert setup.sync_entries(speech.organizer, speech.talk.id) == (0, 1)
    choice.active = True
    db.session.commit()
    assert setup.sync_entries(speech.organizer, speech.talk.id) == (1, 0)
    rows = {e.registration.member.name: e for e in service.entries_of(speech.talk.id)}
    assert rows["王二"].active is True and rows["王二"].running_order == 2


def test_running_order_numbers_must_differ_and_a_draw_shuffles_them(speech):
    ids = [e.id for e in service.entries_of(speech.talk.id)]
    with pytest.raises(DomainError) as twice:
        setup.set_running_order(speech.organizer, speech.talk.id, dict.fromkeys(ids, 1))
    assert twice.value.code == "running_order_twice"
    setup.set_running_order(speech.organizer, speech.talk.id, dict(zip(ids, [4, 3, 2, 1], strict=True)))
    assert [e.registration.member.name for e in service.entries_of(speech.talk.id)] == [
        "赵四", "李三", "王二", "张一"]
    setup.set_running_order(speech.organizer, speech.talk.id, shuffle_seed=7)
    assert sorted(e.running_order for e in service.entries_of(speech.talk.id)) == [1, 2, 3, 4]


# ------------------------------------------------------------------ judged: 4 against 5 judges

def test_four_judges_average_everything(speech):
    one, two, three, four = judges(speech, 4)
    e = speech.entries
    # 张一's totals: 95, 88, 86, 70 -> (95 + 88 + 86 + 70) / 4 = 84.75
    score(one, e["张一"], 38, 28, 10, 19)  # 95
    score(two, e["张一"], 35, 26, 9, 18)  # 88
    score(three, e["张一"], 34, 26, 8, 18)  # 86
    score(four, e["张一"], 28, 21, 7, 14)  # 70
    assert standing_of(speech)["张一"] == ("84.75分", 1, "一等奖")


def test_five_judges_drop_the_highest_and_lowest_and_ties_share_a_rank(speech):
    five = judges(speech, 5)
    e = speech.entries
    # 张一: 95, 90, 88, 86, 70 -> drop 95 and 70 -> (90 + 88 + 86) / 3 = 88.00
    for judge, marks_ in zip(five, [(38, 28, 10, 19), (36, 27, 9, 18), (35, 27, 8, 18),
                                    (34, 26, 8, 18), (28, 21, 7, 14)], strict=True):
        score(judge, e["张一"], *marks_)
    # 王二 and 李三: 90, 88, 88, 88, 80 -> (88 + 88 + 88) / 3 = 88.00: a tie with 张一
    for name in ("王二", "李三"):
        for judge, marks_ in zip(five, [(36, 27, 9, 18), (35, 27, 8, 18), (35, 27, 8, 18),
                                        (35, 27, 8, 18), (32, 24, 8, 16)], strict=True):
            score(judge, e[name], *marks_)
    # 赵四: 80 from everyone -> 80.00
    for judge in five:
        score(judge, e["赵四"], 32, 24, 8, 16)
    assert standing_of(speech) == {
        "张一": ("88.00分", 1, "一等奖"),
        "王二": ("88.00分", 1, "一等奖"),
        "李三": ("88.00分", 1, "一等奖"),
        "赵四": ("80.00分", 4, "优秀奖"),  # ranks 1, 1, 1, 4; 二等奖 covers rank 2 only
    }
    row = next(r for r in service.item_standing(speech.talk).rows if r.name == "张一")
    assert row.dropped == {five[0].id, five[4].id}  # the 95 and the 70


def test_a_judge_may_change_a_score_until_the_item_is_locked(speech):
    (judge,) = judges(speech, 1)
    entry = speech.entries["张一"]
    score(judge, entry, 30, 20, 5, 10)
    sheet = score(judge, entry, 31, 20, 5, 10)
    assert sheet.changes == 1 and count(ScoreSheet) == 1
    publishing.lock_results(speech.organizer, speech.talk.id)
    with pytest.raises(DomainError) as locked:
        score(judge, entry, 40, 30, 10, 20)
    assert locked.value.code == "results_locked_for_judges"
    assert standing_of(speech)["张一"][0] == "66.00分"


# ------------------------------------------------------------------ bad scores write nothing

def test_scores_above_the_maximum_negative_or_not_numbers_are_refused_per_criterion(speech):
    (judge,) = judges(speech, 1)
    entry = speech.entries["张一"]
    ids = [c.id for c in service.scoring_of(speech.talk.id).criteria]
    with pytest.raises(DomainError) as refused:
        judging.submit_scores(judge.id, entry.id, {ids[0]: "41", ids[1]: "-1", ids[2]: "八",
                                                   ids[3]: ""})
    assert refused.value.code == "scores_have_errors"
    assert refused.value.params["problems"] == {
        ids[0]: "「内容」的得分不能超过满分 40 分。",
        ids[1]: "「表达」的得分请填写 0 到满分之间的数字，最多两位小数。",
        ids[2]: "「形象」的得分请填写 0 到满分之间的数字，最多两位小数。",
        ids[3]: "请填写「效果」的得分。",
    }
    with pytest.raises(DomainError):
        judging.submit_scores(judge.id, entry.id, {ids[0]: "39.125", ids[1]: "1", ids[2]: "1",
                                                   ids[3]: "1"})  # three decimals
    assert count(ScoreSheet) == 0


def test_a_judge_link_scores_only_its_own_item_and_stops_when_revoked_or_expired(speech, factory):
    setup.save_setup(speech.organizer, speech.poem.id, method="judged", criteria=CRITERIA[:1],
                     award_levels=LEVELS)
    setup.sync_entries(speech.organizer, speech.poem.id)
    (poem_judge,) = judges(speech, 1, item=speech.poem)
    (judge,) = judges(speech, 1)
    entry = speech.entries["张一"]
    with pytest.raises(DomainError) as other:
        score(poem_judge, entry, 30, 20, 5, 10)
    assert other.value.code == "judge_link_other_item"
    assert other.value.message == "这个评委链接只能为「诗词诵读」打分。"
    judging.revoke_judge_link(speech.organizer, speech.talk.id, judge.id)
    with pytest.raises(DomainError) as revoked:
        score(judge, entry, 30, 20, 5, 10)
    assert revoked.value.code == "judge_link_invalid"
    # a renewed link gives the same judge (seat and scores) a new token
    judge, token = judging.renew_judge_link(speech.organizer, speech.talk.id, judge.id)
    assert judging.judge_for_token(token).id == judge.id
    with pytest.raises(DomainError):
        judging.judge_for_token(token, now=utcnow() + timedelta(hours=13))  # expired
    assert count(ScoreSheet) == 0


def test_a_withdrawn_contestant_cannot_be_scored(speech):
    (judge,) = judges(speech, 1)
    decide.cancel(speech.organizer, speech.regs[0].id)  # 张一
    setup.sync_entries(speech.organizer, speech.talk.id)
    with pytest.raises(DomainError) as withdrawn:
        score(judge, speech.entries["张一"], 30, 20, 5, 10)
    assert withdrawn.value.code == "entry_withdrawn"


# ------------------------------------------------------------------ rules, scope, states

def test_the_rule_is_checked_and_fixed_once_scores_exist(speech):
    def save(**changes):
        values = {"method": "judged", "criteria": CRITERIA, "award_mode": "count",
                  "award_levels": LEVELS, **changes}
        setup.save_setup(speech.organizer, speech.talk.id, **values)

    for changes, code in [
        ({"criteria": []}, "criteria_required"),
        ({"criteria": [{"name": "内容", "max_x100": 0, "weight_x100": 100}]}, "criterion_max_range"),
        ({"criteria": CRITERIA[:1] * 2}, "criterion_name_twice"),
        ({"award_levels": [{"label": "一等奖", "count": None}, {"label": "二等奖", "count": 2}]},
         "award_count_required"),
        ({"award_mode": "ranks", "award_levels": [{"label": "一等奖", "first": 1, "last": 2},
                                                   {"label": "二等奖", "first": 2, "last": 3}]},
         "award_range_overlap"),
    ]:
        with pytest.raises(DomainError) as refused:
            save(**changes)
        assert refused.value.code == code
    (judge,) = judges(speech, 1)
    score(judge, speech.entries["张一"], 30, 20, 5, 10)
    with pytest.raises(DomainError) as in_use:
        save(criteria=CRITERIA[:2])
    assert in_use.value.code == "scoring_in_use"
    save(blind=True)  # what does not change the scores may still change
    assert service.scoring_of(speech.talk.id).blind is True


def test_only_staff_who_manage_the_event_set_results(speech, factory):
    other_secretary = factory.member("二支书记", branch=speech.two, role="secretary")
    for call in (lambda: setup.sync_entries(other_secretary, speech.talk.id),
                 lambda: judging.add_judge(other_secretary, speech.talk.id, "冒名评委"),
                 lambda: publishing.lock_results(other_secretary, speech.talk.id)):
        with pytest.raises(DomainError) as refused:
            call()
        assert refused.value.code == "forbidden"


def test_publishing_needs_a_lock_and_unlocking_needs_no_publication(speech):
    (judge,) = judges(speech, 1)
    with pytest.raises(DomainError) as empty:
        publishing.lock_results(speech.organizer, speech.talk.id)
    assert empty.value.code == "results_empty"
    score(judge, speech.entries["张一"], 30, 20, 5, 10)
    with pytest.raises(DomainError) as not_locked:
        publishing.publish_results(speech.organizer, speech.talk.id)
    assert not_locked.value.code == "results_not_locked"
    assert publishing.lock_results(speech.organizer, speech.talk.id) == 3  # three scores missing
    publishing.publish_results(speech.organizer, speech.talk.id)
    with pytest.raises(DomainError) as published:
        publishing.unlock_results(speech.organizer, speech.talk.id)
    assert published.value.code == "results_published_unlock"
    publishing.unpublish_results(speech.organizer, speech.talk.id)
    publishing.unlock_results(speech.organizer, speech.talk.id)
    assert [e.action for e in audit_entries("results.lock") + audit_entries("results.publish")
            + audit_entries("results.unpublish") + audit_entries("results.unlock")] == [
        "results.lock", "results.publish", "results.unpublish", "results.unlock"]


# ------------------------------------------------------------------ awards(event_id)

def test_awards_lists_the_published_winners_for_certificates(speech):
    one, two = judges(speech, 2)
    e = speech.entries
    for judge in (one, two):
        score(judge, e["张一"], 38, 28, 10, 19)  # 95
        score(judge, e["王二"], 36, 27, 9, 18)  # 90
        score(judge, e["李三"], 36, 27, 9, 18)  # 90
    score(one, e["赵四"], 32, 24, 8, 16)  # 80, one judge only
    assert service.awards(speech.event.id) == []  # nothing published yet
    publishing.lock_results(speech.organizer, speech.talk.id)
    assert service.awards(speech.event.id) == []  # locked is not published
    publishing.publish_results(speech.organizer, speech.talk.id)
    rows = service.awards(speech.event.id)
    assert [(r.item_name, r.name, r.rank, r.award_level_label, r.score_text) for r in rows] == [
        ("主题演讲", "张一", 1, "一等奖", "95.00分"),
        ("主题演讲", "王二", 2, "二等奖", "90.00分"),
        ("主题演讲", "李三", 2, "二等奖", "90.00分"),
        ("主题演讲", "赵四", 4, "优秀奖", "80.00分"),
    ]
    first = rows[0]
    assert first.item_id == speech.talk.id and first.registration_id == speech.regs[0].id
    assert first.team_id is None and first.member_ids == [speech.regs[0].member_id]
    assert first.branch_name == "第一党支部" and first.published_at is not None
    assert service.awards(999999) == []


def test_awards_of_a_team_item_name_every_team_member(org, factory):
    from app.registration import team_entries

    event = make_contest(org.organizer, title="运动会",
                         items=[{"name": "拔河", "is_team": True, "team_min": 2, "team_max": 3}],
                         publish=True)
    (tug,) = event.items
    one = entrants(factory, org.organizer, event, tug, ["甲", "乙"], org.one)
    two = entrants(factory, org.organizer, event, tug, ["丙", "丁"], org.two)
    red = team_entries.save_team(org.organizer, tug.id, org.one.id, "一支部队", [r.id for r in one])
    blue = team_entries.save_team(org.organizer, tug.id, org.two.id, "二支部队", [r.id for r in two])
    setup.save_setup(org.organizer, tug.id, method="place", award_mode="ranks",
                     award_levels=[{"label": "冠军", "first": 1, "last": 1}])
    setup.sync_entries(org.organizer, tug.id)
    entries = {e.team.name: e.id for e in service.entries_of(tug.id)}
    marks.save_marks(org.organizer, tug.id, "final", {entries["一支部队"]: "2", entries["二支部队"]: "1"})
    publishing.lock_results(org.organizer, tug.id)
    publishing.publish_results(org.organizer, tug.id)
    (award,) = service.awards(event.id)
    assert (award.name, award.team_id, award.registration_id, award.award_level_label) == (
        "二支部队", blue.id, None, "冠军")
    assert sorted(award.member_ids) == sorted(r.member_id for r in two)
    assert red.id != blue.id


# ------------------------------------------------------------------ sports: marks, rounds, points

@pytest.fixture
def meet(org, factory):
    """A sports meet with 100米 (time), 跳远 (distance) and 4×100米接力 (time, factor 2)."""
    org.event = make_contest(org.organizer, title="职工运动会",
                             items=item_rows("100米", "跳远", "4×100米接力"), publish=True)
    org.run, org.jump, org.relay = org.event.items
    for item, method in ((org.run, "time"), (org.jump, "distance"), (org.relay, "time")):
        entrants(factory, org.organizer, org.event, item, [f"{item.name}甲", f"{item.name}乙"], org.one)
        entrants(factory, org.organizer, org.event, item, [f"{item.name}丙"], org.two)
        defaults = setup.default_setup(item, org.event)
        setup.save_setup(org.organizer, item.id, method=method, award_mode="ranks",
                         award_levels=defaults["award_levels"],
                         points_factor=defaults["points_factor"])
        setup.sync_entries(org.organizer, item.id)
    return org


def typed(item, **by_name):
    return {e.id: by_name[e.registration.member.name] for e in service.entries_of(item.id)}


def test_times_rank_lower_first_and_distances_higher_first(meet):
    marks.save_marks(meet.organizer, meet.run.id, "final",
                     typed(meet.run, **{"100米甲": "12.80", "100米乙": "12.50", "100米丙": "12.80"}))
    marks.save_marks(meet.organizer, meet.jump.id, "final",
                     typed(meet.jump, **{"跳远甲": "4.50", "跳远乙": "5.10米", "跳远丙": ""}))
    run = {r.name: (r.value_text, r.rank, r.points) for r in service.item_standing(meet.run).rows}
    assert run == {"100米乙": ("12.50秒", 1, 7), "100米甲": ("12.80秒", 2, 5),
                   "100米丙": ("12.80秒", 2, 5)}
    jump = {r.name: (r.value_text, r.rank) for r in service.item_standing(meet.jump).rows}
    assert jump == {"跳远乙": ("5.10米", 1), "跳远甲": ("4.50米", 2), "跳远丙": ("", None)}


def test_heats_rank_until_the_final_has_marks(meet):
    marks.save_marks(meet.organizer, meet.run.id, "heat",
                     typed(meet.run, **{"100米甲": "13.00", "100米乙": "12.90", "100米丙": "13.50"}))
    standing = service.item_standing(meet.run)
    assert standing.round == "heat" and [r.name for r in standing.rows] == ["100米乙", "100米甲", "100米丙"]
    marks.save_marks(meet.organizer, meet.run.id, "final",
                     typed(meet.run, **{"100米甲": "12.70", "100米乙": "12.95", "100米丙": ""}))
    standing = service.item_standing(meet.run)
    assert standing.round == "final"
    assert [(r.name, r.rank) for r in standing.rows] == [("100米甲", 1), ("100米乙", 2), ("100米丙", None)]
    assert standing.rows[0].marks == {"heat": 1300, "final": 1270}


def run_and_relay(meet):
    """100米: 甲 12.10, 乙 12.20 (第一党支部), 丙 12.30 (第二党支部); relay: 丙 49.00, 甲 50.00,
    乙 51.00."""
    marks.save_marks(meet.organizer, meet.run.id, "final",
                     typed(meet.run, **{"100米甲": "12.10", "100米乙": "12.20", "100米丙": "12.30"}))
    marks.save_marks(meet.organizer, meet.relay.id, "final",
                     typed(meet.relay, **{"4×100米接力甲": "50.00", "4×100米接力乙": "51.00",
                                          "4×100米接力丙": "49.00"}))


def test_team_totals_double_relays_and_follow_a_custom_points_table(meet):
    run_and_relay(meet)
    # 第一党支部: 100米 7 + 5, relay (2nd, 3rd) (5 + 4) × 2 = 18 -> 30
    # 第二党支部: 100米 4, relay 1st 7 × 2 = 14 -> 18
    totals = [(t.branch_name, t.points, t.rank, t.places[:3]) for t in service.team_totals(meet.event)]
    assert totals == [("第一党支部", 30, 1, [1, 2, 1]), ("第二党支部", 18, 2, [1, 0, 1])]
    setup.save_place_points(meet.organizer, meet.event.id, [9, 7, 6, 5, 4, 3, 2, 1])
    # 第一: 9 + 7 + (7 + 6) × 2 = 42; 第二: 6 + 9 × 2 = 24
    assert [(t.branch_name, t.points) for t in service.team_totals(meet.event)] == [
        ("第一党支部", 42), ("第二党支部", 24)]
    (entry,) = audit_entries("results.points")
    assert entry.details["changes"]["place_points"] == [[7, 5, 4, 3, 2, 1], [9, 7, 6, 5, 4, 3, 2, 1]]
    with pytest.raises(DomainError) as rising:
        setup.save_place_points(meet.organizer, meet.event.id, [5, 7])
    assert rising.value.code == "place_points_order"


def test_members_see_team_totals_of_published_items_only(meet):
    run_and_relay(meet)
    publishing.lock_results(meet.organizer, meet.run.id)
    publishing.publish_results(meet.organizer, meet.run.id)
    shown = service.published_results(meet.event)
    assert [s.item.name for s in shown["standings"]] == ["100米"]
    assert [(t.branch_name, t.points) for t in shown["teams"]] == [("第一党支部", 12), ("第二党支部", 4)]


def test_a_wrong_mark_saves_no_mark_at_all(meet):
    values = typed(meet.run, **{"100米甲": "12.10", "100米乙": "十二秒", "100米丙": "12.345"})
    with pytest.raises(DomainError) as refused:
        marks.save_marks(meet.organizer, meet.run.id, "final", values)
    assert refused.value.code == "marks_have_errors" and refused.value.params["count"] == 2
    assert count(Mark) == 0


def test_results_for_someone_not_in_the_item_are_refused(meet):
    jumper = service.entries_of(meet.jump.id)[0]
    runner = service.entries_of(meet.run.id)[0]
    with pytest.raises(DomainError) as refused:
        marks.save_marks(meet.organizer, meet.run.id, "final", {runner.id: "12.00", jumper.id: "11.00"})
    assert refused.value.code == "entry_not_in_item"
    assert refused.value.message.startswith("有人不在「100米」的参赛名单中")
    assert count(Mark) == 0
    assert count(Entry, Entry.item_id == meet.run.id) == 3  # only the item's registrants


def test_marks_are_refused_once_locked_and_for_a_judged_item(meet, speech):
    marks.save_marks(meet.organizer, meet.run.id, "final",
                     typed(meet.run, **{"100米甲": "12.10", "100米乙": "", "100米丙": ""}))
    publishing.lock_results(meet.organizer, meet.run.id)
    with pytest.raises(DomainError) as locked:
        marks.save_marks(meet.organizer, meet.run.id, "final",
                         typed(meet.run, **{"100米甲": "11.00", "100米乙": "", "100米丙": ""}))
    assert locked.value.code == "results_locked"
    with pytest.raises(DomainError) as judged:
        marks.save_marks(speech.organizer, speech.talk.id, "final", {})
    assert judged.value.code == "item_not_marked"
