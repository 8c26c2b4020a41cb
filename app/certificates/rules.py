"""Who qualifies for which certificate, and why (the organizer's preview before issuing).

- ``completion`` (结业证书): attended hours ÷ the event's total hours ≥ its ratio, as
  ``checkin.attendance.completion_rows`` decides (leave earns no hours; a session that
  requires check-out counts only with one).
- ``participation`` (参与证明): present at least once (an entry check-in, 列席 included),
  as ``checkin.attendance.attendance_rows`` flags it.
- ``award`` (获奖证书): a published award level in ``app.results.service.awards()``.

``candidates(event, kind)`` lists everyone with their hours (or award), whether they
qualify, the reason in Chinese, and the valid certificate they already hold; ``state``
then says 已发放 / 待发放 / 不符合, or 需核对 when a certificate was issued and the
records changed afterwards (a corrected check-in, a changed result).
``refusal(event, kind, now)`` says why a kind cannot be issued now (or None).
"""
from dataclasses import dataclass

import sqlalchemy as sa

from app.checkin import attendance
from app.errors import DomainError
from app.extensions import db
from app.org.models import Branch, Member
from app.registration.models import Registration
from app.results import service as results
from app.timeutil import format_local

from .constants import KIND_LABELS
from .models import Certificate

STATES = {"issued": "已发放", "due": "待发放", "no": "不符合", "check": "已发放，需核对"}


@dataclass
class Candidate:
    subject: str  # Certificate.subject
    member_id: int
    registration_id: int | None
    name: str
    branch: str
    qualifies: bool
    reason: str
    order: tuple = ()
    hours: float = 0.0
    total_hours: float = 0.0
    item_id: int | None = None
    award: dict | None = None  # item, award, rank, score
    certificate: Certificate | None = None  # the valid one already issued

    @property
    def changed(self):
        """The certificate issued says something the records no longer do: another award,
        rank or score than the results now, or other 学时 than the check-ins now."""
        if self.certificate is None:
            return False
        said = self.certificate.snapshot
        if self.award is not None:
            return ((said.get("award"), said.get("rank"), said.get("score"))
                    != (self.award.get("award", ""), self.award.get("rank"), self.award.get("score", "")))
        if "hours" not in said:
            return False
        return (number_text(float(said["hours"])), number_text(float(said.get("total_hours") or 0))) != (
            number_text(float(self.hours)), number_text(float(self.total_hours)))

    @property
    def state(self):
        if self.certificate is not None:
            return "issued" if self.qualifies and not self.changed else "check"
        return "due" if self.qualifies else "no"

    @property
    def state_label(self):
        return STATES[self.state]


# ------------------------------------------------------------------ kinds and refusals

def offered_kinds(event):
    """The kinds the certificates page offers for ``event``, the usual one first."""
    if event.has_items:
        return ["award", "participation"]
    if event.kind == "training":
        return ["completion", "participation"]
    return ["participation", "completion"]


def refusal(event, kind, now):
    """The DomainError that stops ``kind`` certificates of ``event`` being issued at
    ``now``, or None."""
    if kind not in offered_kinds(event):
        return DomainError("certificate_kind_unavailable", field="kind", kind=KIND_LABELS.get(kind, ""))
    if event.status == "cancelled":
        return DomainError("event_cancelled")
    if event.status == "draft":
        return DomainError("event_not_published")
    if not event.sessions:
        return DomainError("certificate_no_sessions")
    if kind == "completion" and not event.total_hours > 0:
        return DomainError("certificate_no_hours")
    if now < event.ends_at:
        return DomainError("certificate_event_not_over", end=format_local(event.ends_at))
    return None


# ------------------------------------------------------------------ candidates

def candidates(event, kind):
    """Everyone the preview lists for ``kind`` certificates of ``event`` (see the module)."""
    issued = {c.subject: c for c in db.session.scalars(
        sa.select(Certificate).where(Certificate.event_id == event.id, Certificate.kind == kind,
                                     Certificate.revoked_at.is_(None)))}
    if kind == "award":
        found = _award_candidates(event)
    else:
        found = _attendance_candidates(event, kind)
    for candidate in found:
        candidate.certificate = issued.pop(candidate.subject, None)
    orphans = [_orphan(certificate) for certificate in sorted(issued.values(), key=lambda c: c.id)]
    return sorted(found, key=lambda c: c.order) + orphans


def _confirmed(event):
    return sa.select(Registration.id).where(Registration.event_id == event.id,
                                            Registration.status == "confirmed")


def _attendance_candidates(event, kind):
    registrations = _confirmed(event)
    rows = attendance.attendance_rows(registrations=registrations)
    flags = (sa.select(rows.c.registration_id,
                       sa.func.sum(rows.c.present + rows.c.walk_in).label("came"),
                       sa.func.sum(rows.c.on_leave).label("on_leave"),
                       sa.func.sum(rows.c.present + rows.c.walk_in - rows.c.credited).label("uncredited"))
             .group_by(rows.c.registration_id).subquery("flags"))
    done = attendance.completion_rows(registrations)
    query = (sa.select(Registration.id, Registration.member_id, Member.name, Branch.name.label("branch"),
                       Branch.path, flags.c.came, flags.c.on_leave, flags.c.uncredited,
                       done.c.hours, done.c.total_hours, done.c.ratio, done.c.completed)
             .join(Member, Member.id == Registration.member_id)
             .join(Branch, Branch.id == Registration.branch_id)
             .outerjoin(flags, flags.c.registration_id == Registration.id)
             .outerjoin(done, done.c.registration_id == Registration.id)
             .where(Registration.id.in_(registrations)))
    found = []
    for row in db.session.execute(query):
        hours, total = float(row.hours or 0), float(row.total_hours or 0)
        came, on_leave, uncredited = int(row.came or 0), int(row.on_leave or 0), int(row.uncredited or 0)
        if kind == "completion":
            qualifies = bool(row.completed)
            reason = _completion_reason(hours, total, row.ratio or 0, qualifies, on_leave, uncredited)
        else:
            qualifies = came > 0
            reason = f"到场 {came} 场" if qualifies else "未到场" + (f"（请假 {on_leave} 场）" if on_leave else "")
        found.append(Candidate(
            subject=f"r{row.id}", member_id=row.member_id, registration_id=row.id, name=row.name,
            branch=row.branch, qualifies=qualifies, reason=reason, hours=hours, total_hours=total,
            order=(row.path, row.name, row.id)))
    return found


def number_text(value):
    """1.5 → "1.5", 24.0 → "24"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _completion_reason(hours, total, ratio, qualifies, on_leave, uncredited):
    share = hours / total * 100 if total else 0
    text = (f"出勤 {number_text(hours)} 学时，共 {number_text(total)} 学时（{number_text(share)}%），"
            f"{'达到' if qualifies else '未达到'}结业要求 {number_text(ratio * 100)}%")
    if on_leave:
        text += f"；请假 {on_leave} 场"
    if uncredited:
        text += f"；{uncredited} 场未签退，不计学时"
    return text


def award_rows(event_id):
    """The published awards of an event: [AwardRow] of app.results.service.awards()."""
    return results.awards(event_id)


def _award_candidates(event):
    rows = award_rows(event.id)
    member_ids = {member_id for row in rows for member_id in row.member_ids}
    people, names = {}, {}
    if member_ids:
        # Each member's registration in the event (its kept branch); the confirmed one first.
        registered = db.session.execute(
            sa.select(Registration.member_id, Registration.id, Registration.status, Branch.name, Branch.path)
            .join(Branch, Branch.id == Registration.branch_id)
            .where(Registration.event_id == event.id, Registration.member_id.in_(member_ids))
            .order_by((Registration.status == "confirmed").desc(), Registration.id.desc())).all()
        for row in registered:
            people.setdefault(row.member_id, row)
        names = dict(db.session.execute(sa.select(Member.id, Member.name).where(Member.id.in_(member_ids))).all())
    item_order = {item.id: n for n, item in enumerate(event.items)}
    found = []
    for row in rows:
        level = (row.award_level_label or "").strip()
        for member_id in row.member_ids:
            registration = people.get(member_id)
            award = {"item": row.item_name, "award": level, "rank": row.rank, "score": row.score_text or ""}
            rank = f"第{row.rank}名" if row.rank else ""
            reason = f"{row.item_name} {rank} {level}".strip() if level else f"{row.item_name} {rank}，未获奖"
            found.append(Candidate(
                subject=f"i{row.item_id}:m{member_id}", member_id=member_id,
                registration_id=registration.id if registration else row.registration_id,
                name=names.get(member_id, ""), branch=registration.name if registration else "",
                qualifies=bool(level), reason=reason, item_id=row.item_id, award=award,
                order=(item_order.get(row.item_id, 0), row.rank or 0, names.get(member_id, ""), member_id)))
    return found


def _orphan(certificate):
    """A valid certificate whose person the current records no longer list (an award that
    was withdrawn, a registration that was cancelled afterwards)."""
    snapshot = certificate.snapshot
    return Candidate(
        subject=certificate.subject, member_id=certificate.member_id,
        registration_id=certificate.registration_id, name=snapshot.get("name", ""),
        branch=snapshot.get("branch", ""), qualifies=False, reason="现在的记录中已没有这一项",
        item_id=certificate.item_id, certificate=certificate)


def summary(found):
    """Counts for the preview: {state: n} and how many qualify."""
    counts = {state: 0 for state in STATES}
    for candidate in found:
        counts[candidate.state] += 1
    counts["qualify"] = sum(1 for c in found if c.qualifies)
    return counts
