"""What results pages, the projector board, the demo and certificates read: an item's
standing (entries ranked, with scores or marks, awards and points), the team totals of
a sports meet, the published results of an event and ``awards(event_id)``.

Every number comes from rules.py; this module only gathers rows. The writers are
setup.py (scoring rules, entries, running order, place points), judging.py (judge
links and judges' scores), marks.py (sports marks) and publishing.py (lock, publish).

``awards(event_id)`` is the one read function certificates use: one AwardRow per
contestant holding an award level in a *published* item, best first per item.
"""
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.errors import DomainError
from app.events.models import Event, EventItem
from app.extensions import db
from app.org.models import Branch
from app.registration.models import Registration, Team, TeamMember

from . import rules
from .constants import DEFAULT_PLACE_POINTS, MARK_METHODS
from .models import Entry, ItemScoring, Judge, Mark, PlacePoints, ScoreSheet


@dataclass
class AwardRow:
    """An award of a published item. ``member_ids``: the person, or a team's members."""

    item_id: int
    item_name: str
    registration_id: int | None
    team_id: int | None
    member_ids: list
    rank: int
    award_level_label: str
    score_text: str  # 「92.50分」「12.34秒」「5.62米」「第1名」
    event_id: int = 0
    entry_id: int = 0
    name: str = ""  # the person's or the team's name
    branch_id: int = 0  # the branch kept on the registration, or the team's
    branch_name: str = ""
    published_at: object = None


@dataclass
class Row:
    """One entry of an item's standing."""

    entry: Entry
    name: str
    branch_id: int
    branch_name: str
    number: int  # running order: 「3号」 in blind mode
    rank: int | None = None
    score: rules.Score | None = None  # judged
    totals: dict = field(default_factory=dict)  # judged: {judge id: total (ten-thousandths)}
    dropped: set = field(default_factory=set)  # judged: the judges whose totals were dropped
    marks: dict = field(default_factory=dict)  # sports: {round: hundredths or None}
    value_text: str = ""
    award: str = ""
    points: int = 0


@dataclass
class Standing:
    item: EventItem
    scoring: ItemScoring | None
    rows: list  # of Row, ranked first, in rank order; then unranked by running order
    judges: list = field(default_factory=list)
    round: str = "final"  # sports: the round that decides the ranking

    @property
    def method(self):
        return self.scoring.method if self.scoring else None

    @property
    def missing(self):
        """Judged: how many (judge, entry) scores are still missing from valid judges."""
        counted = [j for j in self.judges if j.revoked_at is None]
        return sum(1 for row in self.rows if row.entry.active
                   for judge in counted if judge.id not in row.totals)


# ------------------------------------------------------------------ single rows

def get_item(item_id):
    item = db.session.get(EventItem, item_id)
    if item is None:
        raise DomainError("not_found")
    return item


def scoring_of(item_id):
    """The item's scoring rule, or None before the organizer set one."""
    return db.session.scalar(db.select(ItemScoring).where(ItemScoring.item_id == item_id))


def scorings_of(event):
    """{item id: ItemScoring} for the items of ``event``."""
    rows = db.session.scalars(db.select(ItemScoring).join(EventItem)
                              .where(EventItem.event_id == event.id)).all()
    return {row.item_id: row for row in rows}


def place_points(event_id):
    """The event's place points table: a list of numbers (default 7-5-4-3-2-1)."""
    row = db.session.scalar(db.select(PlacePoints).where(PlacePoints.event_id == event_id))
    return list(row.points) if row is not None else list(DEFAULT_PLACE_POINTS)


def judges_of(item_id):
    return db.session.scalars(db.select(Judge).where(Judge.item_id == item_id)
                              .order_by(Judge.seat)).all()


def entries_of(item_id, active_only=False):
    """The item's entries in running order, with their people, teams and branches loaded."""
    query = (db.select(Entry).where(Entry.item_id == item_id)
             .options(sa.orm.selectinload(Entry.registration).selectinload(Registration.member),
                      sa.orm.selectinload(Entry.registration).selectinload(Registration.branch),
                      sa.orm.selectinload(Entry.team).selectinload(Team.branch))
             .order_by(Entry.running_order, Entry.id))
    if active_only:
        query = query.where(Entry.active.is_(True))
    return db.session.scalars(query).all()


def contestant(entry):
    """(name, branch id, branch name) of an entry: the person or the team."""
    if entry.team_id is not None:
        return entry.team.name, entry.team.branch_id, entry.team.branch.name
    reg = entry.registration
    return reg.member.name, reg.branch_id, reg.branch.name


# ------------------------------------------------------------------ standings

def item_standing(item, scoring=None, table=None):
    """The standing of one item: every entry (active ones ranked), with its score or mark,
    rank, award level and, in a sports meet, its place points."""
    scoring = scoring if scoring is not None else scoring_of(item.id)
    entries = entries_of(item.id)
    rows = []
    for entry in entries:
        name, branch_id, branch_name = contestant(entry)
        rows.append(Row(entry, name, branch_id, branch_name, entry.running_order))
    standing = Standing(item, scoring, rows)
    if scoring is None:
        return standing
    if scoring.method == "judged":
        _judged(standing)
    else:
        _marked(standing)
    ranges = rules.award_ranges(scoring.award_mode, scoring.award_levels or [])
    if item.event.kind == "sports":
        table = table if table is not None else place_points(item.event_id)
    for row in standing.rows:
        row.award = rules.award_for(row.rank, ranges)
        if table is not None:
            row.points = rules.points_for(row.rank, table, scoring.points_factor)
    return standing


def _rank(standing, keys):
    """Rank the active rows by ``keys`` {row index: key}; withdrawn and unvalued rows
    follow in running order."""
    keyed = [(row, keys.get(i) if row.entry.active else None) for i, row in enumerate(standing.rows)]
    ranked = rules.competition_ranks(keyed)
    for row, rank in ranked:
        row.rank = rank
    standing.rows = [row for row, _rank in ranked]


def _judged(standing):
    scoring = standing.scoring
    standing.judges = judges_of(standing.item.id)
    ids = [row.entry.id for row in standing.rows]
    sheets = db.session.execute(
        db.select(ScoreSheet.entry_id, ScoreSheet.judge_id, ScoreSheet.total_x10000)
        .where(ScoreSheet.entry_id.in_(ids))).all() if ids else []
    by_entry = {}
    for entry_id, judge_id, total in sheets:
        by_entry.setdefault(entry_id, {})[judge_id] = total
    keys = {}
    for i, row in enumerate(standing.rows):
        row.totals = by_entry.get(row.entry.id, {})
        row.score = rules.final_score(list(row.totals.values()), scoring.drop_extremes)
        if row.score.dropped:  # which judges' totals those were (one each, the first seat)
            by_total = sorted(row.totals.items(), key=lambda pair: (pair[1], pair[0]))
            row.dropped = {by_total[0][0], by_total[-1][0]}
        if row.score.value is not None:
            row.value_text = f"{row.score.text}分"
            keys[i] = -row.score.value
    _rank(standing, keys)


def _marked(standing):
    method = standing.scoring.method
    ids = [row.entry.id for row in standing.rows]
    marks = db.session.execute(
        db.select(Mark.entry_id, Mark.round, Mark.value_x100).where(Mark.entry_id.in_(ids))
    ).all() if ids else []
    by_entry = {}
    for entry_id, round_, value in marks:
        by_entry.setdefault(entry_id, {})[round_] = value
    has_final = any(v.get("final") is not None for v in by_entry.values())
    standing.round = "final" if has_final or not by_entry else "heat"
    keys = {}
    for i, row in enumerate(standing.rows):
        row.marks = by_entry.get(row.entry.id, {})
        value = row.marks.get(standing.round)
        if value is not None:
            row.value_text = rules.format_mark(method, value)
            keys[i] = rules.mark_key(method, value)
    _rank(standing, keys)


def event_standings(event, published_only=False):
    """[Standing] of the event's items that have a scoring rule (published ones only,
    for members), in the items' order."""
    scorings = scorings_of(event)
    table = place_points(event.id) if event.kind == "sports" else None
    out = []
    for item in event.items:
        scoring = scorings.get(item.id)
        if scoring is None or (published_only and not scoring.published):
            continue
        out.append(item_standing(item, scoring, table))
    return out


@dataclass
class TeamTotal:
    branch_id: int
    branch_name: str
    points: int
    places: list  # how many first, second … places
    rank: int


def team_totals(event, standings=None, published_only=False):
    """Per-branch totals of a sports meet over its items with marks (published ones only,
    for members): [TeamTotal] best first (rules.team_standings)."""
    if event.kind != "sports":
        return []
    standings = standings if standings is not None else event_standings(event, published_only)
    table = place_points(event.id)
    placings = [(row.branch_id, row.rank, s.scoring.points_factor)
                for s in standings if s.method in MARK_METHODS
                for row in s.rows if row.rank is not None]
    rows = rules.team_standings(placings, table)
    names = dict(db.session.execute(
        db.select(Branch.id, Branch.name).where(Branch.id.in_([r.branch_id for r in rows])))
        .all()) if rows else {}
    return [TeamTotal(r.branch_id, names.get(r.branch_id, ""), r.points,
                      r.place_counts(len(table)), r.rank) for r in rows]


def overview(event):
    """What the staff results page of an event shows: each item's scoring rule and
    standing, the team totals and the place points table."""
    standings = event_standings(event)
    return {"scorings": scorings_of(event), "standings": {s.item.id: s for s in standings},
            "teams": team_totals(event, standings), "points": place_points(event.id)}


# ------------------------------------------------------------------ for members and certificates

def published_results(event):
    """What members see of an event's results: the standings of its published items,
    the team totals over them and the place points table."""
    standings = event_standings(event, published_only=True)
    return {"standings": standings, "teams": team_totals(event, standings),
            "points": place_points(event.id)}


def has_published(event_id):
    """Whether any item of the event has published results (the member page links them)."""
    return db.session.scalar(
        db.select(sa.func.count(ItemScoring.id)).join(EventItem)
        .where(EventItem.event_id == event_id, ItemScoring.published_at.is_not(None))) > 0


def _team_members(team_ids):
    if not team_ids:
        return {}
    rows = db.session.execute(
        db.select(TeamMember.team_id, Registration.member_id)
        .join(Registration, Registration.id == TeamMember.registration_id)
        .where(TeamMember.team_id.in_(team_ids), TeamMember.active.is_(True))
        .order_by(TeamMember.id)).all()
    out = {}
    for team_id, member_id in rows:
        out.setdefault(team_id, []).append(member_id)
    return out


def awards(event_id):
    """[AwardRow] of the event's published items: every active entry whose rank falls in
    an award level, best first within each item, items in their order. Nothing for an
    unknown event or one without published results."""
    event = db.session.get(Event, event_id)
    if event is None:
        return []
    standings = event_standings(event, published_only=True)
    winners = [(s, row) for s in standings for row in s.rows if row.award]
    teams = _team_members([row.entry.team_id for _s, row in winners if row.entry.team_id])
    return [AwardRow(
        item_id=s.item.id, item_name=s.item.name,
        registration_id=row.entry.registration_id, team_id=row.entry.team_id,
        member_ids=(list(teams.get(row.entry.team_id, [])) if row.entry.team_id
                    else [row.entry.registration.member_id]),
        rank=row.rank, award_level_label=row.award, score_text=row.value_text,
        event_id=event.id, entry_id=row.entry.id, name=row.name, branch_id=row.branch_id,
        branch_name=row.branch_name, published_at=s.scoring.published_at,
    ) for s, row in winners]


# ------------------------------------------------------------------ judges' pages


def sheets_of_judge(judge_id):
    """{entry id: ScoreSheet} of one judge."""
    return {s.entry_id: s for s in db.session.scalars(
        db.select(ScoreSheet).where(ScoreSheet.judge_id == judge_id))}


def entry_of_item(item, entry_id):
    """The entry ``entry_id`` of ``item``; judge_link_other_item for another item's."""
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        raise DomainError("not_found")
    if entry.item_id != item.id:
        raise DomainError("judge_link_other_item", http_status=403, item=item.name)
    return entry


def next_to_score(judge, after):
    """The next active entry in running order that ``judge`` has not scored (after
    ``after``, then from the start); None when every one is scored."""
    scored = db.select(ScoreSheet.entry_id).where(ScoreSheet.judge_id == judge.id)
    waiting = db.session.scalars(
        db.select(Entry).where(Entry.item_id == judge.item_id, Entry.active.is_(True),
                               Entry.id.not_in(scored))
        .order_by(Entry.running_order, Entry.id)).all()
    later = [e for e in waiting if (e.running_order, e.id) > (after.running_order, after.id)]
    return (later or waiting or [None])[0]
