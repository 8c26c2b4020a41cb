"""The yearly hours targets (学时目标). Statistics otherwise only read."""
from app.extensions import db

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
