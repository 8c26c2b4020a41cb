"""The yearly hours targets (学时目标). Statistics otherwise only read."""
from app.extensions import db
from app.timeutil import UTCDateTime

# A member's target group: cadres are branch secretaries and branch committee members.
TARGET_GROUPS = {"member": "党员", "cadre": "支部书记、支委委员"}


class HoursTarget(db.Model):
    """The 学时 a target group should reach in a year; a year without a row uses the
    defaults of the configuration (HOURS_TARGET_MEMBER, HOURS_TARGET_CADRE: 32 and 56)."""

    __tablename__ = "hours_target"

    id = db.Column(db.Integer, primary_key=True)
    year = db.Column(db.Integer, nullable=False)
    group = db.Column(db.String(20), nullable=False)
    hours = db.Column(db.Numeric(6, 1), nullable=False)

    __table_args__ = (
        db.UniqueConstraint("year", "group"),
        db.CheckConstraint("\"group\" in ('member', 'cadre')", name="group_valid"),
        db.CheckConstraint("hours >= 0", name="hours_not_negative"),
    )


# ------------------------------------------------------------------ derived tables
# Kept by app/stats/facts.py from the check-ins, registrations, leave and sessions (the one
# definition, attendance.presence_rows()); never written by anything else, and rebuilt from
# scratch by marking every event stale. Database triggers (migration 0011) mark an event
# stale in the same transaction as any write that could change its attendance.

class PresenceFact(db.Model):
    """attendance.presence_rows(), stored: one row per (confirmed registration, session of
    its event), with the session's local year and the event's kind."""

    __tablename__ = "presence_fact"

    registration_id = db.Column(db.Integer, primary_key=True, autoincrement=False)
    session_id = db.Column(db.Integer, primary_key=True, autoincrement=False)
    event_id = db.Column(db.Integer, nullable=False, index=True)
    member_id = db.Column(db.Integer, nullable=False)
    branch_id = db.Column(db.Integer, nullable=False)
    year = db.Column(db.Integer, nullable=False)
    kind = db.Column(db.String(30), nullable=False)
    starts_at = db.Column(UTCDateTime, nullable=False)
    invited = db.Column(db.Integer, nullable=False)
    expected = db.Column(db.Integer, nullable=False)
    present = db.Column(db.Integer, nullable=False)
    on_leave = db.Column(db.Integer, nullable=False)
    absent = db.Column(db.Integer, nullable=False)
    walk_in = db.Column(db.Integer, nullable=False)
    credit_hours = db.Column(db.Float, nullable=False)

    __table_args__ = (
        db.Index("ix_presence_fact_starts", "starts_at"),
        db.Index("ix_presence_fact_member", "year", "member_id"),
    )


class MemberYear(db.Model):
    """The presence facts of a member, a branch (kept on the registration) and a local year,
    summed: what the year's branch table reads (50,000 rows for a district's year instead of
    400,000 facts). Sessions to come are in it; the table subtracts their facts."""

    __tablename__ = "member_year"

    # Key (year, branch, member), without a rowid on SQLite: the rows lie in branch order,
    # so the table's sums per branch stream without sorting 50,000 wide rows; the index
    # (year, member, hours) gives each member's 学时 and the refresh's lookups.
    year = db.Column(db.Integer, primary_key=True, autoincrement=False)
    branch_id = db.Column(db.Integer, primary_key=True, autoincrement=False)
    member_id = db.Column(db.Integer, primary_key=True, autoincrement=False)
    expected = db.Column(db.Integer, nullable=False)
    present = db.Column(db.Integer, nullable=False)
    on_leave = db.Column(db.Integer, nullable=False)
    absent = db.Column(db.Integer, nullable=False)
    hours = db.Column(db.Float, nullable=False)
    m_expected = db.Column(db.Integer, nullable=False)
    m_present = db.Column(db.Integer, nullable=False)
    m_on_leave = db.Column(db.Integer, nullable=False)
    m_absent = db.Column(db.Integer, nullable=False)
    kind_training = db.Column(db.Integer, nullable=False)
    kind_contest = db.Column(db.Integer, nullable=False)
    kind_sports = db.Column(db.Integer, nullable=False)
    kind_warning_education = db.Column(db.Integer, nullable=False)
    kind_lecture = db.Column(db.Integer, nullable=False)
    kind_other = db.Column(db.Integer, nullable=False)

    __table_args__ = (
        db.Index("ix_member_year_member", "year", "member_id", "hours"),
        {"sqlite_with_rowid": False},
    )


class StaleEvent(db.Model):
    """An event whose presence facts may be out of date: a row per write (appended by the
    triggers, so concurrent scans never wait on each other); facts.refresh() recomputes
    the events named and deletes the rows it read."""

    __tablename__ = "presence_stale"

    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.Integer, nullable=False)
