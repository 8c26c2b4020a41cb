"""JSON API v1. Staff log in as usual and send the CSRF token in an X-CSRFToken header."""
from flask import Blueprint, abort, jsonify, request
from flask_login import current_user

from app.checkin import service as checkin
from app.errors import DomainError
from app.events.models import EventSession
from app.events.service import can_manage
from app.extensions import db

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _session_for_staff(session_id):
    session = db.session.get(EventSession, session_id)
    if session is None:
        abort(404)
    if not current_user.is_authenticated:
        abort(401)
    if not can_manage(current_user, session.event):
        abort(403)
    return session


@bp.errorhandler(DomainError)
def domain_error(error):
    return jsonify({"result": "refused", "code": error.code, "message": error.message}), 400


@bp.route("/sessions/<int:session_id>/scans", methods=["POST"])
def scan(session_id):
    session = _session_for_staff(session_id)
    body = request.get_json(silent=True) or {}
    answer = checkin.perform_checkin(
        session.id, kind=body.get("kind") or "entry", method="ticket_scan",
        code=str(body.get("code") or ""), nonce=body.get("nonce"), operator=current_user,
        device=request.headers.get("User-Agent", ""))
    return jsonify(answer.as_json())


@bp.route("/sessions/<int:session_id>/summary")
def summary(session_id):
    session = _session_for_staff(session_id)
    return jsonify(checkin.session_summary(session))
