"""Results of contests and sports meets: scores, judges, ranks, points, awards.

Modules, writers first (each owns its write_transaction(), checks that the actor manages
the event and records its action in the audit log), then reads:

| module | what | public functions |
|---|---|---|
| `setup.py` | an item's rule, entries, running order; a meet's place points | `save_setup(actor, item_id, *, method, criteria=(), drop_extremes=True, blind=False, award_mode="count", award_levels=(), points_factor=1)`, `sync_entries(actor, item_id) -> (added, withdrawn)`, `set_running_order(actor, item_id, orders=None, shuffle_seed=None)`, `save_place_points(actor, event_id, points)`, `default_setup(item, event)` |
| `judging.py` | judges' links and their scores | `add_judge(actor, item_id, name, hours_valid=12) -> (judge, token)`, `renew_judge_link(actor, item_id, judge_id, hours_valid=12) -> (judge, token)`, `revoke_judge_link(actor, item_id, judge_id)`, `submit_scores(judge_id, entry_id, values) -> ScoreSheet`, `judge_for_token(token)`, `valid_judge(judge_id)` |
| `judge_session.py` | which judges a phone holds (signed session cookie) | `open_judge_link(token)`, `judge_access(judge_id)`, `forget_judge(judge_id)`, `held_judges()` |
| `marks.py` | sports marks of a round, all rows or none | `save_marks(actor, item_id, round_, values) -> changed`, `marks_of(item_id, round_)` |
| `publishing.py` | open → locked → published | `lock_results`, `unlock_results`, `publish_results`, `unpublish_results` (actor, item_id) |
| `rules.py` | the arithmetic, no database | `judge_total`, `final_score`, `competition_ranks`, `award_ranges`, `award_for`, `points_for`, `team_standings`, `parse_mark`, `format_mark`, `hundredths` |
| `service.py` | every read | `item_standing(item)`, `event_standings(event, published_only=False)`, `team_totals(event)`, `overview(event)`, `published_results(event)`, `awards(event_id) -> [AwardRow]`, `has_published(event_id)` |
| `demo.py` | for `flask seed-demo` | `finish_contest(organizer, event)`, `finish_sports_meet(organizer, event)` |

Choices:
- Exact decimals: scores, maxima, weights and marks are integers of hundredths; a judge's
  total (score × weight) is kept in ten-thousandths; only the average is rounded, to 2
  decimals half up, and ranks compare that shown value.
- A judge link is its own judge: the judge pages carry the judge's id and the phone must
  hold that judge's link; a second judge's link of the same item on one phone is refused
  (judge_session.py says why). Revoking stops the link; the scores given stay and count.
- Entries come from the registrations (confirmed, the item chosen) or a team item's
  teams, never typed, so a result for someone not registered for the item cannot exist.
- Ties share a rank (1, 2, 2, 4), an award level and the place points of their rank.
- awards(event_id) reads published items only: certificates follow publication.
"""
