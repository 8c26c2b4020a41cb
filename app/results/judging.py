"""Judges of a judged item and their scores.

A judge scores on their own phone through a judge link, like a scanner link: one item,
an expiry, revocable, no staff account, and only a SHA-256 of its token is stored (the
token is shown once, as a URL and a QR). Renewing a link gives the same judge a new
token (the old one stops at once) and keeps their scores. Which links a phone holds,
and the rule that one phone never holds two judges of one item, is in judge_session.py.

``submit_scores()`` is the one writer of score sheets: ordered checks (the link is
valid, the contestant is in the judge's item and still in it, the item is not locked),
then every criterion's score is checked (a number, two decimals at most, 0 to the
criterion's maximum) and the sheet is written whole or not at all.
"""
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from app.audit.service import record
from app.errors import DomainError, message_for
from app.extensions import db
from app.timeutil import utcnow
from app.txn import lock, write_transaction

from . import rules
from .constants import MAX_JUDGES
from .models import Entry, ItemScoring, Judge, ScoreSheet
from .setup import locked_scoring, managed_item, require_open

MAX_LINK_HOURS = 72


def _hash(token):
    return hashlib.sha256((token or "").encode()).hexdigest()


def _check_hours(hours):
    if not isinstance(hours, int) or not 1 <= hours <= MAX_LINK_HOURS:
        raise DomainError("judge_link_hours_range", field="hours")


def _judged_scoring(item_id):
    scoring = locked_scoring(item_id)
    if scoring is None or scoring.method != "judged":
        raise DomainError("item_not_judged")
    return scoring


def add_judge(actor, item_id, name, hours_valid=12, now=None):
    """A new judge (the next seat) with a link valid ``hours_valid`` hours; returns
    (judge, token). The token is not stored: show it now or never."""
    name = (name or "").strip()[:50]
    if not name:
        raise DomainError("judge_name_required", field="name")
    _check_hours(hours_valid)
    now = now or utcnow()
    token = secrets.token_urlsafe(18)
    with write_transaction():
        item, event = managed_item(actor, item_id)
        scoring = _judged_scoring(item.id)
        require_open(scoring)
        seats = db.session.scalars(db.select(Judge.seat).where(Judge.item_id == item.id)).all()
        if len(seats) >= MAX_JUDGES:
            raise DomainError("judges_too_many", max=MAX_JUDGES)
        judge = Judge(item_id=item.id, name=name, seat=max(seats, default=0) + 1,
                      token_hash=_hash(token), created_by_id=actor.id, created_at=now,
                      expires_at=now + timedelta(hours=hours_valid))
        db.session.add(judge)
        db.session.flush()
        record(actor, "judge.create", judge, name=name, item_id=item.id, event_id=event.id,
               expires_at=judge.expires_at.isoformat())
    return judge, token


def _managed_judge(actor, item_id, judge_id):
    item, event = managed_item(actor, item_id)
    judge = lock(Judge, judge_id) if judge_id else None
    if judge is None or judge.item_id != item.id:
        raise DomainError("not_found")
    return judge, item, event


def renew_judge_link(actor, item_id, judge_id, hours_valid=12, now=None):
    """A new token for the judge (the old link stops working); returns (judge, token)."""
    _check_hours(hours_valid)
    now = now or utcnow()
    token = secrets.token_urlsafe(18)
    with write_transaction():
        judge, item, event = _managed_judge(actor, item_id, judge_id)
        require_open(_judged_scoring(item.id))
        judge.token_hash = _hash(token)
        judge.revoked_at = None
        judge.expires_at = now + timedelta(hours=hours_valid)
        record(actor, "judge.renew", judge, name=judge.name, item_id=item.id, event_id=event.id,
               expires_at=judge.expires_at.isoformat())
    return judge, token


def revoke_judge_link(actor, item_id, judge_id, now=None):
    """Stop the judge's link at once; the scores already given stay and count. Revoking
    twice keeps the first time."""
    with write_transaction():
        judge, item, event = _managed_judge(actor, item_id, judge_id)
        if judge.revoked_at is not None:
            return judge
        judge.revoked_at = now or utcnow()
        record(actor, "judge.revoke", judge, name=judge.name, item_id=item.id, event_id=event.id)
    return judge


# ------------------------------------------------------------------ the judge's phone

def judge_for_token(token, now=None):
    """The judge whose link holds ``token``, if valid; else judge_link_invalid."""
    judge = db.session.scalar(db.select(Judge).where(Judge.token_hash == _hash(token)))
    if judge is None or not judge.is_valid(now or utcnow()):
        raise DomainError("judge_link_invalid", http_status=403)
    return judge


def valid_judge(judge_id, now=None):
    """The judge ``judge_id`` if the link is still valid (checked on every request, so a
    revoked or expired link stops at once)."""
    judge = db.session.get(Judge, judge_id) if judge_id else None
    if judge is None or not judge.is_valid(now or utcnow()):
        raise DomainError("judge_link_invalid", http_status=403)
    return judge


def parse_scores(scoring, values):
    """{criterion id: hundredths} from the typed ``values`` {criterion id: text}; raises
    DomainError("scores_have_errors", problems={criterion id: message}) naming each
    criterion that is missing, not a number, below 0 or above its maximum."""
    scores, problems = {}, {}
    for criterion in scoring.criteria:
        text = (values.get(criterion.id) or "").strip()
        try:
            if not text:
                raise DomainError("score_required", name=criterion.name)
            value = rules.hundredths(text)
            if value is None:
                raise DomainError("score_invalid", name=criterion.name)
            if value > criterion.max_x100:
                raise DomainError("score_above_max", name=criterion.name,
                                  max=rules.plain(criterion.max_x100))
        except DomainError as error:
            problems[criterion.id] = error.message
            continue
        scores[criterion.id] = value
    if problems:
        raise DomainError("scores_have_errors", count=len(problems), problems=problems)
    return scores


def submit_scores(judge_id, entry_id, values, now=None):
    """Judge ``judge_id`` scores entry ``entry_id``: ``values`` {criterion id: typed text}.
    Creates or replaces the judge's sheet for the entry; returns it."""
    now = now or utcnow()
    with write_transaction():
        judge = valid_judge(judge_id, now)
        scoring_id = db.session.scalar(
            db.select(ItemScoring.id).where(ItemScoring.item_id == judge.item_id))
        scoring = lock(ItemScoring, scoring_id) if scoring_id is not None else None
        if scoring is None or scoring.method != "judged":
            raise DomainError("item_not_judged")
        entry = db.session.get(Entry, entry_id)
        if entry is None:
            raise DomainError("not_found")
        if entry.item_id != judge.item_id:
            raise DomainError("judge_link_other_item", http_status=403, item=judge.item.name)
        if not entry.active:
            raise DomainError("entry_withdrawn")
        if scoring.locked:
            raise DomainError("results_locked_for_judges", http_status=409)
        scores = parse_scores(scoring, values)
        criteria = [(c.id, c.max_x100, c.weight_x100) for c in scoring.criteria]
        total = rules.judge_total(scores, criteria)
        stored = {str(cid): value for cid, value in scores.items()}
        sheet = db.session.scalar(db.select(ScoreSheet).where(
            ScoreSheet.judge_id == judge.id, ScoreSheet.entry_id == entry.id))
        if sheet is None:
            sheet = ScoreSheet(judge_id=judge.id, entry_id=entry.id, scores=stored,
                               total_x10000=total, submitted_at=now, updated_at=now)
            db.session.add(sheet)
        elif sheet.scores != stored:
            sheet.scores, sheet.total_x10000 = stored, total
            sheet.updated_at, sheet.changes = now, sheet.changes + 1
        db.session.flush()
    return sheet


def progress(judge):
    """How many active entries of the judge's item the judge has scored: (done, of)."""
    active = db.select(Entry.id).where(Entry.item_id == judge.item_id, Entry.active.is_(True))
    of = db.session.scalar(db.select(sa.func.count()).select_from(active.subquery()))
    done = db.session.scalar(db.select(sa.func.count(ScoreSheet.id)).where(
        ScoreSheet.judge_id == judge.id, ScoreSheet.entry_id.in_(active)))
    return done, of


def scored_message(sheet):
    return message_for("score_saved", total=rules.total_text(sheet.total_x10000))
