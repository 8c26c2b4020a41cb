"""GET /api/v1/stats/members/<id>: a member's learning record (我的学习档案) as JSON, scoped
like the pages: the member themselves, or staff who see the member (org.scope). The
numbers are the page's (stats.records, every one from checkin/attendance.py). Its part
of the OpenAPI document is in member_stats_doc.py."""
from flask import jsonify, request
from flask_login import current_user

from app.errors import DomainError
from app.extensions import db
from app.org.models import Member
from app.stats import records

from .views import bp


@bp.route("/stats/members/<int:member_id>")
def member_record(member_id):
    if not current_user.is_authenticated:
        raise DomainError("login_required", http_status=401)
    member = db.session.get(Member, member_id)
    if member is None:
        raise DomainError("not_found")
    if not records.may_view(current_user, member):
        raise DomainError("forbidden", http_status=403)
    year = records.parse_year(request.args.get("year"), strict=True)
    return jsonify(records.record_json(records.member_record(member, year)))
