"""Teams for team items (团体项目): a branch enters a team of its confirmed registrants,
within the item's size limits and the branch's quota of teams.
"""
import sqlalchemy as sa

from app.audit.service import record
from app.errors import DomainError
from app.events.models import Event, EventItem
from app.extensions import db
from app.org.models import Branch
from app.txn import lock, write_transaction

from .models import Registration, Team, TeamMember
from .rights import decides_for


def save_team(actor, item_id, branch_id, name, registration_ids, team_id=None):
    """Create or change a branch's team for a team item, within its size limits."""
    registration_ids = list(dict.fromkeys(registration_ids))
    with write_transaction():
        item = db.session.get(EventItem, item_id)
        if item is None:
            raise DomainError("not_found")
        event = lock(Event, item.event_id)
        branch = db.session.get(Branch, branch_id)
        if branch is None:
            raise DomainError("not_found")
        if not decides_for(actor, event, branch):
            raise DomainError("forbidden")
        if not item.is_team:
            raise DomainError("item_not_team", name=item.name)
        low, high = item.team_min or 1, item.team_max or len(registration_ids) or 1
        if not low <= len(registration_ids) <= high:
            raise DomainError("team_size", field="members", name=item.name, min=low, max=high,
                              count=len(registration_ids))
        team = db.session.get(Team, team_id) if team_id else None
        if team_id and (team is None or team.item_id != item.id):
            raise DomainError("not_found")
        if team is not None and team.branch_id != branch.id:
            raise DomainError("forbidden")  # another branch's team
        registrations = db.session.scalars(
            db.select(Registration).where(Registration.id.in_(registration_ids))).all()
        for registration in registrations:
            name_ = registration.member.name
            chosen = {ri.item_id for ri in registration.active_items}
            if registration.event_id != event.id or registration.status != "confirmed" \
                    or item.id not in chosen:
                raise DomainError("team_member_not_registered", field="members", name=name_,
                                  item=item.name)
            if not registration.branch.is_in_subtree_of(branch):
                raise DomainError("team_member_other_branch", field="members", name=name_)
            taken = db.session.scalar(
                db.select(TeamMember.id).join(TeamMember.team).where(
                    TeamMember.registration_id == registration.id, TeamMember.active.is_(True),
                    Team.item_id == item.id, Team.active.is_(True),
                    Team.id != (team.id if team else -1)))
            if taken:
                raise DomainError("team_member_taken", field="members", name=name_, item=item.name)
        if len(registrations) != len(registration_ids):
            raise DomainError("not_found")
        if team is None:
            teams = db.session.scalar(db.select(sa.func.count(Team.id)).where(
                Team.item_id == item.id, Team.branch_id == branch.id, Team.active.is_(True)))
            if item.branch_quota is not None and teams >= item.branch_quota:
                raise DomainError("team_quota_full", name=item.name, quota=item.branch_quota)
            team = Team(item=item, branch=branch, name=name.strip() or branch.name,
                        created_by_id=actor.id)
            db.session.add(team)
        else:
            team.name = name.strip() or team.name
            for membership in team.members:
                membership.active = False
        current = {m.registration_id: m for m in team.members}
        for registration in registrations:
            membership = current.get(registration.id)
            if membership is None:
                team.members.append(TeamMember(registration=registration))
            else:
                membership.active = True
        db.session.flush()
        record(actor, "team.save", team, item_id=item.id, branch_id=branch.id,
               registration_ids=registration_ids)
    return team
