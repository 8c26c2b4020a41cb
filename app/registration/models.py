import sqlalchemy as sa

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow

from .constants import ACTIVE_STATUSES, LEAVE_STATUSES, REGISTRATION_STATUSES, SOURCES

_active = "status in ({})".format(", ".join(f"'{s}'" for s in ACTIVE_STATUSES))


class Registration(db.Model):
    """One member in one event. Never deleted: cancelled and rejected rows stay."""

    __tablename__ = "registration"

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, db.ForeignKey("event.id"), nullable=False)
    member_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False, index=True)
    status = db.Column(db.String(20), nullable=False)
    source = db.Column(db.String(20), nullable=False, default="self")
    # The member's branch when they registered, so statistics stay true when people move.
    branch_id = db.Column(db.Integer, db.ForeignKey("branch.id"), nullable=False, index=True)
    registered_by_id = db.Column(db.Integer, db.ForeignKey("member.id"))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    decided_by_id = db.Column(db.Integer, db.ForeignKey("member.id"))
    decided_at = db.Column(UTCDateTime)
    decision_reason = db.Column(db.String(200), nullable=False, default="")
    promoted_at = db.Column(UTCDateTime)  # moved up from the waitlist
    cancelled_at = db.Column(UTCDateTime)

    event = db.relationship("Event")
    member = db.relationship("Member", foreign_keys=[member_id])
    branch = db.relationship("Branch")
    registered_by = db.relationship("Member", foreign_keys=[registered_by_id])
    decided_by = db.relationship("Member", foreign_keys=[decided_by_id])
    items = db.relationship("RegistrationItem", back_populates="registration",
                            order_by="RegistrationItem.id")
    leaves = db.relationship("Leave", back_populates="registration", order_by="Leave.id")

    __table_args__ = (
        sa.CheckConstraint(
            "status in ('pending', 'confirmed', 'waitlisted', 'rejected', 'cancelled')",
            name="status_valid"),
        sa.CheckConstraint("source in ('self', 'proxy', 'invited', 'walk_in')", name="source_valid"),
        # One active registration per member and event, enforced by the database.
        sa.Index("uq_registration_active_member", "event_id", "member_id", unique=True,
                 sqlite_where=sa.text(_active), postgresql_where=sa.text(_active)),
        sa.Index("ix_registration_event_status", "event_id", "status"),
    )

    @property
    def status_label(self):
        return REGISTRATION_STATUSES.get(self.status, self.status)

    @property
    def source_label(self):
        return SOURCES.get(self.source, self.source)

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES

    @property
    def active_items(self):
        return [ri for ri in self.items if ri.active]


class RegistrationItem(db.Model):
    """An item (比赛项目) chosen in a registration; inactive once dropped or cancelled."""

    __tablename__ = "registration_item"

    id = db.Column(db.Integer, primary_key=True)
    registration_id = db.Column(db.Integer, db.ForeignKey("registration.id"), nullable=False,
                                index=True)
    item_id = db.Column(db.Integer, db.ForeignKey("event_item.id"), nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    registration = db.relationship("Registration", back_populates="items")
    item = db.relationship("EventItem")

    __table_args__ = (sa.Index("ix_registration_item_item_active", "item_id", "active"),)


class Leave(db.Model):
    """请假: for one session (session_id) or all sessions (session_id is null)."""

    __tablename__ = "leave_request"

    id = db.Column(db.Integer, primary_key=True)
    registration_id = db.Column(db.Integer, db.ForeignKey("registration.id"), nullable=False,
                                index=True)
    session_id = db.Column(db.Integer, db.ForeignKey("event_session.id"))
    reason = db.Column(db.String(200), nullable=False)
    status = db.Column(db.String(20), nullable=False, default="pending")
    requested_by_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    decided_by_id = db.Column(db.Integer, db.ForeignKey("member.id"))
    decided_at = db.Column(UTCDateTime)
    decision_note = db.Column(db.String(200), nullable=False, default="")

    registration = db.relationship("Registration", back_populates="leaves")
    session = db.relationship("EventSession")
    requested_by = db.relationship("Member", foreign_keys=[requested_by_id])
    decided_by = db.relationship("Member", foreign_keys=[decided_by_id])

    __table_args__ = (
        sa.CheckConstraint("status in ('pending', 'approved', 'rejected')", name="status_valid"),
    )

    @property
    def status_label(self):
        return LEAVE_STATUSES.get(self.status, self.status)


class Team(db.Model):
    """A branch's team for a team item (e.g. 拔河), formed by the branch secretary."""

    __tablename__ = "team"

    id = db.Column(db.Integer, primary_key=True)
    item_id = db.Column(db.Integer, db.ForeignKey("event_item.id"), nullable=False, index=True)
    branch_id = db.Column(db.Integer, db.ForeignKey("branch.id"), nullable=False)
    name = db.Column(db.String(100), nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_by_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    item = db.relationship("EventItem")
    branch = db.relationship("Branch")
    members = db.relationship("TeamMember", back_populates="team", order_by="TeamMember.id")


class TeamMember(db.Model):
    __tablename__ = "team_member"

    id = db.Column(db.Integer, primary_key=True)
    team_id = db.Column(db.Integer, db.ForeignKey("team.id"), nullable=False, index=True)
    registration_id = db.Column(db.Integer, db.ForeignKey("registration.id"), nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True)

    team = db.relationship("Team", back_populates="members")
    registration = db.relationship("Registration")
