"""Issuing and revoking certificates: serial numbers, verification codes, snapshots.

``issue(actor, event_id, kind)`` issues, in one transaction, a certificate to everyone
``rules.candidates`` lists as due (qualifying, without a valid certificate of that kind),
so issuing twice issues nothing new and a late back-fill issues just the people it made
qualify. The event row is locked while deciding (SELECT … FOR UPDATE on PostgreSQL;
BEGIN IMMEDIATE already serialises writers on SQLite), the serial counter row too, and
the database holds the last line: serials and codes are unique, and so is a valid
certificate per subject (a partial unique index). A conflict that still slips through
(two processes creating the counter row at once) rolls everything back and is tried again.

Serial numbers read ``2026-JY-0012-0007``: the year of issue (local time), the kind
(JY 结业证书, CY 参与证明, HJ 获奖证书), the event's id (at least four digits) and the
sequence within that year, kind and event (at least four digits), in issuing order: people
sorted by branch and name, later additions after them.

Each certificate keeps a snapshot of what it says (see models.Certificate); printing again
reads the snapshot, so editing the event or the wording afterwards changes no issued
certificate. ``revoke`` needs a reason, is audited and keeps the row.
"""
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.audit.service import record
from app.errors import DomainError
from app.events.models import Event
from app.events.service import can_manage
from app.extensions import db
from app.timeutil import to_local, utcnow
from app.txn import lock, write_transaction

from . import rules, wording
from .constants import CODE_ALPHABET, CODE_LENGTH, REVOKE_REASON_MAX, SERIAL_CODES
from .models import Certificate, CertificateCounter

ATTEMPTS = 3


@dataclass
class Issued:
    count: int
    first_serial: str = ""
    last_serial: str = ""


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def serial_number(year, kind, event_id, sequence):
    return f"{year}-{SERIAL_CODES[kind]}-{event_id:04d}-{sequence:04d}"


def managed_event(actor, event_id):
    """The event, if ``actor`` may manage it (else not found / forbidden)."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise DomainError("event_not_found")
    if not can_manage(actor, event):
        raise DomainError("forbidden", http_status=403)
    return event


def managed_row(actor, model, row_id):
    """A row (a certificate, a print job) of an event ``actor`` may manage."""
    row = db.session.get(model, row_id)
    if row is None:
        raise DomainError("not_found")
    managed_event(actor, row.event_id)
    return row


# ------------------------------------------------------------------ what a certificate says

def date_text(day):
    return f"{day.year}年{day.month}月{day.day}日"


def event_dates(event):
    """「2026年3月5日」, 「2026年3月5日至3月7日」, 「2026年12月30日至2027年1月2日」 (local dates)."""
    first, last = to_local(event.starts_at).date(), to_local(event.ends_at).date()
    if first == last:
        return date_text(first)
    if first.year == last.year:
        return f"{date_text(first)}至{last.month}月{last.day}日"
    return f"{date_text(first)}至{date_text(last)}"


def snapshot(event, kind, candidate, words, seal_id, issued_on):
    """What the certificate of ``candidate`` says, filled in and frozen."""
    award = candidate.award or {}
    facts = {
        "kind": kind, "title": words.title, "name": candidate.name, "branch": candidate.branch,
        "event": event.title, "dates": event_dates(event), "issuer": words.issuer,
        "issued_on": date_text(issued_on), "seal_id": seal_id,
    }
    if kind == "award":
        facts.update(item=award.get("item", ""), award=award.get("award", ""),
                     rank=award.get("rank"), score=award.get("score", ""))
    else:
        facts.update(hours=candidate.hours, total_hours=candidate.total_hours)
    values = {
        "姓名": facts["name"], "支部": facts["branch"], "活动名称": facts["event"],
        "日期": facts["dates"], "发证单位": facts["issuer"], "发证日期": facts["issued_on"],
        "学时": rules.number_text(candidate.hours), "总学时": rules.number_text(candidate.total_hours),
        "项目": award.get("item", ""), "奖项": award.get("award", ""),
        "名次": f"第{award['rank']}名" if award.get("rank") else "", "成绩": award.get("score", ""),
    }
    facts["body"] = wording.fill(words.body, values)
    return facts


# ------------------------------------------------------------------ issuing

def issue(actor, event_id, kind, now=None):
    """Issue ``kind`` certificates to everyone due; returns Issued (count 0: nothing new)."""
    now = now or utcnow()
    for attempt in range(ATTEMPTS):
        try:
            with write_transaction():
                return _issue(actor, event_id, kind, now)
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _issue(actor, event_id, kind, now):
    managed_event(actor, event_id)
    event = lock(Event, event_id)
    refused = rules.refusal(event, kind, now)
    if refused is not None:
        raise refused
    due = [c for c in rules.candidates(event, kind) if c.state == "due"]
    if not due:
        return Issued(0)
    year = to_local(now).year
    counter = _locked_counter(year, kind, event.id)
    words = wording.wording(event, kind)
    seal = wording.current_seal(event.id)
    seal_id = seal.id if seal is not None else None
    issued_on = to_local(now).date()
    rows = []
    for offset, candidate in enumerate(due, start=1):
        sequence = counter.last + offset
        rows.append({
            "event_id": event.id, "kind": kind, "member_id": candidate.member_id,
            "registration_id": candidate.registration_id, "item_id": candidate.item_id,
            "subject": candidate.subject, "serial": serial_number(year, kind, event.id, sequence),
            "year": year, "sequence": sequence, "code": new_code(), "seal_id": seal_id,
            "snapshot": snapshot(event, kind, candidate, words, seal_id, issued_on),
            "issued_at": now, "issued_by_id": actor.id, "revoke_reason": "", "verify_count": 0,
        })
    counter.last += len(due)
    db.session.execute(sa.insert(Certificate), rows)
    record(actor, "certificate.issue", event, certificate_kind=kind, count=len(rows))
    return Issued(len(rows), rows[0]["serial"], rows[-1]["serial"])


def _locked_counter(year, kind, event_id):
    """The counter row of (year, kind, event), locked until the transaction ends."""
    query = (sa.select(CertificateCounter).filter_by(year=year, kind=kind, event_id=event_id)
             .with_for_update().execution_options(populate_existing=True))
    counter = db.session.scalar(query)
    if counter is None:
        counter = CertificateCounter(year=year, kind=kind, event_id=event_id, last=0)
        db.session.add(counter)
        db.session.flush()  # a second process creating it too fails here: issue() tries again
    return counter


# ------------------------------------------------------------------ revoking

def revoke(actor, certificate_id, reason, now=None):
    """Revoke a certificate with a reason; the row stays, the verification page says
    revoked. Revoking twice is refused (the first reason stands)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("certificate_revoke_reason_required", field="reason")
    with write_transaction():
        certificate = lock(Certificate, certificate_id)
        if certificate is None:
            raise DomainError("not_found")
        managed_event(actor, certificate.event_id)
        if certificate.revoked_at is not None:
            raise DomainError("certificate_already_revoked")
        certificate.revoked_at = now or utcnow()
        certificate.revoked_by_id = actor.id
        certificate.revoke_reason = reason[:REVOKE_REASON_MAX]
        record(actor, "certificate.revoke", certificate, event_id=certificate.event_id,
               member_id=certificate.member_id, certificate_kind=certificate.kind,
               reason=certificate.revoke_reason)
    return certificate


