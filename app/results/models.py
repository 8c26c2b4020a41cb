"""Tables of results. Every number of points, score or mark is an integer of hundredths
(9250 = 92.50), so sums and averages are exact decimals on SQLite and PostgreSQL alike;
rules.py turns them into Decimal and back."""
import sqlalchemy as sa

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow


def _in(column, values):
    return f"{column} in ({', '.join(repr(v) for v in values)})"


class ItemScoring(db.Model):
    """How one item (EventItem) is decided, its award levels and its state: open while
    judges score or marks are typed, locked once the organizer says the results stand,
    and published (a time) when members may see them."""

    __tablename__ = "item_scoring"

    id = db.Column(db.Integer, primary_key=True)
    item_id = db.Column(db.Integer, db.ForeignKey("event_item.id"), nullable=False, unique=True)
    method = db.Column(db.String(20), nullable=False, default="judged")
    # Drop the highest and the lowest total when five judges or more scored an entry.
    drop_extremes = db.Column(db.Boolean, nullable=False, default=True)
    blind = db.Column(db.Boolean, nullable=False, default=False)  # judges see numbers, not names
    award_mode = db.Column(db.String(10), nullable=False, default="count")
    # [{"label": "一等奖", "count": 1}, ...] or [{"label": "一等奖", "first": 1, "last": 1}, ...]
    award_levels = db.Column(sa.JSON, nullable=False, default=list)
    points_factor = db.Column(db.Integer, nullable=False, default=1)  # relays: 2
    state = db.Column(db.String(10), nullable=False, default="open")
    locked_at = db.Column(UTCDateTime)
    published_at = db.Column(UTCDateTime)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    item = db.relationship("EventItem")
    criteria = db.relationship("Criterion", back_populates="scoring",
                               order_by="(Criterion.sort_order, Criterion.id)")

    __table_args__ = (
        sa.CheckConstraint(_in("method", ("judged", "time", "distance", "height", "place")),
                           name="method_valid"),
        sa.CheckConstraint(_in("state", ("open", "locked")), name="state_valid"),
        sa.CheckConstraint(_in("award_mode", ("count", "ranks")), name="award_mode_valid"),
        sa.CheckConstraint("points_factor > 0", name="factor_positive"),
        sa.CheckConstraint("published_at is null or state = 'locked'", name="published_locked"),
    )

    @property
    def locked(self):
        return self.state == "locked"

    @property
    def published(self):
        return self.published_at is not None


class Criterion(db.Model):
    """One criterion of a judged item: 内容 (max 40, weight 1). A judge's total is the sum
    of score × weight over the criteria."""

    __tablename__ = "criterion"

    id = db.Column(db.Integer, primary_key=True)
    scoring_id = db.Column(db.Integer, db.ForeignKey("item_scoring.id"), nullable=False,
                           index=True)
    name = db.Column(db.String(30), nullable=False)
    max_x100 = db.Column(db.Integer, nullable=False)
    weight_x100 = db.Column(db.Integer, nullable=False, default=100)
    sort_order = db.Column(db.Integer, nullable=False, default=0)

    scoring = db.relationship("ItemScoring", back_populates="criteria")

    __table_args__ = (
        sa.CheckConstraint("max_x100 > 0", name="max_positive"),
        sa.CheckConstraint("weight_x100 > 0", name="weight_positive"),
    )


class Entry(db.Model):
    """A contestant of an item: a registration (individual item) or a team (team item),
    taken from the registrations, never typed. Inactive once the registration or team
    is no longer in the item (退赛); its scores and marks stay."""

    __tablename__ = "result_entry"

    id = db.Column(db.Integer, primary_key=True)
    item_id = db.Column(db.Integer, db.ForeignKey("event_item.id"), nullable=False, index=True)
    registration_id = db.Column(db.Integer, db.ForeignKey("registration.id"))
    team_id = db.Column(db.Integer, db.ForeignKey("team.id"))
    running_order = db.Column(db.Integer, nullable=False)  # 出场顺序; also the number in blind mode
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    item = db.relationship("EventItem")
    registration = db.relationship("Registration")
    team = db.relationship("Team")

    __table_args__ = (
        sa.CheckConstraint("(registration_id is null) <> (team_id is null)", name="one_contestant"),
        sa.UniqueConstraint("item_id", "registration_id", name="uq_result_entry_registration"),
        sa.UniqueConstraint("item_id", "team_id", name="uq_result_entry_team"),
    )


class Judge(db.Model):
    """A judge of one judged item, scoring through a link on their own phone: no staff
    account. Only a hash of the link's token is stored; the link expires and can be
    revoked, or renewed (a new token, the old one stops) keeping the judge's scores."""

    __tablename__ = "judge"

    id = db.Column(db.Integer, primary_key=True)
    item_id = db.Column(db.Integer, db.ForeignKey("event_item.id"), nullable=False, index=True)
    name = db.Column(db.String(50), nullable=False)
    seat = db.Column(db.Integer, nullable=False)  # 1号评委, 2号评委 …
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    created_by_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = db.Column(UTCDateTime, nullable=False)
    revoked_at = db.Column(UTCDateTime)

    item = db.relationship("EventItem")
    created_by = db.relationship("Member")

    __table_args__ = (sa.UniqueConstraint("item_id", "seat", name="uq_judge_seat"),)

    def is_valid(self, now):
        return self.revoked_at is None and now < self.expires_at


class ScoreSheet(db.Model):
    """One judge's scores for one entry: {criterion id: hundredths}. Changed in place
    until the item is locked; ``changes`` counts the changes after the first time."""

    __tablename__ = "score_sheet"

    id = db.Column(db.Integer, primary_key=True)
    judge_id = db.Column(db.Integer, db.ForeignKey("judge.id"), nullable=False)
    entry_id = db.Column(db.Integer, db.ForeignKey("result_entry.id"), nullable=False, index=True)
    scores = db.Column(sa.JSON, nullable=False)
    total_x10000 = db.Column(sa.BigInteger, nullable=False)  # sum of score × weight, exact
    submitted_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    changes = db.Column(db.Integer, nullable=False, default=0)

    judge = db.relationship("Judge")
    entry = db.relationship("Entry")

    __table_args__ = (sa.UniqueConstraint("judge_id", "entry_id", name="uq_score_sheet_judge_entry"),)


class Mark(db.Model):
    """A sports result of an entry in one round: a time, distance or height in hundredths
    (seconds, metres) or a place ×100; None when the entry has no result (未完成)."""

    __tablename__ = "result_mark"

    id = db.Column(db.Integer, primary_key=True)
    entry_id = db.Column(db.Integer, db.ForeignKey("result_entry.id"), nullable=False)
    round = db.Column(db.String(10), nullable=False, default="final")
    value_x100 = db.Column(db.Integer)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    entry = db.relationship("Entry")

    __table_args__ = (
        sa.CheckConstraint(_in("round", ("heat", "final")), name="round_valid"),
        sa.CheckConstraint("value_x100 is null or value_x100 >= 0", name="value_not_negative"),
        sa.UniqueConstraint("entry_id", "round", name="uq_result_mark_entry_round"),
    )


class PlacePoints(db.Model):
    """The place points table of one sports meet (default 7-5-4-3-2-1)."""

    __tablename__ = "place_points"

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("event.id"), nullable=False, unique=True)
    points = db.Column(sa.JSON, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
