"""Which judge links a phone holds, kept in its signed session cookie (like scanner links,
checkin/scanning.py): the judge pages name the judge in their URL, and the phone must
hold that judge's link, which is checked again on every request.

Two judges' links of one item on one phone are refused, not mixed: a phone that holds
judge A's valid link for an item cannot open judge B's link for the same item (each
judge scores on their own phone; otherwise one person could score twice, or a form
opened as A could be sent as B). A phone may hold links of different items (a judge of
演讲 and of 征文). To hand a phone over, the judge taps 「退出评委身份」 first; a revoked
or expired link is simply replaced.
"""
from flask import session as flask_session

from app.errors import DomainError
from app.extensions import db
from app.timeutil import utcnow

from .judging import judge_for_token, valid_judge
from .models import Judge

JUDGES_KEY = "judge_ids"  # ids of the judges whose links this browser opened, newest last
MAX_HELD = 5


def _held_ids():
    return [i for i in flask_session.get(JUDGES_KEY) or [] if isinstance(i, int)]


def open_judge_link(token, now=None):
    """A phone opens a judge link: remember the judge, or refuse a second judge of the
    same item (judge_link_other_judge). Returns the judge."""
    now = now or utcnow()
    judge = judge_for_token(token, now)
    held = db.session.scalars(db.select(Judge).where(Judge.id.in_(_held_ids()))).all() \
        if _held_ids() else []
    for other in held:
        if other.item_id == judge.item_id and other.id != judge.id and other.is_valid(now):
            raise DomainError("judge_link_other_judge", http_status=409,
                              seat=other.seat, name=other.name)
    same_item = {other.id for other in held if other.item_id == judge.item_id}
    ids = [i for i in _held_ids() if i not in same_item and i != judge.id]
    flask_session[JUDGES_KEY] = (ids + [judge.id])[-MAX_HELD:]
    flask_session.permanent = True  # WeChat's webview drops session cookies when closed
    return judge


def judge_access(judge_id, now=None):
    """The judge ``judge_id`` if this phone opened their link and it is still valid."""
    if judge_id not in _held_ids():
        raise DomainError("judge_link_required", http_status=403)
    return valid_judge(judge_id, now)


def forget_judge(judge_id):
    """退出评委身份: this phone no longer scores as this judge."""
    flask_session[JUDGES_KEY] = [i for i in _held_ids() if i != judge_id]


def held_judges(now=None):
    """The valid judges this phone holds (the landing page lists them)."""
    now = now or utcnow()
    ids = _held_ids()
    if not ids:
        return []
    judges = db.session.scalars(db.select(Judge).where(Judge.id.in_(ids))).all()
    return [j for j in judges if j.is_valid(now)]
