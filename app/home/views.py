from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app.org import service as org_service
from app.registration.queries import home_activities

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    overview = org_service.overview(current_user) if current_user.is_staff else None
    return render_template("home/index.html", overview=overview,
                           mine=home_activities(current_user._get_current_object()))
