"""app/results/demo.py, which `flask seed-demo` calls: a contest and a sports meet
finished through the real services, published, with awards for certificates."""
from app.registration import team_entries
from app.results import demo, service

from .event_factories import entrants, item_rows, make_contest


def test_a_finished_contest_has_five_judges_scores_and_published_awards(org, factory):
    event = make_contest(org.organizer, kind="contest", title="演讲比赛",
                         items=item_rows("主题演讲"), publish=True)
    (talk,) = event.items
    entrants(factory, org.organizer, event, talk, [f"选手{n}" for n in range(6)], org.one)
    assert demo.finish_contest(org.organizer, event) == {"主题演讲": 6}
    standing = service.item_standing(talk)
    assert len(standing.judges) == 5 and standing.missing == 0
    assert all(len(row.score.kept) == 3 and len(row.score.dropped) == 2 for row in standing.rows)
    assert service.scoring_of(talk.id).published
    levels = [a.award_level_label for a in service.awards(event.id)]
    assert levels[0] == "一等奖" and "二等奖" in levels and len(levels) == 6  # 优秀奖: the rest


def test_a_finished_sports_meet_has_marks_team_totals_and_awards(org, factory):
    event = make_contest(org.organizer, title="运动会",
                         items=item_rows("100米", "跳远") + [
                             {"name": "拔河", "is_team": True, "team_min": 2, "team_max": 3}],
                         publish=True)
    run, jump, tug = event.items
    for item in (run, jump):
        entrants(factory, org.organizer, event, item, [f"{item.name}甲", f"{item.name}乙"], org.one)
        entrants(factory, org.organizer, event, item, [f"{item.name}丙"], org.two)
    for branch in (org.one, org.two):
        regs = entrants(factory, org.organizer, event, tug, [f"{branch.name}队员{n}" for n in range(2)],
                        branch)
        team_entries.save_team(org.organizer, tug.id, branch.id, f"{branch.name}队", [r.id for r in regs])
    assert demo.finish_sports_meet(org.organizer, event) == {"100米": 3, "跳远": 3, "拔河": 2}
    assert [s.method for s in service.event_standings(event)] == ["time", "distance", "place"]
    totals = service.team_totals(event)
    assert {t.branch_name for t in totals} == {"第一党支部", "第二党支部"}
    assert sum(t.points for t in totals) == (7 + 5 + 4) * 2 + 7 + 5
    assert len(service.awards(event.id)) == 3 + 3 + 2
