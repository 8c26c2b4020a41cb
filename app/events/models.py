import sqlalchemy as sa

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow

from .constants import EVENT_KINDS, EVENT_STATUSES, KINDS_WITH_ITEMS


class Event(db.Model):
    __tablename__ = "event"

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    kind = db.Column(db.String(20), nullable=False, default="other")
    organizer_branch_id = db.Column(db.Integer, db.ForeignKey("branch.id"), nullable=False,
                                    index=True)
    summary = db.Column(db.String(500), nullable=False, default="")
    description = db.Column(db.Text, nullable=False, default="")
    place = db.Column(db.String(200), nullable=False, default="")
    registration_opens_at = db.Column(UTCDateTime)
    registration_closes_at = db.Column(UTCDateTime)
    capacity = db.Column(db.Integer)  # None = unlimited
    waitlist_enabled = db.Column(db.Boolean, nullable=False, default=True)
    approval_required = db.Column(db.Boolean, nullable=False, default=False)
    # 每人限报N项 for contests and sports meets; None = no limit.
    item_limit = db.Column(db.Integer)
    # 列席: staff may check in people not on the list; counted apart from 应到.
    allow_walk_in = db.Column(db.Boolean, nullable=False, default=False, server_default=sa.false())
    # 结业: attended hours / total hours must reach this ratio.
    completion_ratio = db.Column(db.Float, nullable=False, default=0.75)
    # Who may register; see events.eligibility. Empty = every active member.
    eligibility = db.Column(sa.JSON, nullable=False, default=dict)
    status = db.Column(db.String(20), nullable=False, default="draft", index=True)
    cancel_reason = db.Column(db.String(200), nullable=False, default="")
    created_by_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    published_at = db.Column(UTCDateTime)

    organizer_branch = db.relationship("Branch")
    created_by = db.relationship("Member")
    sessions = db.relationship("EventSession", back_populates="event",
                               order_by="(EventSession.starts_at, EventSession.id)",
                               cascade="all, delete-orphan")
    items = db.relationship("EventItem", back_populates="event",
                            order_by="(EventItem.sort_order, EventItem.id)",
                            cascade="all, delete-orphan")

    __table_args__ = (
        sa.CheckConstraint(
            "status in ('draft', 'published', 'closed', 'cancelled')", name="status_valid"),
        sa.CheckConstraint("capacity is null or capacity > 0", name="capacity_positive"),
    )

    @property
    def kind_label(self):
        return EVENT_KINDS.get(self.kind, self.kind)

    @property
    def status_label(self):
        return EVENT_STATUSES.get(self.status, self.status)

    @property
    def has_items(self):
        return self.kind in KINDS_WITH_ITEMS

    @property
    def starts_at(self):
        return self.sessions[0].starts_at if self.sessions else None

    @property
    def ends_at(self):
        return max((s.ends_at for s in self.sessions), default=None)

    @property
    def total_hours(self):
        return sum(s.credit_hours or 0 for s in self.sessions)


class EventSession(db.Model):
    """场次/课次: one sitting of an event, with its own time, place and credit hours."""

    __tablename__ = "event_session"

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("event.id"), nullable=False, index=True)
    title = db.Column(db.String(100), nullable=False, default="")
    starts_at = db.Column(UTCDateTime, nullable=False)
    ends_at = db.Column(UTCDateTime, nullable=False)
    place = db.Column(db.String(200), nullable=False, default="")
    credit_hours = db.Column(db.Float, nullable=False, default=0)
    grace_minutes = db.Column(db.Integer, nullable=False, default=10)
    checkout_required = db.Column(db.Boolean, nullable=False, default=False)
    # 签名签到: members sign on a screen at check-in; the 签到表 prints the signatures.
    signature_required = db.Column(db.Boolean, nullable=False, default=False,
                                   server_default=sa.false())

    event = db.relationship("Event", back_populates="sessions")

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("credit_hours >= 0", name="hours_not_negative"),
    )

    @property
    def effective_place(self):
        return self.place or self.event.place


class EventItem(db.Model):
    """比赛项目: 100米, 拔河, 演讲 ... individual or team, with capacity and per-branch quota."""

    __tablename__ = "event_item"

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("event.id"), nullable=False, index=True)
    name = db.Column(db.String(100), nullable=False)
    is_team = db.Column(db.Boolean, nullable=False, default=False)
    capacity = db.Column(db.Integer)
    branch_quota = db.Column(db.Integer)  # per 党支部; None = no quota
    team_min = db.Column(db.Integer)
    team_max = db.Column(db.Integer)
    gender = db.Column(db.String(1), nullable=False, default="")  # '', 'M', 'F'
    min_age = db.Column(db.Integer)
    max_age = db.Column(db.Integer)
    sort_order = db.Column(db.Integer, nullable=False, default=0)

    event = db.relationship("Event", back_populates="items")

    __table_args__ = (
        sa.CheckConstraint("capacity is null or capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("branch_quota is null or branch_quota > 0", name="quota_positive"),
    )
