from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app.org import service as org_service
from app.registration.queries import home_activities

from . import service

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    overview = org_service.overview(current_user) if current_user.is_staff else None
    return render_template("home/index.html", overview=overview,
                           mine=home_activities(current_user._get_current_object()))


@bp.route("/my/events")
@login_required
def my_events():
    """我的活动: every event of mine, with its ticket and the 学时 earned."""
    return render_template("home/my_events.html",
                           **service.my_events(current_user._get_current_object()))
