"""Demo results for `flask seed-demo`: a judged contest and a sports meet finished
through the real services (rules set, entries from the registrations, judges' links,
scores or marks, locked and published), so the demo shows rankings, team totals and
award certificates.

    from app.results.demo import finish_contest, finish_sports_meet
    finish_contest(organizer, speech_event)      # every judged item: 5 judges score all
    finish_sports_meet(organizer, sports_event)  # every item: marks, then team totals

Both expect the event's registrations (and, for team items, teams) to exist already,
and return {item name: number of ranked entries}.
"""
import random

from . import judging, marks, publishing, service, setup
from .constants import RELAY_WORD

JUDGE_NAMES = ("王老师", "李老师", "张老师", "刘老师", "陈老师")


def _method_for(item):
    """A plausible way to decide a sports item from its name."""
    if "拔河" in item.name or "跳绳" in item.name:
        return "place"
    if any(word in item.name for word in ("跳远", "投", "铅球", "实心球")):
        return "distance"
    if "跳高" in item.name:
        return "height"
    return "time"


def finish_contest(organizer, event, judges=5, rng_seed=2026, publish=True):
    """Score every item of a contest with ``judges`` judges (criteria 内容 40、表达 30、
    形象 10、效果 20), then lock and (``publish``) publish it."""
    rng = random.Random(rng_seed)
    done = {}
    for item in event.items:
        defaults = setup.default_setup(item, event)
        setup.save_setup(organizer, item.id, method="judged", criteria=defaults["criteria"],
                         award_mode=defaults["award_mode"],
                         award_levels=defaults["award_levels"])
        setup.sync_entries(organizer, item.id)
        setup.set_running_order(organizer, item.id, shuffle_seed=rng.randrange(10**9))
        scoring = service.scoring_of(item.id)
        entries = service.entries_of(item.id, active_only=True)
        skill = {entry.id: rng.uniform(0.72, 0.95) for entry in entries}
        for name in JUDGE_NAMES[:judges]:
            judge, _token = judging.add_judge(organizer, item.id, name, hours_valid=72)
            for entry in entries:
                values = {}
                for criterion in scoring.criteria:
                    share = min(1.0, max(0.5, skill[entry.id] + rng.uniform(-0.06, 0.06)))
                    value = round(criterion.max_x100 * share / 50) * 50  # halves of a point
                    values[criterion.id] = f"{value / 100:g}"
                judging.submit_scores(judge.id, entry.id, values)
        done[item.name] = _close(organizer, item.id, publish)
    return done


def finish_sports_meet(organizer, event, rng_seed=2026, publish=True):
    """Marks for every item of a sports meet (times, distances or places), then lock
    and (``publish``) publish; the team totals follow from the place points."""
    rng = random.Random(rng_seed)
    done = {}
    for item in event.items:
        method = _method_for(item)
        mode, levels = "ranks", [{"label": "第一名", "first": 1, "last": 1},
                                 {"label": "第二名", "first": 2, "last": 2},
                                 {"label": "第三名", "first": 3, "last": 3}]
        setup.save_setup(organizer, item.id, method=method, award_mode=mode,
                         award_levels=levels, points_factor=2 if RELAY_WORD in item.name else 1)
        setup.sync_entries(organizer, item.id)
        entries = service.entries_of(item.id, active_only=True)
        if not entries:
            continue
        values = _marks(method, entries, rng)
        marks.save_marks(organizer, item.id, "final", values)
        done[item.name] = _close(organizer, item.id, publish)
    return done


def _marks(method, entries, rng):
    if method == "place":
        places = list(range(1, len(entries) + 1))
        rng.shuffle(places)
        return {entry.id: str(place) for entry, place in zip(entries, places, strict=True)}
    if method == "time":
        return {entry.id: f"{rng.uniform(11.8, 16.5):.2f}" for entry in entries}
    if method == "height":
        return {entry.id: f"{rng.uniform(1.05, 1.55):.2f}" for entry in entries}
    return {entry.id: f"{rng.uniform(3.2, 5.8):.2f}" for entry in entries}


def _close(organizer, item_id, publish):
    standing = service.item_standing(service.get_item(item_id))
    ranked = sum(1 for row in standing.rows if row.rank is not None)
    if ranked:
        publishing.lock_results(organizer, item_id)
        if publish:
            publishing.publish_results(organizer, item_id)
    return ranked
